import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ReceivedEvent } from '../../platform/events/event-bus.ts';
import { addMember, clearOfMidnight, createTestApp, PASSWORD, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { createJobs, type Jobs } from '../../platform/jobs/jobs.ts';
import { leads } from '../leads/leads.table.ts';
import { distributeLeads } from './distribution.assign.ts';
import { createOfferService } from './distribution.offers.ts';
import { createSlaService, DISTRIBUTION_SWEEP_CRON, DISTRIBUTION_SWEEP_JOB, registerDistributionJobs } from './distribution.sla.ts';

/** Sign-ups and invitations through the API: generous on a busy 2-core machine (tests assert no timings). */
const SETUP_TIMEOUT = 180_000;
const MINUTE = 60_000;

type Member = { client: TestClient; userId: string; email: string };

describe('first-to-claim, SLA reassignment and speed to lead', () => {
  let t: TestApp;
  let owner: TestClient;
  let workspaceId: string;
  let wsB: string;
  let manager: Member;
  let agents: Member[];
  let outsider: Member;
  let worker: Jobs;
  const events: ReceivedEvent[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    workspaceId = o.workspaceId;
    owner.workspaceId = workspaceId;
    manager = { ...(await addMember(t, owner, 'manager@example.com', 'manager')), email: 'manager@example.com' };
    agents = [];
    for (const n of [1, 2, 3, 4]) agents.push({ ...(await addMember(t, owner, `agent${n}@example.com`, 'agent')), email: `agent${n}@example.com` });
    wsB = (await owner.post('/api/v1/workspaces', { name: 'Beta Insurance' })).json().id;
    owner.workspaceId = wsB;
    outsider = { ...(await addMember(t, owner, 'outsider@example.com', 'agent')), email: 'outsider@example.com' };
    owner.workspaceId = workspaceId;
    // The tests below move the clock 30 minutes in all and count "today" (speed to lead): keep them on one day.
    clearOfMidnight(t, (await owner.get('/api/v1/workspace')).json().timeZone as string, 60 * MINUTE);
    t.deps.events.subscribe((e) => events.push(e));
    // A worker instance on the same database: the sweep runs through the real job queue (pg-boss), scheduled as in
    // production. (Only the distribution queue, so the test does not depend on other modules' jobs.)
    const silent = { error: () => undefined, info: () => undefined };
    worker = createJobs(t.deps.database, { ...(t.deps.config.databaseUrl ? { databaseUrl: t.deps.config.databaseUrl } : {}), logger: silent, workersEnabled: true });
    const workerDeps = { ...t.deps, jobs: worker, config: { ...t.deps.config, jobsEnabled: true } };
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

  async function resetRules() {
    for (const r of (await owner.get('/api/v1/distribution/rules')).json().rules) await owner.delete(`/api/v1/distribution/rules/${r.id}`);
  }
  async function rule(body: Record<string, unknown>) {
    const res = await owner.post('/api/v1/distribution/rules', { name: 'Rule', priority: 100, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }
  async function newLead(body: Record<string, unknown> = {}): Promise<{ id: string; ownerId: string | null }> {
    const res = await owner.post('/api/v1/leads', { firstName: 'Lead', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return { id: res.json().id, ownerId: res.json().owner?.id ?? null };
  }
  async function ownerOf(leadId: string): Promise<string | null> {
    return (await owner.get(`/api/v1/leads/${leadId}`)).json().owner?.id ?? null;
  }
  async function history(leadId: string) {
    return (await owner.get(`/api/v1/leads/${leadId}/assignments`)).json().assignments as {
      reason: string;
      to: { id: string } | null;
      from: { id: string } | null;
      by: { id: string } | null;
      ruleId: string | null;
      strategy: string | null;
    }[];
  }
  async function eventually(check: () => Promise<void> | void) {
    await vi.waitFor(check, { timeout: 20_000, interval: 100 });
  }
  /** Moves the app clock (minutes at a time: sessions stay within their idle timeout of 8 hours). */
  async function advance(ms: number) {
    t.advanceClock(ms);
  }
  /** Every sweep sent so far has run. */
  async function drained() {
    await eventually(async () => {
      const { rows } = await t.deps.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state NOT IN ('completed', 'failed')`, [DISTRIBUTION_SWEEP_JOB]);
      expect(Number(rows[0]!.n)).toBe(0);
    });
  }
  /** One run of the distribution sweep, sent through the job queue. */
  async function sweep() {
    await worker.send(DISTRIBUTION_SWEEP_JOB, {});
  }

  it('schedules the sweep every minute where jobs run (one job per slot across instances)', async () => {
    const { rows } = await t.deps.database.query<{ name: string; cron: string; timezone: string }>('SELECT name, cron, timezone FROM pgboss.schedule WHERE name = $1', [DISTRIBUTION_SWEEP_JOB]);
    expect(rows).toEqual([{ name: DISTRIBUTION_SWEEP_JOB, cron: DISTRIBUTION_SWEEP_CRON, timezone: 'UTC' }]);
  });

  it('offers a lead to every available member of the group at once; exactly one of many concurrent claims wins', async () => {
    await resetRules();
    const r = await rule({ name: 'Claim', strategy: 'first_to_claim', members: members(1, 2, 3), claimTimeoutMinutes: 5 });
    expect(r).toMatchObject({ strategy: 'first_to_claim', claimTimeoutMinutes: 5, slaMinutes: null, maxReassignments: 2 });
    // The simulator says who it would be offered to.
    const sim = (await owner.post('/api/v1/distribution/simulate', {})).json();
    expect(sim).toMatchObject({ rule: { id: r.id }, agent: null, reason: null, offeredTo: [{ id: id(1) }, { id: id(2) }, { id: id(3) }] });
    expect(sim.trace).toEqual([{ ruleId: r.id, name: 'Claim', outcome: 'offered' }]);

    for (let round = 0; round < 4; round++) {
      const lead = await newLead({ firstName: `Offer ${round}` });
      expect(lead.ownerId).toBeNull();
      for (const n of [1, 2, 3]) {
        const mine = (await agent(n).get('/api/v1/distribution/offers')).json().offers;
        expect(mine.map((o: { leadId: string }) => o.leadId)).toEqual([lead.id]);
        expect(mine[0]).toMatchObject({ status: 'open', ruleId: r.id, ruleName: 'Claim', lead: { name: `Offer ${round}` }, claimedBy: null });
      }
      // Agent 4 is not in the group: no offer, and claiming is refused as if there were none.
      expect((await agent(4).get('/api/v1/distribution/offers')).json().offers).toEqual([]);
      expect((await agent(4).post(`/api/v1/leads/${lead.id}/claim`)).statusCode).toBe(404);
      await eventually(() => {
        expect(events.find((e) => e.type === 'lead.offered' && e.data.leadId === lead.id)).toMatchObject({
          data: { offeredTo: [id(1), id(2), id(3)], ruleId: r.id, leadName: `Offer ${round}` },
          audience: { userIds: [id(1), id(2), id(3)], permission: 'leads.view_all' },
        });
      });

      const versionBefore = (await owner.get(`/api/v1/leads/${lead.id}`)).json().version as number;
      const answers = await Promise.all([1, 2, 3].map((n) => agent(n).post(`/api/v1/leads/${lead.id}/claim`)));
      const winners = answers.flatMap((a, i) => (a.statusCode === 200 ? [i + 1] : []));
      expect(winners, answers.map((a) => a.body).join('\n')).toHaveLength(1);
      const winner = winners[0]!;
      for (const [i, a] of answers.entries()) {
        if (i + 1 === winner) continue;
        expect(a.statusCode).toBe(409);
        expect(a.json().error).toMatchObject({ code: 'CONFLICT', message: 'Someone else claimed this lead first' });
      }
      expect(answers[winner - 1]!.json()).toMatchObject({ leadId: lead.id, owner: { id: id(winner) } });
      expect(await ownerOf(lead.id)).toBe(id(winner));
      if (round === 0) {
        // The winner claiming again (a double click, a retry) is told the same, not that someone else won.
        const again = await agent(winner).post(`/api/v1/leads/${lead.id}/claim`);
        expect(again.statusCode, again.body).toBe(200);
        expect(again.json()).toEqual(answers[winner - 1]!.json());
        // The claim changed the lead: an edit made on what was read before it is refused, the claim stands.
        const stale = await manager.client.patch(`/api/v1/leads/${lead.id}`, { version: versionBefore, ownerId: id(4) });
        expect(stale.statusCode, stale.body).toBe(409);
        expect(stale.json().error.field).toBe('version');
        expect(await ownerOf(lead.id)).toBe(id(winner));
      }
      expect(await history(lead.id)).toEqual([expect.objectContaining({ reason: 'claim', to: expect.objectContaining({ id: id(winner) }), by: expect.objectContaining({ id: id(winner) }), ruleId: r.id, strategy: 'first_to_claim' })]);
      // The offer is gone for everyone; the others see it taken live.
      for (const n of [1, 2, 3]) expect((await agent(n).get('/api/v1/distribution/offers')).json().offers).toEqual([]);
      await eventually(() => {
        expect(events.find((e) => e.type === 'lead.offer_taken' && e.data.leadId === lead.id)).toMatchObject({
          data: { outcome: 'claimed', ownerId: id(winner), offeredTo: [id(1), id(2), id(3)] },
          audience: { userIds: [id(1), id(2), id(3)] },
        });
        expect(events.find((e) => e.type === 'lead.assigned' && e.data.leadId === lead.id)).toMatchObject({ data: { ownerId: id(winner), reason: 'claim' } });
      });
    }
    // A paused member is not offered the next lead.
    await agent(3).patch(`/api/v1/distribution/availability/${id(3)}`, { paused: true });
    const next = await newLead({ firstName: 'Without 3' });
    expect((await agent(3).get('/api/v1/distribution/offers')).json().offers.map((o: { leadId: string }) => o.leadId)).not.toContain(next.id);
    expect((await agent(1).get('/api/v1/distribution/offers')).json().offers.find((o: { leadId: string }) => o.leadId === next.id).offeredTo.map((p: { id: string }) => p.id)).toEqual([id(1), id(2)]);
    await agent(3).patch(`/api/v1/distribution/availability/${id(3)}`, { paused: false });
    // A manager sees every open offer; a manager's change of owner withdraws the offer.
    const all = (await manager.client.get('/api/v1/distribution/offers?all=true')).json().offers.map((o: { leadId: string }) => o.leadId);
    expect(all).toContain(next.id);
    const version = (await owner.get(`/api/v1/leads/${next.id}`)).json().version;
    expect((await manager.client.patch(`/api/v1/leads/${next.id}`, { version, ownerId: id(4) })).statusCode).toBe(200);
    const late = await agent(1).post(`/api/v1/leads/${next.id}/claim`);
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toBe('This lead was assigned by a manager before anyone claimed it');
  }, 120_000);

  it('offers a captured lead (intake API) in its creation transaction, and announces it only once committed', async () => {
    await resetRules();
    await rule({ name: 'Claim', strategy: 'first_to_claim', members: members(1, 2) });
    const key = (await owner.post('/api/v1/api-keys', { name: 'Site' })).json().key;
    const pushed = await t.app.inject({ method: 'POST', url: '/hooks/intake', headers: { authorization: `Bearer ${key}` }, payload: { firstName: 'Captured', email: 'captured@example.com' } });
    expect(pushed.statusCode, pushed.body).toBe(201);
    const leadId = pushed.json().id;
    expect(await ownerOf(leadId)).toBeNull();
    expect((await agent(2).get('/api/v1/distribution/offers')).json().offers.map((o: { leadId: string }) => o.leadId)).toContain(leadId);
    await eventually(() => expect(events.find((e) => e.type === 'lead.offered' && e.data.leadId === leadId)).toMatchObject({ data: { leadName: 'Captured', offeredTo: [id(1), id(2)] } }));
    const timeline = (await owner.get(`/api/v1/leads/${leadId}/timeline`)).json().items as { type: string; data: Record<string, unknown> }[];
    expect(timeline.find((i) => i.type === 'lead_offered')?.data).toMatchObject({ offeredTo: [{ id: id(1) }, { id: id(2) }] });

    // A transaction that rolls back after offering announces nothing (NOTIFY is delivered on commit only).
    const marker = `Rolled back ${Date.now()}`;
    await t.deps.database.db
      .transaction(async (tx) => {
        const [row] = await tx.insert(leads).values({ workspaceId, firstName: marker, origin: 'manual' }).returning({ id: leads.id });
        const [d] = await distributeLeads(tx, { workspaceId, leadIds: [row!.id], at: t.deps.now() });
        expect(d?.offer?.id).toBeTruthy();
        throw new Error('roll back');
      })
      .catch((err: unknown) => {
        if (!(err instanceof Error) || err.message !== 'roll back') throw err;
      });
    // A committed offer made after it is heard; the rolled-back one never is.
    const after = await newLead({ firstName: 'After rollback' });
    await eventually(() => expect(events.find((e) => e.type === 'lead.offered' && e.data.leadId === after.id)).toBeTruthy());
    expect(events.find((e) => e.type === 'lead.offered' && e.data.leadName === marker)).toBeUndefined();
    // Leave no open offer to the next tests.
    for (const l of [leadId, after.id]) expect((await agent(2).post(`/api/v1/leads/${l}/claim`)).statusCode).toBe(200);
    // A lead put in the trash while offered cannot be claimed.
    const trashed = await newLead({ firstName: 'Trashed' });
    expect((await owner.delete(`/api/v1/leads/${trashed.id}`)).statusCode).toBe(200);
    const gone = await agent(1).post(`/api/v1/leads/${trashed.id}/claim`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('NOT_FOUND');
    expect((await agent(1).get('/api/v1/distribution/offers')).json().offers.map((o: { leadId: string }) => o.leadId)).not.toContain(trashed.id);
  });

  it('keeps offers and claims inside their workspace', async () => {
    await resetRules();
    await rule({ name: 'Claim', strategy: 'first_to_claim', members: members(1, 2) });
    const lead = await newLead();
    // The owner switched to workspace B, and an agent of B: no such offer there.
    const ownerB = t.client();
    await ownerB.post('/api/v1/auth/login', { email: 'owner@example.com', password: PASSWORD });
    ownerB.workspaceId = wsB;
    expect((await ownerB.post(`/api/v1/leads/${lead.id}/claim`)).statusCode).toBe(404);
    expect((await ownerB.get('/api/v1/distribution/offers?all=true')).json().offers).toEqual([]);
    expect((await outsider.client.post(`/api/v1/leads/${lead.id}/claim`)).statusCode).toBe(404);
    expect((await outsider.client.get(`/api/v1/leads/${lead.id}/speed`)).statusCode).toBe(404);
    expect((await ownerB.get('/api/v1/distribution/speed-to-lead')).json()).toMatchObject({ waitingNow: 0, waiting: [] });
    expect(await ownerOf(lead.id)).toBeNull();
    // Still claimable at home.
    expect((await agent(2).post(`/api/v1/leads/${lead.id}/claim`)).statusCode).toBe(200);
  });

  it('an offer nobody claims expires through the job queue and follows the rule fallback: a named user, the next rule, the queue', async () => {
    await resetRules();
    const claim = await rule({ name: 'Claim', priority: 10, strategy: 'first_to_claim', members: members(1, 2), claimTimeoutMinutes: 5, fallback: 'user', fallbackUserId: manager.userId });
    await rule({ name: 'Backup', priority: 20, strategy: 'round_robin', members: members(4) });

    const toManager = await newLead({ firstName: 'To manager' });
    // Not due yet: the sweep leaves it open.
    await advance(4 * MINUTE);
    await sweep();
    const stillOpen = await newLead({ firstName: 'Canary' });
    await drained();
    expect(await ownerOf(toManager.id)).toBeNull();
    expect((await agent(1).get('/api/v1/distribution/offers')).json().offers.map((o: { leadId: string }) => o.leadId)).toEqual([toManager.id, stillOpen.id]);

    await advance(2 * MINUTE);
    await sweep();
    await eventually(async () => expect(await ownerOf(toManager.id)).toBe(manager.userId));
    expect(await history(toManager.id)).toEqual([expect.objectContaining({ reason: 'fallback', to: expect.objectContaining({ id: manager.userId }), ruleId: claim.id })]);
    const late = await agent(1).post(`/api/v1/leads/${toManager.id}/claim`);
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toBe('This offer has expired');
    await eventually(() => {
      expect(events.find((e) => e.type === 'lead.offer_taken' && e.data.leadId === toManager.id)).toMatchObject({ data: { outcome: 'expired', ownerId: manager.userId } });
    });
    // The canary was offered later and is still open.
    expect(await ownerOf(stillOpen.id)).toBeNull();
    await agent(2).post(`/api/v1/leads/${stillOpen.id}/claim`);

    // Next rule: the backup rule's round-robin takes it.
    await owner.patch(`/api/v1/distribution/rules/${claim.id}`, { fallback: 'next_rule' });
    const toNext = await newLead({ firstName: 'To next rule' });
    await advance(6 * MINUTE);
    await sweep();
    await eventually(async () => expect(await ownerOf(toNext.id)).toBe(id(4)));
    expect((await history(toNext.id))[0]).toMatchObject({ reason: 'rule', strategy: 'round_robin' });

    // The unassigned queue, recorded against the claim rule.
    await owner.patch(`/api/v1/distribution/rules/${claim.id}`, { fallback: 'unassigned' });
    const toQueue = await newLead({ firstName: 'To queue' });
    await advance(6 * MINUTE);
    await sweep();
    await eventually(async () => expect((await history(toQueue.id))[0]).toMatchObject({ reason: 'unassigned', to: null, ruleId: claim.id }));
    expect(await ownerOf(toQueue.id)).toBeNull();
    // Running the sweep again changes nothing (idempotent).
    await sweep();
    await drained();
    expect(await history(toQueue.id)).toHaveLength(1);
  }, 120_000);

  it('reassigns a lead whose owner takes no first action within the SLA, notifies managers, and caps reassignments', async () => {
    await resetRules();
    // Leads claimed earlier in this file wait too: compare with the board before.
    const before = (await manager.client.get('/api/v1/distribution/speed-to-lead')).json();
    const waitingBefore = (uid: string) => before.agents.find((a: { userId: string }) => a.userId === uid).waitingNow as number;
    const r = await rule({ name: 'Fast', strategy: 'round_robin', members: members(1, 2), slaMinutes: 5, maxReassignments: 1 });
    const lead = await newLead({ firstName: 'Slow' });
    expect(lead.ownerId).toBe(id(1));
    const acted = await newLead({ firstName: 'Quick' });
    expect(acted.ownerId).toBe(id(2));
    // Agent 2 writes a note in time: that lead stays.
    expect((await agent(2).post(`/api/v1/leads/${acted.id}/notes`, { body: 'Called, no answer' })).statusCode).toBe(201);
    // A note by someone else than the owner does not count.
    expect((await owner.post(`/api/v1/leads/${lead.id}/notes`, { body: 'Manager note' })).statusCode).toBe(201);
    expect((await owner.get(`/api/v1/leads/${lead.id}/speed`)).json()).toMatchObject({ firstActionAt: null, responseSeconds: null, slaBreaches: 0 });

    const versionBefore = (await owner.get(`/api/v1/leads/${lead.id}`)).json().version as number;
    await advance(6 * MINUTE);
    await sweep();
    await eventually(async () => expect(await ownerOf(lead.id)).toBe(id(2)));
    // The reassignment changed the lead: an edit made on what was read before it is refused.
    expect((await owner.get(`/api/v1/leads/${lead.id}`)).json().version).toBeGreaterThan(versionBefore);
    expect((await manager.client.patch(`/api/v1/leads/${lead.id}`, { version: versionBefore, city: 'Stale' })).statusCode).toBe(409);
    expect(await ownerOf(acted.id)).toBe(id(2));
    expect((await history(lead.id))[0]).toMatchObject({ reason: 'sla', from: expect.objectContaining({ id: id(1) }), to: expect.objectContaining({ id: id(2) }), ruleId: r.id });
    await eventually(() => {
      expect(events.find((e) => e.type === 'lead.sla_breached' && e.data.leadId === lead.id)).toMatchObject({
        data: { fromUserId: id(1), toUserId: id(2), slaMinutes: 5, reassignments: 1, capReached: false, ruleName: 'Fast', leadName: 'Slow' },
        audience: { userIds: [id(1), id(2)], permission: 'leads.assign' },
      });
    });
    const timeline = (await owner.get(`/api/v1/leads/${lead.id}/timeline`)).json().items as { type: string; data: Record<string, unknown> }[];
    expect(timeline.find((i) => i.type === 'sla_breached')?.data).toMatchObject({ ownerId: id(1), capReached: false });

    // The cap (1): the second miss is reported but the lead stays with agent 2.
    await advance(6 * MINUTE);
    await sweep();
    await eventually(() => {
      expect(events.find((e) => e.type === 'lead.sla_breached' && e.data.leadId === lead.id && e.data.capReached)).toMatchObject({ data: { fromUserId: id(2), toUserId: null } });
    });
    expect(await ownerOf(lead.id)).toBe(id(2));
    const speed = (await owner.get(`/api/v1/leads/${lead.id}/speed`)).json();
    expect(speed).toMatchObject({ slaBreaches: 2, slaDueAt: null, firstActionAt: null });

    // Speed to lead today: agent 2 answered one lead; agent 1 missed one SLA, agent 2 one; one lead waits (with agent 2).
    const team = (await manager.client.get('/api/v1/distribution/speed-to-lead')).json();
    expect(team).toMatchObject({ waitingNow: before.waitingNow + 1, respondedToday: 1, slaBreachesToday: 2 });
    expect(team.medianResponseSeconds).toBeGreaterThanOrEqual(0);
    const row = (uid: string) => team.agents.find((a: { userId: string }) => a.userId === uid);
    expect(row(id(1))).toMatchObject({ waitingNow: waitingBefore(id(1)), respondedToday: 0, slaBreachesToday: 1, medianResponseSeconds: null });
    expect(row(id(2))).toMatchObject({ waitingNow: waitingBefore(id(2)) + 1, respondedToday: 1, slaBreachesToday: 1 });
    expect(team.waiting).toContainEqual(expect.objectContaining({ leadId: lead.id, ownerId: id(2) }));
    expect(team.waiting).toHaveLength(team.waitingNow);
    // An agent sees only themself.
    const mine = (await agent(1).get('/api/v1/distribution/speed-to-lead')).json();
    expect(mine.agents.map((a: { userId: string }) => a.userId)).toEqual([id(1)]);
    expect(mine.waitingNow).toBe(waitingBefore(id(1)));
    expect(mine.waiting.every((w: { ownerId: string }) => w.ownerId === id(1))).toBe(true);
    // A manager's own queue (mine=true): only their own figures and waiting leads; a bad value names the field.
    const managerOwn = (await manager.client.get('/api/v1/distribution/speed-to-lead?mine=true')).json();
    expect(managerOwn.agents.map((a: { userId: string }) => a.userId)).toEqual([manager.userId]);
    expect(managerOwn.waiting.every((w: { ownerId: string }) => w.ownerId === manager.userId)).toBe(true);
    expect(managerOwn.waitingNow).toBe(managerOwn.waiting.length);
    const bad = await manager.client.get('/api/v1/distribution/speed-to-lead?mine=yes');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('mine');

    // The owner acts — a stage change: the lead leaves the waiting list and gets its response time.
    const pipeline = (await agent(2).get('/api/v1/pipelines')).json().pipelines[0] as { stages: { id: string; kind: string }[] };
    const current = (await agent(2).get(`/api/v1/leads/${lead.id}`)).json();
    const nextStage = pipeline.stages.find((st) => st.kind === 'open' && st.id !== current.stage?.id)!;
    const moved = await agent(2).patch(`/api/v1/leads/${lead.id}`, { version: current.version, stageId: nextStage.id });
    expect(moved.statusCode, moved.body).toBe(200);
    const after = (await owner.get(`/api/v1/leads/${lead.id}/speed`)).json();
    expect(after).toMatchObject({ firstActionType: 'stage_changed' });
    expect(after.responseSeconds).toBeGreaterThanOrEqual(12 * 60);
    expect((await manager.client.get('/api/v1/distribution/speed-to-lead')).json()).toMatchObject({ waitingNow: before.waitingNow, respondedToday: 2 });
  }, 120_000);

  it("a manager's bulk change of owner is recorded per lead (reason manual) and withdraws open offers; agents without leads.assign may not reassign", async () => {
    await resetRules();
    await rule({ name: 'Claim', strategy: 'first_to_claim', members: members(1, 2) });
    const offered = await newLead({ firstName: 'Bulk offered' });
    const owned = await newLead({ firstName: 'Bulk owned', ownerId: id(1) });
    const untouched = await newLead({ firstName: 'Bulk untouched', ownerId: id(4) });

    // An agent (no leads.assign) may neither bulk-assign nor change the owner of their own lead.
    const denied = await agent(1).post('/api/v1/leads/bulk', { selection: { ids: [owned.id] }, action: { type: 'assign', ownerId: id(2) } });
    expect(denied.statusCode).toBe(403);
    const version = (await agent(1).get(`/api/v1/leads/${owned.id}`)).json().version;
    expect((await agent(1).patch(`/api/v1/leads/${owned.id}`, { version, ownerId: id(2) })).statusCode).toBe(403);
    // Only the owner named at creation is recorded (by hand, by whoever created it).
    const created = (to: string) => expect.objectContaining({ reason: 'manual', from: null, to: expect.objectContaining({ id: to }), by: expect.objectContaining({ name: 'Olivia Owner' }) });
    expect(await history(owned.id)).toEqual([created(id(1))]);

    const res = await manager.client.post('/api/v1/leads/bulk', { selection: { ids: [offered.id, owned.id, untouched.id] }, action: { type: 'assign', ownerId: id(4) } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ affected: 2 });
    expect(await history(offered.id)).toEqual([expect.objectContaining({ reason: 'manual', from: null, to: expect.objectContaining({ id: id(4) }), by: expect.objectContaining({ id: manager.userId }) })]);
    expect(await history(owned.id)).toEqual([expect.objectContaining({ reason: 'manual', from: expect.objectContaining({ id: id(1) }), to: expect.objectContaining({ id: id(4) }) }), created(id(1))]);
    // Already agent 4's: not changed, not recorded again.
    expect(await history(untouched.id)).toEqual([created(id(4))]);
    expect((await agent(1).get('/api/v1/distribution/offers')).json().offers.map((o: { leadId: string }) => o.leadId)).not.toContain(offered.id);
    expect((await agent(1).post(`/api/v1/leads/${offered.id}/claim`)).statusCode).toBe(409);
    // The new owner's clock runs: both wait for agent 4's first action.
    const waiting = (await manager.client.get('/api/v1/distribution/speed-to-lead')).json().waiting.map((w: { leadId: string }) => w.leadId);
    expect(waiting).toEqual(expect.arrayContaining([offered.id, owned.id]));

    // Another workspace's manager matches none of these leads.
    const ownerB = t.client();
    await ownerB.post('/api/v1/auth/login', { email: 'owner@example.com', password: PASSWORD });
    ownerB.workspaceId = wsB;
    expect((await ownerB.post('/api/v1/leads/bulk', { selection: { ids: [owned.id] }, action: { type: 'assign', ownerId: null } })).json()).toEqual({ affected: 0 });
    expect(await history(owned.id)).toHaveLength(2);
  });

  it('a lead moved to the trash (alone or in bulk) can no longer be claimed: its offer is withdrawn and the cards go', async () => {
    await resetRules();
    await rule({ name: 'Claim', strategy: 'first_to_claim', members: members(1, 2) });
    const one = await newLead({ firstName: 'Trashed alone' });
    const bulk = await newLead({ firstName: 'Trashed in bulk' });
    const kept = await newLead({ firstName: 'Still offered' });
    const offersOf = async (n: number) => (await agent(n).get('/api/v1/distribution/offers')).json().offers.map((o: { leadId: string }) => o.leadId);
    expect(await offersOf(1)).toEqual(expect.arrayContaining([one.id, bulk.id, kept.id]));

    expect((await owner.delete(`/api/v1/leads/${one.id}`)).statusCode).toBe(200);
    const res = await owner.post('/api/v1/leads/bulk', { selection: { ids: [bulk.id] }, action: { type: 'delete' } });
    expect(res.json()).toEqual({ affected: 1 });
    for (const n of [1, 2]) {
      const open = await offersOf(n);
      expect(open).not.toContain(one.id);
      expect(open).not.toContain(bulk.id);
      expect(open).toContain(kept.id);
    }
    for (const lead of [one, bulk]) {
      expect((await agent(1).post(`/api/v1/leads/${lead.id}/claim`)).statusCode).toBe(404);
      await eventually(() => {
        expect(events.find((e) => e.type === 'lead.offer_taken' && e.data.leadId === lead.id)).toMatchObject({
          data: { outcome: 'withdrawn', ownerId: null, offeredTo: [id(1), id(2)] },
          audience: { userIds: [id(1), id(2)], permission: 'leads.view_all' },
        });
      });
    }
    // Restored, the lead waits unassigned for a manager; the withdrawn offer is not reopened.
    expect((await owner.post(`/api/v1/leads/${one.id}/restore`)).statusCode).toBe(200);
    expect(await ownerOf(one.id)).toBeNull();
    expect(await offersOf(1)).not.toContain(one.id);
    expect((await agent(1).post(`/api/v1/leads/${one.id}/claim`)).statusCode).toBe(409);
    // Another workspace's owner can't trash (and so withdraw) these offers.
    const ownerB = t.client();
    await ownerB.post('/api/v1/auth/login', { email: 'owner@example.com', password: PASSWORD });
    ownerB.workspaceId = wsB;
    expect((await ownerB.post('/api/v1/leads/bulk', { selection: { ids: [kept.id] }, action: { type: 'delete' } })).json()).toEqual({ affected: 0 });
    expect((await ownerB.delete(`/api/v1/leads/${kept.id}`)).statusCode).toBe(404);
    expect(await offersOf(2)).toContain(kept.id);
  });

  it("outside a rule's group working hours nobody of the group is available and the fallback applies", async () => {
    await resetRules();
    // The workspace time zone is UTC here.
    const today = String(((t.deps.now().getUTCDay() + 6) % 7) + 1);
    const otherDay = String((Number(today) % 7) + 1);
    const hours = await rule({ name: 'Office', priority: 10, strategy: 'round_robin', members: members(1), workingHours: { [otherDay]: [{ start: '00:00', end: '24:00' }] } });
    expect(hours.workingHours).toEqual({ [otherDay]: [{ start: '00:00', end: '24:00' }] });
    await rule({ name: 'Night', priority: 20, strategy: 'round_robin', members: members(4) });
    expect((await newLead()).ownerId).toBe(id(4));
    const sim = (await owner.post('/api/v1/distribution/simulate', {})).json();
    expect(sim.trace.map((s: { outcome: string }) => s.outcome)).toEqual(['nobody_available', 'picked']);
    // Today within the hours: the group takes it again; null = any time.
    await owner.patch(`/api/v1/distribution/rules/${hours.id}`, { workingHours: { [today]: [{ start: '00:00', end: '24:00' }] } });
    expect((await newLead()).ownerId).toBe(id(1));
    await owner.patch(`/api/v1/distribution/rules/${hours.id}`, { workingHours: null });
    expect((await newLead()).ownerId).toBe(id(1));
    const bad = await owner.patch(`/api/v1/distribution/rules/${hours.id}`, { workingHours: { '1': [{ start: '18:00', end: '09:00' }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('workingHours.1.0.end');
  });

  it('refuses bad claim and SLA settings with errors naming the field', async () => {
    const bad = async (body: Record<string, unknown>, field: string) => {
      const res = await owner.post('/api/v1/distribution/rules', { name: 'Bad', priority: 999, strategy: 'round_robin', members: members(1), ...body });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.field ?? res.json().error.issues?.[0]?.field).toBe(field);
    };
    await bad({ slaMinutes: 0 }, 'slaMinutes');
    await bad({ maxReassignments: -1 }, 'maxReassignments');
    await bad({ claimTimeoutMinutes: 0 }, 'claimTimeoutMinutes');
    await bad({ strategy: 'first_to_claim', members: [] }, 'members');
  });
});
