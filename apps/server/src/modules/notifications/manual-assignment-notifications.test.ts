import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';

/** Sign-ups and invitations through the API: generous on a busy 2-core machine (tests assert no timings). */
const SETUP_TIMEOUT = 180_000;

type Item = { type: string; data: Record<string, unknown>; link: { kind: string; id: string } | null };

/** A manager's change of owner by hand tells the new owner, as distribution does: one lead at a time, or in bulk. */
describe('notifications of manual assignment', () => {
  let t: TestApp;
  let owner: TestClient;
  let agent: { client: TestClient; userId: string };
  let other: { client: TestClient; userId: string };

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    owner.workspaceId = o.workspaceId;
    agent = await addMember(t, owner, 'agent@example.com', 'agent');
    other = await addMember(t, owner, 'other@example.com', 'agent');
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t.close();
  });

  const items = async (c: TestClient): Promise<Item[]> => (await c.get('/api/v1/notifications?limit=50')).json().items;
  async function newLead(firstName: string): Promise<string> {
    const res = await owner.post('/api/v1/leads', { firstName, ownerId: null });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  it("tells the new owner of a lead a manager gave them, naming the manager; nobody hears of their own change", async () => {
    const leadId = await newLead('Handed Hana');
    const lead = (await owner.get(`/api/v1/leads/${leadId}`)).json();
    const res = await owner.patch(`/api/v1/leads/${leadId}`, { version: lead.version, ownerId: agent.userId });
    expect(res.statusCode, res.body).toBe(200);
    await vi.waitFor(async () => expect(await items(agent.client)).toHaveLength(1), { timeout: 10_000 });
    expect((await items(agent.client))[0]).toMatchObject({
      type: 'lead_assigned',
      data: { leadName: 'Handed Hana', reason: 'manual', actorName: 'Olivia Owner' },
      link: { kind: 'lead', id: leadId },
    });

    // The owner takes a lead for themselves: no notification for anyone.
    const mine = await newLead('Kept Kim');
    const v = (await owner.get(`/api/v1/leads/${mine}`)).json().version;
    const ownerId = (await owner.get('/api/v1/me')).json().user.id;
    expect((await owner.patch(`/api/v1/leads/${mine}`, { version: v, ownerId })).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(await items(owner)).toHaveLength(0);
  });

  it('a bulk change tells the new owner about each of a few leads, and once with the count about many', async () => {
    const few = [await newLead('Few 1'), await newLead('Few 2'), await newLead('Few 3')];
    const res = await owner.post('/api/v1/leads/bulk', { selection: { ids: few }, action: { type: 'assign', ownerId: other.userId } });
    expect(res.statusCode, res.body).toBe(200);
    await vi.waitFor(async () => expect(await items(other.client)).toHaveLength(3), { timeout: 10_000 });
    expect((await items(other.client)).map((i) => i.link?.id).sort()).toEqual([...few].sort());

    const many: string[] = [];
    for (let i = 0; i < 12; i++) many.push(await newLead(`Many ${i}`));
    const big = await owner.post('/api/v1/leads/bulk', { selection: { ids: many }, action: { type: 'assign', ownerId: other.userId } });
    expect(big.statusCode, big.body).toBe(200);
    await vi.waitFor(async () => expect(await items(other.client)).toHaveLength(4), { timeout: 10_000 });
    expect((await items(other.client))[0]).toMatchObject({ type: 'lead_assigned', data: { count: 12, actorName: 'Olivia Owner' }, link: null });

    // Leads the agent already owned are not news: a bulk change that moves nothing tells nobody.
    const again = await owner.post('/api/v1/leads/bulk', { selection: { ids: few }, action: { type: 'assign', ownerId: other.userId } });
    expect(again.statusCode, again.body).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(await items(other.client)).toHaveLength(4);
  });
});
