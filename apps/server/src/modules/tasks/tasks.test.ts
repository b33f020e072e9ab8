import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createJobs } from '../../platform/jobs/jobs.ts';
import { openDatabase } from '../../platform/db/client.ts';
import { addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { createNotificationsService } from '../notifications/notifications.service.ts';
import { createTasksService, TASK_REMINDER_JOB } from './tasks.service.ts';

const SETUP_TIMEOUT = 180_000;
const HOUR = 3600_000;
const silent = { error: () => undefined, info: () => undefined };

type Member = { client: TestClient; userId: string };

describe('tasks', () => {
  let t: TestApp;
  let owner: TestClient;
  let workspaceId: string;
  let agent: Member;
  let agent2: Member;
  let manager: Member;
  let outsiderId: string;
  let leadId: string;
  let othersLeadId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    workspaceId = o.workspaceId;
    owner.workspaceId = workspaceId;
    agent = await addMember(t, owner, 'agent@example.com', 'agent');
    agent2 = await addMember(t, owner, 'agent2@example.com', 'agent');
    manager = await addMember(t, owner, 'manager@example.com', 'manager');
    const wsB = (await owner.post('/api/v1/workspaces', { name: 'Beta Insurance' })).json().id;
    owner.workspaceId = wsB;
    outsiderId = (await addMember(t, owner, 'outsider@example.com', 'agent')).userId;
    owner.workspaceId = workspaceId;
    leadId = (await owner.post('/api/v1/leads', { firstName: 'Task', lastName: 'Lead', ownerId: agent.userId })).json().id;
    othersLeadId = (await owner.post('/api/v1/leads', { firstName: 'Other', ownerId: agent2.userId })).json().id;
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t.close();
  });

  const inHours = (h: number) => new Date(t.deps.now().getTime() + h * HOUR).toISOString();
  async function create(client: TestClient, body: Record<string, unknown>) {
    const res = await client.post('/api/v1/tasks', { title: 'Call back', type: 'call', dueAt: inHours(3), ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }
  async function queue(client: TestClient, query: string) {
    const res = await client.get(`/api/v1/tasks?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: { id: string; title: string }[]; nextCursor: string | null };
  }

  it('creates a task about a lead, lands it on the timeline and the audit log, and refuses bad input naming the field', async () => {
    const task = await create(agent.client, { leadId, priority: 'high', reminders: [inHours(2)], checklist: [{ text: 'Ask budget' }] });
    expect(task).toMatchObject({
      title: 'Call back', type: 'call', priority: 'high', status: 'open', allDay: false,
      assignee: { id: agent.userId, name: 'agent' }, lead: { id: leadId, name: 'Task Lead' },
      checklist: [{ text: 'Ask budget', done: false }], version: 1,
    });
    const timeline = (await owner.get(`/api/v1/leads/${leadId}/timeline`)).json().items as { type: string; data: Record<string, unknown> }[];
    expect(timeline[0]).toMatchObject({ type: 'task_created', data: { taskId: task.id, title: 'Call back' } });
    const audit = await t.deps.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'task.create' AND entity_id = $1`, [task.id]);
    expect(Number(audit.rows[0]!.n)).toBe(1);

    const bad = async (body: Record<string, unknown>, field: string, status = 400) => {
      const res = await agent.client.post('/api/v1/tasks', { title: 'X', dueAt: inHours(1), ...body });
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().error.field).toBe(field);
    };
    await bad({ dueAt: '24/12/2026 10:00' }, 'dueAt');
    await bad({ reminders: [inHours(2)] }, 'reminders.0');
    await bad({ type: 'party' }, 'type');
    await bad({ title: ' ' }, 'title');
    await bad({ leadId: othersLeadId }, 'leadId');
    await bad({ assigneeId: agent2.userId }, 'assigneeId', 403);
    const mgr = await manager.client.post('/api/v1/tasks', { title: 'X', dueAt: inHours(1), assigneeId: outsiderId });
    expect(mgr.statusCode).toBe(400);
    expect(mgr.json().error.field).toBe('assigneeId');
    const count = await t.deps.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE title = 'X'`);
    expect(Number(count.rows[0]!.n)).toBe(0);
  });

  it('sorts my open tasks into overdue, today and upcoming queues in my time zone, with keyset pages', async () => {
    await owner.patch('/api/v1/me', { timeZone: 'UTC' });
    const now = t.deps.now();
    const startOfTomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
    const late = await create(agent2.client, { title: 'Late', dueAt: new Date(now.getTime() - HOUR).toISOString() });
    const todayAllDay = await create(agent2.client, { title: 'All day today', allDay: true, dueAt: new Date(startOfTomorrow.getTime() - 24 * HOUR).toISOString() });
    const next = await create(agent2.client, { title: 'Next week', dueAt: new Date(startOfTomorrow.getTime() + 6 * 24 * HOUR).toISOString() });
    const ids = (r: { items: { id: string }[] }) => r.items.map((i) => i.id);
    expect(ids(await queue(agent2.client, 'queue=overdue'))).toEqual([late.id]);
    expect(ids(await queue(agent2.client, 'queue=today'))).toContain(todayAllDay.id);
    expect(ids(await queue(agent2.client, 'queue=today'))).not.toContain(late.id);
    expect(ids(await queue(agent2.client, 'queue=upcoming'))).toEqual([next.id]);
    const first = await queue(agent2.client, 'queue=open&limit=2');
    const second = await queue(agent2.client, `queue=open&limit=2&cursor=${first.nextCursor}`);
    const byDue = [late, todayAllDay, next].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt)).map((x) => x.id);
    expect([...ids(first), ...ids(second)]).toEqual(byDue);
    // An all-day task of yesterday is overdue; today's is not.
    const yesterday = await create(agent2.client, { title: 'All day yesterday', allDay: true, dueAt: new Date(startOfTomorrow.getTime() - 48 * HOUR).toISOString() });
    expect(ids(await queue(agent2.client, 'queue=overdue'))).toEqual([yesterday.id, late.id]);
    // Filters.
    expect(ids(await queue(agent2.client, 'queue=open&type=todo'))).toEqual([]);
    expect((await agent2.client.get('/api/v1/tasks?queue=soon')).json().error.field).toBe('queue');
  });

  it('keeps tasks to their assignee and creator; managers see the team’s; other workspaces see nothing', async () => {
    const mine = await create(agent.client, { title: 'Agent only' });
    expect((await agent2.client.get(`/api/v1/tasks/${mine.id}`)).statusCode).toBe(404);
    expect((await agent2.client.patch(`/api/v1/tasks/${mine.id}`, { title: 'Mine now' })).statusCode).toBe(404);
    expect((await agent2.client.post(`/api/v1/tasks/${mine.id}/complete`, { outcome: 'done' })).statusCode).toBe(404);
    expect((await agent2.client.get('/api/v1/tasks?scope=team')).statusCode).toBe(403);
    expect((await agent2.client.get(`/api/v1/tasks?assigneeId=${agent.userId}`)).statusCode).toBe(403);
    expect((await manager.client.get(`/api/v1/tasks/${mine.id}`)).statusCode).toBe(200);
    expect((await queue(manager.client, `scope=team&assigneeId=${agent.userId}`)).items.map((i) => i.id)).toContain(mine.id);
    // The owner in another workspace: not found.
    const wsB = (await owner.get('/api/v1/me')).json().workspaces.find((w: { name: string }) => w.name === 'Beta Insurance').id;
    owner.workspaceId = wsB;
    try {
      expect((await owner.get(`/api/v1/tasks/${mine.id}`)).statusCode).toBe(404);
      expect((await owner.patch(`/api/v1/tasks/${mine.id}`, { title: 'Hijack' })).statusCode).toBe(404);
      expect((await queue(owner, 'scope=team&queue=all')).items).toEqual([]);
    } finally {
      owner.workspaceId = workspaceId;
    }
    // Viewers may not create tasks.
    const viewer = await addMember(t, owner, 'viewer@example.com', 'viewer');
    expect((await viewer.client.post('/api/v1/tasks', { title: 'V', dueAt: inHours(1) })).statusCode).toBe(403);
  });

  it('edits with a version check, completes with an outcome and reopens, each on the lead’s timeline', async () => {
    const task = await create(agent.client, { leadId, title: 'Follow up' });
    const moved = await agent.client.patch(`/api/v1/tasks/${task.id}`, { dueAt: inHours(5), version: 1 });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().version).toBe(2);
    expect((await agent.client.patch(`/api/v1/tasks/${task.id}`, { title: 'Stale', version: 1 })).statusCode).toBe(409);
    const done = await agent.client.post(`/api/v1/tasks/${task.id}/complete`, { outcome: 'Reached', note: 'Wants a visit' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'done', outcome: 'Reached', outcomeNote: 'Wants a visit' });
    expect((await agent.client.post(`/api/v1/tasks/${task.id}/complete`, { outcome: 'Again' })).statusCode).toBe(409);
    expect((await agent.client.post(`/api/v1/tasks/${task.id}/complete`, { outcome: '' })).json().error.field).toBe('outcome');
    expect((await queue(agent.client, 'queue=done')).items[0]!.id).toBe(task.id);
    const reopened = await agent.client.post(`/api/v1/tasks/${task.id}/reopen`);
    expect(reopened.json()).toMatchObject({ status: 'open', outcome: null });
    const types = ((await owner.get(`/api/v1/leads/${leadId}/timeline`)).json().items as { type: string; data: { taskId?: string } }[])
      .filter((i) => i.data.taskId === task.id)
      .map((i) => i.type);
    expect(types).toEqual(['task_reopened', 'task_completed', 'task_updated', 'task_created']);
    expect((await agent.client.delete(`/api/v1/tasks/${task.id}`)).statusCode).toBe(200);
    expect((await agent.client.get(`/api/v1/tasks/${task.id}`)).statusCode).toBe(404);
  });

  it('queues one job per reminder moment; a changed, done or duplicate reminder notifies at most once', async () => {
    const r1 = inHours(1);
    const task = await create(agent.client, { title: 'Remind me', reminders: [r1] });
    const jobs = async () =>
      (await t.deps.database.query<{ start_after: Date }>(`SELECT start_after FROM pgboss.job WHERE name = $1 AND data->>'taskId' = $2`, [TASK_REMINDER_JOB, task.id])).rows;
    expect((await jobs()).map((j) => new Date(j.start_after).toISOString())).toEqual([r1]);
    // Saving again with the same reminder queues nothing new.
    await agent.client.patch(`/api/v1/tasks/${task.id}`, { title: 'Remind me!' });
    expect(await jobs()).toHaveLength(1);

    // The job's handler (what the queue runs at the moment): one notification, however often it runs.
    const service = createTasksService(t.deps, { notifications: createNotificationsService(t.deps) });
    expect(await service.fire('reminder', { taskId: task.id, at: r1 })).toBe('notified');
    expect(await service.fire('reminder', { taskId: task.id, at: r1 })).toBe('skipped');
    const rows = await t.deps.database.query<{ type: string; link_id: string }>(`SELECT type, link_id FROM notifications WHERE link_id = $1`, [task.id]);
    expect(rows.rows).toEqual([{ type: 'task_reminder', link_id: task.id }]);
    // A reminder moved away, or a task done: its old job does nothing.
    const r2 = inHours(2);
    await agent.client.patch(`/api/v1/tasks/${task.id}`, { reminders: [r2] });
    expect(await service.fire('reminder', { taskId: task.id, at: r1 })).toBe('skipped');
    await agent.client.post(`/api/v1/tasks/${task.id}/complete`, { outcome: 'Done early' });
    expect(await service.fire('reminder', { taskId: task.id, at: r2 })).toBe('skipped');
  });

  it('fires a reminder from the job queue once with two worker instances', async () => {
    // Two job queues with workers on one database (each its own pool on PostgreSQL) stand for two instances.
    const url = t.deps.config.databaseUrl;
    const db2 = url ? await openDatabase({ databaseUrl: url, poolSize: 3 }) : t.deps.database;
    const workers = [
      createJobs(t.deps.database, { ...(url ? { databaseUrl: url } : {}), logger: silent, workersEnabled: true }),
      createJobs(db2, { ...(url ? { databaseUrl: url } : {}), logger: silent, workersEnabled: true }),
    ];
    const ran: string[] = [];
    try {
      for (const [i, jobs] of workers.entries()) {
        const deps = { ...t.deps, database: i === 0 ? t.deps.database : db2, jobs };
        const service = createTasksService(deps, { notifications: createNotificationsService(deps) });
        await jobs.register<{ taskId: string; at: string }>(TASK_REMINDER_JOB, async (data) => {
          ran.push(`${i}:${await service.fire('reminder', data)}`);
        });
        await jobs.start();
      }
      // Due in a moment on the real clock (pg-boss runs jobs by the database's time).
      const at = new Date(Date.now() + 1500).toISOString();
      const task = await create(agent2.client, { title: 'Ring ring', dueAt: inHours(1), reminders: [at] });
      await vi.waitFor(async () => {
        const rows = await t.deps.database.query(`SELECT 1 FROM notifications WHERE link_id = $1`, [task.id]);
        expect(rows.rows).toHaveLength(1);
      }, { timeout: 30_000, interval: 200 });
      await vi.waitFor(async () => {
        const state = await t.deps.database.query<{ state: string }>(`SELECT state FROM pgboss.job WHERE name = $1 AND data->>'taskId' = $2`, [TASK_REMINDER_JOB, task.id]);
        expect(state.rows.map((r) => r.state)).toEqual(['completed']);
      }, { timeout: 30_000, interval: 200 });
      expect(ran.filter((r) => r.endsWith(':notified'))).toHaveLength(1);
      expect(ran).toHaveLength(1);
    } finally {
      for (const jobs of workers) await jobs.stop();
      if (url) await db2.close();
    }
  });

  it('documents the routes in the OpenAPI spec', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    for (const path of ['/api/v1/tasks', '/api/v1/tasks/{id}', '/api/v1/tasks/{id}/complete', '/api/v1/tasks/{id}/reopen']) expect(spec.paths[path], path).toBeDefined();
  });
});
