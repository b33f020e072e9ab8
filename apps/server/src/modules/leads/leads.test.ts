import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReceivedEvent } from '../../platform/events/event-bus.ts';
import { PASSWORD, addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { insertDefaultPipeline } from '../pipelines/pipelines.repository.ts';
import { createLeadsRepository, workspaceScope } from './leads.repository.ts';
import { PURGE_TRASH_JOB, createTrashService } from './trash.service.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

type Json = Record<string, unknown> & { id: string; version: number };

async function createLead(client: TestClient, body: Record<string, unknown>): Promise<Json> {
  const res = await client.post('/api/v1/leads', body);
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

async function timeline(client: TestClient, leadId: string, query = '') {
  const res = await client.get(`/api/v1/leads/${leadId}/timeline${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: { id: string; type: string; actor: { id: string; name: string } | null; data: Record<string, unknown>; mentions: string[] }[]; nextCursor: string | null };
}

async function stages(client: TestClient) {
  const body = (await client.get('/api/v1/pipelines')).json();
  const list = body.pipelines[0].stages as { id: string; name: string }[];
  return { pipelineId: body.pipelines[0].id as string, byName: (name: string) => list.find((s) => s.name === name)!.id };
}

async function auditEntries(client: TestClient, query: string) {
  const res = await client.get(`/api/v1/audit?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().entries as { action: string; entityId: string | null; oldValues: Record<string, unknown> | null; newValues: Record<string, unknown> | null; actor: { name: string } | null }[];
}

function collectEvents(): ReceivedEvent[] {
  const events: ReceivedEvent[] = [];
  t.deps.events.subscribe((e) => events.push(e));
  return events;
}

/** A second workspace owned by someone else (Bea, pending in A, which gives her nothing there). */
async function secondWorkspace() {
  const bOwner = t.client();
  await bOwner.post('/api/v1/auth/signup', { name: 'Bea', email: 'bea@example.com', password: PASSWORD, workspaceSlug: 'acme-realty' });
  await bOwner.post('/api/v1/auth/login', { email: 'bea@example.com', password: PASSWORD });
  const ws = (await bOwner.post('/api/v1/workspaces', { name: 'Beta Insurance' })).json();
  bOwner.workspaceId = ws.id;
  return { bOwner, bOwnerId: (await bOwner.get('/api/v1/me')).json().user.id as string };
}

describe('creating and reading a lead', () => {
  it('stores phones as E.164 beside what was typed, derives the time zone and starts in the first open stage', async () => {
    const { owner, userId } = await setUpOwner(t);
    const events = collectEvents();
    const { pipelineId, byName } = await stages(owner);
    const lead = await createLead(owner, {
      firstName: ' Ana ',
      lastName: 'Lima',
      company: 'Lima Imóveis',
      phones: [{ raw: '(11) 98765-4321', label: 'mobile' }, { raw: '+1 212-555-0134' }],
      emails: ['Ana@Example.com', 'ana@example.com'],
      source: 'Facebook',
      campaign: 'Spring',
      city: 'São Paulo',
      state: 'SP',
      country: 'br',
      zip: '01310-100',
      tags: ['vip', 'vip', 'investor'],
      score: 70,
      nextFollowUpAt: '2030-01-02T15:00:00-03:00',
    });
    expect(lead).toMatchObject({
      firstName: 'Ana',
      lastName: 'Lima',
      company: 'Lima Imóveis',
      displayName: 'Ana Lima',
      phones: [
        { raw: '(11) 98765-4321', e164: '+5511987654321', label: 'mobile' },
        { raw: '+1 212-555-0134', e164: '+12125550134' },
      ],
      emails: ['ana@example.com'],
      source: 'Facebook',
      campaign: 'Spring',
      city: 'São Paulo',
      state: 'SP',
      country: 'BR',
      zip: '01310-100',
      timeZone: 'America/Sao_Paulo',
      tags: ['vip', 'investor'],
      owner: null,
      pipelineId,
      stage: { id: byName('New'), name: 'New', kind: 'open' },
      score: 70,
      nextFollowUpAt: '2030-01-02T18:00:00.000Z',
      lostReason: null,
      custom: {},
      origin: 'manual',
      externalId: null,
      version: 1,
      deletedAt: null,
      contacts: [],
    });
    const { rows } = await t.deps.database.query<{ phone_e164: string[]; phone_search: string; email_search: string; created_by: string }>(
      'SELECT phone_e164, phone_search, email_search, created_by FROM leads WHERE id = $1',
      [lead.id],
    );
    expect(rows[0]).toEqual({
      phone_e164: ['+5511987654321', '+12125550134'],
      phone_search: '11987654321 5511987654321 12125550134 2125550134',
      email_search: 'ana@example.com',
      created_by: userId,
    });

    const read = await owner.get(`/api/v1/leads/${lead.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(lead);

    const { items } = await timeline(owner, lead.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'created', actor: { id: userId, name: 'Olivia Owner' }, data: { origin: 'manual', source: 'Facebook' }, mentions: [] });

    await vi.waitFor(() => expect(events.find((e) => e.type === 'lead.created')).toBeDefined());
    expect(events.find((e) => e.type === 'lead.created')).toMatchObject({
      data: { leadId: lead.id, ownerId: null },
      audience: { userIds: [], permission: 'leads.view_all' },
    });
  });

  it('reads phones typed in any format with the lead’s or the workspace’s country, and refuses impossible ones', async () => {
    const { owner } = await setUpOwner(t);
    expect((await owner.patch('/api/v1/workspace', { defaultCountry: 'BR' })).statusCode).toBe(200);
    const formats = ['(11) 98765-4321', '11987654321', '+55 11 98765 4321', '0 11 98765 4321', '011 98765-4321'];
    const lead = await createLead(owner, { firstName: 'Bruno', phones: formats.map((raw) => ({ raw })) });
    expect(lead.phones).toEqual(formats.map((raw) => ({ raw, e164: '+5511987654321' })));

    // The lead's own country wins over the workspace default for national formats.
    const us = await createLead(owner, { firstName: 'Carl', country: 'US', phones: [{ raw: '(212) 555-0134' }, { raw: '212.555.0134' }] });
    expect((us.phones as { e164: string }[]).map((p) => p.e164)).toEqual(['+12125550134', '+12125550134']);

    // Possible but not (yet) known numbers are kept as typed, without E.164.
    const odd = await createLead(owner, { firstName: 'Dani', phones: [{ raw: '11 3333-444' }] });
    expect(odd.phones).toEqual([{ raw: '11 3333-444', e164: null }]);
    const { rows } = await t.deps.database.query<{ phone_e164: string[] }>('SELECT phone_e164 FROM leads WHERE id = $1', [odd.id]);
    expect(rows[0]!.phone_e164).toEqual([]);

    const bad = await owner.post('/api/v1/leads', { firstName: 'Eve', phones: [{ raw: '(11) 98765-4321' }, { raw: '12345' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toEqual({
      code: 'VALIDATION_FAILED',
      field: 'phones.1.raw',
      message: 'Not a valid phone number for Brazil; numbers of other countries start with + and the country code',
    });
    const { rows: count } = await t.deps.database.query<{ n: number }>('SELECT count(*)::int AS n FROM leads');
    expect(count[0]!.n).toBe(3);
  });

  it('derives the time zone from state, country or phone, and validates what is given', async () => {
    const { owner } = await setUpOwner(t);
    const zoneOf = async (body: Record<string, unknown>) => (await createLead(owner, { firstName: 'Z', ...body })).timeZone;
    expect(await zoneOf({ country: 'US', state: 'CA' })).toBe('America/Los_Angeles');
    expect(await zoneOf({ country: 'US', state: 'New York' })).toBe('America/New_York');
    expect(await zoneOf({ country: 'DE' })).toBe('Europe/Berlin');
    // The US spans several zones: without a state, no guess.
    expect(await zoneOf({ country: 'US' })).toBeNull();
    expect(await zoneOf({ phones: [{ raw: '+44 20 7946 0958' }] })).toBe('Europe/London');
    expect(await zoneOf({ phones: [{ raw: '+55 11 98765 4321' }] })).toBeNull();
    expect(await zoneOf({ country: 'US', state: 'CA', timeZone: 'America/Chicago' })).toBe('America/Chicago');

    const badZone = await owner.post('/api/v1/leads', { firstName: 'Z', timeZone: 'Mars/Olympus' });
    expect(badZone.statusCode).toBe(400);
    expect(badZone.json().error).toMatchObject({ field: 'timeZone', message: 'Unknown time zone' });
    const badCountry = await owner.post('/api/v1/leads', { firstName: 'Z', country: 'XX' });
    expect(badCountry.json().error).toMatchObject({ field: 'country', message: 'Unknown country code' });

    // Moving the lead moves its local time.
    const lead = await createLead(owner, { firstName: 'Mover', country: 'US', state: 'CA' });
    const moved = (await owner.patch(`/api/v1/leads/${lead.id}`, { version: 1, state: 'NY' })).json();
    expect(moved.timeZone).toBe('America/New_York');
  });

  it('needs a name, company, phone or email, and says so on firstName', async () => {
    const { owner } = await setUpOwner(t);
    for (const body of [{}, { source: 'Website', firstName: '   ' }, { phones: [], emails: [] }]) {
      const res = await owner.post('/api/v1/leads', body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ field: 'firstName', message: 'Give the lead a name, a company, a phone or an email' });
    }
    const byEmail = await createLead(owner, { emails: ['only@example.com'] });
    expect(byEmail.displayName).toBe('only@example.com');
    const res = await owner.patch(`/api/v1/leads/${byEmail.id}`, { version: 1, emails: [] });
    expect(res.json().error.field).toBe('firstName');
    const strict = await owner.post('/api/v1/leads', { firstName: 'A', nickname: 'x' });
    expect(strict.statusCode).toBe(400);
  });

  it('checks owner and stage against the workspace', async () => {
    const { owner, userId } = await setUpOwner(t);
    const { bOwner, bOwnerId } = await secondWorkspace();
    const bStage = (await bOwner.get('/api/v1/pipelines')).json().pipelines[0].stages[0].id;
    const { pipelineId, byName } = await stages(owner);

    const strangerOwner = await owner.post('/api/v1/leads', { firstName: 'A', ownerId: bOwnerId });
    expect(strangerOwner.statusCode).toBe(400);
    expect(strangerOwner.json().error).toMatchObject({ field: 'ownerId', message: 'No such member in this workspace' });
    const strangerStage = await owner.post('/api/v1/leads', { firstName: 'A', stageId: bStage });
    expect(strangerStage.json().error).toMatchObject({ field: 'stageId', message: 'No such stage in this workspace' });

    const agent = await addMember(t, owner, 'agent@example.com', 'agent');
    await owner.patch(`/api/v1/members/${agent.userId}`, { status: 'disabled' });
    const disabled = await owner.post('/api/v1/leads', { firstName: 'A', ownerId: agent.userId });
    expect(disabled.json().error.field).toBe('ownerId');

    const won = await createLead(owner, { firstName: 'A', ownerId: userId, stageId: byName('Won') });
    expect(won).toMatchObject({ owner: { id: userId, name: 'Olivia Owner' }, pipelineId, stage: { id: byName('Won'), name: 'Won', kind: 'won' } });

    // A second pipeline: naming it moves the lead to its first open stage; a stage of another pipeline is refused.
    const workspaceId = (await owner.get('/api/v1/me')).json().currentWorkspaceId;
    const other = await insertDefaultPipeline(t.deps.database.db, workspaceId);
    const otherNew = other.stages[0]!;
    const mismatch = await owner.patch(`/api/v1/leads/${won.id}`, { version: 1, pipelineId: other.pipeline.id, stageId: byName('Lost') });
    expect(mismatch.json().error).toMatchObject({ field: 'stageId', message: 'This stage belongs to another pipeline' });
    const moved = (await owner.patch(`/api/v1/leads/${won.id}`, { version: 1, pipelineId: other.pipeline.id })).json();
    expect(moved).toMatchObject({ pipelineId: other.pipeline.id, stage: { id: otherNew.id, name: 'New', kind: 'open' }, version: 2 });
    const unstaged = (await owner.patch(`/api/v1/leads/${won.id}`, { version: 2, stageId: null })).json();
    expect(unstaged).toMatchObject({ pipelineId: other.pipeline.id, stage: null, version: 3 });
    const { items } = await timeline(owner, won.id);
    expect(items.slice(0, 2).map((i) => i.data)).toEqual([
      { from: { id: otherNew.id, name: 'New' }, to: null },
      { from: { id: byName('Won'), name: 'Won' }, to: { id: otherNew.id, name: 'New' } },
    ]);
    const [entry] = await auditEntries(owner, `entityId=${won.id}&action=lead.update`).then((e) => e.slice(-1));
    expect(entry).toMatchObject({ oldValues: { stageId: byName('Won'), pipelineId }, newValues: { stageId: otherNew.id, pipelineId: other.pipeline.id } });
  });

  it('documents every lead, custom field, pipeline and trash route in the OpenAPI spec', async () => {
    const spec = (await t.app.inject({ url: '/api/docs/json' })).json();
    const expected: Record<string, string[]> = {
      '/api/v1/leads': ['post'],
      '/api/v1/leads/{id}': ['get', 'patch', 'delete'],
      '/api/v1/leads/{id}/restore': ['post'],
      '/api/v1/leads/{id}/timeline': ['get'],
      '/api/v1/leads/{id}/notes': ['post'],
      '/api/v1/leads/{id}/notes/{noteId}': ['patch', 'delete'],
      '/api/v1/leads/{id}/contacts': ['post'],
      '/api/v1/leads/{id}/contacts/{contactId}': ['patch', 'delete'],
      '/api/v1/trash': ['delete'],
      '/api/v1/custom-fields': ['get', 'post'],
      '/api/v1/custom-fields/{id}': ['patch', 'delete'],
      '/api/v1/custom-fields/{id}/restore': ['post'],
      '/api/v1/pipelines': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      for (const method of methods) {
        const op = spec.paths[path]?.[method];
        expect(op, `${method} ${path}`).toBeDefined();
        expect(op.tags.length, `${method} ${path}`).toBeGreaterThan(0);
        expect(op.summary, `${method} ${path}`).toMatch(/\w/);
        expect(Object.keys(op.responses), `${method} ${path}`).toContainEqual(expect.stringMatching(/^20[01]$/));
      }
    }
    expect(spec.paths['/api/v1/leads/{id}'].patch.requestBody.content['application/json'].schema.required).toEqual(['version']);
  });

  it('serves the pipelines with their stages', async () => {
    const { owner } = await setUpOwner(t);
    const agent = await addMember(t, owner, 'agent@example.com', 'agent');
    const res = await agent.client.get('/api/v1/pipelines');
    expect(res.statusCode).toBe(200);
    const [sales] = res.json().pipelines;
    expect(sales.name).toBe('Sales');
    expect(sales.stages.map((s: { name: string; kind: string; position: number }) => [s.name, s.kind, s.position])).toEqual([
      ['New', 'open', 0],
      ['Contacted', 'open', 1],
      ['Qualified', 'open', 2],
      ['Won', 'won', 3],
      ['Lost', 'lost', 4],
    ]);
  });
});

describe('editing a lead', () => {
  it('refuses a stale version with 409 and leaves the lead as the first save made it', async () => {
    const { owner } = await setUpOwner(t);
    const manager = await addMember(t, owner, 'manager@example.com', 'manager');
    const lead = await createLead(owner, { firstName: 'Ana', company: 'Lima Imóveis' });
    const first = (await owner.get(`/api/v1/leads/${lead.id}`)).json();
    const second = (await manager.client.get(`/api/v1/leads/${lead.id}`)).json();
    expect([first.version, second.version]).toEqual([1, 1]);

    const saved = await owner.patch(`/api/v1/leads/${lead.id}`, { version: first.version, firstName: 'Ana Maria' });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ firstName: 'Ana Maria', version: 2 });

    const stale = await manager.client.patch(`/api/v1/leads/${lead.id}`, { version: second.version, company: 'Other Co' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toEqual({
      code: 'CONFLICT',
      field: 'version',
      message: 'This lead was changed by someone else while you were editing it. Reload it to see their changes, then make yours again.',
    });
    const now = (await owner.get(`/api/v1/leads/${lead.id}`)).json();
    expect(now).toMatchObject({ firstName: 'Ana Maria', company: 'Lima Imóveis', version: 2 });
    expect((await timeline(owner, lead.id)).items.map((i) => i.type)).toEqual(['field_changed', 'created']);

    const missing = await owner.patch(`/api/v1/leads/${lead.id}`, { firstName: 'X' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.field).toBe('version');
  });

  it('lets exactly one of several simultaneous saves of the same version through', async () => {
    const { owner } = await setUpOwner(t);
    const lead = await createLead(owner, { firstName: 'Ana' });
    const saves = await Promise.all(['B', 'C', 'D', 'E', 'F'].map((name) => owner.patch(`/api/v1/leads/${lead.id}`, { version: 1, firstName: name })));
    const codes = saves.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 409, 409, 409, 409]);
    const winner = saves.find((r) => r.statusCode === 200)!.json();
    expect((await owner.get(`/api/v1/leads/${lead.id}`)).json()).toMatchObject({ firstName: winner.firstName, version: 2 });
    const { items } = await timeline(owner, lead.id);
    expect(items.map((i) => i.type)).toEqual(['field_changed', 'created']);
    expect(await auditEntries(owner, `entityId=${lead.id}&action=lead.update`)).toHaveLength(1);

    // The write itself names the version: a save that read version 1 before the winner wrote matches no row.
    const repo = createLeadsRepository(t.deps.database.db);
    const scope = workspaceScope((await owner.get('/api/v1/me')).json().currentWorkspaceId);
    expect(await repo.updateLeadAtVersion(t.deps.database.db, scope, lead.id, 1, { firstName: 'Late' })).toBe(false);
    expect(await repo.updateLeadAtVersion(t.deps.database.db, scope, lead.id, 2, { firstName: 'On time' })).toBe(true);
    expect((await owner.get(`/api/v1/leads/${lead.id}`)).json()).toMatchObject({ firstName: 'On time', version: 3 });
  });

  it('puts field changes, owner and stage moves on the timeline and in the audit log', async () => {
    const { owner, userId } = await setUpOwner(t);
    const manager = await addMember(t, owner, 'manager@example.com', 'manager');
    const { byName } = await stages(owner);
    const events = collectEvents();
    const lead = await createLead(owner, { firstName: 'Ana', tags: ['a'], phones: [{ raw: '+55 11 98765 4321' }] });
    t.advanceClock(60_000);

    const res = await owner.patch(`/api/v1/leads/${lead.id}`, {
      version: 1,
      firstName: 'Ana Maria',
      lastName: 'Lima',
      tags: ['a'],
      score: 40,
      ownerId: manager.userId,
      stageId: byName('Contacted'),
    });
    expect(res.statusCode, res.body).toBe(200);
    const updated = res.json();
    expect(updated).toMatchObject({ version: 2, owner: { id: manager.userId, name: 'manager' }, stage: { name: 'Contacted' } });
    expect(Date.parse(updated.lastActivityAt)).toBeGreaterThan(Date.parse(lead.lastActivityAt as string));

    const { items } = await timeline(owner, lead.id);
    expect(items.map((i) => i.type)).toEqual(['stage_changed', 'owner_changed', 'field_changed', 'created']);
    expect(items[2]!.data).toEqual({
      changes: [
        { field: 'firstName', old: 'Ana', new: 'Ana Maria' },
        { field: 'lastName', old: null, new: 'Lima' },
        { field: 'score', old: null, new: 40 },
      ],
    });
    expect(items[1]!.data).toEqual({ from: null, to: { id: manager.userId, name: 'manager' } });
    expect(items[0]!.data).toEqual({ from: { id: byName('New'), name: 'New' }, to: { id: byName('Contacted'), name: 'Contacted' } });
    expect(items[0]!.actor).toEqual({ id: userId, name: 'Olivia Owner' });

    const [entry] = await auditEntries(owner, `entityId=${lead.id}&action=lead.update`);
    expect(entry).toMatchObject({
      actor: { name: 'Olivia Owner' },
      oldValues: { firstName: 'Ana', lastName: null, score: null, ownerId: null, stageId: byName('New') },
      newValues: { firstName: 'Ana Maria', lastName: 'Lima', score: 40, ownerId: manager.userId, stageId: byName('Contacted') },
    });
    const [created] = await auditEntries(owner, `entityId=${lead.id}&action=lead.create`);
    expect(created!.newValues).toMatchObject({ firstName: 'Ana', tags: ['a'], phones: [{ raw: '+55 11 98765 4321', e164: '+5511987654321' }], ownerId: null });

    // The previous owner (none) and the new one hear about it; agents hear only about their own leads.
    await vi.waitFor(() => expect(events.filter((e) => e.type === 'lead.updated')).toHaveLength(1));
    expect(events.find((e) => e.type === 'lead.updated')).toMatchObject({
      data: { leadId: lead.id, ownerId: manager.userId },
      audience: { userIds: [manager.userId], permission: 'leads.view_all' },
    });

    // Saving the same values again changes nothing: no new version, no activity.
    const same = await owner.patch(`/api/v1/leads/${lead.id}`, { version: 2, firstName: 'Ana Maria', tags: ['a'] });
    expect(same.json().version).toBe(2);
    expect((await timeline(owner, lead.id)).items).toHaveLength(4);
  });

  it('pages the timeline newest first', async () => {
    const { owner } = await setUpOwner(t);
    const lead = await createLead(owner, { firstName: 'Ana' });
    for (let i = 1; i <= 4; i++) await owner.post(`/api/v1/leads/${lead.id}/notes`, { body: `note ${i}` });
    const page1 = await timeline(owner, lead.id, '?limit=2');
    expect(page1.items.map((i) => i.data.body)).toEqual(['note 4', 'note 3']);
    const page2 = await timeline(owner, lead.id, `?limit=2&cursor=${page1.nextCursor}`);
    expect(page2.items.map((i) => i.data.body)).toEqual(['note 2', 'note 1']);
    const page3 = await timeline(owner, lead.id, `?limit=2&cursor=${page2.nextCursor}`);
    expect(page3).toEqual({ items: [expect.objectContaining({ type: 'created' })], nextCursor: null });
    expect((await owner.get(`/api/v1/leads/${lead.id}/timeline?cursor=abc`)).json().error.field).toBe('cursor');
    expect((await owner.get(`/api/v1/leads/${lead.id}/timeline?limit=201`)).json().error.field).toBe('limit');
  });
});

describe('notes and mentions', () => {
  it('stores the mentioned active members, tells them, and lets only the author or a manager change a note', async () => {
    const { owner, userId } = await setUpOwner(t);
    const agent = await addMember(t, owner, 'agent@example.com', 'agent');
    const manager = await addMember(t, owner, 'manager@example.com', 'manager');
    const viewer = await addMember(t, owner, 'viewer@example.com', 'viewer');
    const { bOwnerId } = await secondWorkspace();
    const events = collectEvents();
    const lead = await createLead(owner, { firstName: 'Ana', ownerId: agent.userId });
    const before = (await owner.get(`/api/v1/leads/${lead.id}`)).json();
    t.advanceClock(60_000);

    const body = `Call her back, @[agent](user:${agent.userId}) — cc @[Bea](user:${bOwnerId}) and @[me](user:${userId}) and @[ghost](user:00000000-0000-4000-8000-000000000000)`;
    const res = await owner.post(`/api/v1/leads/${lead.id}/notes`, { body });
    expect(res.statusCode, res.body).toBe(201);
    const note = res.json();
    expect(note).toMatchObject({ type: 'note', actor: { id: userId, name: 'Olivia Owner' }, data: { body }, updatedAt: null });
    expect(note.mentions.sort()).toEqual([agent.userId, userId].sort());

    await vi.waitFor(() => expect(events.find((e) => e.type === 'mention')).toBeDefined());
    expect(events.filter((e) => e.type === 'mention')).toEqual([
      expect.objectContaining({ data: { leadId: lead.id, activityId: note.id, byUserId: userId }, audience: { userIds: [agent.userId] } }),
    ]);
    const after = (await owner.get(`/api/v1/leads/${lead.id}`)).json();
    expect(after.version).toBe(before.version);
    expect(Date.parse(after.lastActivityAt)).toBeGreaterThan(Date.parse(before.lastActivityAt));

    // The agent owns the lead and may read the note, but not change someone else's.
    expect((await agent.client.patch(`/api/v1/leads/${lead.id}/notes/${note.id}`, { body: 'mine now' })).statusCode).toBe(403);
    expect((await agent.client.delete(`/api/v1/leads/${lead.id}/notes/${note.id}`)).statusCode).toBe(403);
    expect((await viewer.client.post(`/api/v1/leads/${lead.id}/notes`, { body: 'hi' })).statusCode).toBe(403);
    const edited = await manager.client.patch(`/api/v1/leads/${lead.id}/notes/${note.id}`, { body: `Edited, @[manager](user:${manager.userId})` });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ id: note.id, data: { body: `Edited, @[manager](user:${manager.userId})` }, mentions: [manager.userId] });
    expect(edited.json().updatedAt).not.toBeNull();

    const own = (await agent.client.post(`/api/v1/leads/${lead.id}/notes`, { body: 'my own note' })).json();
    expect((await agent.client.patch(`/api/v1/leads/${lead.id}/notes/${own.id}`, { body: 'my own note, edited' })).statusCode).toBe(200);
    expect((await agent.client.delete(`/api/v1/leads/${lead.id}/notes/${own.id}`)).statusCode).toBe(200);
    expect((await timeline(owner, lead.id)).items.map((i) => [i.type, i.data.body])).toEqual([
      ['note', `Edited, @[manager](user:${manager.userId})`],
      ['created', undefined],
    ]);
    const deleted = await auditEntries(owner, `entityId=${lead.id}&action=lead.note_delete`);
    expect(deleted[0]!.oldValues).toEqual({ noteId: own.id, body: 'my own note, edited', authorId: agent.userId });
    const empty = await owner.post(`/api/v1/leads/${lead.id}/notes`, { body: '   ' });
    expect(empty.json().error).toMatchObject({ field: 'body', message: 'body: The note is empty' });
  });
});

describe('contacts', () => {
  it('adds, changes and removes contacts with normalised phones, on the timeline', async () => {
    const { owner } = await setUpOwner(t);
    const lead = await createLead(owner, { company: 'Lima Imóveis', country: 'BR' });
    const add = await owner.post(`/api/v1/leads/${lead.id}/contacts`, { name: 'Rita', role: 'CFO', phone: '(11) 98765-4321', email: 'Rita@Lima.com.br' });
    expect(add.statusCode, add.body).toBe(201);
    const rita = add.json();
    expect(rita).toEqual({ id: rita.id, name: 'Rita', role: 'CFO', phoneRaw: '(11) 98765-4321', phoneE164: '+5511987654321', email: 'rita@lima.com.br', linkedin: null, position: 0 });
    const joao = (await owner.post(`/api/v1/leads/${lead.id}/contacts`, { name: 'João' })).json();
    expect(joao.position).toBe(1);

    const bad = await owner.post(`/api/v1/leads/${lead.id}/contacts`, { name: 'X', phone: '123' });
    expect(bad.json().error).toMatchObject({ field: 'phone' });
    expect((await owner.post(`/api/v1/leads/${lead.id}/contacts`, { name: '' })).json().error.field).toBe('name');

    const patched = await owner.patch(`/api/v1/leads/${lead.id}/contacts/${rita.id}`, { role: 'CEO', phone: null });
    expect(patched.json()).toMatchObject({ role: 'CEO', phoneRaw: null, phoneE164: null, email: 'rita@lima.com.br' });
    expect((await owner.delete(`/api/v1/leads/${lead.id}/contacts/${joao.id}`)).statusCode).toBe(200);

    const detail = (await owner.get(`/api/v1/leads/${lead.id}`)).json();
    expect(detail.contacts.map((c: { name: string }) => c.name)).toEqual(['Rita']);
    const { items } = await timeline(owner, lead.id);
    expect(items.map((i) => i.type)).toEqual(['contact_removed', 'contact_updated', 'contact_added', 'contact_added', 'created']);
    expect(items[1]!.data).toEqual({
      contactId: rita.id,
      name: 'Rita',
      changes: [
        { field: 'role', old: 'CFO', new: 'CEO' },
        { field: 'phoneRaw', old: '(11) 98765-4321', new: null },
        { field: 'phoneE164', old: '+5511987654321', new: null },
      ],
    });
    expect(items[0]!.data).toEqual({ contactId: joao.id, name: 'João' });
    const removed = await auditEntries(owner, `entityId=${lead.id}&action=lead.contact_remove`);
    expect(removed[0]!.oldValues).toMatchObject({ contact: { id: joao.id, name: 'João' } });
  });
});

describe('trash', () => {
  it('moves a lead to the trash and back, refusing edits while it is there', async () => {
    const { owner, userId } = await setUpOwner(t);
    const manager = await addMember(t, owner, 'manager@example.com', 'manager');
    const events = collectEvents();
    const lead = await createLead(owner, { firstName: 'Ana', ownerId: manager.userId });

    const del = await manager.client.delete(`/api/v1/leads/${lead.id}`);
    expect(del.statusCode).toBe(200);
    expect(del.json()).toMatchObject({ version: 2, deletedAt: expect.any(String) });
    const { rows } = await t.deps.database.query<{ deleted_by: string }>('SELECT deleted_by FROM leads WHERE id = $1', [lead.id]);
    expect(rows[0]!.deleted_by).toBe(manager.userId);
    expect((await owner.get(`/api/v1/leads/${lead.id}`)).json().deletedAt).not.toBeNull();
    const edit = await owner.patch(`/api/v1/leads/${lead.id}`, { version: 2, firstName: 'X' });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().error.message).toBe('This lead is in the trash; restore it first');
    expect((await owner.post(`/api/v1/leads/${lead.id}/notes`, { body: 'x' })).statusCode).toBe(409);
    expect((await manager.client.delete(`/api/v1/leads/${lead.id}`)).statusCode).toBe(409);

    // Restoring needs trash.manage, which managers do not have by default.
    expect((await manager.client.post(`/api/v1/leads/${lead.id}/restore`)).statusCode).toBe(403);
    const restored = await owner.post(`/api/v1/leads/${lead.id}/restore`);
    expect(restored.json()).toMatchObject({ deletedAt: null, version: 3, firstName: 'Ana' });
    expect((await owner.post(`/api/v1/leads/${lead.id}/restore`)).statusCode).toBe(409);
    expect((await timeline(owner, lead.id)).items.map((i) => [i.type, i.actor?.id])).toEqual([
      ['restored', userId],
      ['deleted', manager.userId],
      ['created', userId],
    ]);

    const [deletion] = await auditEntries(owner, `entityId=${lead.id}&action=lead.delete`);
    expect(deletion!.oldValues).toMatchObject({ firstName: 'Ana', ownerId: manager.userId });
    const [restore] = await auditEntries(owner, `entityId=${lead.id}&action=lead.restore`);
    expect(restore!.newValues).toEqual({ deletedAt: null });
    expect(restore!.oldValues).toMatchObject({ deletedBy: manager.userId });

    await vi.waitFor(() => expect(events.find((e) => e.type === 'lead.deleted')).toBeDefined());
    expect(events.find((e) => e.type === 'lead.deleted')).toMatchObject({
      data: { leadId: lead.id, ownerId: manager.userId },
      audience: { userIds: [manager.userId], permission: 'leads.view_all' },
    });
  });

  it('empties the trash of its own workspace only', async () => {
    const { owner } = await setUpOwner(t);
    const { bOwner } = await secondWorkspace();
    const keep = await createLead(owner, { firstName: 'Keep' });
    const gone = await createLead(owner, { firstName: 'Gone' });
    const bTrashed = await createLead(bOwner, { firstName: 'B' });
    await owner.delete(`/api/v1/leads/${gone.id}`);
    await bOwner.delete(`/api/v1/leads/${bTrashed.id}`);
    await owner.post(`/api/v1/leads/${gone.id}/notes`, { body: 'x' });

    const manager = await addMember(t, owner, 'manager@example.com', 'manager');
    expect((await manager.client.delete('/api/v1/trash')).statusCode).toBe(403);
    const res = await owner.delete('/api/v1/trash');
    expect(res.json()).toEqual({ deleted: 1 });
    expect((await owner.get(`/api/v1/leads/${gone.id}`)).statusCode).toBe(404);
    expect((await owner.get(`/api/v1/leads/${keep.id}`)).statusCode).toBe(200);
    expect((await bOwner.get(`/api/v1/leads/${bTrashed.id}`)).json().deletedAt).not.toBeNull();
    const { rows } = await t.deps.database.query<{ n: number }>('SELECT count(*)::int AS n FROM activities WHERE lead_id = $1', [gone.id]);
    expect(rows[0]!.n).toBe(0);
    const [entry] = await auditEntries(owner, 'action=trash.empty');
    expect(entry).toMatchObject({ actor: { name: 'Olivia Owner' }, oldValues: { leads: 1 }, newValues: { leads: 0 } });
    expect((await owner.delete('/api/v1/trash')).json()).toEqual({ deleted: 0 });
    expect(await auditEntries(owner, 'action=trash.empty')).toHaveLength(1);
  });

  it('purges leads trashed longer ago than the workspace keeps them, once', async () => {
    const trash = createTrashService(t.deps);
    const { owner } = await setUpOwner(t);
    const day = 24 * 3600 * 1000;
    // Weeks pass: the owner's session times out meanwhile, so they sign in again (remembered: idle time does not count).
    const later = async (ms: number) => {
      t.advanceClock(ms);
      expect((await owner.post('/api/v1/auth/login', { email: 'owner@example.com', password: PASSWORD, remember: true })).statusCode).toBe(200);
    };
    const old = await createLead(owner, { firstName: 'Old' });
    const recent = await createLead(owner, { firstName: 'Recent' });
    const alive = await createLead(owner, { firstName: 'Alive' });
    expect((await owner.delete(`/api/v1/leads/${old.id}`)).statusCode).toBe(200);
    await later(20 * day);
    expect((await owner.delete(`/api/v1/leads/${recent.id}`)).statusCode).toBe(200);
    await later(10 * day + 60_000);

    // Default retention is 30 days: only "Old" (30 days and a minute) goes.
    expect(await trash.purgeExpiredTrash()).toEqual({ deleted: 1 });
    expect((await owner.get(`/api/v1/leads/${old.id}`)).statusCode).toBe(404);
    expect((await owner.get(`/api/v1/leads/${recent.id}`)).statusCode).toBe(200);
    expect(await trash.purgeExpiredTrash()).toEqual({ deleted: 0 });

    await owner.patch('/api/v1/workspace', { trashRetentionDays: 7 });
    expect(await trash.purgeExpiredTrash()).toEqual({ deleted: 1 });
    expect((await owner.get(`/api/v1/leads/${recent.id}`)).statusCode).toBe(404);
    expect((await owner.get(`/api/v1/leads/${alive.id}`)).statusCode).toBe(200);
    const entries = await auditEntries(owner, 'action=trash.purge');
    expect(entries.map((e) => [e.actor, e.oldValues])).toEqual([
      [null, { leads: 1 }],
      [null, { leads: 1 }],
    ]);
  });
});

describe('trash purge job', () => {
  it('is scheduled daily where jobs run, and its handler purges', async () => {
    await t.close();
    t = await createTestApp({ JOBS_ENABLED: 'true' });
    const { rows: scheduled } = await t.deps.database.query<{ name: string; cron: string; timezone: string }>(
      'SELECT name, cron, timezone FROM pgboss.schedule WHERE name = $1',
      [PURGE_TRASH_JOB],
    );
    expect(scheduled).toEqual([{ name: PURGE_TRASH_JOB, cron: '17 3 * * *', timezone: 'UTC' }]);

    const { owner } = await setUpOwner(t);
    const lead = await createLead(owner, { firstName: 'Old' });
    await owner.delete(`/api/v1/leads/${lead.id}`);
    t.advanceClock(31 * 24 * 3600 * 1000);
    await t.deps.jobs.start();
    await t.deps.jobs.send(PURGE_TRASH_JOB, {});
    await vi.waitFor(
      async () => {
        const { rows } = await t.deps.database.query<{ n: number }>('SELECT count(*)::int AS n FROM leads WHERE id = $1', [lead.id]);
        expect(rows[0]!.n).toBe(0);
      },
      { timeout: 15_000, interval: 100 },
    );
  });
});

describe('record-level rule', () => {
  it('lets a member without leads.view_all see and change only the leads they own, answering 404 for the rest', async () => {
    const { owner } = await setUpOwner(t);
    const closerRole = (await owner.post('/api/v1/roles', { name: 'Closer', permissions: ['leads.create', 'leads.edit', 'leads.delete'] })).json();
    const closer = await addMember(t, owner, 'closer@example.com', 'agent');
    await owner.patch(`/api/v1/members/${closer.userId}`, { roleId: closerRole.id });
    const manager = await addMember(t, owner, 'manager@example.com', 'manager');

    const mine = await createLead(closer.client, { firstName: 'Mine' });
    expect(mine.owner).toEqual({ id: closer.userId, name: 'closer' });
    const theirs = await createLead(owner, { firstName: 'Theirs', ownerId: manager.userId });
    const theirNote = (await owner.post(`/api/v1/leads/${theirs.id}/notes`, { body: 'n' })).json();
    const theirContact = (await owner.post(`/api/v1/leads/${theirs.id}/contacts`, { name: 'C' })).json();

    const c = closer.client;
    const attempts = {
      get: c.get(`/api/v1/leads/${theirs.id}`),
      patch: c.patch(`/api/v1/leads/${theirs.id}`, { version: 1, firstName: 'Hacked' }),
      delete: c.delete(`/api/v1/leads/${theirs.id}`),
      timeline: c.get(`/api/v1/leads/${theirs.id}/timeline`),
      addNote: c.post(`/api/v1/leads/${theirs.id}/notes`, { body: 'x' }),
      editNote: c.patch(`/api/v1/leads/${theirs.id}/notes/${theirNote.id}`, { body: 'x' }),
      deleteNote: c.delete(`/api/v1/leads/${theirs.id}/notes/${theirNote.id}`),
      addContact: c.post(`/api/v1/leads/${theirs.id}/contacts`, { name: 'x' }),
      editContact: c.patch(`/api/v1/leads/${theirs.id}/contacts/${theirContact.id}`, { name: 'x' }),
      deleteContact: c.delete(`/api/v1/leads/${theirs.id}/contacts/${theirContact.id}`),
    };
    for (const [name, pending] of Object.entries(attempts)) {
      const res = await pending;
      expect(res.statusCode, `${name}: ${res.body}`).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    expect((await owner.get(`/api/v1/leads/${theirs.id}`)).json()).toMatchObject({ firstName: 'Theirs', version: 1, deletedAt: null });

    expect((await c.get(`/api/v1/leads/${mine.id}`)).statusCode).toBe(200);
    expect((await c.patch(`/api/v1/leads/${mine.id}`, { version: 1, lastName: 'Own' })).json().lastName).toBe('Own');
    expect((await c.get(`/api/v1/leads/${mine.id}/timeline`)).json().items).toHaveLength(2);

    // Giving leads away, or to someone else on create, needs leads.assign.
    expect((await c.patch(`/api/v1/leads/${mine.id}`, { version: 2, ownerId: manager.userId })).statusCode).toBe(403);
    expect((await c.post('/api/v1/leads', { firstName: 'X', ownerId: manager.userId })).statusCode).toBe(403);
    expect((await c.post('/api/v1/leads', { firstName: 'X', ownerId: closer.userId })).statusCode).toBe(201);
    expect((await c.delete(`/api/v1/leads/${mine.id}`)).statusCode).toBe(200);

    // Route permissions come first: an agent may not delete, a viewer may not create or edit.
    const agent = await addMember(t, owner, 'agent@example.com', 'agent');
    const agentLead = await createLead(agent.client, { firstName: 'A' });
    expect((await agent.client.delete(`/api/v1/leads/${agentLead.id}`)).statusCode).toBe(403);
    const viewer = await addMember(t, owner, 'viewer@example.com', 'viewer');
    expect((await viewer.client.get(`/api/v1/leads/${theirs.id}`)).statusCode).toBe(200);
    expect((await viewer.client.post('/api/v1/leads', { firstName: 'X' })).statusCode).toBe(403);
    expect((await viewer.client.patch(`/api/v1/leads/${theirs.id}`, { version: 1, firstName: 'X' })).statusCode).toBe(403);
  });
});

describe('tenant isolation', () => {
  it('answers 404 for every lead, contact, note and field id of another workspace and changes nothing there', async () => {
    const { owner } = await setUpOwner(t);
    const { bOwner } = await secondWorkspace();
    const bLead = await createLead(bOwner, { firstName: 'B lead' });
    const bTrashed = await createLead(bOwner, { firstName: 'B trashed' });
    await bOwner.delete(`/api/v1/leads/${bTrashed.id}`);
    const bNote = (await bOwner.post(`/api/v1/leads/${bLead.id}/notes`, { body: 'b note' })).json();
    const bContact = (await bOwner.post(`/api/v1/leads/${bLead.id}/contacts`, { name: 'B contact' })).json();
    const bField = (await bOwner.post('/api/v1/custom-fields', { label: 'Policy type', type: 'text' })).json();
    const bDeletedField = (await bOwner.post('/api/v1/custom-fields', { label: 'Old', type: 'text' })).json();
    await bOwner.delete(`/api/v1/custom-fields/${bDeletedField.id}`);
    const aLead = await createLead(owner, { firstName: 'A lead' });

    const attempts: [string, Promise<{ statusCode: number; body: string }>][] = [
      ['GET lead', owner.get(`/api/v1/leads/${bLead.id}`)],
      ['PATCH lead', owner.patch(`/api/v1/leads/${bLead.id}`, { version: 1, firstName: 'x' })],
      ['DELETE lead', owner.delete(`/api/v1/leads/${bLead.id}`)],
      ['restore lead', owner.post(`/api/v1/leads/${bTrashed.id}/restore`)],
      ['timeline', owner.get(`/api/v1/leads/${bLead.id}/timeline`)],
      ['add note', owner.post(`/api/v1/leads/${bLead.id}/notes`, { body: 'x' })],
      ['edit note', owner.patch(`/api/v1/leads/${bLead.id}/notes/${bNote.id}`, { body: 'x' })],
      ['delete note', owner.delete(`/api/v1/leads/${bLead.id}/notes/${bNote.id}`)],
      ['edit note via own lead', owner.patch(`/api/v1/leads/${aLead.id}/notes/${bNote.id}`, { body: 'x' })],
      ['delete note via own lead', owner.delete(`/api/v1/leads/${aLead.id}/notes/${bNote.id}`)],
      ['add contact', owner.post(`/api/v1/leads/${bLead.id}/contacts`, { name: 'x' })],
      ['edit contact', owner.patch(`/api/v1/leads/${bLead.id}/contacts/${bContact.id}`, { name: 'x' })],
      ['delete contact', owner.delete(`/api/v1/leads/${bLead.id}/contacts/${bContact.id}`)],
      ['edit contact via own lead', owner.patch(`/api/v1/leads/${aLead.id}/contacts/${bContact.id}`, { name: 'x' })],
      ['delete contact via own lead', owner.delete(`/api/v1/leads/${aLead.id}/contacts/${bContact.id}`)],
      ['edit field', owner.patch(`/api/v1/custom-fields/${bField.id}`, { label: 'x' })],
      ['delete field', owner.delete(`/api/v1/custom-fields/${bField.id}`)],
      ['restore field', owner.post(`/api/v1/custom-fields/${bDeletedField.id}/restore`)],
    ];
    for (const [name, pending] of attempts) {
      const res = await pending;
      expect(res.statusCode, `${name}: ${res.body}`).toBe(404);
    }
    expect((await owner.delete('/api/v1/trash')).json()).toEqual({ deleted: 0 });
    const unknown = await owner.post('/api/v1/leads', { firstName: 'x', custom: { policy_type: 'auto' } });
    expect(unknown.json().error).toMatchObject({ field: 'custom.policy_type', message: 'Unknown field' });
    expect((await owner.get('/api/v1/custom-fields?includeDeleted=true')).json().fields).toEqual([]);

    expect((await bOwner.get(`/api/v1/leads/${bLead.id}`)).json()).toMatchObject({ firstName: 'B lead', version: 1, contacts: [{ name: 'B contact' }] });
    expect((await bOwner.get(`/api/v1/leads/${bTrashed.id}`)).json().deletedAt).not.toBeNull();
    expect((await timeline(bOwner, bLead.id)).items.map((i) => i.type)).toEqual(['contact_added', 'note', 'created']);
    expect((await bOwner.get('/api/v1/custom-fields?includeDeleted=true')).json().fields.map((f: { label: string; deletedAt: string | null }) => [f.label, f.deletedAt === null])).toEqual([
      ['Policy type', true],
      ['Old', false],
    ]);
  });
});
