import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createJobs } from '../../platform/jobs/jobs.ts';
import { addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { createNotificationsService } from '../notifications/notifications.service.ts';
import { createTasksService, registerTaskJobs, TASK_REMINDER_JOB } from './tasks.service.ts';

const SETUP_TIMEOUT = 180_000;
const HOUR = 3600_000;
const silent = { error: () => undefined, info: () => undefined };

/** Reminders falling due together run in batches (tasks bench: 10,000 in one minute) — with the same rules as one by one. */
describe('task reminders in batches', () => {
  let t: TestApp;
  let owner: TestClient;
  let workspaceId: string;
  let otherWorkspaceId: string;
  let agent: { client: TestClient; userId: string };
  let agent2: { client: TestClient; userId: string };
  let outsider: { client: TestClient; userId: string };

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    workspaceId = o.workspaceId;
    owner.workspaceId = workspaceId;
    agent = await addMember(t, owner, 'agent@example.com', 'agent');
    agent2 = await addMember(t, owner, 'agent2@example.com', 'agent');
    otherWorkspaceId = (await owner.post('/api/v1/workspaces', { name: 'Beta Insurance' })).json().id;
    owner.workspaceId = otherWorkspaceId;
    outsider = await addMember(t, owner, 'outsider@example.com', 'agent');
    outsider.client.workspaceId = otherWorkspaceId;
    owner.workspaceId = workspaceId;
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t.close();
  });

  async function create(client: TestClient, body: Record<string, unknown>): Promise<{ id: string }> {
    const res = await client.post('/api/v1/tasks', { title: 'Call back', type: 'call', dueAt: new Date(Date.now() + HOUR).toISOString(), ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }

  it('fireMany notifies each current reminder of a batch once, in order, skipping done, moved and unknown ones', async () => {
    const at = new Date(t.deps.now().getTime() + HOUR / 2).toISOString();
    const later = new Date(t.deps.now().getTime() + HOUR / 4).toISOString();
    const a = await create(agent.client, { title: 'A', reminders: [at] });
    const b = await create(agent2.client, { title: 'B', reminders: [at] });
    const done = await create(agent.client, { title: 'Done', reminders: [at] });
    await agent.client.post(`/api/v1/tasks/${done.id}/complete`, { outcome: 'Done early' });
    const moved = await create(agent.client, { title: 'Moved', reminders: [at] });
    const edited = await agent.client.patch(`/api/v1/tasks/${moved.id}`, { reminders: [later] });
    expect(edited.statusCode, edited.body).toBe(200);
    const theirs = await create(outsider.client, { title: 'Theirs', reminders: [at] });

    const service = createTasksService(t.deps, { notifications: createNotificationsService(t.deps) });
    const batch = [a, done, { id: 'not-a-task' }, moved, b, theirs, a].map((x) => ({ taskId: x.id, at }));
    expect(await service.fireMany('reminder', batch)).toEqual(['notified', 'skipped', 'skipped', 'skipped', 'notified', 'notified', 'skipped']);
    // Again (a retried batch): nothing new.
    expect(await service.fireMany('reminder', batch)).toEqual(batch.map(() => 'skipped'));

    const rows = await t.deps.database.query<{ workspace_id: string; user_id: string; link_id: string; title: string }>(
      `SELECT workspace_id, user_id, link_id, data->>'taskTitle' AS title FROM notifications WHERE type = 'task_reminder' AND link_id = ANY($1::text[]) ORDER BY title`,
      [[a.id, b.id, done.id, moved.id, theirs.id]],
    );
    // Each to its task's assignee, in its task's workspace.
    expect(rows.rows).toEqual([
      { workspace_id: workspaceId, user_id: agent.userId, link_id: a.id, title: 'A' },
      { workspace_id: workspaceId, user_id: agent2.userId, link_id: b.id, title: 'B' },
      { workspace_id: otherWorkspaceId, user_id: outsider.userId, link_id: theirs.id, title: 'Theirs' },
    ]);
    // Each member sees only their own.
    const mine = (await agent.client.get('/api/v1/notifications')).json().items as { link: { id: string } }[];
    expect(mine.map((n) => n.link.id)).toEqual([a.id]);
    const outsiders = (await outsider.client.get('/api/v1/notifications')).json().items as { link: { id: string } }[];
    expect(outsiders.map((n) => n.link.id)).toEqual([theirs.id]);
  });

  it('runs reminders due at the same moment from the job queue in batches, each notifying once', async () => {
    const url = t.deps.config.databaseUrl;
    const worker = createJobs(t.deps.database, { ...(url ? { databaseUrl: url } : {}), logger: silent, workersEnabled: true });
    const deps = { ...t.deps, jobs: worker };
    const service = createTasksService(deps, { notifications: createNotificationsService(deps) });
    const handled: number[] = [];
    const fireMany = service.fireMany.bind(service);
    service.fireMany = async (kind, jobs) => {
      handled.push(jobs.length);
      return fireMany(kind, jobs);
    };
    try {
      await registerTaskJobs(deps, service);
      // Queued through the API (no worker yet), due in a moment on the real clock (pg-boss uses the database's).
      const at = new Date(Date.now() + 8000).toISOString();
      const created: { id: string }[] = [];
      for (let i = 0; i < 12; i++) created.push(await create(i % 2 ? agent.client : agent2.client, { title: `Batch ${i}`, reminders: [at] }));
      await worker.start();
      const ids = created.map((c) => c.id);
      await vi.waitFor(async () => {
        const rows = await t.deps.database.query(`SELECT link_id FROM notifications WHERE type = 'task_reminder' AND link_id = ANY($1::text[])`, [ids]);
        expect(rows.rows).toHaveLength(12);
      }, { timeout: 30_000, interval: 200 });
      await vi.waitFor(async () => {
        const state = await t.deps.database.query<{ state: string; n: number }>(
          `SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'taskId' = ANY($2::text[]) GROUP BY state`,
          [TASK_REMINDER_JOB, ids],
        );
        expect(state.rows).toEqual([{ state: 'completed', n: 12 }]);
      }, { timeout: 30_000, interval: 200 });
      // Fewer handler calls than jobs: they came in batches.
      expect(handled.reduce((s, n) => s + n, 0)).toBe(12);
      expect(handled.length).toBeLessThan(12);
    } finally {
      await worker.stop();
    }
  }, 90_000);
});
