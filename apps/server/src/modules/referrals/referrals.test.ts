import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

async function lead(client: TestClient, body: Record<string, unknown>): Promise<{ id: string; version: number }> {
  const res = await client.post('/api/v1/leads', body);
  if (res.statusCode !== 201) throw new Error(`lead failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** A client is a lead with client_since (set by a won move in the pipelines module; set directly here). */
async function makeClient(id: string): Promise<void> {
  await t.deps.database.query('UPDATE leads SET client_since = now() WHERE id = $1', [id]);
}

async function list(client: TestClient, filters: unknown[]): Promise<string[]> {
  const res = await client.get(`/api/v1/leads?query=${encodeURIComponent(JSON.stringify({ filters }))}`);
  if (res.statusCode !== 200) throw new Error(`list failed: ${res.body}`);
  return (res.json().leads as { id: string }[]).map((l) => l.id);
}

describe('referrals', () => {
  it('marks and unmarks a referral by a client or a contact, writes the timeline and audit, filters and reports', async () => {
    const { owner } = await setUpOwner(t);
    const ana = await lead(owner, { firstName: 'Ana', lastName: 'Client' });
    await makeClient(ana.id);
    const contact = (await owner.post(`/api/v1/leads/${ana.id}/contacts`, { name: 'Dr. Bruno', role: 'Doctor' })).json();
    const carla = await lead(owner, { firstName: 'Carla' });
    const davi = await lead(owner, { firstName: 'Davi' });
    const eva = await lead(owner, { firstName: 'Eva' });

    const marked = await owner.request('PUT', `/api/v1/leads/${carla.id}/referral`, { type: 'regular', referredByLeadId: ana.id });
    expect(marked.statusCode).toBe(200);
    expect(marked.json()).toMatchObject({ type: 'regular', referrer: { kind: 'lead', id: ana.id, name: 'Ana Client' } });
    expect((await owner.request('PUT', `/api/v1/leads/${davi.id}/referral`, { type: 'interim', referredByContactId: contact.id })).statusCode).toBe(200);
    await makeClient(davi.id);

    const carlaNow = (await owner.get(`/api/v1/leads/${carla.id}`)).json();
    expect(carlaNow.referral).toMatchObject({ type: 'regular', referredByLeadId: ana.id, referredByContactId: null });
    expect(carlaNow.version).toBe(carla.version + 1);
    const timeline = (await owner.get(`/api/v1/leads/${carla.id}/timeline`)).json().items as { type: string; data: Record<string, unknown> }[];
    expect(timeline[0]).toMatchObject({ type: 'referral_marked', data: { type: 'regular', referrer: { kind: 'lead', id: ana.id } } });

    const referred = (await owner.get(`/api/v1/leads/${ana.id}/referred`)).json().leads as { id: string; via: { kind: string }; isClient: boolean }[];
    expect(referred.map((r) => [r.id, r.via.kind, r.isClient]).sort()).toEqual(
      [
        [carla.id, 'lead', false],
        [davi.id, 'contact', true],
      ].sort(),
    );

    expect((await list(owner, [{ field: 'referralType', op: 'not_empty' }])).sort()).toEqual([carla.id, davi.id].sort());
    expect(await list(owner, [{ field: 'referralType', op: 'eq', value: 'interim' }])).toEqual([davi.id]);
    expect(await list(owner, [{ field: 'referredByLeadId', op: 'eq', value: ana.id }])).toEqual([carla.id]);
    expect(await list(owner, [{ field: 'referredByContactId', op: 'eq', value: contact.id }])).toEqual([davi.id]);

    const report = (await owner.get('/api/v1/reports/referrers')).json().rows;
    expect(report).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'lead', id: ana.id, referred: 1, becameClients: 0 }),
        expect.objectContaining({ kind: 'contact', id: contact.id, leadId: ana.id, referred: 1, becameClients: 1 }),
      ]),
    );

    const search = (await owner.get('/api/v1/referrers?q=an')).json().referrers as { kind: string; id: string }[];
    expect(search.map((r) => r.id)).toContain(ana.id);
    expect(search.map((r) => r.id)).not.toContain(eva.id);

    expect((await owner.delete(`/api/v1/leads/${carla.id}/referral`)).statusCode).toBe(200);
    expect((await owner.get(`/api/v1/leads/${carla.id}`)).json().referral).toBeNull();
    expect((await owner.delete(`/api/v1/leads/${carla.id}/referral`)).statusCode).toBe(409);
    const audit = await t.deps.database.query<{ action: string }>("SELECT action FROM audit_log WHERE entity_id = $1 AND action LIKE 'lead.referral%' ORDER BY id", [carla.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['lead.referral_mark', 'lead.referral_unmark']);
  });

  it('refuses a referrer that is not a client, the lead itself, two referrers, and referrers of another workspace', async () => {
    const { owner } = await setUpOwner(t);
    const target = await lead(owner, { firstName: 'Target' });
    const notClient = await lead(owner, { firstName: 'Prospect' });
    const bad = async (body: Record<string, unknown>, field: string) => {
      const res = await owner.request('PUT', `/api/v1/leads/${target.id}/referral`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.field).toBe(field);
    };
    await bad({ referredByLeadId: notClient.id }, 'referredByLeadId');
    await makeClient(target.id);
    await bad({ referredByLeadId: target.id }, 'referredByLeadId');
    await bad({ referredByLeadId: notClient.id, referredByContactId: notClient.id }, 'referredByLeadId');
    await bad({ type: 'forever', referredByLeadId: notClient.id }, 'type');

    // Another workspace with its own client and contact.
    const other = await owner.post('/api/v1/workspaces', { name: 'Other Co' });
    const otherWs = other.json().id as string;
    owner.workspaceId = otherWs;
    const foreign = await lead(owner, { firstName: 'Foreign' });
    await makeClient(foreign.id);
    const foreignContact = (await owner.post(`/api/v1/leads/${foreign.id}/contacts`, { name: 'Foreign contact' })).json();
    owner.workspaceId = undefined;
    const me = (await owner.get('/api/v1/me')).json();
    owner.workspaceId = me.workspaces.find((w: { id: string }) => w.id !== otherWs).id;

    await bad({ referredByLeadId: foreign.id }, 'referredByLeadId');
    await bad({ referredByContactId: foreignContact.id }, 'referredByContactId');
    expect((await owner.get(`/api/v1/leads/${foreign.id}/referred`)).statusCode).toBe(404);
    expect((await owner.request('PUT', `/api/v1/leads/${foreign.id}/referral`, { referredByLeadId: target.id })).statusCode).toBe(404);
    expect((await owner.get(`/api/v1/leads/${target.id}`)).json().referral).toBeNull();
  });

  it('lets an agent mark only leads they can see, and keeps the report for reports.view', async () => {
    const { owner } = await setUpOwner(t);
    const agent = await addMember(t, owner, 'agent@example.com', 'agent');
    const client = await lead(owner, { firstName: 'Client' });
    await makeClient(client.id);
    const notTheirs = await lead(owner, { firstName: 'Owner lead' });
    const theirs = await lead(agent.client, { firstName: 'Agent lead' });
    expect((await agent.client.request('PUT', `/api/v1/leads/${notTheirs.id}/referral`, { referredByLeadId: client.id })).statusCode).toBe(404);
    expect((await agent.client.request('PUT', `/api/v1/leads/${theirs.id}/referral`, { referredByLeadId: client.id })).statusCode).toBe(200);
    expect((await agent.client.get('/api/v1/reports/referrers')).statusCode).toBe(403);
  });
});
