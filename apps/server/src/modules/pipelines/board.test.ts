import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReceivedEvent } from '../../platform/events/event-bus.ts';
import { PASSWORD, addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

type Card = { id: string; displayName: string; stageId: string; stagePosition: number; version: number; rotting: boolean; value: number | null; clientSince: string | null; lostReason: string | null; owner: { id: string } | null };
type Column = { stage: { id: string; name: string; kind: string; status: string }; count: number; sum: number | null; cards: Card[]; nextCursor: string | null };
type BoardBody = { pipeline: { id: string }; columns: Column[] };

async function pipelineOf(client: TestClient) {
  const body = (await client.get('/api/v1/pipelines')).json();
  const p = body.pipelines[0] as { id: string; stages: { id: string; name: string; kind: string; status: string }[] };
  return { id: p.id, stages: p.stages, stage: (name: string) => p.stages.find((s) => s.name === name)!.id };
}

async function createLead(client: TestClient, body: Record<string, unknown>): Promise<{ id: string; version: number }> {
  const res = await client.post('/api/v1/leads', body);
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

async function getBoard(client: TestClient, pipelineId: string, params = ''): Promise<BoardBody> {
  const res = await client.get(`/api/v1/pipelines/${pipelineId}/board${params}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const column = (b: BoardBody, stageId: string) => b.columns.find((c) => c.stage.id === stageId)!;
const names = (b: BoardBody, stageId: string) => column(b, stageId).cards.map((c) => c.displayName);

async function version(client: TestClient, id: string): Promise<number> {
  return (await client.get(`/api/v1/leads/${id}`)).json().version;
}

async function move(client: TestClient, id: string, body: Record<string, unknown>) {
  const v = body.version ?? (await version(client, id));
  return client.post(`/api/v1/leads/${id}/move`, { ...body, version: v });
}

function collectEvents(): ReceivedEvent[] {
  const events: ReceivedEvent[] = [];
  t.deps.events.subscribe((e) => events.push(e));
  return events;
}

async function timeline(client: TestClient, leadId: string) {
  return (await client.get(`/api/v1/leads/${leadId}/timeline`)).json().items as { type: string; data: Record<string, unknown>; actor: { name: string } | null }[];
}

describe('the board', () => {
  it('shows every active stage with exact counts, sums of a money field and the first cards in order, newest on top', async () => {
    const { owner } = await setUpOwner(t);
    const p = await pipelineOf(owner);
    const field = await owner.post('/api/v1/custom-fields', { key: 'budget', label: 'Budget', type: 'money' });
    expect(field.statusCode, field.body).toBe(201);
    for (let i = 1; i <= 4; i++) await createLead(owner, { firstName: `Lead ${i}`, custom: { budget: i * 100.5 } });
    const b = await getBoard(owner, p.id, '?limit=3&sumField=budget');
    expect(b.columns.map((c) => c.stage.name)).toEqual(['New', 'Contacted', 'Qualified', 'Won', 'Lost']);
    expect(b.columns.map((c) => c.stage.status)).toEqual(['new', 'in_contact', 'qualified', 'converted', 'lost']);
    const first = column(b, p.stage('New'));
    expect(first.count).toBe(4);
    expect(first.sum).toBeCloseTo(1005);
    expect(first.cards.map((c) => c.displayName)).toEqual(['Lead 4', 'Lead 3', 'Lead 2']);
    expect(first.cards[0]!.value).toBeCloseTo(402);
    expect(column(b, p.stage('Won'))).toMatchObject({ count: 0, sum: 0, cards: [], nextCursor: null });

    const next = await owner.get(`/api/v1/pipelines/${p.id}/board/stages/${p.stage('New')}?limit=3&cursor=${first.nextCursor}`);
    expect(next.statusCode, next.body).toBe(200);
    expect(next.json().cards.map((c: Card) => c.displayName)).toEqual(['Lead 1']);
    expect(next.json().nextCursor).toBeNull();

    const bad = await owner.get(`/api/v1/pipelines/${p.id}/board?sumField=nope`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('sumField');
  });

  it('filters with the lead list engine (owner, source, tag, search) and flags rotting cards', async () => {
    const { owner, userId } = await setUpOwner(t);
    const p = await pipelineOf(owner);
    await createLead(owner, { firstName: 'Ana', lastName: 'Lima', source: 'Facebook', tags: ['vip'], ownerId: userId });
    await createLead(owner, { firstName: 'Bruno', source: 'Google' });
    const query = (q: unknown) => `?query=${encodeURIComponent(JSON.stringify(q))}`;
    expect(names(await getBoard(owner, p.id, query({ filters: [{ field: 'source', op: 'eq', value: 'facebook' }] })), p.stage('New'))).toEqual(['Ana Lima']);
    expect(names(await getBoard(owner, p.id, query({ filters: [{ field: 'tags', op: 'contains', value: 'vip' }] })), p.stage('New'))).toEqual(['Ana Lima']);
    expect(names(await getBoard(owner, p.id, query({ filters: [{ field: 'ownerId', op: 'eq', value: 'me' }] })), p.stage('New'))).toEqual(['Ana Lima']);
    const searched = await getBoard(owner, p.id, query({ q: 'brun' }));
    expect(names(searched, p.stage('New'))).toEqual(['Bruno']);
    expect(column(searched, p.stage('New')).count).toBe(1);
    const bad = await owner.get(`/api/v1/pipelines/${p.id}/board${query({ filters: [{ field: 'nope', op: 'eq', value: 1 }] })}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('query.filters.0.field');

    const set = await owner.patch(`/api/v1/pipelines/${p.id}/stages/${p.stage('New')}`, { rottingDays: 3 });
    expect(set.statusCode, set.body).toBe(200);
    expect(column(await getBoard(owner, p.id), p.stage('New')).cards.every((c) => !c.rotting)).toBe(true);
    await t.deps.database.query(`UPDATE leads SET last_activity_at = now() - interval '4 days'`, []);
    expect(column(await getBoard(owner, p.id), p.stage('New')).cards.every((c) => c.rotting)).toBe(true);
  });

  it('shows an agent without leads.view_all only their own cards, and counts only those', async () => {
    const { owner } = await setUpOwner(t);
    const p = await pipelineOf(owner);
    const agent = await addMember(t, owner, 'agent@example.com', 'agent');
    await createLead(owner, { firstName: 'Mine', ownerId: agent.userId });
    const other = await createLead(owner, { firstName: 'Not mine' });
    const b = await getBoard(agent.client, p.id);
    expect(names(b, p.stage('New'))).toEqual(['Mine']);
    expect(column(b, p.stage('New')).count).toBe(1);
    const res = await move(agent.client, other.id, { stageId: p.stage('Contacted'), version: 1 });
    expect(res.statusCode).toBe(404);
  });
});

describe('moving cards', () => {
  it('moves across columns and within a column, keeping the order, with a timeline entry, an audit entry and a live event', async () => {
    const { owner } = await setUpOwner(t);
    const p = await pipelineOf(owner);
    const [a, b, c] = [await createLead(owner, { firstName: 'A' }), await createLead(owner, { firstName: 'B' }), await createLead(owner, { firstName: 'C' })];
    const events = collectEvents();
    // New: C B A (newest on top).
    let res = await move(owner, b.id, { stageId: p.stage('Contacted') });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: b.id, stageId: p.stage('Contacted'), fromStageId: p.stage('New'), version: 2, clientSince: null, lostReason: null });
    res = await move(owner, c.id, { stageId: p.stage('Contacted'), beforeId: null });
    expect(res.statusCode, res.body).toBe(200);
    res = await move(owner, a.id, { stageId: p.stage('Contacted'), beforeId: c.id });
    expect(res.statusCode, res.body).toBe(200);
    let board = await getBoard(owner, p.id);
    expect(names(board, p.stage('Contacted'))).toEqual(['B', 'A', 'C']);
    expect(column(board, p.stage('New')).count).toBe(0);

    // Within the column: C first, then A after B.
    expect((await move(owner, c.id, { stageId: p.stage('Contacted') })).statusCode).toBe(200);
    expect((await move(owner, a.id, { stageId: p.stage('Contacted'), afterId: b.id })).statusCode).toBe(200);
    board = await getBoard(owner, p.id);
    expect(names(board, p.stage('Contacted'))).toEqual(['C', 'B', 'A']);

    const items = await timeline(owner, b.id);
    expect(items[0]).toMatchObject({ type: 'stage_changed', data: { from: { name: 'New' }, to: { name: 'Contacted' } }, actor: { name: 'Olivia Owner' } });
    // A reorder within a column is no stage change.
    expect((await timeline(owner, c.id)).filter((i) => i.type === 'stage_changed')).toHaveLength(1);
    const audit = (await owner.get(`/api/v1/audit?entityType=lead&entityId=${b.id}`)).json().entries as { action: string; newValues: Record<string, unknown> }[];
    expect(audit.some((e) => e.action === 'lead.update' && e.newValues?.stageId === p.stage('Contacted'))).toBe(true);

    await new Promise((r) => setTimeout(r, 50));
    const moved = events.filter((e) => e.type === 'lead.moved');
    expect(moved[0]?.data).toMatchObject({ leadId: b.id, stageId: p.stage('Contacted'), fromStageId: p.stage('New'), version: 2 });
    expect(typeof moved[0]?.data.stagePosition).toBe('number');
  });

  it('renumbers a column whose cards share a position, keeping their order', async () => {
    const { owner, workspaceId } = await setUpOwner(t);
    const p = await pipelineOf(owner);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createLead(owner, { firstName: `L${i}` })).id);
    // Leads from before the board all sat at position 0.
    await t.deps.database.query(`UPDATE leads SET stage_position = 0 WHERE workspace_id = $1`, [workspaceId]);
    const before = names(await getBoard(owner, p.id), p.stage('New'));
    const last = before[before.length - 1]!;
    const lastId = ids[Number(last.slice(1))]!;
    const second = ids[Number(before[1]!.slice(1))]!;
    const res = await move(owner, lastId, { stageId: p.stage('New'), beforeId: second });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().renumbered).toBe(true);
    const after = names(await getBoard(owner, p.id), p.stage('New'));
    expect(after).toEqual([before[0], last, ...before.slice(1, -1)]);
  });

  it('refuses a stale version with 409 naming who changed it, and changes nothing', async () => {
    const { owner } = await setUpOwner(t);
    const p = await pipelineOf(owner);
    const lead = await createLead(owner, { firstName: 'Ana' });
    expect((await owner.patch(`/api/v1/leads/${lead.id}`, { version: 1, company: 'Lima' })).statusCode).toBe(200);
    const res = await owner.post(`/api/v1/leads/${lead.id}/move`, { stageId: p.stage('Qualified'), version: 1 });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'CONFLICT', field: 'version' });
    expect(res.json().error.message).toContain('Olivia Owner');
    expect((await owner.get(`/api/v1/leads/${lead.id}`)).json().stage.id).toBe(p.stage('New'));
  });

  it('needs a lost reason from the workspace list for a lost stage, and marks won leads as clients until they leave', async () => {
    const { owner } = await setUpOwner(t);
    const p = await pipelineOf(owner);
    const lead = await createLead(owner, { firstName: 'Ana' });

    let res = await move(owner, lead.id, { stageId: p.stage('Lost') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('lostReason');
    // With an empty list, any reason will do.
    res = await move(owner, lead.id, { stageId: p.stage('Lost'), lostReason: 'Went quiet' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().lostReason).toBe('Went quiet');

    for (const name of ['Price', 'Chose a competitor']) expect((await owner.post('/api/v1/lost-reasons', { name })).statusCode).toBe(201);
    res = await move(owner, lead.id, { stageId: p.stage('New') });
    expect(res.json().lostReason).toBeNull();
    res = await move(owner, lead.id, { stageId: p.stage('Lost'), lostReason: 'Went quiet' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ field: 'lostReason' });
    expect(res.json().error.message).toContain('Price');
    res = await move(owner, lead.id, { stageId: p.stage('Lost'), lostReason: 'price' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().lostReason).toBe('Price');
    expect((await timeline(owner, lead.id))[0]).toMatchObject({ type: 'stage_changed', data: { lostReason: 'Price' } });
    // Its reason leaves the list: the card still moves within the lost column, keeping it.
    const price = (await owner.get('/api/v1/lost-reasons')).json().reasons.find((r: { name: string }) => r.name === 'Price');
    expect((await owner.patch(`/api/v1/lost-reasons/${price.id}`, { archived: true })).statusCode).toBe(200);
    res = await move(owner, lead.id, { stageId: p.stage('Lost'), beforeId: null });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().lostReason).toBe('Price');

    res = await move(owner, lead.id, { stageId: p.stage('Won') });
    expect(res.statusCode, res.body).toBe(200);
    const since = res.json().clientSince as string;
    expect(since).toBeTruthy();
    expect(res.json().lostReason).toBeNull();
    const clients = await owner.get(`/api/v1/leads?query=${encodeURIComponent(JSON.stringify({ filters: [{ field: 'isClient', op: 'eq', value: true }] }))}`);
    expect(clients.statusCode, clients.body).toBe(200);
    expect(clients.json().leads.map((l: { id: string }) => l.id)).toEqual([lead.id]);
    expect(clients.json().leads[0].clientSince).toBe(since);
    // A client keeps the lead's whole timeline: it is the same record.
    expect((await timeline(owner, lead.id)).filter((i) => i.type === 'stage_changed')).toHaveLength(4);

    res = await move(owner, lead.id, { stageId: p.stage('Qualified') });
    expect(res.json().clientSince).toBeNull();
    const none = await owner.get(`/api/v1/leads?query=${encodeURIComponent(JSON.stringify({ filters: [{ field: 'clientSince', op: 'not_empty' }] }))}`);
    expect(none.json().leads).toEqual([]);
  });

  it('applies the same rules when PATCH /leads/:id changes the stage', async () => {
    const { owner } = await setUpOwner(t);
    const p = await pipelineOf(owner);
    await owner.post('/api/v1/lost-reasons', { name: 'Price' });
    const lead = await createLead(owner, { firstName: 'Ana' });
    let res = await owner.patch(`/api/v1/leads/${lead.id}`, { version: 1, stageId: p.stage('Lost') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('lostReason');
    res = await owner.patch(`/api/v1/leads/${lead.id}`, { version: 1, stageId: p.stage('Lost'), lostReason: 'Other' });
    expect(res.statusCode).toBe(400);
    res = await owner.patch(`/api/v1/leads/${lead.id}`, { version: 1, stageId: p.stage('Lost'), lostReason: 'PRICE' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ lostReason: 'Price', clientSince: null, stage: { status: 'lost' } });
    res = await owner.patch(`/api/v1/leads/${lead.id}`, { version: 2, stageId: p.stage('Won') });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ lostReason: null, stage: { kind: 'won', status: 'converted' } });
    expect(res.json().clientSince).toBeTruthy();
    // The new column puts it on top.
    const other = await createLead(owner, { firstName: 'Bea', stageId: p.stage('Won') });
    expect(names(await getBoard(owner, p.id), p.stage('Won'))).toEqual(['Bea', 'Ana']);
    expect((await owner.get(`/api/v1/leads/${other.id}`)).json().clientSince).toBeTruthy();
  });

  it('applies the rules to bulk stage moves: a reason for lost, client dates for won', async () => {
    const { owner } = await setUpOwner(t);
    const p = await pipelineOf(owner);
    const a = await createLead(owner, { firstName: 'Ana' });
    const b = await createLead(owner, { firstName: 'Bea' });
    const bulk = (action: Record<string, unknown>) => owner.post('/api/v1/leads/bulk', { selection: { ids: [a.id, b.id] }, action });
    let res = await bulk({ type: 'set_stage', stageId: p.stage('Lost') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('action.lostReason');
    res = await bulk({ type: 'set_stage', stageId: p.stage('Lost'), lostReason: 'No budget' });
    expect(res.json()).toEqual({ affected: 2 });
    expect((await owner.get(`/api/v1/leads/${a.id}`)).json()).toMatchObject({ lostReason: 'No budget', clientSince: null });
    res = await bulk({ type: 'set_stage', stageId: p.stage('Won') });
    expect(res.json()).toEqual({ affected: 2 });
    const won = (await owner.get(`/api/v1/leads/${b.id}`)).json();
    expect(won.lostReason).toBeNull();
    expect(won.clientSince).toBeTruthy();
    expect(column(await getBoard(owner, p.id), p.stage('Won')).count).toBe(2);
  });

  it('refuses stages of another pipeline or workspace, archived stages and neighbours outside the column, changing nothing', async () => {
    const { owner } = await setUpOwner(t);
    const p = await pipelineOf(owner);
    const lead = await createLead(owner, { firstName: 'Ana' });
    const other = await createLead(owner, { firstName: 'Bea' });

    const b = t.client();
    await b.post('/api/v1/auth/signup', { name: 'Bea', email: 'bea@example.com', password: PASSWORD, workspaceSlug: 'acme-realty' });
    await b.post('/api/v1/auth/login', { email: 'bea@example.com', password: PASSWORD });
    b.workspaceId = (await b.post('/api/v1/workspaces', { name: 'Beta' })).json().id;
    const bp = await pipelineOf(b);
    const bLead = await createLead(b, { firstName: 'Theirs' });

    let res = await move(owner, lead.id, { stageId: bp.stage('Contacted') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('stageId');
    res = await move(owner, lead.id, { stageId: p.stage('Contacted'), beforeId: other.id });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('beforeId');
    res = await move(owner, lead.id, { stageId: p.stage('New'), beforeId: bLead.id });
    expect(res.statusCode).toBe(400);
    // Another workspace's lead: not found, and not moved.
    res = await owner.post(`/api/v1/leads/${bLead.id}/move`, { stageId: p.stage('Contacted'), version: 1 });
    expect(res.statusCode).toBe(404);
    expect((await b.get(`/api/v1/leads/${bLead.id}`)).json().stage.id).toBe(bp.stage('New'));
    // Their board is not ours to read.
    expect((await owner.get(`/api/v1/pipelines/${bp.id}/board`)).statusCode).toBe(404);
    expect((await owner.get(`/api/v1/pipelines/${p.id}/board/stages/${bp.stage('New')}`)).statusCode).toBe(404);

    const archived = await owner.post(`/api/v1/pipelines/${p.id}/stages/${p.stage('Qualified')}/archive`, {});
    expect(archived.statusCode, archived.body).toBe(200);
    res = await move(owner, lead.id, { stageId: p.stage('Qualified') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('stageId');
    expect((await owner.get(`/api/v1/leads/${lead.id}`)).json()).toMatchObject({ version: 1, stage: { id: p.stage('New') } });
  });
});
