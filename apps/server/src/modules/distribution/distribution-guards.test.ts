import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ReceivedEvent } from '../../platform/events/event-bus.ts';
import { createJobs, type Jobs } from '../../platform/jobs/jobs.ts';
import { addMember, clearOfMidnight, createTestApp, PASSWORD, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { distributeLeads, recordAssignment } from './distribution.assign.ts';
import { type Candidate, pickRoundRobin, unavailableReason } from './distribution-engine.ts';
import { createOfferService } from './distribution.offers.ts';
import { createSlaService, DISTRIBUTION_SWEEP_JOB, registerDistributionJobs } from './distribution.sla.ts';

/**
 * Guards the rest of the distribution tests left open (boundaries, time windows, defensive SQL conditions,
 * permissions and visibility): each test here fails when the guard it names is taken away.
 */

/** Sign-ups and invitations through the API: generous on a busy 2-core machine (tests assert no timings). */
const SETUP_TIMEOUT = 180_000;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const candidate = (userId: string, position: number, extra: Partial<Candidate> = {}): Candidate => ({
  userId,
  position,
  weight: 1,
  active: true,
  availability: null,
  assignedToday: 0,
  assignedThisWeek: 0,
  load: 0,
  ...extra,
});
const noCaps = { dailyCap: null, weeklyCap: null };

describe('distribution engine guards', () => {
  it('an agent is available from exactly the first minute of their working hours (start inclusive, end exclusive)', () => {
    const SP = 'America/Sao_Paulo';
    const hours = { paused: false, workingHours: { '3': [{ start: '09:00', end: '18:00' }] }, outOfOffice: [] };
    const a = candidate('a', 1, { availability: hours });
    // Wednesday 2026-03-04, São Paulo (UTC-3).
    expect(unavailableReason(a, noCaps, new Date('2026-03-04T12:00:00Z'), SP)).toBeNull(); // 09:00 exactly
    expect(unavailableReason(a, noCaps, new Date('2026-03-04T11:59:00Z'), SP)).toBe('outside_hours'); // 08:59
    expect(unavailableReason(a, noCaps, new Date('2026-03-04T20:59:00Z'), SP)).toBeNull(); // 17:59
    expect(unavailableReason(a, noCaps, new Date('2026-03-04T21:00:00Z'), SP)).toBe('outside_hours'); // 18:00
  });

  it('round-robin goes on after the last agent served in group order, even when that agent is unavailable now', () => {
    const a = candidate('a', 1);
    const b = candidate('b', 2, { availability: { paused: true, workingHours: null, outOfOffice: [] } });
    const c = candidate('c', 3);
    // b was served last and has paused since: the turn passes to c, not back to the start of the group.
    expect(pickRoundRobin([a, b, c], [a, c], { lastUserId: 'b', credits: {} })?.userId).toBe('c');
    expect(pickRoundRobin([c, b, a], [a, c], { lastUserId: 'c', credits: {} })?.userId).toBe('a');
  });
});

type Member = { client: TestClient; userId: string; email: string };

describe('lead distribution guards (API and database)', () => {
  let t: TestApp;
  let owner: TestClient;
  let ownerId: string;
  let workspaceId: string;
  let wsB: string;
  let manager: Member;
  let agents: Member[];
  let bAgent: Member;
  let worker: Jobs;
  const events: ReceivedEvent[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    ownerId = o.userId;
    workspaceId = o.workspaceId;
    owner.workspaceId = workspaceId;
    manager = { ...(await addMember(t, owner, 'manager@example.com', 'manager')), email: 'manager@example.com' };
    agents = [];
    for (const n of [1, 2, 3]) agents.push({ ...(await addMember(t, owner, `agent${n}@example.com`, 'agent')), email: `agent${n}@example.com` });
    wsB = (await owner.post('/api/v1/workspaces', { name: 'Beta Insurance' })).json().id;
    owner.workspaceId = wsB;
    bAgent = { ...(await addMember(t, owner, 'bagent@example.com', 'agent')), email: 'bagent@example.com' };
    owner.workspaceId = workspaceId;
    t.deps.events.subscribe((e) => events.push(e));
    // A worker on the same database runs the sweep through the real job queue, only when a test sends it (no
    // schedule here: a sweep at a wall-clock minute would race the tests that move the app clock past a deadline).
    const silent = { error: () => undefined, info: () => undefined };
    worker = createJobs(t.deps.database, { ...(t.deps.config.databaseUrl ? { databaseUrl: t.deps.config.databaseUrl } : {}), logger: silent, workersEnabled: true });
    const workerDeps = { ...t.deps, jobs: worker, config: { ...t.deps.config, jobsEnabled: false } };
    await registerDistributionJobs(workerDeps, createOfferService(workerDeps), createSlaService(workerDeps));
    await worker.start();
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await worker.stop();
    await t.close();
  });

  const id = (n: number) => agents[n - 1]!.userId;
  const members = (...n: number[]) => n.map((i) => ({ userId: id(i) }));
  const agent = (n: number) => agents[n - 1]!.client;

  /** Owner's client in workspace B (same user, same session). */
  function ownerIn(ws: string): TestClient {
    const c = t.client();
    for (const [k, v] of owner.cookies) c.cookies.set(k, v);
    c.workspaceId = ws;
    return c;
  }
  async function resetRules() {
    for (const r of (await owner.get('/api/v1/distribution/rules')).json().rules) await owner.delete(`/api/v1/distribution/rules/${r.id}`);
  }
  async function rule(body: Record<string, unknown>, client = owner) {
    const res = await client.post('/api/v1/distribution/rules', { name: 'Rule', priority: 100, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }
  async function newLead(body: Record<string, unknown> = {}, client = owner): Promise<{ id: string; ownerId: string | null }> {
    const res = await client.post('/api/v1/leads', { firstName: 'Lead', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return { id: res.json().id, ownerId: res.json().owner?.id ?? null };
  }
  async function ownerOf(leadId: string): Promise<string | null> {
    return (await owner.get(`/api/v1/leads/${leadId}`)).json().owner?.id ?? null;
  }
  async function records(leadId: string) {
    return (await t.deps.database.query<{ reason: string; to_user_id: string | null }>('SELECT reason, to_user_id FROM assignments WHERE lead_id = $1 ORDER BY id', [leadId])).rows;
  }
  async function eventually(check: () => Promise<void> | void) {
    await vi.waitFor(check, { timeout: 20_000, interval: 100 });
  }
  /** One run of the distribution sweep through the job queue; resolves once every sweep sent has run. */
  async function sweep() {
    await worker.send(DISTRIBUTION_SWEEP_JOB, {});
    await eventually(async () => {
      const { rows } = await t.deps.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state NOT IN ('completed', 'failed')`, [DISTRIBUTION_SWEEP_JOB]);
      expect(Number(rows[0]!.n)).toBe(0);
    });
  }
  /** After the clock moved by hours: sessions idle that long expire, so everyone signs in again. */
  async function signInAgain() {
    for (const [client, email] of [
      [owner, 'owner@example.com'],
      [manager.client, manager.email],
      ...agents.map((a) => [a.client, a.email] as const),
      [bAgent.client, bAgent.email],
    ] as const) {
      const login = await client.post('/api/v1/auth/login', { email, password: PASSWORD });
      expect(login.statusCode, login.body).toBe(200);
    }
  }
  async function timeZone(): Promise<string> {
    return (await owner.get('/api/v1/workspace')).json().timeZone as string;
  }

  it('only distribution.manage may delete, change or reorder rules: a manager without it and an agent get 403 and nothing changes', async () => {
    await resetRules();
    const first = await rule({ name: 'First', priority: 10, strategy: 'round_robin', members: members(1) });
    const second = await rule({ name: 'Second', priority: 20, strategy: 'round_robin', members: members(2) });
    for (const client of [manager.client, agent(1)]) {
      expect((await client.delete(`/api/v1/distribution/rules/${first.id}`)).statusCode).toBe(403);
      expect((await client.patch(`/api/v1/distribution/rules/${first.id}`, { name: 'Renamed', dailyCap: 1 })).statusCode).toBe(403);
      expect((await client.post('/api/v1/distribution/rules/reorder', { ruleIds: [second.id, first.id] })).statusCode).toBe(403);
    }
    const after = (await owner.get('/api/v1/distribution/rules')).json().rules as { id: string; name: string; priority: number; dailyCap: number | null }[];
    expect(after.map((r) => [r.id, r.name, r.priority, r.dailyCap])).toEqual([
      [first.id, 'First', 10, null],
      [second.id, 'Second', 20, null],
    ]);
  });

  it('PATCH dailyCap: null removes the cap: the agent at the old cap gets the next lead', async () => {
    await resetRules();
    const r = await rule({ name: 'Capped', strategy: 'round_robin', members: members(3), dailyCap: 1 });
    expect((await newLead()).ownerId).toBe(id(3));
    expect((await newLead()).ownerId).toBeNull();
    const res = await owner.patch(`/api/v1/distribution/rules/${r.id}`, { dailyCap: null });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().dailyCap).toBeNull();
    expect((await owner.get(`/api/v1/distribution/rules/${r.id}`)).json().dailyCap).toBeNull();
    expect((await newLead()).ownerId).toBe(id(3));
  });

  it('distributing leads that already have an owner changes nothing: no owner change, no record, no turn of the rotation', async () => {
    await resetRules();
    const r = await rule({ name: 'Pair', strategy: 'round_robin', members: members(1, 2) });
    const owned = await newLead({ firstName: 'Owned', ownerId: id(3) });
    const unowned = await newLead({ firstName: 'Unowned', ownerId: null });
    expect(await records(owned.id)).toEqual([{ reason: 'manual', to_user_id: id(3) }]);
    const turns = async () => Number((await t.deps.database.query<{ n: number }>('SELECT coalesce(max(assigned_count), 0)::int AS n FROM distribution_pointers WHERE rule_id = $1', [r.id])).rows[0]!.n);
    const before = await turns();

    const results = await t.deps.database.db.transaction((tx) => distributeLeads(tx, { workspaceId, leadIds: [owned.id, unowned.id], at: t.deps.now() }));
    expect(results.map((d) => d.leadId)).toEqual([unowned.id]);
    expect(results[0]).toMatchObject({ owner: { id: id(1) }, reason: 'rule' });
    expect(await ownerOf(owned.id)).toBe(id(3));
    expect(await ownerOf(unowned.id)).toBe(id(1));
    expect(await records(owned.id)).toEqual([{ reason: 'manual', to_user_id: id(3) }]);
    expect(await records(unowned.id)).toEqual([{ reason: 'rule', to_user_id: id(1) }]);
    expect(await turns()).toBe(before + 1);

    // A decided assignment recorded after someone else gave the lead an owner (its `from` is no longer the owner)
    // does not take the lead from them.
    const raced = await newLead({ firstName: 'Raced', ownerId: id(2) });
    await t.deps.database.db.transaction((tx) =>
      recordAssignment(tx, workspaceId, { leadId: raced.id, from: null, to: { id: id(1), name: 'agent1' }, rule: { id: r.id, name: r.name, strategy: r.strategy }, reason: 'rule', by: null, slaMinutes: null }, t.deps.now()),
    );
    expect(await ownerOf(raced.id)).toBe(id(2));
  });

  it('a member of two workspaces who is paused in one still receives leads in the other', async () => {
    await resetRules();
    const inB = ownerIn(wsB);
    const paused = await inB.patch(`/api/v1/distribution/availability/${ownerId}`, { paused: true });
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json()).toMatchObject({ paused: true, availableNow: false });
    try {
      // The owner has no availability of their own in workspace A: available there.
      await rule({ name: 'Owner only', strategy: 'round_robin', members: [{ userId: ownerId }] });
      expect((await newLead()).ownerId).toBe(ownerId);
      expect((await newLead()).ownerId).toBe(ownerId);
    } finally {
      expect((await inB.patch(`/api/v1/distribution/availability/${ownerId}`, { paused: false })).statusCode).toBe(200);
    }
  });

  it("the availability list names today in each workspace's own time zone, the day its out-of-office days are read in", async () => {
    const inB = ownerIn(wsB);
    const [zoneA, zoneB] = [await timeZone(), (await inB.get('/api/v1/workspace')).json().timeZone as string];
    // Kiritimati (UTC+14) and Pago Pago (UTC−11): 25 hours apart, so their days differ for most of every day.
    expect((await owner.patch('/api/v1/workspace', { timeZone: 'Pacific/Kiritimati' })).statusCode).toBe(200);
    expect((await inB.patch('/api/v1/workspace', { timeZone: 'Pacific/Pago_Pago' })).statusCode).toBe(200);
    try {
      const day = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(t.deps.now());
      expect((await owner.get('/api/v1/distribution/availability')).json().today).toBe(day('Pacific/Kiritimati'));
      expect((await inB.get('/api/v1/distribution/availability')).json().today).toBe(day('Pacific/Pago_Pago'));
    } finally {
      await owner.patch('/api/v1/workspace', { timeZone: zoneA });
      await inB.patch('/api/v1/workspace', { timeZone: zoneB });
    }
  });

  it("an agent gets 404 for the speed to lead of another agent's lead in the same workspace", async () => {
    const theirs = await newLead({ firstName: 'Theirs', ownerId: id(2) });
    expect((await agent(1).get(`/api/v1/leads/${theirs.id}/speed`)).statusCode).toBe(404);
    expect((await agent(2).get(`/api/v1/leads/${theirs.id}/speed`)).statusCode).toBe(200);
    expect((await manager.client.get(`/api/v1/leads/${theirs.id}/speed`)).statusCode).toBe(200);
  });

  it("speed to lead of workspace B lists only B's members", async () => {
    const board = await ownerIn(wsB).get('/api/v1/distribution/speed-to-lead');
    expect(board.statusCode, board.body).toBe(200);
    const listed = (board.json().agents as { userId: string }[]).map((a) => a.userId);
    expect([...listed].sort()).toEqual([ownerId, bAgent.userId].sort());
    // And A's board holds A's members only.
    const inA = ((await owner.get('/api/v1/distribution/speed-to-lead')).json().agents as { userId: string }[]).map((a) => a.userId);
    expect([...inA].sort()).toEqual([ownerId, manager.userId, id(1), id(2), id(3)].sort());
  });

  it("the SLA is due slaMinutes minutes after the assignment, for a rule's pick and for a claimed lead", async () => {
    await resetRules();
    await rule({ name: 'Fast', priority: 10, strategy: 'round_robin', members: members(1), slaMinutes: 5 });
    const picked = await newLead({ firstName: 'Picked' });
    expect(picked.ownerId).toBe(id(1));
    const speed = (await owner.get(`/api/v1/leads/${picked.id}/speed`)).json();
    expect(speed.assignedAt).toEqual(expect.any(String));
    expect(new Date(speed.slaDueAt).getTime() - new Date(speed.assignedAt).getTime()).toBe(5 * MINUTE);

    await resetRules();
    await rule({ name: 'Claim fast', priority: 10, strategy: 'first_to_claim', members: members(1, 2), slaMinutes: 7 });
    const offered = await newLead({ firstName: 'Offered' });
    expect(offered.ownerId).toBeNull();
    expect((await owner.get(`/api/v1/leads/${offered.id}/speed`)).json().slaDueAt).toBeNull();
    const claimed = await agent(2).post(`/api/v1/leads/${offered.id}/claim`);
    expect(claimed.statusCode, claimed.body).toBe(200);
    const claimedAt = new Date(claimed.json().claimedAt).getTime();
    const after = (await owner.get(`/api/v1/leads/${offered.id}/speed`)).json();
    expect(new Date(after.assignedAt).getTime()).toBe(claimedAt);
    expect(new Date(after.slaDueAt).getTime()).toBe(claimedAt + 7 * MINUTE);
    // Their owners act: no SLA clock left running for the tests that move the clock.
    expect((await agent(1).post(`/api/v1/leads/${picked.id}/notes`, { body: 'Called' })).statusCode).toBe(201);
    expect((await agent(2).post(`/api/v1/leads/${offered.id}/notes`, { body: 'Called' })).statusCode).toBe(201);
  });

  it("a manager's change of owner or trashing of a claimed lead leaves the claimed offer as it was (status, claimer) and announces no withdrawal", async () => {
    await resetRules();
    await rule({ name: 'Claim', strategy: 'first_to_claim', members: members(1, 2) });
    const moved = await newLead({ firstName: 'Claimed then moved' });
    const trashed = await newLead({ firstName: 'Claimed then trashed' });
    const control = await newLead({ firstName: 'Open then trashed' });
    expect((await agent(1).post(`/api/v1/leads/${moved.id}/claim`)).statusCode).toBe(200);
    expect((await agent(2).post(`/api/v1/leads/${trashed.id}/claim`)).statusCode).toBe(200);
    const offers = async () =>
      (
        await t.deps.database.query<{ lead_id: string; status: string; claimed_by: string | null; claimed_at: Date | null; resolved_at: Date | null }>(
          'SELECT lead_id, status, claimed_by, claimed_at, resolved_at FROM lead_offers WHERE lead_id = ANY($1::uuid[]) ORDER BY lead_id',
          [[moved.id, trashed.id]],
        )
      ).rows.map((r) => ({ ...r, claimed_at: r.claimed_at && new Date(r.claimed_at).toISOString(), resolved_at: r.resolved_at && new Date(r.resolved_at).toISOString() }));
    const before = await offers();
    expect(before).toHaveLength(2);
    expect(before.map((o) => [o.lead_id, o.status, o.claimed_by]).sort()).toEqual(
      [
        [moved.id, 'claimed', id(1)],
        [trashed.id, 'claimed', id(2)],
      ].sort(),
    );

    const version = (await owner.get(`/api/v1/leads/${moved.id}`)).json().version;
    const patched = await manager.client.patch(`/api/v1/leads/${moved.id}`, { version, ownerId: id(3) });
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await owner.delete(`/api/v1/leads/${trashed.id}`)).statusCode).toBe(200);
    expect(await offers()).toEqual(before);

    // The open offer trashed last is withdrawn and announced; the claimed ones, before it, never are.
    expect((await owner.delete(`/api/v1/leads/${control.id}`)).statusCode).toBe(200);
    await eventually(() => expect(events.find((e) => e.type === 'lead.offer_taken' && e.data.leadId === control.id)).toMatchObject({ data: { outcome: 'withdrawn' } }));
    const withdrawn = events.filter((e) => e.type === 'lead.offer_taken' && e.data.outcome === 'withdrawn').map((e) => e.data.leadId);
    expect(withdrawn).not.toContain(moved.id);
    expect(withdrawn).not.toContain(trashed.id);
  });

  it("a returning person's lead given to their earlier owner counts against that owner's cap for the rest of the same batch", async () => {
    await resetRules();
    const r = await rule({ name: 'Returning', strategy: 'round_robin', members: members(1, 2), existingOwner: true, dailyCap: 1 });
    await newLead({ firstName: 'Earlier', emails: ['returning.batch@example.com'], ownerId: id(1) });
    const returning = await newLead({ firstName: 'Again', emails: ['returning.batch@example.com'], ownerId: null });
    const fresh = await newLead({ firstName: 'Fresh', emails: ['fresh.batch@example.com'], ownerId: null });
    const results = await t.deps.database.db.transaction((tx) => distributeLeads(tx, { workspaceId, leadIds: [returning.id, fresh.id], at: t.deps.now() }));
    expect(results.map((d) => [d.leadId, d.owner?.id, d.reason])).toEqual([
      [returning.id, id(1), 'existing_owner'],
      // Agent 1 reached the cap of 1 with the returning lead: the new one goes to agent 2.
      [fresh.id, id(2), 'rule'],
    ]);
    expect(await ownerOf(fresh.id)).toBe(id(2));
    const counted = await t.deps.database.query<{ n: number }>('SELECT coalesce(sum(n), 0)::int AS n FROM assignment_counts WHERE rule_key = $1 AND user_id = $2', [r.id, id(1)]);
    expect(Number(counted.rows[0]!.n)).toBe(1);
  });

  it('a captured lead of a known person, stored as a new lead (duplicate policy always_create), goes to their earlier owner', async () => {
    await resetRules();
    expect((await owner.request('PUT', '/api/v1/integrations/capture-settings', { duplicatePolicy: 'always_create' })).statusCode).toBe(200);
    try {
      await rule({ name: 'Returning', strategy: 'round_robin', members: members(1, 2), existingOwner: true });
      await newLead({ firstName: 'Known', emails: ['known.capture@example.com'], ownerId: id(2) });
      const key = (await owner.post('/api/v1/api-keys', { name: 'Site' })).json().key;
      const pushed = await t.app.inject({ method: 'POST', url: '/hooks/intake', headers: { authorization: `Bearer ${key}` }, payload: { firstName: 'Known', email: 'known.capture@example.com' } });
      expect(pushed.statusCode, pushed.body).toBe(201);
      const leadId = pushed.json().id as string;
      expect(await ownerOf(leadId)).toBe(id(2));
      expect(await records(leadId)).toEqual([{ reason: 'existing_owner', to_user_id: id(2) }]);
    } finally {
      expect((await owner.request('PUT', '/api/v1/integrations/capture-settings', { duplicatePolicy: 'merge' })).statusCode).toBe(200);
    }
  });

  // The tests below move the app clock: minutes first, then days.

  it('after its timeout, before any sweep, an offer is no longer listed and a claim is refused with 409', async () => {
    await resetRules();
    await rule({ name: 'Short offer', strategy: 'first_to_claim', members: members(1, 2), claimTimeoutMinutes: 5 });
    const lead = await newLead({ firstName: 'Timed out' });
    const listed = async (n: number) => ((await agent(n).get('/api/v1/distribution/offers')).json().offers as { leadId: string }[]).map((o) => o.leadId);
    expect(await listed(1)).toContain(lead.id);
    t.advanceClock(6 * MINUTE);
    expect(await listed(1)).not.toContain(lead.id);
    expect(((await manager.client.get('/api/v1/distribution/offers?all=true')).json().offers as { leadId: string }[]).map((o) => o.leadId)).not.toContain(lead.id);
    const late = await agent(1).post(`/api/v1/leads/${lead.id}/claim`);
    expect(late.statusCode, late.body).toBe(409);
    expect(late.json().error.message).toBe('This offer has expired');
    expect(await ownerOf(lead.id)).toBeNull();
    // The offer is still open in the database: only the clock closed it.
    const { rows } = await t.deps.database.query<{ status: string }>('SELECT status FROM lead_offers WHERE lead_id = $1', [lead.id]);
    expect(rows).toEqual([{ status: 'open' }]);
  });

  it("the team's and the agent's median response time today is the median of the owners' first-action delays", async () => {
    // Workspace B: nobody else responds there today.
    const inB = ownerIn(wsB);
    clearOfMidnight(t, (await inB.get('/api/v1/workspace')).json().timeZone as string, 30 * MINUTE);
    const leadsB: string[] = [];
    for (const n of [1, 2, 3]) leadsB.push((await newLead({ firstName: `Median ${n}`, ownerId: bAgent.userId }, inB)).id);
    bAgent.client.workspaceId = wsB;
    // First actions after 60 s, 120 s and 600 s.
    for (const [i, wait] of [60_000, 60_000, 480_000].entries()) {
      t.advanceClock(wait);
      expect((await bAgent.client.post(`/api/v1/leads/${leadsB[i]}/notes`, { body: 'Called' })).statusCode).toBe(201);
    }
    const board = (await inB.get('/api/v1/distribution/speed-to-lead')).json();
    expect(board.respondedToday).toBe(3);
    expect(Math.abs(board.medianResponseSeconds - 120)).toBeLessThanOrEqual(2);
    const row = board.agents.find((a: { userId: string }) => a.userId === bAgent.userId);
    expect(row.respondedToday).toBe(3);
    expect(Math.abs(row.medianResponseSeconds - 120)).toBeLessThanOrEqual(2);
    const mine = (await bAgent.client.get('/api/v1/distribution/speed-to-lead')).json();
    expect(Math.abs(mine.medianResponseSeconds - 120)).toBeLessThanOrEqual(2);
  });

  it('a weekly cap counts the whole ISO week, not just today', async () => {
    await resetRules();
    const tz = await timeZone();
    clearOfMidnight(t, tz, 30 * MINUTE);
    const weekday = () => new Intl.DateTimeFormat('en-US', { timeZone: tz, weekday: 'short' }).format(t.deps.now());
    if (weekday() === 'Sun') {
      // Tomorrow must be in the same ISO week.
      t.advanceClock(DAY);
      await signInAgain();
    }
    await rule({ name: 'Weekly', strategy: 'round_robin', members: members(1), weeklyCap: 2, dailyCap: null });
    expect((await newLead()).ownerId).toBe(id(1));
    expect((await newLead()).ownerId).toBe(id(1));
    t.advanceClock(DAY);
    await signInAgain();
    expect(weekday()).not.toBe('Mon');
    expect((await newLead()).ownerId).toBeNull();
    const sim = (await owner.post('/api/v1/distribution/simulate', {})).json();
    expect(sim).toMatchObject({ agent: null });
  });

  it("SLA breaches today start again after local midnight, while the lead's own breach count stays", async () => {
    await resetRules();
    const tz = await timeZone();
    clearOfMidnight(t, tz, 30 * MINUTE);
    await rule({ name: 'SLA', strategy: 'round_robin', members: members(1, 2), slaMinutes: 5 });
    const lead = await newLead({ firstName: 'Missed' });
    expect(lead.ownerId).toBe(id(1));
    t.advanceClock(6 * MINUTE);
    await sweep();
    await eventually(async () => expect(await ownerOf(lead.id)).toBe(id(2)));
    const today = (await manager.client.get('/api/v1/distribution/speed-to-lead')).json();
    expect(today.slaBreachesToday).toBe(1);
    expect(today.agents.find((a: { userId: string }) => a.userId === id(1)).slaBreachesToday).toBe(1);
    expect((await owner.get(`/api/v1/leads/${lead.id}/speed`)).json().slaBreaches).toBe(1);

    // Just past the next local midnight.
    expect(clearOfMidnight(t, tz, DAY + MINUTE)).toBeGreaterThan(0);
    await signInAgain();
    const tomorrow = (await manager.client.get('/api/v1/distribution/speed-to-lead')).json();
    expect(tomorrow.slaBreachesToday).toBe(0);
    expect(tomorrow.agents.find((a: { userId: string }) => a.userId === id(1)).slaBreachesToday).toBe(0);
    expect((await agent(1).get('/api/v1/distribution/speed-to-lead')).json().slaBreachesToday).toBe(0);
    expect((await owner.get(`/api/v1/leads/${lead.id}/speed`)).json().slaBreaches).toBe(1);
  });

  it('the unassigned queue lists the leads waiting for a manager, oldest first, with why, for leads.assign only and per workspace', async () => {
    await resetRules();
    await rule({ name: 'Walk-ins wait', priority: 10, strategy: 'manual', conditions: [{ field: 'source', op: 'eq', value: 'Walk-in' }] });
    await rule({ name: 'Offer', priority: 20, strategy: 'first_to_claim', members: members(1, 2), conditions: [{ field: 'source', op: 'eq', value: 'Offer' }] });
    const queue = async (client = manager.client, query = '') => {
      const res = await client.get(`/api/v1/distribution/unassigned${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { total: number; leads: { id: string; name: string; version: number; reason: string | null; rule: { name: string } | null; source: string | null }[] };
    };
    const before = await queue();
    const first = await newLead({ firstName: 'Walk', lastName: 'In', source: 'Walk-in' });
    t.advanceClock(1000);
    const second = await newLead({ firstName: 'Second', source: 'Walk-in' });
    await newLead({ firstName: 'Offered', source: 'Offer' }); // on offer to the group: not the manager's yet
    await newLead({ firstName: 'Owned', source: 'Walk-in', ownerId: id(3) });
    const trashed = await newLead({ firstName: 'Trashed', source: 'Walk-in' });
    expect((await owner.delete(`/api/v1/leads/${trashed.id}`)).statusCode).toBe(200);

    const after = await queue(manager.client, '?limit=100');
    expect(after.total).toBe(before.total + 2);
    const mine = after.leads.filter((l) => [first.id, second.id].includes(l.id));
    expect(mine.map((l) => l.name)).toEqual(['Walk In', 'Second']);
    expect(mine[0]).toMatchObject({ source: 'Walk-in', reason: 'unassigned', rule: { name: 'Walk-ins wait' } });
    expect((await queue(manager.client, '?limit=1')).leads).toHaveLength(1);

    // Assigned with the version read: it leaves the queue; a second assignment on the same read is refused.
    const lead = mine[0]!;
    expect((await manager.client.patch(`/api/v1/leads/${lead.id}`, { version: lead.version, ownerId: id(3) })).statusCode).toBe(200);
    expect((await manager.client.patch(`/api/v1/leads/${lead.id}`, { version: lead.version, ownerId: id(2) })).statusCode).toBe(409);
    expect((await queue()).leads.map((l) => l.id)).not.toContain(lead.id);

    expect((await agent(1).get('/api/v1/distribution/unassigned')).statusCode).toBe(403);
    expect((await ownerIn(wsB).get('/api/v1/distribution/unassigned')).json().leads.map((l: { id: string }) => l.id)).not.toContain(second.id);
    const bad = await manager.client.get('/api/v1/distribution/unassigned?limit=0');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('limit');
  });

  it('the simulator reads an email and a phone as a lead would, so conditions on a domain or an area code can be tried', async () => {
    await resetRules();
    await rule({ name: 'Acme', priority: 10, strategy: 'round_robin', members: members(1), conditions: [{ field: 'email', op: 'contains', value: '@acme.com' }] });
    await rule({ name: 'Manhattan', priority: 20, strategy: 'round_robin', members: members(2), conditions: [{ field: 'phone', op: 'contains', value: '212555' }] });
    await rule({ name: 'Everyone', priority: 30, strategy: 'round_robin', members: members(3) });
    const simulate = (body: Record<string, unknown>) => owner.post('/api/v1/distribution/simulate', body);
    expect((await simulate({ email: ' Ann@ACME.com ' })).json()).toMatchObject({ rule: { name: 'Acme' }, agent: { id: id(1) } });
    // A national number, read with the lead's country.
    expect((await simulate({ phone: '(212) 555-0100', country: 'US' })).json()).toMatchObject({ rule: { name: 'Manhattan' }, agent: { id: id(2) } });
    expect((await simulate({ phone: '+1 415 555 0100', email: 'bob@example.com' })).json()).toMatchObject({ rule: { name: 'Everyone' } });
    const bad = await simulate({ email: 'not-an-email' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('email');
    expect(await records((await newLead({ firstName: 'Real' })).id)).toHaveLength(1);
    const { rows } = await t.deps.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM leads WHERE 'ann@acme.com' = ANY(emails)`);
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('an SLA reassignment prefers someone who has not let the lead wait yet, and goes back to an earlier one only when nobody else can take it', async () => {
    await resetRules();
    clearOfMidnight(t, await timeZone(), 30 * MINUTE);
    await signInAgain();
    await rule({ name: 'Three', strategy: 'round_robin', members: members(1, 2, 3), slaMinutes: 5, maxReassignments: 5 });
    const lead = await newLead({ firstName: 'Waiting' });
    const first = lead.ownerId!;
    t.advanceClock(6 * MINUTE);
    await sweep();
    const second = (await ownerOf(lead.id))!;
    expect(second).not.toBe(first);
    // Another lead moves the rotation on, so its next turn is the agent who missed the lead first.
    const other = await newLead({ firstName: 'Other' });
    const third = [id(1), id(2), id(3)].find((u) => u !== first && u !== second)!;
    expect(other.ownerId).toBe(third);
    t.advanceClock(6 * MINUTE);
    await sweep();
    expect(await ownerOf(lead.id)).toBe(third);
    // Everyone has missed it now: it goes round again rather than stay with the last one to miss it.
    t.advanceClock(6 * MINUTE);
    await sweep();
    const fourth = await ownerOf(lead.id);
    expect([first, second]).toContain(fourth);
  });

  it("a first action after the SLA's due time but before the sweep keeps the lead and still counts as a miss", async () => {
    await resetRules();
    clearOfMidnight(t, await timeZone(), 30 * MINUTE);
    await signInAgain();
    const before = (await manager.client.get('/api/v1/distribution/speed-to-lead')).json();
    const breachesBefore = (uid: string) => before.agents.find((a: { userId: string }) => a.userId === uid).slaBreachesToday as number;
    await rule({ name: 'Five minutes', strategy: 'round_robin', members: members(1, 2), slaMinutes: 5 });
    const late = await newLead({ firstName: 'Late' });
    const onTime = await newLead({ firstName: 'OnTime' });
    expect([late.ownerId, onTime.ownerId]).toEqual([id(1), id(2)]);
    expect((await agent(2).post(`/api/v1/leads/${onTime.id}/notes`, { body: 'Called at once' })).statusCode).toBe(201);

    // Agent 1 calls 7 minutes in: 2 minutes late, and the sweep has not run yet.
    t.advanceClock(7 * MINUTE);
    expect((await agent(1).post(`/api/v1/leads/${late.id}/notes`, { body: 'Sorry, was on another call' })).statusCode).toBe(201);
    await sweep();
    expect(await ownerOf(late.id)).toBe(id(1));
    expect(await records(late.id)).toHaveLength(1);

    const timeline = (await owner.get(`/api/v1/leads/${late.id}/timeline`)).json().items as { type: string; data: Record<string, unknown> }[];
    const missed = timeline.filter((i) => i.type === 'sla_breached');
    expect(missed).toHaveLength(1);
    expect(missed[0]!.data).toMatchObject({ ownerId: id(1), owner: { id: id(1) }, late: true, slaMinutes: 5, ruleName: 'Five minutes', reassignedTo: null });
    // Two minutes (and the few milliseconds the test took) after the due time.
    expect(missed[0]!.data.lateSeconds).toBeGreaterThanOrEqual(120);
    expect(missed[0]!.data.lateSeconds).toBeLessThan(180);
    expect((await owner.get(`/api/v1/leads/${late.id}/speed`)).json()).toMatchObject({ slaBreaches: 1, slaDueAt: null, firstActionType: 'note' });
    expect((await owner.get(`/api/v1/leads/${onTime.id}/speed`)).json()).toMatchObject({ slaBreaches: 0 });
    const team = (await manager.client.get('/api/v1/distribution/speed-to-lead')).json();
    const row = (uid: string) => team.agents.find((a: { userId: string }) => a.userId === uid);
    expect(row(id(1)).slaBreachesToday).toBe(breachesBefore(id(1)) + 1);
    expect(row(id(2)).slaBreachesToday).toBe(breachesBefore(id(2)));

    // A second action is not a first one: nothing more is recorded.
    expect((await agent(1).post(`/api/v1/leads/${late.id}/notes`, { body: 'Follow-up' })).statusCode).toBe(201);
    expect((await owner.get(`/api/v1/leads/${late.id}/speed`)).json().slaBreaches).toBe(1);
  });
});
