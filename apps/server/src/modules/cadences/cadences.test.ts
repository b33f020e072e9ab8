import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../platform/db/client.ts';
import { addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { createNotificationsService } from '../notifications/notifications.service.ts';
import { createTasksService } from '../tasks/tasks.service.ts';
import { CADENCE_LEADS_JOB, type LeadsChangedJob } from './cadence-jobs.ts';
import { CADENCE_LEAD_JOB, CADENCE_STEP_JOB, createCadencesService } from './cadences.service.ts';

const SETUP_TIMEOUT = 180_000;
const DAY = 24 * 3600_000;
type Member = { client: TestClient; userId: string };
type Attempt = { step: number; taskId: string; title: string; type: string; status: string; outcome: string | null; note: string | null };
type Enrollment = { id: string; name: string; status: string; tier: number; tiers: number; trigger: string; stopReason: string | null; attempts: Attempt[] };

const STEPS = [
  { dayOffset: 0, type: 'call', title: 'First call', time: '09:00' },
  { dayOffset: 1, type: 'whatsapp', title: 'WhatsApp hello' },
  { dayOffset: 3, type: 'call', title: 'Second call', time: '10:00' },
  { dayOffset: 7, type: 'email', title: 'Final email', note: 'Last try' },
];

describe('follow-up cadences', () => {
  let t: TestApp;
  let owner: TestClient;
  let workspaceId: string;
  let wsB: string;
  let agent: Member;
  let agent2: Member;
  let viewer: Member;
  let stage: (name: string) => string;
  let pipelineId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    workspaceId = o.workspaceId;
    owner.workspaceId = workspaceId;
    agent = await addMember(t, owner, 'agent@example.com', 'agent');
    agent2 = await addMember(t, owner, 'agent2@example.com', 'agent');
    viewer = await addMember(t, owner, 'viewer@example.com', 'viewer');
    const p = (await owner.get('/api/v1/pipelines')).json().pipelines[0] as { id: string; stages: { id: string; name: string }[] };
    pipelineId = p.id;
    stage = (name) => p.stages.find((s) => s.name === name)!.id;
    expect((await owner.post('/api/v1/lead-sources', { name: 'Google Ads', kind: 'paid' })).statusCode).toBe(201);
    wsB = (await owner.post('/api/v1/workspaces', { name: 'Beta Insurance' })).json().id;
    owner.workspaceId = workspaceId;
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t.close();
  });

  /** A second cadence engine on the same database (a job worker of another instance). */
  function engine(deps = t.deps) {
    return createCadencesService(deps, { tasks: createTasksService(deps, { notifications: createNotificationsService(deps) }) });
  }
  async function createCadence(body: Record<string, unknown>) {
    const res = await owner.post('/api/v1/cadences', { name: '3 tiers', steps: STEPS, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; version: number };
  }
  async function newLead(body: Record<string, unknown> = {}) {
    const res = await owner.post('/api/v1/leads', { firstName: 'Cady', ownerId: agent.userId, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; version: number };
  }
  async function cadencesOf(client: TestClient, leadId: string) {
    const res = await client.get(`/api/v1/leads/${leadId}/cadences`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { active: Enrollment[]; history: Enrollment[] };
  }
  async function move(leadId: string, stageName: string, extra: Record<string, unknown> = {}) {
    const version = (await owner.get(`/api/v1/leads/${leadId}`)).json().version;
    const res = await owner.post(`/api/v1/leads/${leadId}/move`, { stageId: stage(stageName), version, ...extra });
    expect(res.statusCode, res.body).toBe(200);
  }
  async function count(sql: string, params: unknown[]) {
    return Number((await t.deps.database.query<{ n: number }>(sql, params)).rows[0]!.n);
  }

  it('lets admins define, change and archive cadences, refusing bad input naming the field and saving nothing', async () => {
    const bad = async (body: Record<string, unknown>, field: string) => {
      const res = await owner.post('/api/v1/cadences', { name: 'Bad', steps: STEPS, ...body });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.field).toBe(field);
    };
    await bad({ steps: [] }, 'steps');
    await bad({ steps: [STEPS[0], { ...STEPS[1], dayOffset: 0 }] }, 'steps.1.dayOffset');
    await bad({ steps: [STEPS[0], STEPS[2], STEPS[1]] }, 'steps.2.dayOffset');
    await bad({ steps: [{ ...STEPS[0], type: 'party' }] }, 'steps.0.type');
    await bad({ steps: [{ ...STEPS[0], time: '25:00' }] }, 'steps.0.time');
    await bad({ triggers: [{ kind: 'stage', pipelineId, stageId: '00000000-0000-4000-8000-000000000000' }] }, 'triggers.0.stageId');
    await bad({ triggers: [{ kind: 'source', source: 'Billboard' }] }, 'triggers.0.source');
    await bad({ triggers: [{ kind: 'source', source: 'Google Ads' }, { kind: 'source', source: 'google ads' }] }, 'triggers.1');
    expect(await count(`SELECT count(*)::int AS n FROM cadences WHERE name = 'Bad'`, [])).toBe(0);
    expect((await agent.client.post('/api/v1/cadences', { name: 'Mine', steps: STEPS })).statusCode).toBe(403);

    const c = await createCadence({ name: 'Temp', triggers: [{ kind: 'source', source: 'google ads' }] });
    const got = (await agent.client.get(`/api/v1/cadences/${c.id}`)).json();
    expect(got).toMatchObject({ name: 'Temp', triggers: [{ kind: 'source', source: 'Google Ads' }], activeLeads: 0, version: 1 });
    expect(got.steps[1]).toEqual({ dayOffset: 1, type: 'whatsapp', title: 'WhatsApp hello', time: null, note: null });
    const changed = await owner.patch(`/api/v1/cadences/${c.id}`, { name: 'Temp 2', version: 1 });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await owner.patch(`/api/v1/cadences/${c.id}`, { name: 'Stale', version: 1 })).statusCode).toBe(409);
    expect((await owner.patch(`/api/v1/cadences/${c.id}`, { steps: [] })).json().error.field).toBe('steps');
    expect((await owner.delete(`/api/v1/cadences/${c.id}`)).statusCode).toBe(200);
    expect((await owner.get(`/api/v1/cadences/${c.id}`)).statusCode).toBe(404);
    expect(((await owner.get('/api/v1/cadences')).json().items as { id: string }[]).map((i) => i.id)).not.toContain(c.id);
    const actions = (await t.deps.database.query<{ action: string }>(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`, [c.id])).rows.map((r) => r.action);
    expect(actions).toEqual(['cadence.create', 'cadence.update', 'cadence.archive']);
  });

  it('applies a cadence by hand: the first task goes to the lead’s owner; completing step N creates step N+1; history lists the attempts', async () => {
    const c = await createCadence({ name: 'Manual 3 tiers' });
    const lead = await newLead({ firstName: 'Manual' });
    const res = await agent.client.post(`/api/v1/leads/${lead.id}/cadences`, { cadenceId: c.id });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ name: 'Manual 3 tiers', status: 'active', tier: 1, tiers: 4, trigger: 'manual', attempts: [{ step: 1, title: 'First call', type: 'call', status: 'open' }] });
    expect((await agent.client.post(`/api/v1/leads/${lead.id}/cadences`, { cadenceId: c.id })).json().error.field).toBe('cadenceId');
    const first = res.json().attempts[0] as Attempt;
    const task = (await agent.client.get(`/api/v1/tasks/${first.taskId}`)).json();
    expect(task).toMatchObject({ assignee: { id: agent.userId }, lead: { id: lead.id }, cadence: { step: 0 } });
    expect((await agent.client.get(`/api/v1/cadences/${c.id}`)).json().activeLeads).toBe(1);

    const done = await agent.client.post(`/api/v1/tasks/${first.taskId}/complete`, { outcome: 'No answer', note: 'Voicemail' });
    expect(done.statusCode, done.body).toBe(200);
    let mine = await cadencesOf(agent.client, lead.id);
    expect(mine.active[0]).toMatchObject({ tier: 2, attempts: [{ step: 1, status: 'done', outcome: 'No answer', note: 'Voicemail' }, { step: 2, title: 'WhatsApp hello', type: 'whatsapp', status: 'open' }] });
    // Reopening and completing the old step again does not create another step.
    await agent.client.post(`/api/v1/tasks/${first.taskId}/reopen`);
    await agent.client.post(`/api/v1/tasks/${first.taskId}/complete`, { outcome: 'Again' });
    mine = await cadencesOf(agent.client, lead.id);
    expect(mine.active[0]!.attempts).toHaveLength(2);
    // Through to the end: the last step's completion ends the cadence.
    for (let step = 2; step <= 4; step++) {
      const open = mine.active[0]!.attempts.find((a) => a.step === step)!;
      expect((await agent.client.post(`/api/v1/tasks/${open.taskId}/complete`, { outcome: `Step ${step}` })).statusCode).toBe(200);
      mine = await cadencesOf(agent.client, lead.id);
      if (step < 4) expect(mine.active[0]!.tier).toBe(step + 1);
    }
    expect(mine.active).toEqual([]);
    expect(mine.history[0]).toMatchObject({ status: 'completed', tier: 4, attempts: [{ step: 1 }, { step: 2 }, { step: 3 }, { step: 4, title: 'Final email' }] });
    const timeline = ((await owner.get(`/api/v1/leads/${lead.id}/timeline?limit=100`)).json().items as { type: string }[]).map((i) => i.type);
    expect(timeline).toContain('cadence_started');
    expect(timeline).toContain('cadence_completed');
    expect(timeline.filter((x) => x === 'task_created')).toHaveLength(4);
    const audit = (await t.deps.database.query<{ action: string }>(`SELECT action FROM audit_log WHERE entity_id = $1 AND action LIKE 'cadence.%' ORDER BY id`, [lead.id])).rows.map((r) => r.action);
    expect(audit).toEqual(['cadence.start', 'cadence.complete']);
  });

  it('starts the next step by its timer when the previous one is still open at its time', async () => {
    const c = await createCadence({ name: 'Timer' });
    const lead = await newLead({ firstName: 'Timer' });
    const e = (await agent.client.post(`/api/v1/leads/${lead.id}/cadences`, { cadenceId: c.id })).json() as Enrollment;
    const timers = (await t.deps.database.query<{ step: number }>(`SELECT (data->>'step')::int AS step FROM pgboss.job WHERE name = $1 AND data->>'enrollmentId' = $2 ORDER BY 1`, [CADENCE_STEP_JOB, e.id])).rows;
    expect(timers.map((r) => r.step)).toEqual([1, 2, 3]);
    expect(await engine().stepFallsDue({ enrollmentId: e.id, step: 1 })).toBe('skipped'); // not yet its time
    // The worker's clock two days on (the app's own clock stays, so sessions do not expire).
    const later = engine({ ...t.deps, now: () => new Date(Date.now() + 2 * DAY) });
    expect(await later.stepFallsDue({ enrollmentId: e.id, step: 1 })).toBe('created');
    expect(await later.stepFallsDue({ enrollmentId: e.id, step: 1 })).toBe('skipped');
    const now = (await cadencesOf(agent.client, lead.id)).active[0]!;
    expect(now.tier).toBe(2);
    expect(now.attempts.map((a) => [a.step, a.status])).toEqual([[1, 'open'], [2, 'open']]);
    // The late completion of step 1 changes nothing.
    await agent.client.post(`/api/v1/tasks/${now.attempts[0]!.taskId}/complete`, { outcome: 'Late' });
    expect((await cadencesOf(agent.client, lead.id)).active[0]!.attempts).toHaveLength(2);
  });

  it('starts a cadence once when a lead enters a trigger stage, even with two instances; won or lost stops it', async () => {
    const c = await createCadence({ name: 'On contact', triggers: [{ kind: 'stage', pipelineId, stageId: stage('Contacted') }] });
    const lead = await newLead({ firstName: 'Staged' });
    await move(lead.id, 'Contacted');
    // The move queued the trigger job (the queue does not run in tests; its handler runs here as a worker would).
    await expect.poll(() => count(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'leadId' = $2`, [CADENCE_LEAD_JOB, lead.id]), { timeout: 5000 }).toBeGreaterThan(0);
    const url = t.deps.config.databaseUrl;
    const db2 = url ? await openDatabase({ databaseUrl: url, poolSize: 3 }) : t.deps.database;
    try {
      const started = await Promise.all([engine().leadChanged({ workspaceId, leadId: lead.id }), engine({ ...t.deps, database: db2 }).leadChanged({ workspaceId, leadId: lead.id })]);
      expect(started.reduce((a, b) => a + b, 0)).toBe(1);
    } finally {
      if (url) await db2.close();
    }
    expect(await engine().leadChanged({ workspaceId, leadId: lead.id })).toBe(0);
    const e = (await cadencesOf(owner, lead.id)).active;
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ name: 'On contact', trigger: expect.stringMatching(/^stage:\d+$/), tier: 1 });
    expect(await count(`SELECT count(*)::int AS n FROM tasks WHERE lead_id = $1`, [lead.id])).toBe(1);

    // Won: the cadence stops, and completing its open task creates nothing more.
    await move(lead.id, 'Won');
    await engine().leadChanged({ workspaceId, leadId: lead.id });
    const after = await cadencesOf(owner, lead.id);
    expect(after.active).toEqual([]);
    expect(after.history[0]).toMatchObject({ status: 'stopped', stopReason: 'won' });
    await agent.client.post(`/api/v1/tasks/${e[0]!.attempts[0]!.taskId}/complete`, { outcome: 'Closed' });
    expect(await count(`SELECT count(*)::int AS n FROM tasks WHERE lead_id = $1`, [lead.id])).toBe(1);
    expect((await agent.client.post(`/api/v1/leads/${lead.id}/cadences`, { cadenceId: c.id })).statusCode).toBe(409);

    // Lost, noticed when the next step would start (the event was missed): stopped with reason lost.
    const lead2 = await newLead({ firstName: 'Lost' });
    const e2 = (await agent.client.post(`/api/v1/leads/${lead2.id}/cadences`, { cadenceId: c.id })).json() as Enrollment;
    await move(lead2.id, 'Lost', { lostReason: 'Price' });
    await agent.client.post(`/api/v1/tasks/${e2.attempts[0]!.taskId}/complete`, { outcome: 'Lost' });
    expect((await cadencesOf(owner, lead2.id)).history[0]).toMatchObject({ status: 'stopped', stopReason: 'lost', attempts: [{ step: 1 }] });

    // Trashed: stopped with reason deleted.
    const lead3 = await newLead({ firstName: 'Trashed' });
    await agent.client.post(`/api/v1/leads/${lead3.id}/cadences`, { cadenceId: c.id });
    expect((await owner.delete(`/api/v1/leads/${lead3.id}`)).statusCode).toBe(200);
    await engine().leadChanged({ workspaceId, leadId: lead3.id });
    const stopped = await t.deps.database.query<{ status: string; stop_reason: string }>(`SELECT status, stop_reason FROM lead_cadences WHERE lead_id = $1`, [lead3.id]);
    expect(stopped.rows).toEqual([{ status: 'stopped', stop_reason: 'deleted' }]);
  });

  it('starts a cadence for a new lead from a trigger source, and not for an old lead edited later', async () => {
    await createCadence({ name: 'Ads follow-up', triggers: [{ kind: 'source', source: 'Google Ads' }] });
    const lead = await newLead({ firstName: 'Ad', source: 'google ads' });
    expect(await engine().leadChanged({ workspaceId, leadId: lead.id })).toBe(1);
    expect(await engine().leadChanged({ workspaceId, leadId: lead.id })).toBe(0);
    expect((await cadencesOf(owner, lead.id)).active.map((e) => [e.name, e.trigger])).toEqual([['Ads follow-up', 'source']]);
    const old = await newLead({ firstName: 'Old', source: 'Google Ads' });
    await t.deps.database.query(`UPDATE leads SET created_at = created_at - interval '2 days' WHERE id = $1`, [old.id]);
    expect(await engine().leadChanged({ workspaceId, leadId: old.id })).toBe(0);
  });

  it('stops when the person answers: a task of the lead completed as reached or not interested, or the person coming back through a form', async () => {
    const c = await createCadence({ name: 'Until they answer' });
    // A cadence step completed as "reached": stopped (reason replied), and no next step is created.
    const lead = await newLead({ firstName: 'Answers' });
    const e = (await agent.client.post(`/api/v1/leads/${lead.id}/cadences`, { cadenceId: c.id })).json() as Enrollment;
    expect((await agent.client.post(`/api/v1/tasks/${e.attempts[0]!.taskId}/complete`, { outcome: 'reached', note: 'Wants a visit' })).statusCode).toBe(200);
    let mine = await cadencesOf(agent.client, lead.id);
    expect(mine.active).toEqual([]);
    expect(mine.history[0]).toMatchObject({ status: 'stopped', stopReason: 'replied', tier: 1, attempts: [{ step: 1, status: 'done', outcome: 'reached' }] });
    expect(await count(`SELECT count(*)::int AS n FROM tasks WHERE lead_id = $1`, [lead.id])).toBe(1);
    const timeline = (await owner.get(`/api/v1/leads/${lead.id}/timeline?limit=100`)).json().items as { type: string; data: Record<string, unknown> }[];
    expect(timeline.find((i) => i.type === 'cadence_stopped')?.data).toMatchObject({ reason: 'replied' });

    // Another task of the lead (not a cadence step) completed as "Not interested" stops it too; "No answer" does not.
    const lead2 = await newLead({ firstName: 'Declines' });
    await agent.client.post(`/api/v1/leads/${lead2.id}/cadences`, { cadenceId: c.id });
    const call = async () => {
      const res = await agent.client.post('/api/v1/tasks', { title: 'Extra call', type: 'call', dueAt: new Date(Date.now() + 3600_000).toISOString(), leadId: lead2.id });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    await agent.client.post(`/api/v1/tasks/${await call()}/complete`, { outcome: 'No answer' });
    expect((await cadencesOf(agent.client, lead2.id)).active).toHaveLength(1);
    await agent.client.post(`/api/v1/tasks/${await call()}/complete`, { outcome: 'Not interested' });
    mine = await cadencesOf(agent.client, lead2.id);
    expect(mine.active).toEqual([]);
    expect(mine.history[0]).toMatchObject({ stopReason: 'replied' });

    // The same person submits a form again (capture merges them into their lead): the lead-changed job stops it.
    const keyRes = await owner.post('/api/v1/api-keys', { name: 'Site' });
    expect(keyRes.statusCode, keyRes.body).toBe(201);
    const push = (body: object) => t.app.inject({ method: 'POST', url: '/hooks/intake', headers: { authorization: `Bearer ${keyRes.json().key}` }, payload: body });
    const first = await push({ firstName: 'Comes', lastName: 'Back', email: 'comes.back@example.com' });
    expect(first.statusCode, first.body).toBe(201);
    const leadId = first.json().id as string;
    const applied = await owner.post(`/api/v1/leads/${leadId}/cadences`, { cadenceId: c.id });
    expect(applied.statusCode, applied.body).toBe(201);
    const again = await push({ firstName: 'Comes', email: 'comes.back@example.com', source: 'Website' });
    expect(again.json()).toMatchObject({ outcome: 'came_back', id: leadId });
    const queued = () =>
      t.deps.database.query<{ data: { replied?: boolean } }>(`SELECT data FROM pgboss.job WHERE name = $1 AND data->>'leadId' = $2`, [CADENCE_LEAD_JOB, leadId]);
    await expect.poll(async () => (await queued()).rows.some((r) => r.data.replied === true), { timeout: 5000 }).toBe(true);
    expect(await engine().leadChanged({ workspaceId, leadId, replied: true })).toBe(0);
    expect((await cadencesOf(owner, leadId)).history[0]).toMatchObject({ status: 'stopped', stopReason: 'replied' });
  });

  it('starts and stops cadences for leads moved in bulk, trashed in bulk, or moved out of an archived stage', async () => {
    await createCadence({ name: 'Bulk qualified', triggers: [{ kind: 'stage', pipelineId, stageId: stage('Qualified') }] });
    const leads = [await newLead({ firstName: 'Bulk 1' }), await newLead({ firstName: 'Bulk 2' }), await newLead({ firstName: 'Bulk 3' })];
    const ids = leads.map((l) => l.id);
    // The bulk change queues one job with the leads it changed; the queue's worker runs it (here: the handler).
    const queued = async () =>
      (await t.deps.database.query<{ data: LeadsChangedJob }>(`SELECT data FROM pgboss.job WHERE name = $1 AND data->>'workspaceId' = $2 ORDER BY created_on`, [CADENCE_LEADS_JOB, workspaceId])).rows.map((r) => r.data);
    const bulk = await owner.post('/api/v1/leads/bulk', { selection: { ids }, action: { type: 'set_stage', stageId: stage('Qualified') } });
    expect(bulk.statusCode, bulk.body).toBe(200);
    let jobs = await queued();
    expect(jobs.at(-1)!.leadIds.sort()).toEqual([...ids].sort());
    expect(await engine().leadsChanged(jobs.at(-1)!)).toBe(3);
    expect(await engine().leadsChanged(jobs.at(-1)!)).toBe(0);
    for (const id of ids) expect((await cadencesOf(owner, id)).active.map((e) => e.name)).toEqual(['Bulk qualified']);

    // Trashed in bulk: their cadences stop (reason deleted).
    expect((await owner.post('/api/v1/leads/bulk', { selection: { ids: [ids[0]] }, action: { type: 'delete' } })).statusCode).toBe(200);
    jobs = await queued();
    expect(jobs.at(-1)!.leadIds).toEqual([ids[0]]);
    await engine().leadsChanged(jobs.at(-1)!);
    const trashed = await t.deps.database.query<{ status: string; stop_reason: string }>(`SELECT status, stop_reason FROM lead_cadences WHERE lead_id = $1`, [ids[0]]);
    expect(trashed.rows).toEqual([{ status: 'stopped', stop_reason: 'deleted' }]);

    // A stage archived with its leads moved to the trigger stage: they start it too.
    const extra = await owner.post(`/api/v1/pipelines/${pipelineId}/stages`, { name: 'Temporary' });
    expect(extra.statusCode, extra.body).toBe(201);
    const tempId = (extra.json().stages ?? [extra.json()]).find((x: { name: string }) => x.name === 'Temporary').id as string;
    const parked = await newLead({ firstName: 'Parked' });
    const v = (await owner.get(`/api/v1/leads/${parked.id}`)).json().version;
    expect((await owner.post(`/api/v1/leads/${parked.id}/move`, { stageId: tempId, version: v })).statusCode).toBe(200);
    const archived = await owner.post(`/api/v1/pipelines/${pipelineId}/stages/${tempId}/archive`, { moveToStageId: stage('Qualified') });
    expect(archived.statusCode, archived.body).toBe(200);
    jobs = await queued();
    expect(jobs.at(-1)!.leadIds).toEqual([parked.id]);
    expect(await engine().leadsChanged(jobs.at(-1)!)).toBe(1);
    expect((await cadencesOf(owner, parked.id)).active.map((e) => e.trigger)).toEqual([expect.stringMatching(/^stage:\d+$/)]);
  });

  it('stops by hand; keeps cadences to members who may see the lead and to their workspace', async () => {
    const c = await createCadence({ name: 'Stoppable' });
    const lead = await newLead({ firstName: 'Stop' });
    const e = (await agent.client.post(`/api/v1/leads/${lead.id}/cadences`, { cadenceId: c.id })).json() as Enrollment;
    // Another agent cannot see the lead: not found, for reading, applying and stopping.
    expect((await agent2.client.get(`/api/v1/leads/${lead.id}/cadences`)).statusCode).toBe(404);
    expect((await agent2.client.post(`/api/v1/leads/${lead.id}/cadences`, { cadenceId: c.id })).statusCode).toBe(404);
    expect((await agent2.client.post(`/api/v1/leads/${lead.id}/cadences/${e.id}/stop`)).statusCode).toBe(404);
    // A viewer may read but not apply or stop.
    expect((await viewer.client.get(`/api/v1/leads/${lead.id}/cadences`)).statusCode).toBe(200);
    expect((await viewer.client.post(`/api/v1/leads/${lead.id}/cadences/${e.id}/stop`)).statusCode).toBe(403);

    const stopped = await agent.client.post(`/api/v1/leads/${lead.id}/cadences/${e.id}/stop`);
    expect(stopped.statusCode, stopped.body).toBe(200);
    expect(stopped.json()).toMatchObject({ status: 'stopped', stopReason: 'user' });
    expect((await agent.client.post(`/api/v1/leads/${lead.id}/cadences/${e.id}/stop`)).statusCode).toBe(409);
    expect(await engine().stepFallsDue({ enrollmentId: e.id, step: 1 })).toBe('skipped');

    // Another workspace: its owner cannot read or use this workspace's cadence, lead or enrollment.
    owner.workspaceId = wsB;
    try {
      expect((await owner.get(`/api/v1/cadences/${c.id}`)).statusCode).toBe(404);
      expect((await owner.patch(`/api/v1/cadences/${c.id}`, { name: 'Hijack' })).statusCode).toBe(404);
      expect((await owner.delete(`/api/v1/cadences/${c.id}`)).statusCode).toBe(404);
      expect((await owner.get('/api/v1/cadences')).json().items).toEqual([]);
      expect((await owner.get(`/api/v1/leads/${lead.id}/cadences`)).statusCode).toBe(404);
      expect((await owner.post(`/api/v1/leads/${lead.id}/cadences/${e.id}/stop`)).statusCode).toBe(404);
      const leadB = (await owner.post('/api/v1/leads', { firstName: 'Beta' })).json().id;
      const res = await owner.post(`/api/v1/leads/${leadB}/cadences`, { cadenceId: c.id });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.field).toBe('cadenceId');
      // A stage of another workspace cannot be a trigger.
      const other = await owner.post('/api/v1/cadences', { name: 'X', steps: STEPS, triggers: [{ kind: 'stage', pipelineId, stageId: stage('New') }] });
      expect(other.json().error.field).toBe('triggers.0.stageId');
    } finally {
      owner.workspaceId = workspaceId;
    }
  });

  it('documents the routes in the OpenAPI spec', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    for (const path of ['/api/v1/cadences', '/api/v1/cadences/{id}', '/api/v1/leads/{id}/cadences', '/api/v1/leads/{id}/cadences/{enrollmentId}/stop']) expect(spec.paths[path], path).toBeDefined();
  });
});
