import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../platform/db/client.ts';
import type { ReceivedEvent } from '../../platform/events/event-bus.ts';
import { distributeLeads } from './distribution.assign.ts';
import { createCaptureRepository, type CaptureRepository } from '../capture/capture.repository.ts';
import { announceIngest, ingestCapturedLeads, type CapturedLead } from '../capture/lead-ingest.ts';
import { emptyPerson } from '../capture/meta-field-map.ts';
import { addMember, createTestApp, PASSWORD, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';

/** Sign-ups and invitations through the API: generous on a busy 2-core machine (tests assert no timings). */
const SETUP_TIMEOUT = 180_000;
const DAY = 24 * 3600_000;

describe('lead distribution', () => {
  let t: TestApp;
  let owner: TestClient;
  let workspaceId: string;
  let wsB: string;
  let manager: { client: TestClient; userId: string };
  let agents: { client: TestClient; userId: string }[];
  let outsiderId: string;
  const events: ReceivedEvent[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    workspaceId = o.workspaceId;
    owner.workspaceId = workspaceId;
    manager = await addMember(t, owner, 'manager@example.com', 'manager');
    agents = [];
    for (const n of [1, 2, 3, 4]) agents.push(await addMember(t, owner, `agent${n}@example.com`, 'agent'));
    wsB = (await owner.post('/api/v1/workspaces', { name: 'Beta Insurance' })).json().id;
    owner.workspaceId = wsB;
    outsiderId = (await addMember(t, owner, 'outsider@example.com', 'agent')).userId;
    owner.workspaceId = workspaceId;
    t.deps.events.subscribe((e) => events.push(e));
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t.close();
  });

  const ids = (...n: number[]) => n.map((i) => agents[i - 1]!.userId);
  const members = (...n: number[]) => ids(...n).map((userId) => ({ userId }));

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
    const lead = res.json();
    return { id: lead.id, ownerId: lead.owner?.id ?? null };
  }
  async function history(leadId: string, client = owner) {
    return (await client.get(`/api/v1/leads/${leadId}/assignments`)).json().assignments;
  }

  it('round-robin hands new leads to the group in order, and records every assignment (history, timeline, audit, live event)', async () => {
    const r = await rule({ name: 'Everyone', strategy: 'round_robin', members: members(1, 2, 3, 4) });
    const owners = [];
    for (let i = 0; i < 6; i++) owners.push((await newLead()).ownerId);
    expect(owners).toEqual(ids(1, 2, 3, 4, 1, 2));

    const lead = await newLead();
    expect(lead.ownerId).toBe(ids(3)[0]);
    expect(await history(lead.id)).toEqual([
      expect.objectContaining({ to: { id: ids(3)[0], name: 'agent3' }, from: null, by: null, ruleId: r.id, ruleName: 'Everyone', strategy: 'round_robin', reason: 'rule' }),
    ]);
    // The assignee sees it and its history; another agent does not.
    expect((await agents[2]!.client.get(`/api/v1/leads/${lead.id}`)).statusCode).toBe(200);
    expect(await history(lead.id, agents[2]!.client)).toHaveLength(1);
    expect((await agents[0]!.client.get(`/api/v1/leads/${lead.id}/assignments`)).statusCode).toBe(404);
    const timeline = (await owner.get(`/api/v1/leads/${lead.id}/timeline`)).json().items as { type: string; data: Record<string, unknown> }[];
    expect(timeline.find((i) => i.type === 'owner_changed')?.data).toMatchObject({ from: null, to: { id: ids(3)[0] }, via: { ruleId: r.id, reason: 'rule' } });
    const audit = await t.deps.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'lead.assign' AND entity_id = $1`, [lead.id]);
    expect(Number(audit.rows[0]!.n)).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(events.find((e) => e.type === 'lead.assigned' && e.data.leadId === lead.id)).toMatchObject({ data: { ownerId: ids(3)[0] }, audience: { userIds: ids(3) } });
    // A lead created with a named owner, or explicitly without one, is not distributed.
    expect((await newLead({ ownerId: ids(1)[0] })).ownerId).toBe(ids(1)[0]);
    expect((await newLead({ ownerId: null })).ownerId).toBeNull();
    expect((await newLead()).ownerId).toBe(ids(4)[0]);

    // A manager's change of owner joins the history, newest first.
    const current = (await owner.get(`/api/v1/leads/${lead.id}`)).json();
    const moved = await manager.client.patch(`/api/v1/leads/${lead.id}`, { version: current.version, ownerId: ids(1)[0] });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await history(lead.id)).map((h: { reason: string; from: { id: string } | null; to: { id: string } | null; by: { id: string } | null }) => [h.reason, h.from?.id, h.to?.id, h.by?.id])).toEqual([
      ['manual', ids(3)[0], ids(1)[0], manager.userId],
      ['rule', undefined, ids(3)[0], undefined],
    ]);
  });

  it('20 leads arriving at once over 4 agents: 5 each, one assignment record per lead', async () => {
    await resetRules();
    const r = await rule({ name: 'Burst', strategy: 'round_robin', members: members(1, 2, 3, 4) });
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => newLead({ firstName: `Burst ${i}` })));
    const counts = new Map<string, number>();
    for (const l of created) counts.set(l.ownerId!, (counts.get(l.ownerId!) ?? 0) + 1);
    expect([...counts.entries()].sort()).toEqual(ids(1, 2, 3, 4).map((id) => [id, 5] as [string, number]).sort());
    const rec = await t.deps.database.query<{ n: number; leads: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT lead_id)::int AS leads FROM assignments WHERE rule_id = $1',
      [r.id],
    );
    expect(rec.rows[0]).toMatchObject({ n: 20, leads: 20 });
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('keeps the round-robin order when two server instances distribute at the same moment (PostgreSQL)', async () => {
    await resetRules();
    const r = await rule({ name: 'Two instances', strategy: 'round_robin', members: members(1, 2, 3, 4) });
    const waiting = [];
    for (let i = 0; i < 24; i++) waiting.push((await newLead({ firstName: `Waiting ${i}`, ownerId: null })).id);
    // A second pool on the same database stands for a second instance.
    const other = await openDatabase({ databaseUrl: t.deps.config.databaseUrl!, poolSize: 5 });
    try {
      const instances = [t.deps.database, other];
      await Promise.all(
        waiting.map((leadId, i) => instances[i % 2]!.db.transaction((tx) => distributeLeads(tx, { workspaceId, leadIds: [leadId], at: new Date() }))),
      );
    } finally {
      await other.close();
    }
    const rows = await t.deps.database.query<{ to_user_id: string }>('SELECT to_user_id FROM assignments WHERE rule_id = $1 ORDER BY id', [r.id]);
    expect(rows.rows.map((x) => x.to_user_id)).toEqual(Array.from({ length: 6 }, () => ids(1, 2, 3, 4)).flat());
  });

  it('weighted 50/30/20 and least-loaded', async () => {
    await resetRules();
    await rule({ name: 'Weighted', strategy: 'weighted', members: [{ userId: ids(1)[0], weight: 50 }, { userId: ids(2)[0], weight: 30 }, { userId: ids(3)[0], weight: 20 }] });
    const owners: string[] = [];
    for (let i = 0; i < 10; i++) owners.push((await newLead()).ownerId!);
    expect(ids(1, 2, 3).map((id) => owners.filter((o) => o === id).length)).toEqual([5, 3, 2]);

    await resetRules();
    await rule({ name: 'Least loaded', strategy: 'least_loaded', members: members(1, 2, 3, 4) });
    const open = await t.deps.database.query<{ owner_id: string; n: number }>(
      'SELECT owner_id, count(*)::int AS n FROM leads WHERE workspace_id = $1 AND owner_id IS NOT NULL GROUP BY owner_id',
      [workspaceId],
    );
    const load = new Map(open.rows.map((r) => [r.owner_id, Number(r.n)]));
    const expected = ids(1, 2, 3, 4).reduce((best, id) => ((load.get(id) ?? 0) < (load.get(best) ?? 0) ? id : best));
    expect((await newLead()).ownerId).toBe(expected);
  });

  it('conditions use the lead list filters, first match wins, captured leads are distributed too, and the simulator picks without assigning', async () => {
    await resetRules();
    const fb = await rule({ name: 'Facebook', priority: 10, strategy: 'round_robin', conditions: [{ field: 'source', op: 'eq', value: 'Facebook' }], members: members(3) });
    const def = await rule({ name: 'Default', priority: 20, strategy: 'round_robin', members: members(4) });
    expect((await newLead({ source: 'Facebook' })).ownerId).toBe(ids(3)[0]);
    expect((await newLead({ source: 'Website' })).ownerId).toBe(ids(4)[0]);

    const key = (await owner.post('/api/v1/api-keys', { name: 'Site' })).json().key;
    const pushed = await t.app.inject({ method: 'POST', url: '/hooks/intake', headers: { authorization: `Bearer ${key}` }, payload: { firstName: 'Via', email: 'via@example.com', source: 'Facebook' } });
    expect(pushed.statusCode, pushed.body).toBe(201);
    expect((await owner.get(`/api/v1/leads/${pushed.json().id}`)).json().owner?.id).toBe(ids(3)[0]);
    expect(await history(pushed.json().id)).toEqual([expect.objectContaining({ ruleId: fb.id, reason: 'rule' })]);

    const before = await t.deps.database.query<{ n: number }>('SELECT count(*)::int AS n FROM leads');
    await owner.patch(`/api/v1/distribution/rules/${def.id}`, { members: members(1, 2) });
    for (let i = 0; i < 2; i++) {
      const sim = await manager.client.post('/api/v1/distribution/simulate', { source: 'Website' });
      expect(sim.statusCode, sim.body).toBe(200);
      expect(sim.json()).toMatchObject({ rule: { id: def.id, name: 'Default' }, agent: { id: ids(1)[0] }, reason: 'rule', trace: [{ outcome: 'no_match' }, { outcome: 'picked' }] });
    }
    expect((await owner.post('/api/v1/distribution/simulate', { source: 'Facebook' })).json()).toMatchObject({ rule: { id: fb.id }, agent: { id: ids(3)[0] } });
    const after = await t.deps.database.query<{ n: number }>('SELECT count(*)::int AS n FROM leads');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    expect((await agents[0]!.client.post('/api/v1/distribution/simulate', {})).statusCode).toBe(403);
    expect((await manager.client.get('/api/v1/distribution/rules')).statusCode).toBe(200);
    expect((await manager.client.post('/api/v1/distribution/rules', { name: 'x', priority: 1, strategy: 'manual' })).statusCode).toBe(403);
  });

  it('hands a captured lead over on what the database computes for it (folded name, placement, defaults), as the lead list filters it, and stores it with its owner', async () => {
    // Capture decides before the row exists (ADR 026): the conditions must see the row as stored — the generated
    // folded name, the stage capture placed it in, columns left to their defaults.
    await resetRules();
    const pipeline = (await owner.get('/api/v1/pipelines')).json().pipelines[0] as { stages: { id: string }[] };
    const firstStage = pipeline.stages[0]!.id;
    const byName = [{ field: 'name', op: 'contains', value: 'joao' }];
    const byDefaults = [
      { field: 'stageId', op: 'in', value: [firstStage] },
      { field: 'score', op: 'empty' },
      { field: 'lastActivityAt', op: 'not_empty' },
    ];
    const named = await rule({ name: 'Accents', priority: 10, strategy: 'round_robin', conditions: byName, members: members(1) });
    const placed = await rule({ name: 'Placement', priority: 20, strategy: 'round_robin', conditions: byDefaults, members: members(2) });
    await rule({ name: 'Default', priority: 30, strategy: 'round_robin', members: members(4) });

    const key = (await owner.post('/api/v1/api-keys', { name: 'Computed' })).json().key;
    const capture = async (payload: Record<string, unknown>) => {
      const res = await t.app.inject({ method: 'POST', url: '/hooks/intake', headers: { authorization: `Bearer ${key}` }, payload });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const joao = await capture({ firstName: 'JOÃO', lastName: 'Gonçalves', email: 'joao.computed@example.com' });
    const maria = await capture({ firstName: 'Maria', email: 'maria.computed@example.com' });
    expect((await owner.get(`/api/v1/leads/${joao}`)).json().owner?.id).toBe(ids(1)[0]);
    expect((await owner.get(`/api/v1/leads/${maria}`)).json().owner?.id).toBe(ids(2)[0]);
    expect(await history(joao)).toEqual([expect.objectContaining({ ruleId: named.id, reason: 'rule', to: { id: ids(1)[0], name: 'agent1' } })]);
    expect(await history(maria)).toEqual([expect.objectContaining({ ruleId: placed.id, reason: 'rule', to: { id: ids(2)[0], name: 'agent2' } })]);

    // The lead list finds the same leads with the same filters.
    const list = async (filters: unknown[]) =>
      ((await owner.get(`/api/v1/leads?query=${encodeURIComponent(JSON.stringify({ filters }))}`)).json().leads as { id: string }[]).map((l) => l.id);
    expect(await list(byName)).toContain(joao);
    expect(await list(byName)).not.toContain(maria);
    expect(await list(byDefaults)).toEqual(expect.arrayContaining([joao, maria]));

    // Stored once with its owner, and counted in the owner's open leads like any other assignment.
    const open = await t.deps.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM owner_open_leads WHERE workspace_id = $1 AND user_id = $2 AND n = (
         SELECT count(*) FROM leads l JOIN pipeline_stages s ON s.id = l.stage_id
         WHERE l.workspace_id = $1 AND l.owner_id = $2 AND l.deleted_at IS NULL AND s.kind = 'open')`,
      [workspaceId, ids(1)[0]],
    );
    expect(open.rows[0]!.n).toBe(1);
  });

  it('keeps a captured batch\'s trail in order (created, then assigned), and a lead lost to another run at insert leaves no trail', async () => {
    // ADR 026: a lead another writer stored first (same external id) leaves no activity, audit entry or assignment record.
    await resetRules();
    await rule({ name: 'Pair', strategy: 'round_robin', members: members(1, 2) });
    const repo = createCaptureRepository(t.deps.database.db);
    const input = (externalId: string, firstName: string): CapturedLead => ({
      workspaceId,
      origin: 'api',
      externalId,
      person: { ...emptyPerson(), firstName, emails: [`${firstName}.${externalId}@example.com`.toLowerCase()] },
      source: 'Fold',
      campaign: null,
      tags: [],
      pipelineId: null,
      stageId: null,
      submission: {},
    });
    const ingest = (inputs: CapturedLead[], r: CaptureRepository = repo) => t.deps.database.db.transaction((tx) => ingestCapturedLeads(tx, r, t.deps.now(), inputs));

    const [first] = await ingest([input('fold-1', 'Winner')]);
    expect(first).toMatchObject({ outcome: 'created', ownerId: expect.any(String) });
    const trail = async (leadId: string) => ({
      timeline: (await t.deps.database.query<{ type: string }>('SELECT type FROM activities WHERE lead_id = $1 ORDER BY id', [leadId])).rows.map((r) => r.type),
      audit: (await t.deps.database.query<{ action: string }>('SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY created_at, id', [leadId])).rows.map((r) => r.action),
      records: (await t.deps.database.query<{ n: number }>('SELECT count(*)::int AS n FROM assignments WHERE lead_id = $1', [leadId])).rows[0]!.n,
    });
    expect(await trail(first!.leadId)).toEqual({ timeline: ['created', 'owner_changed'], audit: ['lead.create', 'lead.assign'], records: 1 });

    // Another run stored fold-1 after this one looked it up: the look-up below misses it, so this batch tries to
    // create it again and loses it at the insert. The lost lead leaves nothing; the other lead of the batch is whole.
    const counts = async () =>
      (
        await t.deps.database.query<{ leads: number; acts: number; audits: number; records: number }>(
          `SELECT (SELECT count(*) FROM leads WHERE workspace_id = $1)::int AS leads,
                  (SELECT count(*) FROM activities WHERE workspace_id = $1)::int AS acts,
                  (SELECT count(*) FROM audit_log WHERE workspace_id = $1 AND action IN ('lead.create', 'lead.assign'))::int AS audits,
                  (SELECT count(*) FROM assignments WHERE workspace_id = $1)::int AS records`,
          [workspaceId],
        )
      ).rows[0]!;
    const before = await counts();
    let looks = 0;
    const blind: CaptureRepository = {
      ...repo,
      // The first look-up, before the insert, misses it; the look-up of the winners after the insert finds it.
      leadsByExternalIds: async (tx, ws, externalIds) => {
        const found = await repo.leadsByExternalIds(tx, ws, externalIds);
        return looks++ ? found : found.filter((l) => l.externalId !== 'fold-1');
      },
    };
    const [lost, fresh] = await ingest([input('fold-1', 'Loser'), input('fold-2', 'Fresh')], blind);
    expect(lost).toMatchObject({ outcome: 'already_ingested', leadId: first!.leadId, ownerId: first!.ownerId });
    expect(fresh).toMatchObject({ outcome: 'created', ownerId: expect.any(String) });
    expect(await counts()).toEqual({ leads: before.leads + 1, acts: before.acts + 2, audits: before.audits + 2, records: before.records + 1 });
    expect(await trail(first!.leadId)).toEqual({ timeline: ['created', 'owner_changed'], audit: ['lead.create', 'lead.assign'], records: 1 });
    expect(await trail(fresh!.leadId)).toEqual({ timeline: ['created', 'owner_changed'], audit: ['lead.create', 'lead.assign'], records: 1 });
    expect((await owner.get(`/api/v1/leads/${fresh!.leadId}`)).json().owner?.id).toBe(fresh!.ownerId);
  });

  it('refuses bad rules with errors naming the field', async () => {
    await resetRules();
    await rule({ name: 'Taken', priority: 5, strategy: 'manual' });
    const cases: [Record<string, unknown>, number, string][] = [
      [{ strategy: 'round_robin', members: [] }, 400, 'members'],
      [{ strategy: 'round_robin', members: [{ userId: outsiderId }] }, 400, 'members.0.userId'],
      [{ strategy: 'weighted', members: [{ userId: ids(1)[0], weight: 50 }, { userId: ids(2)[0], weight: 40 }] }, 400, 'members'],
      [{ strategy: 'round_robin', members: members(1), conditions: [{ field: 'nope', op: 'eq', value: 'x' }] }, 400, 'conditions.0.field'],
      [{ strategy: 'round_robin', members: members(1), dailyCap: -1 }, 400, 'dailyCap'],
      [{ strategy: 'round_robin', members: members(1), priority: 5 }, 409, 'priority'],
      [{ strategy: 'round_robin', members: members(1), unknown: true }, 400, 'unknown'],
      [{ strategy: 'round_robin', members: [{ userId: ids(1)[0], colour: 'red' }] }, 400, 'members.0.colour'],
      [{ strategy: 'round_robin', members: members(1, 1) }, 400, 'members.1.userId'],
      [{ strategy: 'round_robin', members: members(1), fallback: 'user' }, 400, 'fallbackUserId'],
      [{ strategy: 'round_robin', members: members(1), fallback: 'next_rule', fallbackUserId: ids(2)[0] }, 400, 'fallbackUserId'],
      // Caps beyond what a count can hold, conditions on days the database has no calendar for, a NUL character.
      [{ strategy: 'round_robin', members: members(1), weeklyCap: 1_000_000_000_000 }, 400, 'weeklyCap'],
      [{ strategy: 'round_robin', members: members(1), dailyCap: 3_000_000_000 }, 400, 'dailyCap'],
      [{ strategy: 'round_robin', members: members(1), dailyCap: 10, weeklyCap: 5 }, 400, 'weeklyCap'],
      [{ strategy: 'round_robin', members: members(1), conditions: [{ field: 'createdAt', op: 'gte', value: '0000-01-01T00:00:00Z' }] }, 400, 'conditions.0.value'],
      [{ strategy: 'round_robin', members: members(1), conditions: [{ field: 'createdAt', op: 'eq', value: '9999-12-31' }] }, 400, 'conditions.0.value'],
      [{ strategy: 'round_robin', members: members(1), conditions: [{ field: 'createdAt', op: 'between', value: ['2026-01-01', '0000-01-01'] }] }, 400, 'conditions.0.value'],
      [{ strategy: 'round_robin', members: members(1), name: 'Nul\u0000' }, 400, 'name'],
      [{ strategy: 'round_robin', members: members(1), conditions: [{ field: 'source', op: 'eq', value: 'a\u0000b' }] }, 400, 'conditions.0.value'],
      // Working hours of one day that overlap.
      [{ strategy: 'round_robin', members: members(1), workingHours: { '1': [{ start: '09:00', end: '13:00' }, { start: '12:00', end: '18:00' }] } }, 400, 'workingHours.1.1.start'],
      [{ strategy: 'round_robin', members: members(1), workingHours: { '2': [{ start: '14:00', end: '18:00' }, { start: '08:00', end: '14:30' }] } }, 400, 'workingHours.2.0.start'],
    ];
    for (const [body, status, field] of cases) {
      const res = await owner.post('/api/v1/distribution/rules', { name: 'Bad', priority: 50, ...body });
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      if (field) expect(res.json().error.field, JSON.stringify(body)).toBe(field);
    }
    const ok = await rule({ name: 'Fine', priority: 6, strategy: 'round_robin', members: members(1) });
    const dup = await owner.patch(`/api/v1/distribution/rules/${ok.id}`, { priority: 5 });
    expect(dup.statusCode, dup.body).toBe(409);
    expect(dup.json().error.field).toBe('priority');
    const reordered = await owner.post('/api/v1/distribution/rules/reorder', { ruleIds: [ok.id, (await owner.get('/api/v1/distribution/rules')).json().rules[0].id] });
    expect(reordered.statusCode, reordered.body).toBe(200);
    expect(reordered.json().rules.map((r: { name: string; priority: number }) => [r.name, r.priority])).toEqual([
      ['Fine', 10],
      ['Taken', 20],
    ]);
    expect((await owner.post('/api/v1/distribution/rules/reorder', { ruleIds: [ok.id] })).json().error.field).toBe('ruleIds');
  });

  it("keeps another workspace's rules, availability and history out of reach", async () => {
    await resetRules();
    const r = await rule({ name: 'A only', strategy: 'round_robin', members: members(1) });
    const lead = await newLead();
    owner.workspaceId = wsB;
    try {
      expect((await owner.get('/api/v1/distribution/rules')).json().rules).toEqual([]);
      expect((await owner.get(`/api/v1/distribution/rules/${r.id}`)).statusCode).toBe(404);
      expect((await owner.patch(`/api/v1/distribution/rules/${r.id}`, { name: 'x' })).statusCode).toBe(404);
      expect((await owner.delete(`/api/v1/distribution/rules/${r.id}`)).statusCode).toBe(404);
      expect((await owner.get(`/api/v1/leads/${lead.id}/assignments`)).statusCode).toBe(404);
      expect((await owner.patch(`/api/v1/distribution/availability/${ids(1)[0]}`, { paused: true })).statusCode).toBe(404);
      expect((await owner.post('/api/v1/distribution/rules/reorder', { ruleIds: [r.id] })).json().error.field).toBe('ruleIds.0');
    } finally {
      owner.workspaceId = workspaceId;
    }
    expect((await owner.get(`/api/v1/distribution/rules/${r.id}`)).json().name).toBe('A only');
  });

  it('keeps a rule editable when a member of its group is disabled since (distribution skips them); anyone newly named must be active', async () => {
    await resetRules();
    const leaving = await addMember(t, owner, 'leaving@example.com', 'agent');
    const r = await rule({ name: 'With a leaver', strategy: 'weighted', members: [{ userId: leaving.userId, weight: 50 }, { userId: ids(1)[0], weight: 50 }], fallback: 'user', fallbackUserId: leaving.userId });
    expect((await owner.patch(`/api/v1/members/${leaving.userId}`, { status: 'disabled' })).statusCode).toBe(200);

    // Disabled members are skipped: every lead goes to agent 1.
    expect([(await newLead()).ownerId, (await newLead()).ownerId]).toEqual(ids(1, 1));
    for (const patch of [{ enabled: false }, { name: 'Renamed' }, { enabled: true, dailyCap: 50 }]) {
      const res = await owner.patch(`/api/v1/distribution/rules/${r.id}`, patch);
      expect(res.statusCode, `${JSON.stringify(patch)} ${res.body}`).toBe(200);
    }
    expect((await owner.get(`/api/v1/distribution/rules/${r.id}`)).json()).toMatchObject({ name: 'Renamed', enabled: true, dailyCap: 50, fallbackUserId: leaving.userId });
    // Taking the leaver out works; naming them anew (here, or in another rule, or as a fallback) does not.
    const other = await owner.post('/api/v1/distribution/rules', { name: 'New', priority: 200, strategy: 'round_robin', members: [{ userId: leaving.userId }] });
    expect(other.json().error?.field, other.body).toBe('members.0.userId');
    const out = await owner.patch(`/api/v1/distribution/rules/${r.id}`, { strategy: 'round_robin', members: members(1), fallback: 'next_rule' });
    expect(out.statusCode, out.body).toBe(200);
    expect(out.json()).toMatchObject({ fallback: 'next_rule', fallbackUserId: null });
    const back = await owner.patch(`/api/v1/distribution/rules/${r.id}`, { members: [...members(1), { userId: leaving.userId }] });
    expect(back.json().error?.field, back.body).toBe('members.1.userId');
    const fallbackBack = await owner.patch(`/api/v1/distribution/rules/${r.id}`, { fallback: 'user', fallbackUserId: leaving.userId });
    expect(fallbackBack.json().error?.field, fallbackBack.body).toBe('fallbackUserId');

    // A condition on a custom field deleted since: the rule matches nothing, and stays editable unless the change
    // gives conditions again (then they are judged, and the deleted field is named).
    const field = await owner.post('/api/v1/custom-fields', { label: 'Rent or buy', type: 'text' });
    expect(field.statusCode, field.body).toBe(201);
    const byField = await rule({ name: 'Renters', priority: 5, strategy: 'round_robin', members: members(2), conditions: [{ field: `custom.${field.json().key}`, op: 'eq', value: 'rent' }] });
    expect((await owner.delete(`/api/v1/custom-fields/${field.json().id}`)).statusCode).toBe(200);
    expect((await newLead()).ownerId).toBe(ids(1)[0]);
    expect((await owner.patch(`/api/v1/distribution/rules/${byField.id}`, { enabled: false })).statusCode).toBe(200);
    const again = await owner.patch(`/api/v1/distribution/rules/${byField.id}`, { conditions: (await owner.get(`/api/v1/distribution/rules/${byField.id}`)).json().conditions });
    expect(again.json().error?.field, again.body).toBe('conditions.0.field');
  });

  it('a stored rule whose condition the database cannot evaluate matches nothing, and leads go on to the next rule', async () => {
    // Rules saved before dates were bounded (or written behind the API's back) must not stop distribution.
    await resetRules();
    const bad = await rule({ name: 'Old bad date', priority: 10, strategy: 'round_robin', members: members(1), conditions: [{ field: 'createdAt', op: 'gte', value: '2020-01-01T00:00:00Z' }] });
    await rule({ name: 'Everyone', priority: 20, strategy: 'round_robin', members: members(2) });
    expect((await newLead()).ownerId).toBe(ids(1)[0]);
    await t.deps.database.query(`UPDATE distribution_rules SET conditions = '[{"field":"createdAt","op":"gte","value":"0000-01-01T00:00:00Z"}]'::jsonb WHERE id = $1`, [bad.id]);
    const lead = await newLead();
    expect(lead.ownerId).toBe(ids(2)[0]);
    const simulated = await owner.post('/api/v1/distribution/simulate', { firstName: 'Sim' });
    expect(simulated.statusCode, simulated.body).toBe(200);
    expect(simulated.json().rule?.name).toBe('Everyone');
    // The lead list refuses the same filter with a message naming it instead of failing in the database.
    const listed = await owner.get(`/api/v1/leads?query=${encodeURIComponent(JSON.stringify({ filters: [{ field: 'createdAt', op: 'gte', value: '0000-01-01T00:00:00Z' }] }))}`);
    expect(listed.statusCode, listed.body).toBe(400);
  });

  it('an owner named when a lead is created by hand is recorded as a manual assignment, told, and on the speed-to-lead clock', async () => {
    await resetRules();
    await rule({ name: 'Everyone', strategy: 'round_robin', members: members(1, 2) });
    const lead = await newLead({ ownerId: ids(3)[0] });
    expect(lead.ownerId).toBe(ids(3)[0]);
    expect(await history(lead.id)).toEqual([
      expect.objectContaining({ to: { id: ids(3)[0], name: 'agent3' }, from: null, by: expect.objectContaining({ name: 'Olivia Owner' }), ruleId: null, reason: 'manual' }),
    ]);
    expect((await owner.get(`/api/v1/leads/${lead.id}/speed`)).json()).toMatchObject({ assignedAt: expect.any(String), firstActionAt: null });
    await vi.waitFor(() =>
      expect(events.find((e) => e.type === 'lead.assigned' && e.data.leadId === lead.id)).toMatchObject({
        data: { ownerId: ids(3)[0], reason: 'manual', byUserId: expect.any(String) },
        audience: { userIds: ids(3) },
      }),
    );
    // An agent's own lead (they own what they create): recorded, by themselves, and nobody is told.
    const own = await agents[3]!.client.post('/api/v1/leads', { firstName: 'Walk-in' });
    expect(own.statusCode, own.body).toBe(201);
    expect(await history(own.json().id)).toEqual([expect.objectContaining({ to: expect.objectContaining({ id: ids(4)[0] }), by: expect.objectContaining({ id: ids(4)[0] }), reason: 'manual' })]);
    expect(events.find((e) => e.type === 'lead.assigned' && e.data.leadId === own.json().id)).toBeUndefined();
  });

  it('tells the managers, and only them, when a rule leaves a new lead in the unassigned queue (by hand, by capture, nobody available)', async () => {
    await resetRules();
    await rule({ name: 'VIP desk', priority: 10, strategy: 'manual', conditions: [{ field: 'source', op: 'eq', value: 'VIP' }] });
    await rule({ name: 'Night team', priority: 20, strategy: 'round_robin', members: members(1), fallback: 'unassigned' });
    const waiting = async (client: TestClient) =>
      ((await client.get('/api/v1/notifications?limit=100')).json().items as { type: string; data: Record<string, unknown>; link: { id: string } | null }[]).filter((n) => n.type === 'lead_unassigned');
    const before = { manager: (await waiting(manager.client)).length, owner: (await waiting(owner)).length };

    const byHand = await newLead({ firstName: 'Vera', source: 'VIP' });
    expect(byHand.ownerId).toBeNull();
    // Captured (the intake path stores it with what the rules decided, ADR 026).
    const [captured] = await t.deps.database.db.transaction((tx) =>
      ingestCapturedLeads(tx, createCaptureRepository(t.deps.database.db), t.deps.now(), [
        { workspaceId, origin: 'api', externalId: 'vip-1', person: { ...emptyPerson(), firstName: 'Victor' }, source: 'VIP', campaign: null, tags: [], pipelineId: null, stageId: null, submission: {} },
      ]),
    );
    expect(captured).toMatchObject({ outcome: 'created', ownerId: null });
    await announceIngest(t.deps, workspaceId, captured!);
    // Nobody of the night team is available, and its fallback is the queue.
    await agents[0]!.client.patch(`/api/v1/distribution/availability/${ids(1)[0]}`, { paused: true });
    const nobody = await newLead({ firstName: 'Nadia' });
    await agents[0]!.client.patch(`/api/v1/distribution/availability/${ids(1)[0]}`, { paused: false });
    expect(nobody.ownerId).toBeNull();
    // A lead the night team takes tells nobody of the queue.
    const taken = await newLead({ firstName: 'Tom' });
    expect(taken.ownerId).toBe(ids(1)[0]);

    for (const client of [manager.client, owner]) {
      await vi.waitFor(async () => expect((await waiting(client)).length - (client === owner ? before.owner : before.manager)).toBe(3), { timeout: 10_000 });
      const items = (await waiting(client)).slice(0, 3);
      expect(items.map((n) => [n.link?.id, n.data.why, n.data.ruleName]).sort()).toEqual(
        [
          [byHand.id, 'manual', 'VIP desk'],
          [captured!.leadId, 'manual', 'VIP desk'],
          [nobody.id, 'nobody_available', 'Night team'],
        ].sort(),
      );
      expect(items.find((n) => n.link?.id === byHand.id)?.data.leadName).toBe('Vera');
    }
    // Agents (no leads.assign) are not told.
    for (const a of agents) expect(await waiting(a.client)).toEqual([]);
  });

  it('documents every distribution route in the OpenAPI spec', async () => {
    const spec = (await t.app.inject({ url: '/api/docs/json' })).json() as { paths: Record<string, Record<string, { summary?: string; tags?: string[] }>> };
    const routes: [string, string][] = [
      ['/api/v1/distribution/rules', 'get'],
      ['/api/v1/distribution/rules', 'post'],
      ['/api/v1/distribution/rules/{id}', 'patch'],
      ['/api/v1/distribution/rules/{id}', 'delete'],
      ['/api/v1/distribution/rules/reorder', 'post'],
      ['/api/v1/distribution/simulate', 'post'],
      ['/api/v1/distribution/availability', 'get'],
      ['/api/v1/distribution/availability/{userId}', 'patch'],
      ['/api/v1/leads/{id}/assignments', 'get'],
      ['/api/v1/distribution/assignments', 'get'],
      ['/api/v1/distribution/assignments/export', 'get'],
      ['/api/v1/distribution/offers', 'get'],
      ['/api/v1/leads/{id}/claim', 'post'],
      ['/api/v1/leads/{id}/speed', 'get'],
      ['/api/v1/distribution/speed-to-lead', 'get'],
    ];
    for (const [path, method] of routes) {
      expect(spec.paths[path]?.[method]?.summary, `${method} ${path}`).toBeTruthy();
      expect(spec.paths[path]?.[method]?.tags).toEqual(['Lead distribution']);
    }
  });

  // Last: it moves the app clock.
  it('skips paused, out-of-office and off-hours agents and agents at their cap; falls back to the next rule, a named user or the unassigned queue', async () => {
    await resetRules();
    const main = await rule({ name: 'Team', priority: 10, strategy: 'round_robin', members: members(1, 2), dailyCap: 2 });
    const queue = await rule({ name: 'Queue', priority: 20, strategy: 'manual' });

    // An agent pauses themself; they may not touch their hours or anyone else.
    const a1 = agents[0]!.client;
    expect((await a1.patch(`/api/v1/distribution/availability/${ids(1)[0]}`, { paused: true })).json()).toMatchObject({ paused: true, availableNow: false, unavailableReason: 'paused' });
    expect((await a1.patch(`/api/v1/distribution/availability/${ids(1)[0]}`, { workingHours: null })).statusCode).toBe(403);
    expect((await a1.patch(`/api/v1/distribution/availability/${ids(2)[0]}`, { paused: true })).statusCode).toBe(404);
    expect((await a1.get('/api/v1/distribution/availability')).json().agents).toHaveLength(1);
    expect((await newLead()).ownerId).toBe(ids(2)[0]);
    expect((await newLead()).ownerId).toBe(ids(2)[0]);
    // Agent 2 is at the daily cap, agent 1 paused: the lead goes on to the manual queue rule, unassigned, recorded.
    const queued = await newLead();
    expect(queued.ownerId).toBeNull();
    expect(await history(queued.id)).toEqual([expect.objectContaining({ to: null, ruleId: queue.id, reason: 'unassigned' })]);

    // A named fallback user.
    await owner.patch(`/api/v1/distribution/rules/${main.id}`, { fallback: 'user', fallbackUserId: manager.userId });
    const fallback = await newLead();
    expect(fallback.ownerId).toBe(manager.userId);
    expect(await history(fallback.id)).toEqual([expect.objectContaining({ ruleId: main.id, reason: 'fallback' })]);
    await owner.patch(`/api/v1/distribution/rules/${main.id}`, { fallback: 'next_rule' });

    // Managers set working hours (another weekday) and out-of-office days, in the workspace time zone (UTC here).
    expect((await a1.patch(`/api/v1/distribution/availability/${ids(1)[0]}`, { paused: false })).statusCode).toBe(200);
    const now = t.deps.now();
    const weekday = (d: Date) => String(((d.getUTCDay() + 6) % 7) + 1);
    const later = new Date(now.getTime() + 2 * DAY);
    const hours = await manager.client.patch(`/api/v1/distribution/availability/${ids(1)[0]}`, { workingHours: { [weekday(later)]: [{ start: '00:00', end: '24:00' }] } });
    expect(hours.statusCode, hours.body).toBe(200);
    expect(hours.json()).toMatchObject({ availableNow: false, unavailableReason: 'outside_hours' });
    expect((await manager.client.patch(`/api/v1/distribution/availability/${ids(1)[0]}`, { outOfOffice: [{ from: '2026-01-02', to: '2026-01-01' }] })).json().error.field).toBe('outOfOffice.0.to');
    for (const [body, field] of [
      [{}, 'body'],
      [{ workingHours: { '3': [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }] } }, 'workingHours.3.1.start'],
      [{ outOfOffice: [{ from: '0000-01-01', to: '9999-12-31' }] }, 'outOfOffice.0.from'],
    ] as const) {
      expect((await manager.client.patch(`/api/v1/distribution/availability/${ids(1)[0]}`, body)).json().error?.field, JSON.stringify(body)).toBe(field);
    }
    expect((await newLead()).ownerId).toBeNull();

    // Two days later: agent 1 works today, agent 2's daily cap starts again, in order after agent 2.
    t.advanceClock(2 * DAY);
    // Sessions idle that long expire: sign in again.
    for (const [client, email] of [
      [owner, 'owner@example.com'],
      [manager.client, 'manager@example.com'],
    ] as const) {
      const login = await client.post('/api/v1/auth/login', { email, password: PASSWORD });
      expect(login.statusCode, login.body).toBe(200);
    }
    expect((await newLead()).ownerId).toBe(ids(1)[0]);
    expect((await newLead()).ownerId).toBe(ids(2)[0]);
    const today = t.deps.now().toISOString().slice(0, 10);
    await manager.client.patch(`/api/v1/distribution/availability/${ids(1)[0]}`, { outOfOffice: [{ from: today, to: today }] });
    expect((await newLead()).ownerId).toBe(ids(2)[0]);
    // Both at or out: queue.
    expect((await newLead()).ownerId).toBeNull();
  });
});
