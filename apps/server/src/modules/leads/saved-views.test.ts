import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { queryParam, seedCustomField, seedLeads } from './lead-list.fixtures.ts';

/** Sign-ups, invitations and seeding through the API: generous on a busy 2-core machine (tests assert no timings). */
const SETUP_TIMEOUT = 180_000;

describe('saved views', () => {
  let t: TestApp;
  let owner: TestClient;
  let admin: TestClient;
  let agent: TestClient;
  let workspaceId: string;
  let wsB: string;

  const hotQuery = { filters: [{ field: 'tags', op: 'in', value: ['hot'] }], sort: { field: 'score', dir: 'desc' } };

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    workspaceId = o.workspaceId;
    owner.workspaceId = workspaceId;
    admin = (await addMember(t, owner, 'admin@example.com', 'admin')).client;
    agent = (await addMember(t, owner, 'agent@example.com', 'agent')).client;
    await seedCustomField(t, workspaceId, { key: 'budget', type: 'number' });
    await seedLeads(t, workspaceId, [
      { firstName: 'Hot1', tags: ['hot'], score: 10, ownerId: o.userId },
      { firstName: 'Hot2', tags: ['hot'], score: 90, ownerId: o.userId },
      { firstName: 'Cold', tags: ['cold'], score: 50, ownerId: o.userId },
    ]);
    const b = await owner.post('/api/v1/workspaces', { name: 'Beta Insurance' });
    wsB = b.json().id;
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t.close();
  });

  const names = async (client: TestClient) => ((await client.get('/api/v1/views')).json().views as { name: string }[]).map((v) => v.name);

  it('keeps a private view to its owner, and its stored query lists the same leads', async () => {
    const res = await owner.post('/api/v1/views', { name: 'My hot leads', query: hotQuery, columns: ['name', 'score', 'custom.budget'] });
    expect(res.statusCode, res.body).toBe(201);
    const view = res.json();
    expect(view).toEqual({
      id: expect.any(String),
      name: 'My hot leads',
      shared: false,
      mine: true,
      query: { filters: hotQuery.filters, sort: hotQuery.sort },
      columns: ['name', 'score', 'custom.budget'],
    });
    expect(await names(owner)).toEqual(['My hot leads']);
    expect(await names(agent)).toEqual([]);
    expect((await agent.patch(`/api/v1/views/${view.id}`, { name: 'Mine now' })).statusCode).toBe(404);
    expect((await agent.delete(`/api/v1/views/${view.id}`)).statusCode).toBe(404);
    expect((await admin.delete(`/api/v1/views/${view.id}`)).statusCode).toBe(404);
    const listed = (await owner.get(`/api/v1/leads?query=${queryParam(view.query)}`)).json();
    expect(listed.leads.map((l: { firstName: string }) => l.firstName)).toEqual(['Hot2', 'Hot1']);
  });

  it('shows a shared view to everyone; only its owner or an admin may change or delete it', async () => {
    const shared = (await owner.post('/api/v1/views', { name: 'Team queue', shared: true, query: { filters: [] } })).json();
    expect(shared).toMatchObject({ shared: true, mine: true, columns: [], query: { filters: [], sort: { field: 'createdAt', dir: 'desc' } } });
    const seen = ((await agent.get('/api/v1/views')).json().views as { id: string; mine: boolean }[]).find((v) => v.id === shared.id);
    expect(seen).toMatchObject({ mine: false });
    expect((await agent.patch(`/api/v1/views/${shared.id}`, { name: 'Hijacked' })).statusCode).toBe(403);
    expect((await agent.delete(`/api/v1/views/${shared.id}`)).statusCode).toBe(403);
    const renamed = await admin.patch(`/api/v1/views/${shared.id}`, { name: 'Team queue (all)' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Team queue (all)', mine: false });
    const unshared = await owner.patch(`/api/v1/views/${shared.id}`, { shared: false, columns: ['name'] });
    expect(unshared.json()).toMatchObject({ shared: false, columns: ['name'], mine: true });
    expect(await names(agent)).not.toContain('Team queue (all)');

    const agentView = (await agent.post('/api/v1/views', { name: 'Agent board', shared: true, query: {} })).json();
    expect(await names(owner)).toContain('Agent board');
    expect((await admin.delete(`/api/v1/views/${agentView.id}`)).statusCode).toBe(200);
    expect(await names(agent)).not.toContain('Agent board');
  });

  it('validates the stored query and columns like a list query', async () => {
    const cases: [object, string][] = [
      [{ name: 'x', query: { filters: [{ field: 'nope', op: 'eq', value: 1 }] } }, 'query.filters.0.field'],
      [{ name: 'x', query: { filters: [{ field: 'score', op: 'contains', value: '1' }] } }, 'query.filters.0.op'],
      [{ name: 'x', query: { filters: [{ field: 'custom.budget', op: 'gt', value: 'lots' }] } }, 'query.filters.0.value'],
      [{ name: 'x', query: { sort: { field: 'custom.missing', dir: 'asc' } } }, 'query.sort.field'],
      [{ name: 'x', query: {}, columns: ['name', 'custom.missing'] }, 'columns.1'],
      [{ name: '  ', query: {} }, 'name'],
      [{ name: 'x', query: { filters: [{ field: 'score', op: 'bigger', value: 1 }] } }, 'query.filters.0.op'],
    ];
    for (const [body, field] of cases) {
      const res = await owner.post('/api/v1/views', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.field, JSON.stringify(body)).toBe(field);
    }
    const ok = (await owner.post('/api/v1/views', { name: 'Budget', query: { filters: [{ field: 'custom.budget', op: 'gte', value: 1000 }] } })).json();
    const bad = await owner.patch(`/api/v1/views/${ok.id}`, { query: { filters: [{ field: 'custom.budget', op: 'gte', value: 'x' }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('query.filters.0.value');
  });

  it('answers 404 for the views of another workspace', async () => {
    owner.workspaceId = wsB;
    const bView = (await owner.post('/api/v1/views', { name: 'Beta shared', shared: true, query: {} })).json();
    expect(await names(owner)).toEqual(['Beta shared']);
    owner.workspaceId = workspaceId;
    expect(await names(owner)).not.toContain('Beta shared');
    expect((await owner.patch(`/api/v1/views/${bView.id}`, { name: 'x' })).statusCode).toBe(404);
    expect((await owner.delete(`/api/v1/views/${bView.id}`)).statusCode).toBe(404);
    expect((await admin.patch(`/api/v1/views/${bView.id}`, { name: 'x' })).statusCode).toBe(404);
  });
});
