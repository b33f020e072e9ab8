import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { TASK_REMINDER_JOB } from './tasks.service.ts';

const SETUP_TIMEOUT = 180_000;
const HOUR = 3600_000;
type Member = { client: TestClient; userId: string };

describe('recurring tasks and task comments', () => {
  let t: TestApp;
  let owner: TestClient;
  let workspaceId: string;
  let wsB: string;
  let agent: Member;
  let agent2: Member;
  let manager: Member;
  let leadId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    workspaceId = o.workspaceId;
    owner.workspaceId = workspaceId;
    expect((await owner.patch('/api/v1/workspace', { timeZone: 'America/Sao_Paulo' })).statusCode).toBe(200);
    agent = await addMember(t, owner, 'agent@example.com', 'agent');
    agent2 = await addMember(t, owner, 'agent2@example.com', 'agent');
    manager = await addMember(t, owner, 'manager@example.com', 'manager');
    wsB = (await owner.post('/api/v1/workspaces', { name: 'Beta Insurance' })).json().id;
    leadId = (await owner.post('/api/v1/leads', { firstName: 'Rita', lastName: 'Repeat', ownerId: agent.userId })).json().id;
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t.close();
  });

  /** Tomorrow at a São Paulo wall-clock hour (UTC−3 all year). */
  function tomorrowAt(hour: number): Date {
    const now = t.deps.now();
    const local = new Date(now.getTime() - 3 * HOUR);
    return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1, hour + 3));
  }

  it('completing an occurrence creates the next in the same transaction, with its reminders queued; reopening creates no duplicate', async () => {
    const due = tomorrowAt(9);
    const res = await agent.client.post('/api/v1/tasks', {
      title: 'Weekly check-in', type: 'call', leadId, dueAt: due.toISOString(), reminders: [new Date(due.getTime() - HOUR).toISOString()],
      recurrence: { frequency: 'weekly', count: 3 }, checklist: [{ text: 'Ask news', done: false }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const first = res.json();
    expect(first.recurrence).toMatchObject({ frequency: 'weekly', unit: 'week', interval: 1, count: 3, time: '09:00:00' });
    expect(first.occurrence).toBe(1);
    expect(first.seriesId).toBe(first.id);

    await agent.client.patch(`/api/v1/tasks/${first.id}`, { checklist: [{ text: 'Ask news', done: true }] });
    expect((await agent.client.post(`/api/v1/tasks/${first.id}/complete`, { outcome: 'Reached' })).statusCode).toBe(200);
    const series = async () =>
      (await t.deps.database.query<{ id: string; occurrence: number; due_at: Date; status: string; next_task_id: string | null }>(
        `SELECT id, occurrence, due_at, status, next_task_id FROM tasks WHERE series_id = $1 ORDER BY occurrence`, [first.id])).rows;
    let rows = await series();
    expect(rows).toHaveLength(2);
    const second = rows[1]!;
    expect(rows[0]!.next_task_id).toBe(second.id);
    expect(new Date(second.due_at).toISOString()).toBe(new Date(due.getTime() + 7 * 24 * HOUR).toISOString());
    const next = (await agent.client.get(`/api/v1/tasks/${second.id}`)).json();
    expect(next).toMatchObject({ status: 'open', occurrence: 2, seriesId: first.id, checklist: [{ text: 'Ask news', done: false }], lead: { id: leadId } });
    expect(next.reminders).toEqual([new Date(due.getTime() + 7 * 24 * HOUR - HOUR).toISOString()]);
    const jobs = await t.deps.database.query(`SELECT 1 FROM pgboss.job WHERE name = $1 AND data->>'taskId' = $2`, [TASK_REMINDER_JOB, second.id]);
    expect(jobs.rows).toHaveLength(1);

    // Reopen and complete the first again: still one next occurrence.
    expect((await agent.client.post(`/api/v1/tasks/${first.id}/reopen`)).statusCode).toBe(200);
    expect((await agent.client.post(`/api/v1/tasks/${first.id}/complete`, { outcome: 'Reached again' })).statusCode).toBe(200);
    expect(await series()).toHaveLength(2);

    // The third is the last (count 3).
    await agent.client.post(`/api/v1/tasks/${second.id}/complete`, { outcome: 'ok' });
    rows = await series();
    expect(rows.map((r) => r.occurrence)).toEqual([1, 2, 3]);
    await agent.client.post(`/api/v1/tasks/${rows[2]!.id}/complete`, { outcome: 'ok' });
    expect(await series()).toHaveLength(3);
  });

  it('skips occurrences already past when an occurrence is completed late, and stops a series edited to not repeat', async () => {
    const due = new Date(Math.floor((t.deps.now().getTime() - 3.5 * 24 * HOUR) / 1000) * 1000);
    const task = (await agent.client.post('/api/v1/tasks', { title: 'Daily', dueAt: due.toISOString(), recurrence: { frequency: 'daily' } })).json();
    await agent.client.post(`/api/v1/tasks/${task.id}/complete`, { outcome: 'late' });
    const next = (await t.deps.database.query<{ due_at: Date; occurrence: number }>(`SELECT due_at, occurrence FROM tasks WHERE series_id = $1 AND id <> $1`, [task.id])).rows[0]!;
    expect(new Date(next.due_at).getTime()).toBeGreaterThan(t.deps.now().getTime());
    expect(new Date(next.due_at).getTime() - due.getTime()).toBe(4 * 24 * HOUR);
    expect(next.occurrence).toBe(5);

    const once = (await agent.client.post('/api/v1/tasks', { title: 'Once', dueAt: tomorrowAt(10).toISOString(), recurrence: { frequency: 'daily' } })).json();
    const edited = await agent.client.patch(`/api/v1/tasks/${once.id}`, { recurrence: null });
    expect(edited.json().recurrence).toBeNull();
    await agent.client.post(`/api/v1/tasks/${once.id}/complete`, { outcome: 'ok' });
    expect((await t.deps.database.query(`SELECT 1 FROM tasks WHERE series_id = $1 AND id <> $1`, [once.id])).rows).toHaveLength(0);

    const bad = await agent.client.post('/api/v1/tasks', { title: 'Bad', dueAt: tomorrowAt(10).toISOString(), recurrence: { frequency: 'custom', interval: 2 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('recurrence.unit');
  });

  it('comments with @mentions: notifies mentioned members who may open the task, on the timeline and in the audit log', async () => {
    const task = (await agent.client.post('/api/v1/tasks', { title: 'Prepare proposal', leadId, dueAt: tomorrowAt(11).toISOString() })).json();
    const body = `Please check @[manager](user:${manager.userId}) and @[agent2](user:${agent2.userId})`;
    const res = await agent.client.post(`/api/v1/tasks/${task.id}/comments`, { body });
    expect(res.statusCode, res.body).toBe(201);
    const comment = res.json();
    // agent2 may not open the agent's task: not notified (nor listed as mentioned).
    expect(comment).toMatchObject({ body, author: { id: agent.userId, name: 'agent' }, mentions: [manager.userId] });
    const notes = await t.deps.database.query<{ user_id: string; type: string; link_kind: string; link_id: string }>(
      `SELECT user_id, type, link_kind, link_id FROM notifications WHERE link_id = $1`, [task.id]);
    expect(notes.rows).toEqual([{ user_id: manager.userId, type: 'mention', link_kind: 'task', link_id: task.id }]);
    const timeline = (await owner.get(`/api/v1/leads/${leadId}/timeline`)).json().items as { type: string; data: Record<string, unknown> }[];
    expect(timeline[0]).toMatchObject({ type: 'task_commented', data: { taskId: task.id, body } });
    const audit = await t.deps.database.query(`SELECT 1 FROM audit_log WHERE action = 'task.comment_add' AND entity_id = $1`, [task.id]);
    expect(audit.rows).toHaveLength(1);

    const list = (await manager.client.get(`/api/v1/tasks/${task.id}/comments`)).json().items;
    expect(list.map((c: { id: string }) => c.id)).toEqual([comment.id]);
    expect((await agent.client.post(`/api/v1/tasks/${task.id}/comments`, { body: '  ' })).json().error.field).toBe('body');

    // Only its author or a manager deletes a comment; others cannot even see the task.
    const mine = (await manager.client.post(`/api/v1/tasks/${task.id}/comments`, { body: 'On it' })).json();
    expect((await agent.client.delete(`/api/v1/tasks/${task.id}/comments/${mine.id}`)).statusCode).toBe(403);
    expect((await agent2.client.get(`/api/v1/tasks/${task.id}/comments`)).statusCode).toBe(404);
    expect((await agent2.client.post(`/api/v1/tasks/${task.id}/comments`, { body: 'hi' })).statusCode).toBe(404);
    expect((await manager.client.delete(`/api/v1/tasks/${task.id}/comments/${comment.id}`)).statusCode).toBe(200);
    expect((await agent.client.delete(`/api/v1/tasks/${task.id}/comments/${mine.id}`)).statusCode).toBe(403);
    expect((await manager.client.delete(`/api/v1/tasks/${task.id}/comments/${mine.id}`)).statusCode).toBe(200);
    expect((await agent.client.get(`/api/v1/tasks/${task.id}/comments`)).json().items).toEqual([]);

    // Another workspace: nothing to read or change.
    const c2 = (await agent.client.post(`/api/v1/tasks/${task.id}/comments`, { body: 'Kept' })).json();
    owner.workspaceId = wsB;
    try {
      expect((await owner.get(`/api/v1/tasks/${task.id}/comments`)).statusCode).toBe(404);
      expect((await owner.post(`/api/v1/tasks/${task.id}/comments`, { body: 'x' })).statusCode).toBe(404);
      expect((await owner.delete(`/api/v1/tasks/${task.id}/comments/${c2.id}`)).statusCode).toBe(404);
    } finally {
      owner.workspaceId = workspaceId;
    }
    const spec = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    expect(spec.paths['/api/v1/tasks/{id}/comments']).toBeDefined();
    expect(spec.paths['/api/v1/tasks/{id}/comments/{commentId}']).toBeDefined();
  });
});
