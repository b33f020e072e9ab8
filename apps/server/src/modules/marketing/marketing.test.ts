import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

async function created<T = { id: string }>(res: { statusCode: number; body: string; json(): unknown }): Promise<T> {
  if (res.statusCode !== 201) throw new Error(`expected 201, got ${res.statusCode} ${res.body}`);
  return res.json() as T;
}

async function list(client: TestClient, filters: unknown[]): Promise<string[]> {
  const res = await client.get(`/api/v1/leads?query=${encodeURIComponent(JSON.stringify({ filters }))}`);
  if (res.statusCode !== 200) throw new Error(`list failed: ${res.body}`);
  return (res.json().leads as { id: string }[]).map((l) => l.id);
}

describe('lead sources', () => {
  it('adds, renames, archives and deletes sources with sub-types; refuses duplicate names and roles without marketing.manage', async () => {
    const { owner } = await setUpOwner(t);
    const wom = await created<{ id: string; subtypes: string[] }>(
      await owner.post('/api/v1/lead-sources', { name: 'Word of mouth', kind: 'word_of_mouth', subtypes: ['Family', 'Friend', 'Doctor'] }),
    );
    expect(wom.subtypes).toEqual(['Family', 'Friend', 'Doctor']);
    await created(await owner.post('/api/v1/lead-sources', { name: 'Google Ads', kind: 'paid' }));
    const dup = await owner.post('/api/v1/lead-sources', { name: 'word OF mouth' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.field).toBe('name');
    const twice = await owner.post('/api/v1/lead-sources', { name: 'X', subtypes: ['A', 'a'] });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error.field).toMatch(/^subtypes/);
    const badKind = await owner.post('/api/v1/lead-sources', { name: 'Y', kind: 'billboard' });
    expect(badKind.json().error.field).toBe('kind');

    const renamed = await owner.patch(`/api/v1/lead-sources/${wom.id}`, { name: 'Indicação', archived: true });
    expect(renamed.json()).toMatchObject({ name: 'Indicação', archived: true });
    expect(((await owner.get('/api/v1/lead-sources?archived=false')).json().sources as { name: string }[]).map((s) => s.name)).toEqual(['Google Ads']);

    const agent = await addMember(t, owner, 'agent@example.com', 'agent');
    expect((await agent.client.get('/api/v1/lead-sources')).statusCode).toBe(200);
    expect((await agent.client.post('/api/v1/lead-sources', { name: 'Mine' })).statusCode).toBe(403);
    const marketer = await addMember(t, owner, 'mkt@example.com', 'marketing');
    expect((await marketer.client.post('/api/v1/lead-sources', { name: 'Fair' })).statusCode).toBe(201);

    expect((await owner.delete(`/api/v1/lead-sources/${wom.id}`)).statusCode).toBe(200);
    expect((await owner.get('/api/v1/lead-sources')).json().sources).toHaveLength(2);
  });

  it('keeps a lead source detail as text, filters and exports it, and writes its change to the timeline', async () => {
    const { owner } = await setUpOwner(t);
    const a = await created<{ id: string; version: number }>(await owner.post('/api/v1/leads', { firstName: 'A', source: 'Word of mouth', sourceDetail: 'Doctor' }));
    await created(await owner.post('/api/v1/leads', { firstName: 'B', source: 'Word of mouth', sourceDetail: 'Family' }));
    expect(await list(owner, [{ field: 'sourceDetail', op: 'eq', value: 'Doctor' }])).toEqual([a.id]);
    const updated = await owner.patch(`/api/v1/leads/${a.id}`, { version: a.version, sourceDetail: 'Friend' });
    expect(updated.json().sourceDetail).toBe('Friend');
    const timeline = (await owner.get(`/api/v1/leads/${a.id}/timeline`)).json().items as { type: string; data: { changes?: unknown[] } }[];
    expect(timeline[0]).toMatchObject({ type: 'field_changed', data: { changes: [{ field: 'sourceDetail', old: 'Doctor', new: 'Friend' }] } });
    const csv = (await owner.get('/api/v1/leads/export?columns=name,source,sourceDetail')).body;
    expect(csv).toContain('Source detail');
    expect(csv).toContain('Friend');
  });
});

describe('marketing events', () => {
  it('manages events, links leads to them, filters by event, and refuses another workspace’s event', async () => {
    const { owner } = await setUpOwner(t);
    const fair = await created<{ id: string }>(await owner.post('/api/v1/events', { name: 'Health fair', date: '2026-11-20', place: 'City hall', notes: 'Booth 12' }));
    const talk = await created<{ id: string }>(await owner.post('/api/v1/events', { name: 'Talk' }));
    const badDay = await owner.post('/api/v1/events', { name: 'Bad', date: '2026-02-30' });
    expect(badDay.statusCode).toBe(400);
    expect(badDay.json().error.field).toBe('date');

    const lead = await created<{ id: string; eventId: string; version: number }>(await owner.post('/api/v1/leads', { firstName: 'From fair', eventId: fair.id }));
    expect(lead.eventId).toBe(fair.id);
    await created(await owner.post('/api/v1/leads', { firstName: 'Other' }));
    expect(await list(owner, [{ field: 'eventId', op: 'eq', value: fair.id }])).toEqual([lead.id]);
    const events = (await owner.get('/api/v1/events')).json().events as { id: string; leadCount: number; date: string | null }[];
    expect(events.map((e) => [e.id, e.leadCount])).toEqual([
      [fair.id, 1],
      [talk.id, 0],
    ]);
    const csv = (await owner.get('/api/v1/leads/export?columns=name,eventId')).body;
    expect(csv).toContain('Health fair');

    // In use: not deleted, archived instead; an archived event is not offered for new choices.
    expect((await owner.delete(`/api/v1/events/${fair.id}`)).statusCode).toBe(409);
    expect((await owner.patch(`/api/v1/events/${fair.id}`, { archived: true })).json().archived).toBe(true);
    const archived = await owner.post('/api/v1/leads', { firstName: 'Late', eventId: fair.id });
    expect(archived.statusCode).toBe(400);
    expect(archived.json().error.field).toBe('eventId');
    expect((await owner.delete(`/api/v1/events/${talk.id}`)).statusCode).toBe(200);

    // Another workspace's event: refused by name, and nothing written.
    const otherWs = (await owner.post('/api/v1/workspaces', { name: 'Other Co' })).json().id as string;
    owner.workspaceId = otherWs;
    const foreign = await created<{ id: string }>(await owner.post('/api/v1/events', { name: 'Foreign expo' }));
    const mine = (await owner.get('/api/v1/me')).json().workspaces.find((w: { id: string }) => w.id !== otherWs).id as string;
    owner.workspaceId = mine;
    const before = (await t.deps.database.query<{ n: number }>('SELECT count(*)::int AS n FROM leads')).rows[0]!.n;
    const refused = await owner.post('/api/v1/leads', { firstName: 'X', eventId: foreign.id });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'eventId' });
    const current = (await owner.get(`/api/v1/leads/${lead.id}`)).json();
    const patch = await owner.patch(`/api/v1/leads/${lead.id}`, { version: current.version, eventId: foreign.id });
    expect(patch.json().error.field).toBe('eventId');
    expect((await t.deps.database.query<{ n: number }>('SELECT count(*)::int AS n FROM leads')).rows[0]!.n).toBe(before);
    expect((await owner.get(`/api/v1/events/${foreign.id}`)).statusCode).toBe(404);
    expect((await owner.patch(`/api/v1/events/${foreign.id}`, { name: 'Hijack' })).statusCode).toBe(404);

    const agent = await addMember(t, owner, 'agent@example.com', 'agent');
    expect((await agent.client.post('/api/v1/events', { name: 'Nope' })).statusCode).toBe(403);
  });
});
