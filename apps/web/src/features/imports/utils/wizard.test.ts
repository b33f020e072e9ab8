import { importSettings } from '@leadflow/shared/imports';
import { describe, expect, it } from 'vitest';
import { applyTemplate, duplicateTargets, formatDuration, guessDateFormat, initialValues, progressPercent, reportCounts, toSettings, valuesProblems } from './wizard';

const columns = [
  { header: 'Nome', samples: ['Ana Lima', 'Bia'], suggested: 'name' },
  { header: 'Telefone', samples: ['(11) 99999-8888'], suggested: 'phone' },
  { header: 'E-mail', samples: ['ana@x.com'], suggested: 'email' },
  { header: 'Data de retorno', samples: ['25/12/2026', '03/01/2027'], suggested: 'nextFollowUpAt' },
  { header: 'Coluna X', samples: [], suggested: null },
];

describe('import wizard values', () => {
  it('start from the server’s suggestions: match on the mapped email, dates read from the samples', () => {
    const values = initialValues(columns, null, 'MDY');
    expect(values.mapping).toEqual({ Nome: 'name', Telefone: 'phone', 'E-mail': 'email', 'Data de retorno': 'nextFollowUpAt', 'Coluna X': null });
    expect(values.matchOn).toBe('email');
    expect(values.dateFormat).toBe('DMY');
    expect(values.assignment).toBe('none');
    expect(valuesProblems(values)).toEqual([]);
  });

  it('start from the settings an earlier dry run saved, not the suggestions', () => {
    const saved = toSettings({ ...initialValues(columns, null, 'DMY'), mode: 'upsert', matchOn: 'phone', tags: ['feira'], source: 'Feira' });
    saved.columns = [{ column: 'Telefone', target: 'phone' }, { column: 'Coluna X', target: 'company' }];
    const values = initialValues(columns, saved, 'MDY');
    expect(values.mapping).toEqual({ Nome: null, Telefone: 'phone', 'E-mail': null, 'Data de retorno': null, 'Coluna X': 'company' });
    expect(values).toMatchObject({ mode: 'upsert', matchOn: 'phone', tags: ['feira'], source: 'Feira', dateFormat: 'DMY' });
  });

  it('a template maps the columns it knows by header and leaves the others out', () => {
    const values = initialValues(columns, null, 'DMY');
    const template = { columns: [{ column: 'E-mail', target: 'email' }, { column: 'Other file column', target: 'city' }], mode: 'update', matchOn: 'email', assignment: { kind: 'distribution' }, defaults: {}, dateFormat: 'YMD' };
    const next = applyTemplate(values, template);
    expect(next.mapping).toEqual({ Nome: null, Telefone: null, 'E-mail': 'email', 'Data de retorno': null, 'Coluna X': null });
    expect(next).toMatchObject({ mode: 'update', matchOn: 'email', assignment: 'distribution', dateFormat: 'YMD' });
  });

  it('name what keeps the values from being sent', () => {
    const values = initialValues(columns, null, 'DMY');
    expect(duplicateTargets({ a: 'name', b: 'name', c: 'phone', d: 'phone', e: null })).toEqual(['name']);
    expect(valuesProblems({ ...values, mapping: { a: 'name', b: 'name' } })).toEqual(['duplicateTarget']);
    expect(valuesProblems({ ...values, mapping: { a: null } })).toEqual(['nothingMapped']);
    expect(valuesProblems({ ...values, mode: 'update', matchOn: null })).toEqual(['matchOnMissing']);
    expect(valuesProblems({ ...values, mode: 'upsert', matchOn: 'externalId' })).toEqual(['matchOnUnmapped']);
    expect(valuesProblems({ ...values, assignment: 'user', userId: null })).toEqual(['userMissing']);
    expect(valuesProblems({ ...values, assignment: 'column' })).toEqual(['ownerColumnMissing']);
  });

  it('turn into settings the server’s contract accepts', () => {
    const values = {
      ...initialValues(columns, null, 'DMY'),
      mode: 'upsert' as const,
      defaultCountry: 'br',
      source: '  Feira ',
      stageId: '00000000-0000-4000-8000-000000000001',
      tags: ['feira'],
      assignment: 'user' as const,
      userId: '00000000-0000-4000-8000-000000000002',
    };
    const settings = toSettings(values);
    expect(importSettings.safeParse(settings).success).toBe(true);
    expect(settings).toMatchObject({
      mode: 'upsert',
      matchOn: 'email',
      defaultCountry: 'BR',
      defaults: { source: 'Feira', stageId: '00000000-0000-4000-8000-000000000001', tags: ['feira'] },
      assignment: { kind: 'user', userId: '00000000-0000-4000-8000-000000000002' },
    });
    expect(settings.columns).toContainEqual({ column: 'Coluna X', target: null });
    const bare = toSettings({ ...initialValues(columns, null, 'DMY'), matchOn: null });
    expect(bare).not.toHaveProperty('defaultCountry');
    expect(bare.defaults).toEqual({});
    expect(importSettings.safeParse(bare).success).toBe(true);
  });
});

describe('import wizard display', () => {
  it('guesses the date order from values whose day is over 12', () => {
    expect(guessDateFormat(['25/12/2026', '01/02/2026'])).toBe('DMY');
    expect(guessDateFormat(['12/25/2026'])).toBe('MDY');
    expect(guessDateFormat(['2026-12-25', '2026-01-02'])).toBe('YMD');
    expect(guessDateFormat(['01/02/2026', 'tomorrow'])).toBeNull();
  });

  it('formats time left and the share done', () => {
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(-3)).toBe('0:00');
    expect(progressPercent({ rowsDone: 50, rowsTotal: 200 })).toBe(25);
    expect(progressPercent({ rowsDone: 5, rowsTotal: 0 })).toBe(0);
    expect(progressPercent({ rowsDone: 300, rowsTotal: 200 })).toBe(100);
  });

  it('counts skipped rows as those the dry run left out plus those that did not change', () => {
    const summary = { total: 10, create: 5, update: 2, duplicateInFile: 1, existing: 1, notFound: 0, errors: 1 };
    expect(reportCounts({ summary, progress: { rowsDone: 7, created: 5, updated: 1 } })).toEqual({ created: 5, updated: 1, skipped: 3, failed: 1 });
    expect(reportCounts({ summary: null, progress: { rowsDone: 0, created: 0, updated: 0 } })).toEqual({ created: 0, updated: 0, skipped: 0, failed: 0 });
  });
});
