import { describe, expect, it } from 'vitest';
import { PgDialect } from 'drizzle-orm/pg-core';
import { CUSTOM_FIELD_TYPES, FILTER_OPERATORS, LEAD_STANDARD_FIELDS, type FilterOperator } from '@leadflow/shared/leads';
import { AppError } from '../../platform/errors.ts';
import {
  compileLeadFilters,
  compileLeadSearch,
  dayInZone,
  decodeCursor,
  encodeCursor,
  isoInZone,
  parseLeadQueryParam,
  resolveLeadSort,
  startOfDayInZone,
  type LeadFieldDefinition,
  type LeadQueryContext,
} from './lead-query.ts';
import { foldSearchText } from './search-text.ts';

const USER = '11111111-1111-4111-8111-111111111111';
const defs: LeadFieldDefinition[] = CUSTOM_FIELD_TYPES.map((type) => ({
  key: `f_${type}`,
  label: `F ${type}`,
  type,
  options: type === 'select' || type === 'multi_select' ? [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] : [],
}));
const ctx: LeadQueryContext = {
  userId: USER,
  timeZone: 'America/Sao_Paulo',
  now: new Date('2025-03-12T15:00:00Z'),
  customFields: new Map(defs.map((d) => [d.key, d])),
};

/** A well-typed value for a field of this kind and operator, or undefined for operators without a value. */
function sampleValue(field: string, op: FilterOperator): unknown {
  const type = field.startsWith('custom.') ? defs.find((d) => `custom.${d.key}` === field)!.type : field;
  if (['empty', 'not_empty', 'today', 'this_week', 'this_month'].includes(op)) return undefined;
  if (op === 'last_days' || op === 'next_days') return 7;
  const one = ((): unknown => {
    switch (type) {
      case 'score':
      case 'number':
      case 'money':
        return 5;
      case 'createdAt':
      case 'updatedAt':
      case 'lastActivityAt':
      case 'nextFollowUpAt':
      case 'date':
      case 'datetime':
        return '2025-03-01';
      case 'ownerId':
      case 'user':
        return 'me';
      case 'pipelineId':
      case 'stageId':
        return USER;
      case 'boolean':
        return true;
      case 'select':
      case 'multi_select':
        return 'a';
      case 'phone':
      case 'custom.phone':
        return '(11) 99999-8888';
      default:
        return 'text';
    }
  })();
  if (op === 'in' || op === 'not_in') return [one];
  if (op === 'between') return [one, one];
  return one;
}

function errorOf(run: () => unknown): { field: string | undefined; message: string } {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.code).toBe('VALIDATION_FAILED');
    return { field: e.field, message: e.message };
  }
  throw new Error('expected a validation error');
}

const ALLOWED: Record<string, FilterOperator[]> = {
  text: ['eq', 'neq', 'contains', 'not_contains', 'starts_with', 'in', 'not_in', 'empty', 'not_empty'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not_in', 'empty', 'not_empty'],
  date: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'empty', 'not_empty', 'last_days', 'next_days', 'today', 'this_week', 'this_month'],
  choice: ['eq', 'neq', 'in', 'not_in', 'empty', 'not_empty'],
  list: ['in', 'not_in', 'contains', 'not_contains', 'empty', 'not_empty'],
  phone: ['eq', 'neq', 'contains', 'not_contains', 'empty', 'not_empty'],
};

const FIELD_OPERATORS: [string, FilterOperator[]][] = [
  ['name', ['contains', 'not_contains', 'starts_with', 'empty', 'not_empty']],
  ['firstName', ALLOWED.text!],
  ['source', ALLOWED.text!],
  ['phone', ALLOWED.phone!],
  ['email', ['eq', 'neq', 'contains', 'not_contains', 'starts_with', 'empty', 'not_empty']],
  ['tags', ALLOWED.list!],
  ['ownerId', ALLOWED.choice!],
  ['stageId', ALLOWED.choice!],
  ['score', ALLOWED.number!],
  ['createdAt', ALLOWED.date!],
  ['nextFollowUpAt', ALLOWED.date!],
  ['custom.f_text', ALLOWED.text!],
  ['custom.f_long_text', ALLOWED.text!],
  ['custom.f_email', ALLOWED.text!],
  ['custom.f_url', ALLOWED.text!],
  ['custom.f_phone', ALLOWED.phone!],
  ['custom.f_number', ALLOWED.number!],
  ['custom.f_money', ALLOWED.number!],
  ['custom.f_date', ALLOWED.date!],
  ['custom.f_datetime', ALLOWED.date!],
  ['custom.f_boolean', ['eq', 'neq', 'empty', 'not_empty']],
  ['custom.f_select', ALLOWED.choice!],
  ['custom.f_multi_select', ALLOWED.list!],
  ['custom.f_user', ALLOWED.choice!],
];

describe('compileLeadFilters: operators by field type', () => {
  it('accepts exactly the operators that fit each field type', () => {
    for (const [field, allowed] of FIELD_OPERATORS) {
      for (const op of FILTER_OPERATORS) {
        const filter = { field, op, value: field === 'custom.f_phone' && op !== 'empty' && op !== 'not_empty' ? '(11) 99999-8888' : sampleValue(field, op) };
        if (allowed.includes(op)) {
          expect(() => compileLeadFilters([filter], ctx), `${field} ${op}`).not.toThrow();
        } else {
          const e = errorOf(() => compileLeadFilters([filter], ctx));
          expect(e.field, `${field} ${op}`).toBe('query.filters.0.op');
          expect(e.message).toMatch(new RegExp(`^"${op}" does not apply to .*; use one of ${allowed.join(', ')}$`));
        }
      }
    }
  });

  it('covers every standard field', () => {
    for (const field of LEAD_STANDARD_FIELDS) {
      expect(() => compileLeadFilters([{ field, op: 'not_empty' }], ctx), field).not.toThrow();
    }
  });

  it('names the wrong field, operator or value by index under the given path', () => {
    const bulkCtx = { ...ctx, path: 'selection.query' };
    const ok = { field: 'score', op: 'gt' as const, value: 1 };
    expect(errorOf(() => compileLeadFilters([ok, { field: 'nope', op: 'eq', value: 1 }], bulkCtx))).toEqual({
      field: 'selection.query.filters.1.field',
      message: expect.stringMatching(/^Unknown field "nope": use one of name, firstName/),
    });
    const cases: [string, FilterOperator, unknown, RegExp][] = [
      ['score', 'eq', '5', /Enter a number/],
      ['score', 'eq', Number.NaN, /Enter a number/],
      ['score', 'in', 'x', /non-empty list/],
      ['score', 'in', Array(201).fill(1), /at most 200/],
      ['createdAt', 'eq', '2025-02-30', /YYYY-MM-DD or an ISO date-time/],
      ['createdAt', 'between', ['2025-03-02', '2025-03-01'], /from ≤ to/],
      ['createdAt', 'last_days', 2.5, /whole number of days/],
      ['createdAt', 'this_month', 'x', /takes no value/],
      ['custom.f_date', 'eq', '2025-03-01T10:00:00Z', /^Use a date as YYYY-MM-DD$/],
      ['custom.f_datetime', 'gt', '2025-03-01 10:00', /YYYY-MM-DD or an ISO date-time/],
      ['ownerId', 'eq', 'someone', /member id, "me" or null/],
      ['ownerId', 'eq', undefined, /or null for none/],
      ['stageId', 'eq', 'me', /an id or null/],
      ['custom.f_select', 'in', ['a', 'z'], /options of F select: a, b/],
      ['custom.f_boolean', 'eq', 1, /true or false/],
      ['phone', 'contains', '12', /4 digits/],
      ['firstName', 'contains', '   ', /Enter some text/],
      ['firstName', 'eq', 'x'.repeat(501), /at most 500/],
      ['tags', 'contains', [], /non-empty list/],
    ];
    for (const [field, op, value, message] of cases) {
      const e = errorOf(() => compileLeadFilters([{ field, op, value }], ctx));
      expect(e.field, `${field} ${op}`).toBe('query.filters.0.value');
      expect(e.message, `${field} ${op}`).toMatch(message);
    }
    expect(errorOf(() => compileLeadFilters([{ field: 'ownerId', op: 'eq', value: 'me' }], { ...ctx, userId: null })).message).toMatch(/signed-in user/);
    expect(errorOf(() => compileLeadFilters([{ field: 'custom.f_unknown', op: 'empty' }], ctx))).toEqual({
      field: 'query.filters.0.field',
      message: 'No custom field "f_unknown" in this workspace',
    });
  });

  it('binds every value as a parameter, never as SQL text', () => {
    const evil = "x'); DROP TABLE leads; --";
    const dialect = new PgDialect();
    const filters = [
      { field: 'firstName', op: 'eq' as const, value: evil },
      { field: 'tags', op: 'in' as const, value: [evil] },
      { field: 'custom.f_text', op: 'contains' as const, value: evil },
    ];
    for (const condition of compileLeadFilters(filters, ctx)) {
      const query = dialect.sqlToQuery(condition);
      expect(query.sql).not.toContain('DROP');
      expect(JSON.stringify(query.params)).toContain('DROP TABLE');
    }
    const search = compileLeadSearch(evil)!;
    for (const part of [search.exact, search.rank]) expect(dialect.sqlToQuery(part).sql).not.toContain('DROP');
  });
});

describe('search', () => {
  const dialect = new PgDialect();
  const render = (q: string) => {
    const search = compileLeadSearch(q)!;
    return { exact: dialect.sqlToQuery(search.exact), typo: search.typo ? dialect.sqlToQuery(search.typo) : null };
  };

  it('uses the phone digits for a number, every word of the name, the email, and typos only for words', () => {
    const phone = render('+55 (11) 99999-8888');
    expect(phone.exact.params).toContain('%11999998888%');
    expect(phone.typo).toBeNull();
    // A number is looked for in phones only.
    expect(phone.exact.sql).not.toContain('name_search');
    expect(phone.exact.sql).not.toContain('email_search');
    const words = render('Ana  SILVA');
    expect(words.exact.params).toEqual(expect.arrayContaining(['%ana%', '%silva%']));
    // Emails hold no spaces: a text of two words is not looked for in them.
    expect(words.exact.sql).not.toContain('email_search');
    expect(words.typo!.sql).toContain('<%');
    expect(words.typo!.params).toEqual(['ana silva']);
    expect(render('fer@alves.com').exact.params).toContain('%fer@alves.com%');
    // Typos are for names, not for an email or a number being typed.
    expect(render('fer@alves.com').typo).toBeNull();
    expect(render('maria_s39').typo).toBeNull();
    expect(render("D'Ávila-Souza").typo).not.toBeNull();
    expect(compileLeadSearch('   ')).toBeNull();
    expect(compileLeadSearch(undefined)).toBeNull();
  });

  it('ignores case and accents on both sides', () => {
    expect(foldSearchText('  JOÃO   Conceição ')).toBe('joao conceicao');
    expect(foldSearchText('Łukasz Øster Ñandú')).toBe('lukasz oster nandu');
    expect(render('JOÃO').exact.params).toContain('%joao%');
  });

  it('looks up short words only at the start of a word, and never a word without letters or digits', () => {
    // A fragment under 3 characters has no trigram to look up: "%an%" would read the whole index.
    const short = render('an');
    expect(short.exact.params).toEqual(expect.arrayContaining(['an%', '% an%']));
    expect(short.exact.params).not.toContain('%an%');
    expect(short.typo).toBeNull();
    const noise = render('ana & - co');
    expect(noise.exact.params).not.toContain('&%');
    expect(noise.exact.params).not.toContain('-%');
    expect(compileLeadSearch('&&&')!.exact).toBeDefined();
    expect(dialect.sqlToQuery(compileLeadSearch('&&&')!.exact).sql).toBe('false');
    // LIKE wildcards typed by someone match themselves.
    expect(render('100%_x').exact.params).toContain('%100\\%\\_x%');
  });
});

describe('calendar days in a time zone', () => {
  it('finds the first instant of a day, across daylight-saving changes', () => {
    expect(startOfDayInZone('2025-03-01', 'America/Sao_Paulo').toISOString()).toBe('2025-03-01T03:00:00.000Z');
    expect(startOfDayInZone('2025-03-09', 'America/New_York').toISOString()).toBe('2025-03-09T05:00:00.000Z');
    expect(startOfDayInZone('2025-03-10', 'America/New_York').toISOString()).toBe('2025-03-10T04:00:00.000Z');
    // Brazil 2018: clocks jumped from 00:00 to 01:00, so that day began at 01:00 (-02).
    expect(startOfDayInZone('2018-11-04', 'America/Sao_Paulo').toISOString()).toBe('2018-11-04T03:00:00.000Z');
    // Brazil 2019: clocks went back from 00:00 to 23:00 the day before; the 17th began at 00:00 (-03).
    expect(startOfDayInZone('2019-02-16', 'America/Sao_Paulo').toISOString()).toBe('2019-02-16T02:00:00.000Z');
    expect(startOfDayInZone('2019-02-17', 'America/Sao_Paulo').toISOString()).toBe('2019-02-17T03:00:00.000Z');
    expect(startOfDayInZone('2025-06-01', 'Asia/Kolkata').toISOString()).toBe('2025-05-31T18:30:00.000Z');
  });

  it('formats an instant as the zone sees it', () => {
    const at = new Date('2025-03-01T02:30:00Z');
    expect(dayInZone(at, 'America/Sao_Paulo')).toBe('2025-02-28');
    expect(dayInZone(at, 'UTC')).toBe('2025-03-01');
    expect(isoInZone(at, 'America/Sao_Paulo')).toBe('2025-02-28T23:30:00-03:00');
    expect(isoInZone(at, 'Asia/Kolkata')).toBe('2025-03-01T08:00:00+05:30');
    expect(isoInZone(at, 'UTC')).toBe('2025-03-01T02:30:00+00:00');
  });

  it('computes presets in the workspace zone: just after midnight UTC is still the day before in São Paulo', () => {
    const lateEvening = { ...ctx, now: new Date('2025-03-01T01:00:00Z') };
    const dialect = new PgDialect();
    const params = (q: ReturnType<typeof compileLeadFilters>[number]) => dialect.sqlToQuery(q).params.filter((p) => !String(p).startsWith('f_'));
    const [today] = compileLeadFilters([{ field: 'createdAt', op: 'today' }], lateEvening);
    expect(params(today!)).toEqual(['2025-02-28T03:00:00.000Z', '2025-03-01T03:00:00.000Z']);
    const [week] = compileLeadFilters([{ field: 'createdAt', op: 'this_week' }], lateEvening);
    expect(params(week!)).toEqual(['2025-02-24T03:00:00.000Z', '2025-03-03T03:00:00.000Z']);
    const [month] = compileLeadFilters([{ field: 'custom.f_date', op: 'this_month' }], lateEvening);
    expect(params(month!)).toEqual(['2025-02-01', '2025-03-01']);
    const [last] = compileLeadFilters([{ field: 'custom.f_date', op: 'last_days', value: 7 }], lateEvening);
    expect(params(last!)).toEqual(['2025-02-22', '2025-03-01']);
    const [next] = compileLeadFilters([{ field: 'custom.f_datetime', op: 'next_days', value: 2 }], lateEvening);
    expect(params(next!)).toEqual(['2025-02-28T03:00:00.000Z', '2025-03-02T03:00:00.000Z']);
  });
});

describe('the query parameter, sorts and cursors', () => {
  it('parses JSON, applies defaults and names the wrong part', () => {
    expect(parseLeadQueryParam(undefined)).toEqual({ query: { filters: [], sort: { field: 'createdAt', dir: 'desc' } }, sortGiven: false });
    expect(parseLeadQueryParam('{"sort":{"field":"score"}}')).toMatchObject({ query: { sort: { field: 'score', dir: 'desc' } }, sortGiven: true });
    expect(errorOf(() => parseLeadQueryParam('{nope')).field).toBe('query');
    expect(errorOf(() => parseLeadQueryParam('[1]')).message).toBe('query must be a JSON object');
    expect(errorOf(() => parseLeadQueryParam('{"filters":[{"field":"score","op":"near"}]}')).field).toBe('query.filters.0.op');
    expect(errorOf(() => parseLeadQueryParam('{"q":' + JSON.stringify('x'.repeat(201)) + '}')).field).toBe('query.q');
  });

  it('round-trips a cursor and refuses one of another sort or a forged value', () => {
    const sort = resolveLeadSort({ field: 'createdAt', dir: 'desc' }, ctx, null);
    const id = '22222222-2222-4222-8222-222222222222';
    const cursor = { value: '2025-03-01T12:00:00.123456Z', id };
    expect(decodeCursor(encodeCursor(sort, cursor), sort)).toEqual(cursor);
    const byScore = resolveLeadSort({ field: 'score', dir: 'asc' }, ctx, null);
    expect(errorOf(() => decodeCursor(encodeCursor(sort, cursor), byScore)).message).toMatch(/another sort/);
    const nullScore = { value: null, id };
    expect(decodeCursor(encodeCursor(byScore, nullScore), byScore)).toEqual(nullScore);
    expect(errorOf(() => decodeCursor(encodeCursor(byScore, { value: '1; DROP', id }), byScore)).field).toBe('cursor');
    expect(errorOf(() => decodeCursor(encodeCursor(sort, { value: null, id }), sort)).field).toBe('cursor');
    expect(errorOf(() => decodeCursor(encodeCursor(sort, { value: cursor.value, id: 'x' }), sort)).field).toBe('cursor');
    expect(errorOf(() => decodeCursor('%%%', sort)).field).toBe('cursor');
  });

  it('sorts by any standard field and custom field, and by relevance only with a search', () => {
    for (const field of LEAD_STANDARD_FIELDS) expect(() => resolveLeadSort({ field, dir: 'asc' }, ctx, null)).not.toThrow();
    for (const d of defs) expect(() => resolveLeadSort({ field: `custom.${d.key}`, dir: 'desc' }, ctx, null)).not.toThrow();
    expect(errorOf(() => resolveLeadSort({ field: 'relevance', dir: 'desc' }, ctx, null)).field).toBe('query.sort.field');
    expect(() => resolveLeadSort({ field: 'relevance', dir: 'desc' }, ctx, compileLeadSearch('ana'))).not.toThrow();
    expect(errorOf(() => resolveLeadSort({ field: 'password', dir: 'desc' }, ctx, null)).field).toBe('query.sort.field');
  });
});
