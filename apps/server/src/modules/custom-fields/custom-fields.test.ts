import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

type Field = { id: string; key: string; label: string; type: string; required: boolean; options: unknown[]; helpText: string | null; position: number; deletedAt: string | null };

async function addField(client: TestClient, body: Record<string, unknown>): Promise<Field> {
  const res = await client.post('/api/v1/custom-fields', body);
  if (res.statusCode !== 201) throw new Error(`field failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

async function leadCount(): Promise<number> {
  const { rows } = await t.deps.database.query<{ n: number }>('SELECT count(*)::int AS n FROM leads');
  return rows[0]!.n;
}

const houseOptions = [
  { value: 'house', label: 'House' },
  { value: 'apartment', label: 'Apartment' },
];

describe('custom field definitions', () => {
  it('creates fields with keys from their labels, keeps keys of deleted fields reserved, and never changes a type', async () => {
    const { owner } = await setUpOwner(t);
    const propertyType = await addField(owner, { label: 'Property type', type: 'select', options: houseOptions, helpText: 'What they look for' });
    expect(propertyType).toEqual({
      id: propertyType.id,
      key: 'property_type',
      label: 'Property type',
      type: 'select',
      required: false,
      options: houseOptions,
      helpText: 'What they look for',
      position: 0,
      deletedAt: null,
    });
    const keys = [];
    for (const label of ['Budget (R$)', 'Data de nascimento', '2nd phone', 'Budget (R$)']) keys.push((await addField(owner, { label, type: 'text' })).key);
    expect(keys).toEqual(['budget_r', 'data_de_nascimento', 'field_2nd_phone', 'budget_r_2']);

    const taken = await owner.post('/api/v1/custom-fields', { key: 'property_type', label: 'Kind', type: 'text' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({ code: 'CONFLICT', field: 'key' });

    const second = (await owner.get('/api/v1/custom-fields')).json().fields.find((f: Field) => f.key === 'budget_r_2');
    expect((await owner.delete(`/api/v1/custom-fields/${second.id}`)).json().deletedAt).not.toBeNull();
    const reserved = await owner.post('/api/v1/custom-fields', { key: 'budget_r_2', label: 'Budget', type: 'money' });
    expect(reserved.statusCode).toBe(409);
    expect(reserved.json().error.field).toBe('key');
    expect((await addField(owner, { label: 'Budget (R$)', type: 'money' })).key).toBe('budget_r_3');

    const noOptions = await owner.post('/api/v1/custom-fields', { label: 'Kind', type: 'multi_select', options: [] });
    expect(noOptions.json().error).toMatchObject({ field: 'options', message: 'options: A select field needs at least one option' });
    const textOptions = await owner.post('/api/v1/custom-fields', { label: 'Kind', type: 'text', options: houseOptions });
    expect(textOptions.json().error).toMatchObject({ field: 'options', message: 'Only select fields have options' });
    const twice = await owner.post('/api/v1/custom-fields', { label: 'Kind', type: 'select', options: [...houseOptions, { value: 'house', label: 'Casa' }] });
    expect(twice.json().error).toMatchObject({ field: 'options.2.value', message: 'The option value "house" appears twice' });
    const badKey = await owner.post('/api/v1/custom-fields', { key: 'Bad Key', label: 'Kind', type: 'text' });
    expect(badKey.json().error.field).toBe('key');

    const retype = await owner.patch(`/api/v1/custom-fields/${propertyType.id}`, { type: 'text' });
    expect(retype.statusCode).toBe(400);
    expect(retype.json().error).toMatchObject({ field: 'type', message: 'The type of a field cannot be changed; create a new field instead' });
    expect((await owner.patch(`/api/v1/custom-fields/${propertyType.id}`, { key: 'kind' })).json().error.field).toBe('key');
    const renamed = await owner.patch(`/api/v1/custom-fields/${propertyType.id}`, {
      label: 'Property kind',
      required: true,
      options: [...houseOptions, { value: 'land', label: 'Land' }],
      position: 9,
    });
    expect(renamed.json()).toMatchObject({ key: 'property_type', label: 'Property kind', type: 'select', required: true, position: 9 });
    expect((await owner.patch(`/api/v1/custom-fields/${propertyType.id}`, { options: [] })).json().error.field).toBe('options');

    const listed = (await owner.get('/api/v1/custom-fields')).json().fields.map((f: Field) => f.key);
    expect(listed).toEqual(['budget_r', 'data_de_nascimento', 'field_2nd_phone', 'budget_r_3', 'property_type']);
    const all = (await owner.get('/api/v1/custom-fields?includeDeleted=true')).json().fields.map((f: Field) => f.key);
    expect(all).toEqual(['budget_r', 'data_de_nascimento', 'field_2nd_phone', 'budget_r_2', 'budget_r_3', 'property_type']);

    const entries = (await owner.get(`/api/v1/audit?entityId=${propertyType.id}`)).json().entries;
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['custom_field.update', 'custom_field.create']);
    expect(entries[0]).toMatchObject({
      oldValues: { label: 'Property type', required: false, position: 0, options: houseOptions },
      newValues: { label: 'Property kind', required: true, position: 9, options: [...houseOptions, { value: 'land', label: 'Land' }] },
    });
    expect(entries[1].newValues).toMatchObject({ key: 'property_type', type: 'select', label: 'Property type' });
  });

  it('lets every member read the fields and only fields.manage change them', async () => {
    const { owner } = await setUpOwner(t);
    const field = await addField(owner, { label: 'Budget', type: 'money' });
    const agent = await addMember(t, owner, 'agent@example.com', 'agent');
    const manager = await addMember(t, owner, 'manager@example.com', 'manager');
    const read = await agent.client.get('/api/v1/custom-fields');
    expect(read.statusCode).toBe(200);
    expect(read.json().fields.map((f: Field) => f.key)).toEqual(['budget']);
    for (const c of [agent.client, manager.client]) {
      expect((await c.post('/api/v1/custom-fields', { label: 'X', type: 'text' })).statusCode).toBe(403);
      expect((await c.patch(`/api/v1/custom-fields/${field.id}`, { label: 'X' })).statusCode).toBe(403);
      expect((await c.delete(`/api/v1/custom-fields/${field.id}`)).statusCode).toBe(403);
      expect((await c.post(`/api/v1/custom-fields/${field.id}/restore`)).statusCode).toBe(403);
    }
  });
});

describe('custom values on leads', () => {
  async function everyType(owner: TestClient) {
    const defs: [string, string, Record<string, unknown>?][] = [
      ['Nickname', 'text'],
      ['Notes', 'long_text'],
      ['Rooms', 'number'],
      ['Budget', 'money'],
      ['Birthday', 'date'],
      ['Visit at', 'datetime'],
      ['Has pet', 'boolean'],
      ['Property type', 'select', { options: houseOptions }],
      ['Features', 'multi_select', { options: [{ value: 'pool', label: 'Pool' }, { value: 'garden', label: 'Garden' }, { value: 'garage', label: 'Garage' }] }],
      ['Alt phone', 'phone'],
      ['Work email', 'email'],
      ['Website', 'url'],
      ['Referrer', 'user'],
    ];
    for (const [label, type, extra] of defs) await addField(owner, { label, type, ...extra });
  }

  it('accepts a valid value of every type and stores its normal form', async () => {
    const { owner } = await setUpOwner(t);
    const agent = await addMember(t, owner, 'agent@example.com', 'agent');
    await everyType(owner);
    const res = await owner.post('/api/v1/leads', {
      firstName: 'Ana',
      country: 'BR',
      custom: {
        nickname: '  Aninha ',
        notes: 'x'.repeat(20000),
        rooms: 3,
        budget: 1500000.5,
        birthday: '1990-02-28',
        visit_at: '2030-05-01T14:30:00-03:00',
        has_pet: false,
        property_type: 'house',
        features: ['garage', 'pool', 'garage'],
        alt_phone: '(11) 98765-4321',
        work_email: 'Ana@Work.COM',
        website: 'https://lima.example.com/about?x=1',
        referrer: agent.userId,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().custom).toEqual({
      nickname: 'Aninha',
      notes: 'x'.repeat(20000),
      rooms: 3,
      budget: 1500000.5,
      birthday: '1990-02-28',
      visit_at: '2030-05-01T17:30:00.000Z',
      has_pet: false,
      property_type: 'house',
      features: ['pool', 'garage'],
      alt_phone: '+5511987654321',
      work_email: 'ana@work.com',
      website: 'https://lima.example.com/about?x=1',
      referrer: agent.userId,
    });
  });

  it('refuses an invalid value of every type, naming the field, and saves nothing', async () => {
    const { owner } = await setUpOwner(t);
    await everyType(owner);
    const lead = (await owner.post('/api/v1/leads', { firstName: 'Ana', country: 'BR', custom: { rooms: 2 } })).json();
    const cases: [string, unknown, string][] = [
      ['nickname', 'x'.repeat(2001), 'Use at most 2000 characters'],
      ['nickname', 5, 'Enter text'],
      ['notes', 'x'.repeat(20001), 'Use at most 20000 characters'],
      ['rooms', '3', 'Enter a number'],
      ['budget', 10.123, 'Use at most 2 decimal places'],
      ['budget', 'lots', 'Enter an amount'],
      ['birthday', '2023-02-29', 'Use a date as YYYY-MM-DD'],
      ['birthday', '28/02/1990', 'Use a date as YYYY-MM-DD'],
      ['visit_at', '2030-05-01T14:30:00', 'Use an ISO date-time with a time zone offset, like 2025-03-01T14:30:00-03:00'],
      ['has_pet', 'yes', 'Use true or false'],
      ['property_type', 'castle', 'Choose one of the options'],
      ['features', ['pool', 'moat'], '"moat" is not one of the options'],
      ['features', 'pool', 'Use a list of options'],
      ['alt_phone', '12345', 'Not a valid phone number for Brazil; numbers of other countries start with + and the country code'],
      ['work_email', 'not-an-email', 'Enter a valid email address'],
      ['website', 'ftp://files.example.com', 'Enter a web address starting with http:// or https://'],
      ['website', 'javascript:alert(1)', 'Enter a web address starting with http:// or https://'],
      ['referrer', '00000000-0000-4000-8000-000000000000', 'No such member in this workspace'],
      ['referrer', 'someone', 'No such member in this workspace'],
      ['unknown_thing', 'x', 'Unknown field'],
    ];
    for (const [key, value, message] of cases) {
      const created = await owner.post('/api/v1/leads', { firstName: 'Bad', country: 'BR', custom: { rooms: 1, [key]: value } });
      expect(created.statusCode, `${key}=${JSON.stringify(value).slice(0, 30)}`).toBe(400);
      expect(created.json().error).toEqual({ code: 'VALIDATION_FAILED', field: `custom.${key}`, message });
      const updated = await owner.patch(`/api/v1/leads/${lead.id}`, { version: 1, firstName: 'Changed', custom: { rooms: 5, [key]: value } });
      expect(updated.json().error).toEqual({ code: 'VALIDATION_FAILED', field: `custom.${key}`, message });
    }
    expect(await leadCount()).toBe(1);
    expect((await owner.get(`/api/v1/leads/${lead.id}`)).json()).toMatchObject({ firstName: 'Ana', version: 1, custom: { rooms: 2 } });
  });

  it('enforces required fields on create and keeps them from being cleared', async () => {
    const { owner } = await setUpOwner(t);
    await addField(owner, { label: 'CPF', type: 'text', required: true });
    await addField(owner, { label: 'Consent', type: 'boolean', required: true });
    await addField(owner, { label: 'Nickname', type: 'text' });

    for (const custom of [undefined, { cpf: '', consent: true }, { cpf: '   ', consent: true }, { cpf: null, consent: true }]) {
      const res = await owner.post('/api/v1/leads', { firstName: 'A', ...(custom ? { custom } : {}) });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ field: 'custom.cpf', message: 'CPF is required' });
    }
    expect((await owner.post('/api/v1/leads', { firstName: 'A', custom: { cpf: '123' } })).json().error.field).toBe('custom.consent');
    const lead = (await owner.post('/api/v1/leads', { firstName: 'A', custom: { cpf: '123.456.789-09', consent: false, nickname: 'Zé' } })).json();
    expect(lead.custom).toEqual({ cpf: '123.456.789-09', consent: false, nickname: 'Zé' });

    const cleared = await owner.patch(`/api/v1/leads/${lead.id}`, { version: 1, custom: { cpf: null } });
    expect(cleared.json().error).toMatchObject({ field: 'custom.cpf', message: 'CPF is required' });
    const other = await owner.patch(`/api/v1/leads/${lead.id}`, { version: 1, firstName: 'B', custom: { nickname: null } });
    expect(other.statusCode, other.body).toBe(200);
    expect(other.json().custom).toEqual({ cpf: '123.456.789-09', consent: false });

    // A field made required later does not block edits of leads that never had it.
    await addField(owner, { label: 'Source detail', type: 'text', required: true });
    expect((await owner.patch(`/api/v1/leads/${lead.id}`, { version: 2, lastName: 'C' })).statusCode).toBe(200);

    const { items } = (await owner.get(`/api/v1/leads/${lead.id}/timeline`)).json();
    expect(items[1].data).toEqual({
      changes: [
        { field: 'firstName', old: 'A', new: 'B' },
        { field: 'custom.nickname', old: 'Zé', new: null },
      ],
    });
    const [entry] = (await owner.get(`/api/v1/audit?entityId=${lead.id}&action=lead.update`)).json().entries.slice(-1);
    expect(entry).toMatchObject({ oldValues: { firstName: 'A', 'custom.nickname': 'Zé' }, newValues: { firstName: 'B', 'custom.nickname': null } });
  });

  it('keeps the values of a deleted field untouched and shows them again after a restore', async () => {
    const { owner } = await setUpOwner(t);
    const budget = await addField(owner, { label: 'Budget', type: 'money', required: true });
    await addField(owner, { label: 'Rooms', type: 'number' });
    const lead = (await owner.post('/api/v1/leads', { firstName: 'Ana', custom: { budget: 500000, rooms: 3 } })).json();
    expect((await owner.delete(`/api/v1/custom-fields/${budget.id}`)).statusCode).toBe(200);
    expect((await owner.delete(`/api/v1/custom-fields/${budget.id}`)).statusCode).toBe(409);

    // Not required any more while deleted; not settable or removable through the API either.
    const fresh = await owner.post('/api/v1/leads', { firstName: 'Bia' });
    expect(fresh.statusCode).toBe(201);
    for (const value of [1, null]) {
      const res = await owner.patch(`/api/v1/leads/${lead.id}`, { version: 1, custom: { budget: value } });
      expect(res.json().error).toEqual({ code: 'VALIDATION_FAILED', field: 'custom.budget', message: 'The field "Budget" was deleted; restore it to change its value' });
    }
    expect((await owner.post('/api/v1/leads', { firstName: 'C', custom: { budget: 1 } })).json().error.field).toBe('custom.budget');
    // A form sending back everything it read, the deleted value included, still saves.
    const echoed = await owner.patch(`/api/v1/leads/${lead.id}`, { version: 1, custom: { budget: 500000, rooms: 4 } });
    expect(echoed.statusCode, echoed.body).toBe(200);
    expect(echoed.json().custom).toEqual({ budget: 500000, rooms: 4 });

    const restored = await owner.post(`/api/v1/custom-fields/${budget.id}/restore`);
    expect(restored.json()).toMatchObject({ key: 'budget', deletedAt: null });
    expect((await owner.post(`/api/v1/custom-fields/${budget.id}/restore`)).statusCode).toBe(409);
    expect((await owner.get('/api/v1/custom-fields')).json().fields.map((f: Field) => f.key)).toEqual(['budget', 'rooms']);
    const back = (await owner.get(`/api/v1/leads/${lead.id}`)).json();
    expect(back.custom).toEqual({ budget: 500000, rooms: 4 });
    const edited = await owner.patch(`/api/v1/leads/${lead.id}`, { version: 2, custom: { budget: 650000.25 } });
    expect(edited.json().custom).toEqual({ budget: 650000.25, rooms: 4 });

    const actions = (await owner.get(`/api/v1/audit?entityType=custom_field&entityId=${budget.id}`)).json().entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['custom_field.restore', 'custom_field.delete', 'custom_field.create']);
  });
});
