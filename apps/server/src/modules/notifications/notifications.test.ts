import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../app.ts';
import { openDatabase } from '../../platform/db/client.ts';
import { createEventBus, type ReceivedEvent } from '../../platform/events/event-bus.ts';
import { createJobs } from '../../platform/jobs/jobs.ts';
import { addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { createNotificationsService, NOTIFICATION_EMAIL_JOB, type NotificationsService } from './notifications.service.ts';

const SETUP_TIMEOUT = 180_000;
const HOUR = 3600_000;
const silent = { error: () => undefined, info: () => undefined };

type Member = { client: TestClient; userId: string };

describe('notification centre', () => {
  let t: TestApp;
  let owner: TestClient;
  let ownerId: string;
  let workspaceId: string;
  let wsB: string;
  let agent: Member;
  let agent2: Member;
  let manager: Member;
  let service: NotificationsService;
  const events: ReceivedEvent[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    ownerId = o.userId;
    workspaceId = o.workspaceId;
    owner.workspaceId = workspaceId;
    agent = await addMember(t, owner, 'agent@example.com', 'agent');
    agent2 = await addMember(t, owner, 'agent2@example.com', 'agent');
    manager = await addMember(t, owner, 'manager@example.com', 'manager');
    wsB = (await owner.post('/api/v1/workspaces', { name: 'Beta Insurance' })).json().id;
    owner.workspaceId = workspaceId;
    service = createNotificationsService(t.deps);
    t.deps.events.subscribe((e) => events.push(e));
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t.close();
  });

  async function unread(client: TestClient): Promise<number> {
    const res = await client.get('/api/v1/notifications/unread-count');
    expect(res.statusCode, res.body).toBe(200);
    return res.json().unread;
  }
  async function list(client: TestClient, query = '') {
    const res = await client.get(`/api/v1/notifications${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: { id: string; type: string; data: Record<string, unknown>; link: { kind: string; id: string } | null; readAt: string | null; createdAt: string }[]; nextCursor: string | null; unread: number };
  }
  async function rows(where: string, params: unknown[]) {
    return (await t.deps.database.query<{ id: string; user_id: string; type: string; in_app: boolean }>(`SELECT id, user_id, type, in_app FROM notifications WHERE ${where}`, params)).rows;
  }
  async function roundRobinTo(userId: string) {
    for (const r of (await owner.get('/api/v1/distribution/rules')).json().rules) await owner.delete(`/api/v1/distribution/rules/${r.id}`);
    const res = await owner.post('/api/v1/distribution/rules', { name: 'To one', priority: 1, strategy: 'round_robin', members: [{ userId }] });
    expect(res.statusCode, res.body).toBe(201);
  }
  async function newLead(firstName: string): Promise<string> {
    const res = await owner.post('/api/v1/leads', { firstName });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  it('tells the new owner of a distributed lead, live to that user only, with a link to the lead', async () => {
    await roundRobinTo(agent.userId);
    const leadId = await newLead('Assigned Ana');
    await vi.waitFor(async () => expect(await unread(agent.client)).toBe(1), { timeout: 10_000 });
    const page = await list(agent.client);
    expect(page.items).toEqual([
      expect.objectContaining({ type: 'lead_assigned', data: expect.objectContaining({ leadName: 'Assigned Ana' }), link: { kind: 'lead', id: leadId }, readAt: null }),
    ]);
    expect(page.unread).toBe(1);
    const pushed = events.filter((e) => e.type === 'notification.created');
    expect(pushed).toEqual([
      expect.objectContaining({ workspaceId, audience: { userIds: [agent.userId] }, data: expect.objectContaining({ notification: page.items[0], inApp: true, sound: true, desktop: true, unread: 1 }) }),
    ]);
    // Nobody else got it.
    expect(await unread(agent2.client)).toBe(0);
    expect(await unread(owner)).toBe(0);
  });

  it('tells each member @mentioned in a note once, even when the note is edited', async () => {
    const leadId = await newLead('Mentioned Mia');
    const res = await owner.post(`/api/v1/leads/${leadId}/notes`, { body: `Ping @[agent2](user:${agent2.userId}) and @[me](user:${ownerId})` });
    expect(res.statusCode, res.body).toBe(201);
    const note = res.json();
    await vi.waitFor(async () => expect(await unread(agent2.client)).toBe(1), { timeout: 10_000 });
    expect((await list(agent2.client)).items[0]).toMatchObject({ type: 'mention', data: { leadName: 'Mentioned Mia', actorName: 'Olivia Owner' }, link: { kind: 'lead', id: leadId } });
    // An edit that adds the manager tells only the manager.
    const edit = await owner.patch(`/api/v1/leads/${leadId}/notes/${note.id}`, { body: `Ping @[agent2](user:${agent2.userId}) and @[manager](user:${manager.userId})` });
    expect(edit.statusCode, edit.body).toBe(200);
    await vi.waitFor(async () => expect(await unread(manager.client)).toBeGreaterThanOrEqual(1), { timeout: 10_000 });
    expect((await list(manager.client)).items.filter((i) => i.type === 'mention')).toHaveLength(1);
    expect(await unread(agent2.client)).toBe(1);
    // The author is never notified of their own mention.
    expect(await rows(`user_id = $1 AND type = 'mention'`, [ownerId])).toEqual([]);
  });

  it('lists newest first in keyset pages, filters unread, and marks read, unread and all read', async () => {
    const made = [];
    for (let i = 0; i < 5; i++) {
      t.advanceClock(60_000);
      made.push(await service.notify({ workspaceId, userId: agent2.userId, type: 'task_due', data: { taskTitle: `Task ${i}` }, link: { kind: 'task', id: `t${i}` }, dedupeKey: `test:${i}` }));
    }
    // The same cause again: nothing new.
    expect(await service.notify({ workspaceId, userId: agent2.userId, type: 'task_due', data: {}, dedupeKey: 'test:0' })).toBeNull();
    const ids = made.map((m) => m!.id).reverse();
    const first = await list(agent2.client, '?limit=2');
    expect(first.items.map((i) => i.id)).toEqual(ids.slice(0, 2));
    const second = await list(agent2.client, `?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((i) => i.id)).toEqual(ids.slice(2, 4));
    const third = await list(agent2.client, `?limit=2&cursor=${second.nextCursor}`);
    expect(third.items.map((i) => i.id)).toEqual([ids[4], expect.any(String)]);
    expect(third.nextCursor).toBeNull();
    expect(await unread(agent2.client)).toBe(6);

    const read = await agent2.client.patch(`/api/v1/notifications/${ids[0]}`, { read: true });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().readAt).not.toBeNull();
    expect(await unread(agent2.client)).toBe(5);
    expect((await list(agent2.client, '?unread=true')).items.map((i) => i.id)).not.toContain(ids[0]);
    expect((await agent2.client.patch(`/api/v1/notifications/${ids[0]}`, { read: false })).json().readAt).toBeNull();
    expect(await unread(agent2.client)).toBe(6);
    expect(events.filter((e) => e.type === 'notification.read' && e.audience?.userIds?.[0] === agent2.userId).length).toBeGreaterThan(0);

    const all = await agent2.client.post('/api/v1/notifications/mark-all-read');
    expect(all.json()).toEqual({ marked: 6 });
    expect(await unread(agent2.client)).toBe(0);
    expect((await list(agent2.client, '?unread=true')).items).toEqual([]);

    expect((await agent2.client.get('/api/v1/notifications?limit=0')).json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'limit' });
    expect((await agent2.client.get('/api/v1/notifications?cursor=nonsense')).json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'cursor' });
    expect((await agent2.client.patch(`/api/v1/notifications/${ids[0]}`, { read: 'yes' })).json().error).toMatchObject({ field: 'read' });
  });

  it('keeps each user’s notifications to themselves, in their workspace', async () => {
    const mine = await service.notify({ workspaceId, userId: agent.userId, type: 'task_reminder', data: { taskTitle: 'Private' }, dedupeKey: 'iso:1' });
    expect(mine).not.toBeNull();
    // Another member of the workspace can neither read nor change it.
    expect((await list(agent2.client)).items.map((i) => i.id)).not.toContain(mine!.id);
    expect((await agent2.client.patch(`/api/v1/notifications/${mine!.id}`, { read: true })).statusCode).toBe(404);
    expect((await manager.client.patch(`/api/v1/notifications/${mine!.id}`, { read: true })).statusCode).toBe(404);
    await manager.client.post('/api/v1/notifications/mark-all-read');
    expect((await rows('id = $1 AND read_at IS NULL', [mine!.id])).length).toBe(1);

    // The owner's notification in workspace B is not seen from workspace A, and the other way round.
    const inB = await service.notify({ workspaceId: wsB, userId: ownerId, type: 'task_reminder', data: { taskTitle: 'In B' }, dedupeKey: 'iso:b' });
    expect(inB).not.toBeNull();
    const inA = await service.notify({ workspaceId, userId: ownerId, type: 'task_reminder', data: { taskTitle: 'In A' }, dedupeKey: 'iso:a' });
    const seenInA = (await list(owner)).items.map((i) => i.id);
    expect(seenInA).toContain(inA!.id);
    expect(seenInA).not.toContain(inB!.id);
    expect((await owner.patch(`/api/v1/notifications/${inB!.id}`, { read: true })).statusCode).toBe(404);
    owner.workspaceId = wsB;
    try {
      expect((await list(owner)).items.map((i) => i.id)).toEqual([inB!.id]);
      expect(await unread(owner)).toBe(1);
    } finally {
      owner.workspaceId = workspaceId;
    }
    // Nobody outside a workspace is notified in it.
    expect(await service.notify({ workspaceId: wsB, userId: agent.userId, type: 'task_reminder', data: {}, dedupeKey: 'iso:outsider' })).toBeNull();
  });

  it('keeps preferences per type and quiet hours, validates them, and applies them to channels', async () => {
    const c = agent.client;
    const defaults = (await c.get('/api/v1/notifications/preferences')).json();
    expect(defaults).toMatchObject({
      types: { lead_assigned: { inApp: true, desktop: true, email: false }, task_reminder: { inApp: true, desktop: true, email: true } },
      quietHours: { enabled: false },
      timeZone: 'UTC',
    });
    expect((await c.request('PUT', '/api/v1/notifications/preferences', { quietHours: { enabled: true, start: '25:00', end: '07:00' } })).json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'quietHours.start' });
    expect((await c.request('PUT', '/api/v1/notifications/preferences', { quietHours: { enabled: true, start: '07:00', end: '07:00' } })).json().error).toMatchObject({ field: 'quietHours.end' });
    expect((await c.request('PUT', '/api/v1/notifications/preferences', { types: { party: { inApp: true, desktop: true, email: true } } })).statusCode).toBe(400);

    // Quiet from an hour ago to an hour from now, on the app's clock, in the user's time zone (UTC).
    const now = t.deps.now();
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const quiet = { enabled: true, start: hhmm(new Date(now.getTime() - HOUR)), end: hhmm(new Date(now.getTime() + HOUR)) };
    const put = await c.request('PUT', '/api/v1/notifications/preferences', { types: { mention: { inApp: true, desktop: true, email: true }, task_due: { inApp: false, desktop: false, email: true } }, quietHours: quiet });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ types: { mention: { email: true }, task_due: { inApp: false, email: true }, lead_assigned: { inApp: true, email: false } }, quietHours: quiet });
    // Another member's preferences are untouched.
    expect((await agent2.client.get('/api/v1/notifications/preferences')).json().quietHours.enabled).toBe(false);

    // In quiet hours: shown in the bell without sound or desktop alert; the email waits for the end of quiet hours.
    const hushed = await service.notify({ workspaceId, userId: agent.userId, type: 'mention', data: { leadName: 'Quiet Quinn', actorName: 'Olivia Owner' }, link: { kind: 'lead', id: '00000000-0000-4000-8000-000000000001' }, dedupeKey: 'quiet:1' });
    const pushOf = (id: string) => events.find((e) => e.type === 'notification.created' && (e.data.notification as { id: string }).id === id);
    await vi.waitFor(() => expect(pushOf(hushed!.id)).toBeDefined());
    expect(pushOf(hushed!.id)!.data).toMatchObject({ inApp: true, sound: false, desktop: false });
    const job = async (id: string) =>
      (await t.deps.database.query<{ start_after: Date }>('SELECT start_after FROM pgboss.job WHERE name = $1 AND data->>\'id\' = $2', [NOTIFICATION_EMAIL_JOB, id])).rows;
    const quietEnd = new Date(Date.parse(hushed!.createdAt) + HOUR);
    quietEnd.setUTCSeconds(0, 0);
    expect((await job(hushed!.id)).map((j) => new Date(j.start_after).toISOString())).toEqual([quietEnd.toISOString()]);

    // After quiet hours: sound and desktop again, the email goes at once. In-app off: not in the bell, email still sent.
    t.advanceClock(2 * HOUR);
    const loud = await service.notify({ workspaceId, userId: agent.userId, type: 'task_due', data: { taskTitle: 'Call back' }, dedupeKey: 'quiet:2' });
    expect((await list(c)).items.map((i) => i.id)).not.toContain(loud!.id);
    const awake = await service.notify({ workspaceId, userId: agent.userId, type: 'mention', data: { leadName: 'Loud Lia' }, dedupeKey: 'quiet:2b' });
    await vi.waitFor(() => expect(pushOf(awake!.id)).toBeDefined());
    expect(pushOf(awake!.id)!.data).toMatchObject({ inApp: true, sound: true, desktop: true });
    const queued = await job(loud!.id);
    expect(queued).toHaveLength(1);
    expect(new Date(queued[0]!.start_after).getTime()).toBeLessThanOrEqual(Date.now() + 1000);

    // The job's handler sends the email once, in the user's language, with the link.
    expect(await service.deliverEmail(hushed!.id)).toBe('sent');
    expect(await service.deliverEmail(hushed!.id)).toBe('skipped');
    const mail = (await t.deps.database.query<{ to_address: string; subject: string; text: string }>("SELECT to_address, subject, text FROM mail_outbox WHERE to_address = $1 AND subject NOT LIKE 'You are invited%'", ['agent@example.com'])).rows;
    expect(mail).toEqual([
      { to_address: 'agent@example.com', subject: 'Olivia Owner mentioned you', text: expect.stringContaining('http://localhost:3000/leads/00000000-0000-4000-8000-000000000001') },
    ]);
    // A type with every channel off notifies nothing.
    await c.request('PUT', '/api/v1/notifications/preferences', { types: { task_reminder: { inApp: false, desktop: false, email: false } } });
    expect(await service.notify({ workspaceId, userId: agent.userId, type: 'task_reminder', data: {}, dedupeKey: 'quiet:3' })).toBeNull();
  });

  it('turns claim offers into notifications for each offered agent, and clears them when the offer is taken', async () => {
    const leadId = await newLead('Offered Olga');
    const offerId = '00000000-0000-4000-8000-0000000000aa';
    const offeredTo = [agent2.userId, manager.userId];
    await owner.post('/api/v1/notifications/mark-all-read');
    const before2 = await unread(agent2.client);
    const beforeM = await unread(manager.client);
    // As the distribution module publishes them.
    await t.deps.events.publish({
      workspaceId,
      type: 'lead.offered',
      data: { offerId, leadId, leadName: 'Offered Olga', ruleId: null, ruleName: 'Claimers', offeredTo, expiresAt: new Date(Date.now() + HOUR).toISOString() },
      audience: { userIds: offeredTo, permission: 'leads.view_all' },
    });
    await vi.waitFor(async () => expect(await unread(manager.client)).toBe(beforeM + 1), { timeout: 10_000 });
    await vi.waitFor(async () => expect(await unread(agent2.client)).toBe(before2 + 1), { timeout: 10_000 });
    expect((await list(agent2.client)).items[0]).toMatchObject({ type: 'lead_offered', data: { leadName: 'Offered Olga', ruleName: 'Claimers' }, link: { kind: 'lead', id: leadId } });

    await t.deps.events.publish({ workspaceId, type: 'lead.offer_taken', data: { offerId, leadId, outcome: 'claimed', ownerId: manager.userId, offeredTo }, audience: { userIds: offeredTo } });
    await vi.waitFor(async () => expect(await unread(agent2.client)).toBe(before2), { timeout: 10_000 });
    expect(await unread(manager.client)).toBe(beforeM);
  });

  it('tells managers and the owner who missed it about an SLA breach', async () => {
    const leadId = await newLead('Slow Sam');
    await t.deps.events.publish({
      workspaceId,
      type: 'lead.sla_breached',
      data: { leadId, leadName: 'Slow Sam', ruleId: null, ruleName: 'SLA', fromUserId: agent.userId, toUserId: agent2.userId, slaMinutes: 15, reassignments: 1, capReached: false },
      audience: { permission: 'leads.assign', userIds: [agent.userId, agent2.userId] },
    });
    await vi.waitFor(async () => expect(await rows(`type = 'sla_breached'`, [])).toHaveLength(3), { timeout: 10_000 });
    const got = (await rows(`type = 'sla_breached'`, [])).map((r) => r.user_id).sort();
    expect(got).toEqual([ownerId, manager.userId, agent.userId].sort());
    expect((await list(manager.client)).items[0]).toMatchObject({ type: 'sla_breached', data: { leadName: 'Slow Sam', fromUserName: 'agent', toUserName: 'agent2', slaMinutes: 15 } });
  });

  it('gives one notification for one event with two server instances listening', async () => {
    // A second instance: its own event bus (LISTEN), job queue and app, on the same database (its own pool on PostgreSQL).
    const url = t.deps.config.databaseUrl;
    const db2 = url ? await openDatabase({ databaseUrl: url, poolSize: 3 }) : t.deps.database;
    const events2 = createEventBus(db2, { logger: silent });
    const jobs2 = createJobs(db2, { ...(url ? { databaseUrl: url } : {}), logger: silent, workersEnabled: false });
    await events2.start();
    const app2 = await buildApp({ ...t.deps, database: db2, events: events2, jobs: jobs2 }, { rateLimitPerMinute: false, webDistDir: '/nonexistent' });
    await app2.ready();
    const heard2: ReceivedEvent[] = [];
    events2.subscribe((e) => heard2.push(e));
    try {
      await roundRobinTo(agent2.userId);
      const leadId = await newLead('Twice Tina');
      // Both instances heard the event (so both ran the notification source)...
      await vi.waitFor(() => expect(heard2.find((e) => e.type === 'lead.assigned' && e.data.leadId === leadId)).toBeDefined(), { timeout: 10_000 });
      await vi.waitFor(() => expect(events.find((e) => e.type === 'lead.assigned' && e.data.leadId === leadId)).toBeDefined(), { timeout: 10_000 });
    } finally {
      // ...and closing waits for the second one's handlers to finish.
      await app2.close();
      await events2.stop();
      await jobs2.stop();
      if (url) await db2.close();
    }
    await vi.waitFor(async () => expect(await rows(`type = 'lead_assigned' AND data->>'leadName' = 'Twice Tina'`, [])).toHaveLength(1), { timeout: 10_000 });
    // A marker published after both handlers finished arrives after any push they made: exactly one push.
    await t.deps.events.publish({ workspaceId, type: 'test.marker', data: {} });
    await vi.waitFor(() => expect(events.find((e) => e.type === 'test.marker')).toBeDefined());
    const made = await rows(`type = 'lead_assigned' AND data->>'leadName' = 'Twice Tina'`, []);
    expect(made).toHaveLength(1);
    const id = made[0]!.id;
    expect(events.filter((e) => e.type === 'notification.created' && (e.data.notification as { id: string }).id === id)).toHaveLength(1);
  });

  it('notifies a burst in one call: once per cause and user, with running unread counts, leaving out non-members', async () => {
    const before = await unread(manager.client);
    const seen = events.length;
    const made = await service.notifyMany([
      { workspaceId, userId: manager.userId, type: 'task_due', data: { taskTitle: 'Burst 1' }, dedupeKey: 'burst:1' },
      { workspaceId, userId: manager.userId, type: 'task_due', data: { taskTitle: 'Burst 1 again' }, dedupeKey: 'burst:1' },
      { workspaceId: wsB, userId: manager.userId, type: 'task_due', data: { taskTitle: 'Not a member of B' }, dedupeKey: 'burst:b' },
      { workspaceId, userId: manager.userId, type: 'task_due', data: { taskTitle: 'Burst 2' }, dedupeKey: 'burst:2' },
      { workspaceId, userId: agent2.userId, type: 'task_due', data: { taskTitle: 'Burst for agent 2' }, dedupeKey: 'burst:3' },
    ]);
    expect(made.map((m) => (m ? m.data.taskTitle : null))).toEqual(['Burst 1', null, null, 'Burst 2', 'Burst for agent 2']);
    // A cause already delivered is not delivered again, alone or in a later burst.
    expect(await service.notifyMany([{ workspaceId, userId: manager.userId, type: 'task_due', data: {}, dedupeKey: 'burst:2' }])).toEqual([null]);
    expect(await unread(manager.client)).toBe(before + 2);
    await vi.waitFor(() => expect(events.slice(seen).filter((e) => e.type === 'notification.created')).toHaveLength(3));
    const pushed = events.slice(seen).filter((e) => e.type === 'notification.created' && e.audience?.userIds?.[0] === manager.userId);
    expect(pushed.map((e) => [(e.data.notification as { data: { taskTitle: string } }).data.taskTitle, e.data.unread])).toEqual([
      ['Burst 1', before + 1],
      ['Burst 2', before + 2],
    ]);
  });

  it('notifies each owner of a burst of assignments heard together, once each', async () => {
    // No rules: the leads wait unassigned, and only the events below assign them.
    for (const r of (await owner.get('/api/v1/distribution/rules')).json().rules) await owner.delete(`/api/v1/distribution/rules/${r.id}`);
    const leadIds: string[] = [];
    for (let i = 0; i < 6; i++) leadIds.push(await newLead(`Burst Bea ${i}`));
    const assigned = (leadId: string, i: number) => ({
      workspaceId,
      type: 'lead.assigned',
      data: { leadId, ownerId: i % 2 ? agent2.userId : manager.userId, ruleId: null, reason: 'rule' },
      audience: { userIds: [i % 2 ? agent2.userId : manager.userId] },
    });
    const managerBefore = (await rows(`user_id = $1 AND type = 'lead_assigned'`, [manager.userId])).length;
    await t.deps.events.publishMany(leadIds.map(assigned));
    // A claim is not announced to the one who claimed.
    await t.deps.events.publish({ workspaceId, type: 'lead.assigned', data: { leadId: leadIds[0], ownerId: agent.userId, reason: 'claim' }, audience: { userIds: [agent.userId] } });
    await vi.waitFor(async () => expect((await rows(`user_id = $1 AND type = 'lead_assigned'`, [manager.userId])).length).toBe(managerBefore + 3), { timeout: 10_000 });
    const names = (await list(agent2.client)).items.filter((n) => n.type === 'lead_assigned' && String(n.data.leadName).startsWith('Burst Bea'));
    expect(names.map((n) => n.data.leadName).sort()).toEqual(['Burst Bea 1', 'Burst Bea 3', 'Burst Bea 5']);
    expect(names.every((n) => n.link?.kind === 'lead' && leadIds.includes(n.link.id))).toBe(true);
    expect((await rows(`user_id = $1 AND type = 'lead_assigned' AND data->>'leadName' = 'Burst Bea 0'`, [agent.userId])).length).toBe(0);
  });

  it('documents the routes in the OpenAPI spec', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    for (const path of ['/api/v1/notifications', '/api/v1/notifications/unread-count', '/api/v1/notifications/{id}', '/api/v1/notifications/mark-all-read', '/api/v1/notifications/preferences']) {
      expect(spec.paths[path], path).toBeDefined();
    }
  });
});
