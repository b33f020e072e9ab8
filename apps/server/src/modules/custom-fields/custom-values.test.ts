import { describe, expect, it } from 'vitest';
import { applyCustomValues, type CustomFieldDefinition, type CustomValueContext } from './custom-values.ts';

const MEMBER = '7a4c1a52-5a8e-4f0e-9d55-0c3f1f6f2b11';

/** Workspace membership is the one outside fact the function asks for; here a fixed set stands in for it. */
const ctx: CustomValueContext = {
  defaultCountry: 'US',
  activeMemberIds: async (ids) => new Set(ids.filter((id) => id === MEMBER)),
};

function def(key: string, type: CustomFieldDefinition['type'], extra: Partial<CustomFieldDefinition> = {}): CustomFieldDefinition {
  return { key, label: key, type, required: false, options: [], deletedAt: null, ...extra };
}

const colors = def('colors', 'multi_select', {
  options: [
    { value: 'red', label: 'Red' },
    { value: 'green', label: 'Green' },
    { value: 'blue', label: 'Blue' },
  ],
});

async function error(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (err) {
    const e = err as { field?: string; message: string };
    return { field: e.field, message: e.message };
  }
  throw new Error('expected a validation error');
}

describe('applyCustomValues', () => {
  it('normalises values to one stored form', async () => {
    const defs = [def('at', 'datetime'), colors, def('phone', 'phone'), def('site', 'url'), def('who', 'user'), def('price', 'money'), def('day', 'date')];
    const { custom, changes } = await applyCustomValues(
      defs,
      {
        at: '2025-03-01T14:30:00+01:00',
        colors: ['blue', 'red', 'blue'],
        phone: '(212) 555-0134',
        site: 'http://localhost:3000/x',
        who: MEMBER.toUpperCase(),
        price: 19.99,
        day: '2024-02-29',
      },
      null,
      ctx,
    );
    expect(custom).toEqual({
      at: '2025-03-01T13:30:00.000Z',
      colors: ['red', 'blue'],
      phone: '+12125550134',
      site: 'http://localhost:3000/x',
      who: MEMBER,
      price: 19.99,
      day: '2024-02-29',
    });
    expect(changes.map((c) => [c.key, c.old, c.new])).toEqual([
      ['at', null, '2025-03-01T13:30:00.000Z'],
      ['colors', null, ['red', 'blue']],
      ['phone', null, '+12125550134'],
      ['site', null, 'http://localhost:3000/x'],
      ['who', null, MEMBER],
      ['price', null, 19.99],
      ['day', null, '2024-02-29'],
    ]);
  });

  it('refuses values that only look right', async () => {
    const cases: [CustomFieldDefinition, unknown, string][] = [
      [def('n', 'number'), Number.NaN, 'Enter a number'],
      [def('n', 'number'), Infinity, 'Enter a number'],
      [def('m', 'money'), 0.001, 'Use at most 2 decimal places'],
      [def('d', 'date'), '2024-13-01', 'Use a date as YYYY-MM-DD'],
      [def('d', 'date'), '2024-04-31', 'Use a date as YYYY-MM-DD'],
      [def('d', 'date'), '2024-4-1', 'Use a date as YYYY-MM-DD'],
      [def('t', 'datetime'), '2025-03-01', 'Use an ISO date-time with a time zone offset, like 2025-03-01T14:30:00-03:00'],
      [def('u', 'url'), 'https://', 'Enter a web address starting with http:// or https://'],
      [def('u', 'url'), 'mailto:a@example.com', 'Enter a web address starting with http:// or https://'],
      [def('e', 'email'), 'a@b', 'Enter a valid email address'],
      [def('p', 'phone'), '+1 555 555 5555', 'Not a valid phone number for United States; numbers of other countries start with + and the country code'],
      [colors, ['red', 3], 'Use a list of options'],
      [def('b', 'boolean'), 0, 'Use true or false'],
    ];
    for (const [d, value, message] of cases) {
      expect(await error(() => applyCustomValues([d], { [d.key]: value }, null, ctx)), `${d.type} ${String(value)}`).toEqual({ field: `custom.${d.key}`, message });
    }
  });

  it('changes only the keys given, clears with null or an empty value, and reports what changed', async () => {
    const defs = [def('a', 'text'), def('b', 'number'), colors];
    const current = { a: 'x', b: 1, colors: ['red'] };
    const result = await applyCustomValues(defs, { a: null, b: 1, colors: [] }, current, ctx);
    expect(result.custom).toEqual({ b: 1 });
    expect(result.changes).toEqual([
      { key: 'a', old: 'x', new: null },
      { key: 'colors', old: ['red'], new: null },
    ]);
    expect(current).toEqual({ a: 'x', b: 1, colors: ['red'] });
    expect((await applyCustomValues(defs, { a: '', b: null }, { b: 2 }, ctx)).custom).toEqual({});
  });

  it('accepts unchanged values without checking them again (an option removed since, a member who left)', async () => {
    const defs = [def('kind', 'select', { options: [{ value: 'new', label: 'New' }] }), def('who', 'user')];
    const current = { kind: 'old-option', who: '11111111-1111-4111-8111-111111111111' };
    const result = await applyCustomValues(defs, { ...current }, current, ctx);
    expect(result).toEqual({ custom: current, changes: [] });
    expect(await error(() => applyCustomValues(defs, { who: '22222222-2222-4222-8222-222222222222' }, current, ctx))).toEqual({
      field: 'custom.who',
      message: 'No such member in this workspace',
    });
  });

  it('keeps values of deleted fields and does not require them', async () => {
    const gone = def('budget', 'money', { required: true, deletedAt: new Date('2025-01-01T00:00:00Z') });
    expect((await applyCustomValues([gone, def('a', 'text')], { a: 'x' }, null, ctx)).custom).toEqual({ a: 'x' });
    expect((await applyCustomValues([gone], { budget: 10 }, { budget: 10 }, ctx)).changes).toEqual([]);
    expect(await error(() => applyCustomValues([gone], { budget: null }, { budget: 10 }, ctx))).toEqual({
      field: 'custom.budget',
      message: 'The field "budget" was deleted; restore it to change its value',
    });
  });

  it('names required fields on create and refuses to clear them on update', async () => {
    const defs = [def('cpf', 'text', { required: true, label: 'CPF' }), def('ok', 'boolean', { required: true, label: 'OK' })];
    expect(await error(() => applyCustomValues(defs, { ok: false }, null, ctx))).toEqual({ field: 'custom.cpf', message: 'CPF is required' });
    expect((await applyCustomValues(defs, { cpf: '1', ok: false }, null, ctx)).custom).toEqual({ cpf: '1', ok: false });
    expect(await error(() => applyCustomValues(defs, { cpf: '  ' }, { cpf: '1', ok: true }, ctx))).toEqual({ field: 'custom.cpf', message: 'CPF is required' });
    expect(await error(() => applyCustomValues(defs, { nope: 1 }, {}, ctx))).toEqual({ field: 'custom.nope', message: 'Unknown field' });
  });
});
