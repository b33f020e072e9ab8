import { describe, expect, it } from 'vitest';
import type { ImportSettings } from '@leadflow/shared/imports';
import { looksLikeFormula, mapRow, matchKeyOf, parseDate, safeCell, type MapContext } from './row-mapper.ts';
import { contentKind, normalizeHeader, suggestMapping } from './suggest.ts';

const targets = (headers: string[], samples: string[][] = [], custom: { key: string; label: string; type: string }[] = []) =>
  suggestMapping(headers, samples, custom).map((s) => s.target);

describe('mapping suggestions', () => {
  it('knows Facebook Lead Ads, HubSpot, Pipedrive and Google Contacts headers', () => {
    expect(targets(['id', 'created_time', 'ad_name', 'full_name', 'email', 'phone_number', 'city'])).toEqual([
      'externalId',
      null,
      'campaign',
      'name',
      'email',
      'phone',
      'city',
    ]);
    expect(targets(['Record ID', 'First Name', 'Last Name', 'Email', 'Phone Number', 'Contact owner', 'Lifecycle Stage', 'Associated Company'])).toEqual([
      'externalId',
      'firstName',
      'lastName',
      'email',
      'phone',
      'owner',
      'stage',
      'company',
    ]);
    expect(targets(['Person - Name', 'Person - Email - Work', 'Person - Phone - Mobile', 'Organization - Name'])).toEqual(['name', 'email', 'phone', 'company']);
    expect(targets(['Name', 'Given Name', 'Family Name', 'E-mail 1 - Value', 'Phone 1 - Value', 'Phone 2 - Value', 'Group Membership'])).toEqual([
      'name',
      'firstName',
      'lastName',
      'email',
      'phone',
      'phone',
      'tags',
    ]);
  });

  it('knows Portuguese headers, with or without accents', () => {
    expect(targets(['Nome', 'Sobrenome', 'Telefone', 'Celular', 'E-mail', 'Empresa', 'Cidade', 'UF', 'CEP', 'Origem', 'Responsável', 'Etapa', 'País'])).toEqual([
      'name',
      'lastName',
      'phone',
      'phone',
      'email',
      'company',
      'city',
      'state',
      'zip',
      'source',
      'owner',
      'stage',
      'country',
    ]);
    expect(normalizeHeader('  E-mail (Trabalho) ')).toBe('e mail trabalho');
  });

  it('gives a single-valued field to one column only, and matches custom fields by label or key', () => {
    expect(targets(['Company', 'Empresa', 'Orçamento', 'policy_type'], [], [
      { key: 'budget', label: 'Orçamento', type: 'money' },
      { key: 'policy_type', label: 'Policy', type: 'select' },
    ])).toEqual(['company', null, 'custom.budget', 'custom.policy_type']);
  });

  it('guesses by content when the header says nothing', () => {
    const samples = [
      ['ana@x.com', 'bob@y.org', ''],
      ['(11) 99999-8888', '+55 21 98888-7777'],
      ['31/12/2024', '01/02/2025'],
      ['hello', 'world'],
    ];
    expect(targets(['Col A', 'Col B', 'Col C', 'Col D'], samples, [{ key: 'birthday', label: 'Birthday', type: 'date' }])).toEqual([
      'email',
      'phone',
      'custom.birthday',
      null,
    ]);
    expect(contentKind(['12', '7'])).toBeNull();
  });
});

describe('row values', () => {
  it('reads dates in the chosen order, with 2-digit years and times, and refuses impossible ones', () => {
    expect(parseDate('31/12/2024', 'DMY')).toEqual(['2024-12-31', null]);
    expect(parseDate('12/31/2024', 'MDY')).toEqual(['2024-12-31', null]);
    expect(parseDate('2024-12-31 14:30', 'DMY')).toEqual(['2024-12-31', '14:30:00']);
    expect(parseDate('05.03.24', 'DMY')).toEqual(['2024-03-05', null]);
    expect(parseDate('31/02/2024', 'DMY')).toBeNull();
    expect(parseDate('12/31/2024', 'DMY')).toBeNull();
    expect(parseDate('soon', 'DMY')).toBeNull();
  });

  it('tells formulas from phones and negative numbers, and neutralises cells for spreadsheets', () => {
    expect(looksLikeFormula('=HYPERLINK("http://evil","x")')).toBe(true);
    expect(looksLikeFormula('@SUM(A1)')).toBe(true);
    expect(looksLikeFormula('+cmd|calc')).toBe(true);
    expect(looksLikeFormula('+55 11 99999-8888')).toBe(false);
    expect(looksLikeFormula('-3')).toBe(false);
    expect(looksLikeFormula('Ana')).toBe(false);
    expect(safeCell('=1+1')).toBe("'=1+1");
    expect(safeCell('Ana')).toBe('Ana');
  });

  const settings: ImportSettings = {
    columns: [
      { column: 'Nome', target: 'name' },
      { column: 'Fone', target: 'phone' },
      { column: 'Email', target: 'email' },
      { column: 'Dono', target: 'owner' },
      { column: 'Orçamento', target: 'custom.budget' },
      { column: 'Retorno', target: 'nextFollowUpAt' },
      { column: 'País', target: 'country' },
    ],
    mode: 'upsert',
    matchOn: 'phone',
    assignment: { kind: 'column' },
    defaults: {},
    dateFormat: 'DMY',
    defaultCountry: 'BR',
  };
  const ctx: MapContext = {
    settings,
    columnIndex: new Map(settings.columns.map((c, i) => [c.column, i])),
    definitions: [{ key: 'budget', label: 'Budget', type: 'money', required: false, options: [], deletedAt: null }],
    defaultCountry: 'BR',
    timeZone: 'America/Sao_Paulo',
    members: { byEmail: new Map([['bia@x.com', 'u-1']]), byName: new Map([['bia souza', 'u-1']]), ids: new Set(['u-1']) },
    stages: new Map(),
  };

  it('maps a Brazilian row: formatted phone, name split, owner by name, pt-BR money, local follow-up time, country by name', async () => {
    const { values, errors } = await mapRow(['Ana Maria Lima', '(11) 99999-8888', 'ANA@X.COM', 'Bia Souza', 'R$ 1.234,50', '05/03/2025 10:00', 'Brasil'], ctx);
    expect(errors).toEqual([]);
    expect(values).toMatchObject({
      firstName: 'Ana Maria',
      lastName: 'Lima',
      phones: [{ raw: '(11) 99999-8888', e164: '+5511999998888' }],
      emails: ['ana@x.com'],
      ownerId: 'u-1',
      custom: { budget: 1234.5 },
      nextFollowUpAt: '2025-03-05T13:00:00.000Z',
      country: 'BR',
    });
    expect(matchKeyOf(values, 'phone')).toBe('+5511999998888');
  });

  it('turns local follow-up times into instants on both sides of a daylight-saving change', async () => {
    const ny: MapContext = { ...ctx, timeZone: 'America/New_York', settings: { ...settings, dateFormat: 'MDY' } };
    const at = async (cell: string) => (await mapRow(['Ana Lima', '', 'ana@x.com', '', '', cell, ''], ny)).values.nextFollowUpAt;
    expect(await at('03/07/2026 09:00')).toBe('2026-03-07T14:00:00.000Z'); // EST, UTC−5
    expect(await at('03/08/2026 01:30')).toBe('2026-03-08T06:30:00.000Z'); // the change day, before 2 a.m.
    expect(await at('03/08/2026 09:00')).toBe('2026-03-08T13:00:00.000Z'); // the change day, after: EDT, UTC−4
    expect(await at('11/01/2026 09:00')).toBe('2026-11-01T14:00:00.000Z'); // back to EST
    expect(await at('07/04/2026 18:00')).toBe('2026-07-04T22:00:00.000Z');
  });

  it('lists every bad cell of a row with its column, value and reason', async () => {
    const { errors } = await mapRow(['=HYPERLINK("x")', '123', 'not-an-email', 'Nobody', 'lots', '31/31/2025', 'Atlantis'], ctx);
    expect(errors.map((e) => [e.column, e.reason.slice(0, 24)])).toEqual([
      ['Nome', 'Starts like a spreadshee'],
      ['Email', 'Not a valid email addres'],
      ['Dono', 'No active member with th'],
      ['Orçamento', 'Not a number'],
      ['Retorno', 'Not a date in the chosen'],
      ['País', 'Unknown country; use a t'],
      ['Fone', 'Not a valid phone number'],
    ]);
    expect(errors[0]!.value).toBe('=HYPERLINK("x")');
  });
});
