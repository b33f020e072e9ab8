import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distributeLeads } from './distribution.assign.ts';
import { addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';

/** Sign-ups and invitations through the API: generous on a busy 2-core machine (tests assert no timings). */
const SETUP_TIMEOUT = 180_000;

/**
 * Many leads handed out in one transaction (imports, Meta batches) must come out exactly as if they had arrived
 * one at a time: the batch keeps pointers, cap counts and loads in memory between picks (ADR 011, "Batches").
 * Two workspaces get the same rules and agents; one distributes 14 leads in one call, the other one per call.
 */
describe('lead distribution in batches', () => {
  let t: TestApp;
  let owner: TestClient;
  const ws: { id: string; agents: string[] }[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    const second = (await owner.post('/api/v1/workspaces', { name: 'Second Realty' })).json().id as string;
    for (const [k, id] of [o.workspaceId, second].entries()) {
      owner.workspaceId = id;
      const agents: string[] = [];
      for (const n of [1, 2, 3, 4]) agents.push((await addMember(t, owner, `w${k}-agent${n}@example.com`, 'agent')).userId);
      ws.push({ id, agents });
    }
    for (const w of ws) await configure(w);
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t.close();
  });

  async function configure(w: { id: string; agents: string[] }) {
    owner.workspaceId = w.id;
    const [a1, a2, a3, a4] = w.agents as [string, string, string, string];
    const rules = [
      // Campaign "Spring": round-robin over three agents, two leads a day each, then the next rule.
      { name: 'Spring', priority: 10, conditions: [{ field: 'campaign', op: 'eq', value: 'Spring' }], strategy: 'round_robin', members: [{ userId: a1 }, { userId: a2 }, { userId: a3 }], dailyCap: 2 },
      // Everyone else, and Spring's overflow: least-loaded between agents 3 and 4, weighted after that.
      { name: 'Least loaded', priority: 20, strategy: 'least_loaded', members: [{ userId: a3 }, { userId: a4 }], dailyCap: 3 },
      { name: 'Weighted', priority: 30, strategy: 'weighted', members: [{ userId: a1, weight: 75 }, { userId: a2, weight: 25 }], fallback: 'unassigned' },
    ];
    for (const r of rules) {
      const res = await owner.post('/api/v1/distribution/rules', r);
      expect(res.statusCode, res.body).toBe(201);
    }
  }

  async function waitingLeads(w: { id: string }, campaigns: string[]): Promise<string[]> {
    owner.workspaceId = w.id;
    const out: string[] = [];
    for (const [i, campaign] of campaigns.entries()) {
      const res = await owner.post('/api/v1/leads', { firstName: `Lead ${i}`, campaign, ownerId: null });
      expect(res.statusCode, res.body).toBe(201);
      out.push(res.json().id);
    }
    return out;
  }

  it('gives the same owners in one call as one lead per call, and keeps pointers and caps for the next call', async () => {
    const campaigns = ['Spring', 'Spring', 'Other', 'Spring', 'Spring', 'Other', 'Spring', 'Spring', 'Spring', 'Other', 'Other', 'Spring', 'Other', 'Other'];
    const [batchWs, singleWs] = ws as [{ id: string; agents: string[] }, { id: string; agents: string[] }];
    const batchLeads = await waitingLeads(batchWs, campaigns);
    const singleLeads = await waitingLeads(singleWs, campaigns);
    const at = new Date();

    const batched = await t.deps.database.db.transaction((tx) => distributeLeads(tx, { workspaceId: batchWs.id, leadIds: batchLeads, at }));
    const single = [];
    for (const leadId of singleLeads) single.push(...(await t.deps.database.db.transaction((tx) => distributeLeads(tx, { workspaceId: singleWs.id, leadIds: [leadId], at }))));

    // Agent n of one workspace stands for agent n of the other.
    const agentNo = (w: { agents: string[] }, id: string | undefined) => (id ? w.agents.indexOf(id) + 1 : 0);
    const fromBatch = batched.map((d) => [d.rule?.name ?? null, agentNo(batchWs, d.owner?.id)]);
    const fromSingles = single.map((d) => [d.rule?.name ?? null, agentNo(singleWs, d.owner?.id)]);
    expect(fromBatch).toEqual(fromSingles);
    // Spring's round-robin gives 1, 2, 3, 1, 2, 3 and then overflows; caps hold (2 Spring and 3 least-loaded each).
    expect(fromBatch.filter(([r]) => r === 'Spring').map(([, a]) => a)).toEqual([1, 2, 3, 1, 2, 3]);
    const perRule = (name: string) => fromBatch.filter(([r]) => r === name).map(([, a]) => a as number);
    for (const a of [3, 4]) expect(perRule('Least loaded').filter((x) => x === a).length).toBeLessThanOrEqual(3);
    expect(perRule('Least loaded')).toHaveLength(6);
    expect(perRule('Weighted')).toHaveLength(2);

    // What the batch wrote is what one-at-a-time wrote: owners, one record per lead, the pointers' counts.
    for (const [w, leadIds] of [[batchWs, batchLeads], [singleWs, singleLeads]] as const) {
      const rec = await t.deps.database.query<{ n: number; leads: number; owned: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT a.lead_id)::int AS leads, count(*) FILTER (WHERE l.owner_id = a.to_user_id)::int AS owned
           FROM assignments a JOIN leads l ON l.id = a.lead_id WHERE a.workspace_id = $1 AND a.lead_id = ANY($2::uuid[])`,
        [w.id, leadIds],
      );
      expect(rec.rows[0]).toEqual({ n: 14, leads: 14, owned: 14 });
      const pointers = await t.deps.database.query<{ name: string; assigned_count: number }>(
        'SELECT r.name, p.assigned_count FROM distribution_pointers p JOIN distribution_rules r ON r.id = p.rule_id WHERE p.workspace_id = $1 ORDER BY r.priority',
        [w.id],
      );
      expect(pointers.rows.map((p) => [p.name, Number(p.assigned_count)])).toEqual([
        ['Spring', 6],
        ['Least loaded', 6],
        ['Weighted', 2],
      ]);
    }

    // The next call starts where the batch stopped: Spring's agents are at their cap, least-loaded too, weighted goes on.
    const more = await waitingLeads(batchWs, ['Spring', 'Other']);
    const next = await t.deps.database.db.transaction((tx) => distributeLeads(tx, { workspaceId: batchWs.id, leadIds: more, at }));
    expect(next.map((d) => d.rule?.name)).toEqual(['Weighted', 'Weighted']);
  });

  it('a dry run of a batch moves no pointer and writes nothing', async () => {
    const w = ws[0]!;
    const before = await t.deps.database.query<{ n: number }>('SELECT coalesce(sum(assigned_count), 0)::int AS n FROM distribution_pointers WHERE workspace_id = $1', [w.id]);
    const leads = await waitingLeads(w, ['Other', 'Other']);
    const out = await t.deps.database.db.transaction((tx) => distributeLeads(tx, { workspaceId: w.id, leadIds: leads, at: new Date(), dryRun: true }));
    expect(out.every((d) => d.owner)).toBe(true);
    const after = await t.deps.database.query<{ n: number }>('SELECT coalesce(sum(assigned_count), 0)::int AS n FROM distribution_pointers WHERE workspace_id = $1', [w.id]);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    const owned = await t.deps.database.query<{ n: number }>('SELECT count(*)::int AS n FROM leads WHERE id = ANY($1::uuid[]) AND owner_id IS NOT NULL', [leads]);
    expect(owned.rows[0]!.n).toBe(0);
  });

  it('a returning person goes to the active owner of their earlier lead; a disabled owner is passed over', async () => {
    const w = ws[0]!;
    owner.workspaceId = w.id;
    const earlier = await owner.post('/api/v1/leads', { firstName: 'Earlier', phones: [{ raw: '+55 11 98888-7777' }], emails: ['returning@example.com'], ownerId: w.agents[3] });
    expect(earlier.statusCode, earlier.body).toBe(201);
    const other = await owner.post('/api/v1/leads', { firstName: 'Other person', emails: ['someone.else@example.com'], ownerId: w.agents[2] });
    expect(other.statusCode, other.body).toBe(201);
    const create = async (body: Record<string, unknown>) => (await owner.post('/api/v1/leads', { ownerId: null, campaign: 'Other', ...body })).json().id as string;
    // One batch: the same phone in another format, the same email, and a stranger.
    const byPhone = await create({ firstName: 'Back by phone', phones: [{ raw: '+55 (11) 98888 7777' }] });
    const byEmail = await create({ firstName: 'Back by email', emails: ['RETURNING@example.com'] });
    const stranger = await create({ firstName: 'Stranger', emails: ['new.person@example.com'] });
    const out = await t.deps.database.db.transaction((tx) => distributeLeads(tx, { workspaceId: w.id, leadIds: [byPhone, byEmail, stranger], at: new Date() }));
    const by = new Map(out.map((d) => [d.leadId, d]));
    expect(by.get(byPhone)).toMatchObject({ owner: { id: w.agents[3] }, reason: 'existing_owner' });
    expect(by.get(byEmail)).toMatchObject({ owner: { id: w.agents[3] }, reason: 'existing_owner' });
    expect(by.get(stranger)?.reason).not.toBe('existing_owner');

    // Agent 4 disabled: the next return of that person is distributed by the rules instead.
    const roles = await t.deps.database.query('UPDATE memberships SET status = $1 WHERE workspace_id = $2 AND user_id = $3', ['disabled', w.id, w.agents[3]]);
    expect(roles.rowCount).toBe(1);
    const again = await create({ firstName: 'Back again', phones: [{ raw: '+5511988887777' }] });
    const [d] = await t.deps.database.db.transaction((tx) => distributeLeads(tx, { workspaceId: w.id, leadIds: [again], at: new Date() }));
    expect(d?.reason).not.toBe('existing_owner');
    expect(d?.owner?.id).not.toBe(w.agents[3]);
  });

  it('keeps assignment counts (caps, received today) equal to the assignments made, by rules, by hand and after deletions, per local day', async () => {
    // The counts a trigger keeps on assignments against the counts of the assignments themselves, per workspace.
    const compare = async (workspaceId: string) => {
      const kept = await t.deps.database.query<{ user_id: string; rule_key: string; day: string; n: number }>(
        `SELECT user_id, rule_key::text, day::text, n FROM assignment_counts WHERE workspace_id = $1 AND n > 0 ORDER BY 1, 2, 3`,
        [workspaceId],
      );
      const actual = await t.deps.database.query<{ user_id: string; rule_key: string; day: string; n: number }>(
        `SELECT a.to_user_id AS user_id, coalesce(a.rule_id, '00000000-0000-0000-0000-000000000000'::uuid)::text AS rule_key,
                (a.at AT TIME ZONE w.time_zone)::date::text AS day, count(*)::int AS n
           FROM assignments a JOIN workspaces w ON w.id = a.workspace_id
          WHERE a.workspace_id = $1 AND a.to_user_id IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
        [workspaceId],
      );
      expect(kept.rows.map((r) => ({ ...r, n: Number(r.n) }))).toEqual(actual.rows.map((r) => ({ ...r, n: Number(r.n) })));
      return actual.rows.length;
    };
    const w = ws[1]!;
    owner.workspaceId = w.id;
    // Late evening in São Paulo is already tomorrow in UTC: counts go by the workspace's own date.
    await t.deps.database.query(`UPDATE workspaces SET time_zone = 'America/Sao_Paulo' WHERE id = $1`, [w.id]);
    const leads = await waitingLeads(w, ['Other', 'Other', 'Spring']);
    await t.deps.database.db.transaction((tx) => distributeLeads(tx, { workspaceId: w.id, leadIds: leads, at: new Date('2026-03-11T01:30:00Z') }));
    // By hand: one lead, then a bulk change of owner.
    const [l1, l2] = leads as [string, string];
    const v = (await owner.get(`/api/v1/leads/${l1}`)).json().version;
    expect((await owner.patch(`/api/v1/leads/${l1}`, { ownerId: w.agents[0], version: v })).statusCode).toBe(200);
    const bulk = await owner.post('/api/v1/leads/bulk', { selection: { ids: [l1, l2] }, action: { type: 'assign', ownerId: w.agents[1] } });
    expect(bulk.statusCode, bulk.body).toBe(200);
    expect(await compare(w.id)).toBeGreaterThan(0);
    const day = await t.deps.database.query<{ day: string }>(`SELECT DISTINCT day::text FROM assignment_counts WHERE workspace_id = $1 AND rule_key <> '00000000-0000-0000-0000-000000000000'`, [w.id]);
    expect(day.rows.map((r) => r.day)).toContain('2026-03-10');
    expect(day.rows.map((r) => r.day)).not.toContain('2026-03-11');
    // A new time zone for the workspace moves its counts to the days of that zone (01:30 UTC is 15:30 in Kiribati).
    await t.deps.database.query(`UPDATE workspaces SET time_zone = 'Pacific/Kiritimati' WHERE id = $1`, [w.id]);
    await compare(w.id);
    const moved = await t.deps.database.query<{ day: string }>(`SELECT DISTINCT day::text FROM assignment_counts WHERE workspace_id = $1 AND rule_key <> '00000000-0000-0000-0000-000000000000'`, [w.id]);
    expect(moved.rows.map((r) => r.day)).toContain('2026-03-11');
    expect(moved.rows.map((r) => r.day)).not.toContain('2026-03-10');
    await t.deps.database.query(`UPDATE workspaces SET time_zone = 'America/Sao_Paulo' WHERE id = $1`, [w.id]);
    // A lead deleted for good takes its assignments, and their counts, with it.
    await t.deps.database.query('DELETE FROM leads WHERE id = $1', [l1]);
    await compare(w.id);
    // The other workspace's counts are its own.
    await compare(ws[0]!.id);
  });

  it('keeps each owner’s open-lead count equal to their live leads in open stages, through creation, moves, trash, bulk changes, deletion and a stage changing kind', async () => {
    const w = ws[0]!;
    owner.workspaceId = w.id;
    const compare = async () => {
      const kept = await t.deps.database.query<{ user_id: string; n: number }>(`SELECT user_id, n FROM owner_open_leads WHERE workspace_id = $1 AND n <> 0 ORDER BY 1`, [w.id]);
      const actual = await t.deps.database.query<{ user_id: string; n: number }>(
        `SELECT l.owner_id AS user_id, count(*)::int AS n FROM leads l LEFT JOIN pipeline_stages s ON s.id = l.stage_id
          WHERE l.workspace_id = $1 AND l.owner_id IS NOT NULL AND l.deleted_at IS NULL AND (s.kind IS NULL OR s.kind = 'open') GROUP BY 1 ORDER BY 1`,
        [w.id],
      );
      expect(kept.rows.map((r) => [r.user_id, Number(r.n)])).toEqual(actual.rows.map((r) => [r.user_id, Number(r.n)]));
    };
    const pipeline = (await owner.get('/api/v1/pipelines')).json().pipelines[0] as { id: string; stages: { id: string; name: string; kind: string }[] };
    const stage = (kind: string) => pipeline.stages.find((x) => x.kind === kind)!.id;
    const create = async (ownerId: string | null) => {
      const res = await owner.post('/api/v1/leads', { firstName: 'Counted', ownerId });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const [a1, a2, a3] = w.agents as [string, string, string];
    const ids = [await create(a1), await create(a1), await create(a2), await create(null), await create(a3)];
    await compare();
    const version = async (id: string) => (await owner.get(`/api/v1/leads/${id}`)).json().version as number;
    // Won and lost leave the count; back to an open stage returns to it.
    expect((await owner.post(`/api/v1/leads/${ids[0]}/move`, { stageId: stage('won'), version: await version(ids[0]!) })).statusCode).toBe(200);
    expect((await owner.post(`/api/v1/leads/${ids[1]}/move`, { stageId: stage('lost'), version: await version(ids[1]!), lostReason: 'Price' })).statusCode).toBe(200);
    await compare();
    expect((await owner.post(`/api/v1/leads/${ids[1]}/move`, { stageId: stage('open'), version: await version(ids[1]!) })).statusCode).toBe(200);
    await compare();
    // Trash and restore; a change of owner by hand and in bulk.
    expect((await owner.delete(`/api/v1/leads/${ids[2]}`)).statusCode).toBe(200);
    await compare();
    expect((await owner.post(`/api/v1/leads/${ids[2]}/restore`)).statusCode).toBe(200);
    expect((await owner.patch(`/api/v1/leads/${ids[3]}`, { ownerId: a2, version: await version(ids[3]!) })).statusCode).toBe(200);
    const bulk = await owner.post('/api/v1/leads/bulk', { selection: { ids }, action: { type: 'assign', ownerId: a3 } });
    expect(bulk.statusCode, bulk.body).toBe(200);
    await compare();
    // A lead deleted for good; a stage that becomes a won stage takes its leads out of the count.
    await t.deps.database.query('DELETE FROM leads WHERE id = $1', [ids[4]]);
    await compare();
    await t.deps.database.query(`UPDATE pipeline_stages SET kind = 'won', status = 'converted' WHERE id = $1`, [stage('open')]);
    await compare();
    await t.deps.database.query(`UPDATE pipeline_stages SET kind = 'open', status = 'new' WHERE id = $1`, [stage('open')]);
    await compare();
  });
});
