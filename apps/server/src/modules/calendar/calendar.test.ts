import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { parseContentLines, unescapeText } from './ical.ts';

const SETUP_TIMEOUT = 180_000;
const HOUR = 3600_000;

type Member = { client: TestClient; userId: string };
type Line = { name: string; params: Record<string, string>; value: string };

/** The VEVENTs of a feed, each as its property lines (VALARMs left out). */
function events(lines: Line[]): Record<string, Line>[] {
  const out: Record<string, Line>[] = [];
  let current: Record<string, Line> | null = null;
  let inAlarm = false;
  for (const l of lines) {
    if (l.name === 'BEGIN' && l.value === 'VEVENT') current = {};
    else if (l.name === 'END' && l.value === 'VEVENT') {
      out.push(current!);
      current = null;
    } else if (l.name === 'BEGIN' && l.value === 'VALARM') inAlarm = true;
    else if (l.name === 'END' && l.value === 'VALARM') inAlarm = false;
    else if (current && !inAlarm) current[l.name] = l;
  }
  return out;
}

describe('calendar: range filter and iCalendar feed', () => {
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
    agent = await addMember(t, owner, 'agent@example.com', 'agent');
    agent2 = await addMember(t, owner, 'agent2@example.com', 'agent');
    manager = await addMember(t, owner, 'manager@example.com', 'manager');
    wsB = (await owner.post('/api/v1/workspaces', { name: 'Beta Insurance' })).json().id;
    leadId = (await owner.post('/api/v1/leads', { firstName: 'Maria', lastName: 'Souza, Jr.', ownerId: agent.userId })).json().id;
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t.close();
  });

  // One instant for the whole file: the clock runs, so "from" computed later must not pass a task made earlier.
  let base = 0;
  const at = (h: number) => new Date((base ||= Math.ceil(t.deps.now().getTime() / HOUR) * HOUR) + h * HOUR).toISOString();
  async function create(client: TestClient, body: Record<string, unknown>) {
    const res = await client.post('/api/v1/tasks', { title: 'Call back', type: 'call', dueAt: at(3), ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; version: number; dueAt: string };
  }
  async function range(client: TestClient, from: string, to: string, extra = '') {
    const res = await client.get(`/api/v1/tasks?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&limit=200${extra}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as { id: string }[]).map((i) => i.id);
  }

  it('lists tasks due in a range [from, to) — mine, or the team’s for managers — and refuses a bad range naming the field', async () => {
    const a1 = await create(agent.client, { title: 'In range', dueAt: at(24) });
    const edge = await create(agent.client, { title: 'At from', dueAt: at(10) });
    const after = await create(agent.client, { title: 'At to', dueAt: at(48) });
    const other = await create(agent2.client, { title: 'Agent 2', dueAt: at(30) });
    expect(await range(agent.client, at(10), at(48))).toEqual([edge.id, a1.id]);
    expect(await range(agent.client, at(10), at(49))).toEqual([edge.id, a1.id, after.id]);
    // An agent sees only their own, even asking for the team.
    expect((await agent.client.get(`/api/v1/tasks?from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(72))}&scope=team`)).statusCode).toBe(403);
    // A manager sees the team's in the range.
    const team = await range(manager.client, at(0), at(72), '&scope=team');
    expect(team).toEqual(expect.arrayContaining([a1.id, edge.id, after.id, other.id]));
    expect(await range(manager.client, at(0), at(72), `&scope=team&assigneeId=${agent2.userId}`)).toEqual([other.id]);
    // Rescheduling (drag in the calendar) moves it out of the range; a stale version is refused.
    const moved = await agent.client.patch(`/api/v1/tasks/${a1.id}`, { dueAt: at(60), version: a1.version });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(await range(agent.client, at(10), at(48))).toEqual([edge.id]);
    expect((await agent.client.patch(`/api/v1/tasks/${a1.id}`, { dueAt: at(20), version: a1.version })).statusCode).toBe(409);

    const bad = async (query: string, field: string) => {
      const res = await agent.client.get(`/api/v1/tasks?${query}`);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.field).toBe(field);
    };
    await bad(`from=${encodeURIComponent(at(0))}`, 'to');
    await bad(`to=${encodeURIComponent(at(0))}`, 'from');
    await bad(`from=${encodeURIComponent(at(5))}&to=${encodeURIComponent(at(1))}`, 'to');
    await bad(`from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(24 * 101))}`, 'to');
    await bad(`from=yesterday&to=${encodeURIComponent(at(1))}`, 'from');
    // Another workspace's range is empty.
    owner.workspaceId = wsB;
    try {
      expect(await range(owner, at(0), at(72), '&scope=team')).toEqual([]);
    } finally {
      owner.workspaceId = workspaceId;
    }
  });

  it('serves a valid text/calendar feed of my open tasks with the secret URL, without a session', async () => {
    await agent.client.patch('/api/v1/me', { timeZone: 'America/Sao_Paulo' });
    const timed = await create(agent.client, { title: 'Visit; bring contract, pen', type: 'meeting', leadId, dueAt: at(5), reminders: [at(4)], description: 'Gate code 12\\34\nSecond line', checklist: [{ text: 'Print contract' }] });
    // All day on the agent's day (São Paulo, UTC-3): stored as the start of that day there, 10 days ahead.
    const birthdayDay = at(24 * 10).slice(0, 10);
    const allDay = await create(agent.client, { title: 'Birthday', allDay: true, dueAt: `${birthdayDay}T03:00:00.000Z` });
    const done = await create(agent.client, { title: 'Already done', dueAt: at(6) });
    await agent.client.post(`/api/v1/tasks/${done.id}/complete`, { outcome: 'Done' });
    const othersTask = await create(agent2.client, { title: 'Agent 2 only', dueAt: at(5) });
    const managersForAgent = await create(manager.client, { title: 'Assigned by the manager', dueAt: at(7), assigneeId: agent.userId });

    expect((await agent.client.get('/api/v1/calendar/feed')).json()).toEqual({ active: false, createdAt: null, lastUsedAt: null });
    const created = await agent.client.post('/api/v1/calendar/feed');
    expect(created.statusCode, created.body).toBe(201);
    const url = new URL(created.json().url as string);
    expect(url.origin).toBe('http://localhost:3000');
    expect(url.pathname).toMatch(/^\/ical\/[A-Za-z0-9_-]{43}\.ics$/);

    const res = await t.app.inject({ method: 'GET', url: url.pathname });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const text = res.body;
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    const lines = parseContentLines(text);
    expect(lines[0]).toMatchObject({ name: 'BEGIN', value: 'VCALENDAR' });
    expect(lines.at(-1)).toMatchObject({ name: 'END', value: 'VCALENDAR' });
    expect(lines.find((l) => l.name === 'VERSION')?.value).toBe('2.0');
    expect(lines.find((l) => l.name === 'PRODID')?.value).toBeTruthy();
    // Balanced components.
    for (const c of ['VCALENDAR', 'VEVENT', 'VALARM']) {
      expect(lines.filter((l) => l.name === 'BEGIN' && l.value === c).length).toBe(lines.filter((l) => l.name === 'END' && l.value === c).length);
    }
    const evs = events(lines);
    const byUid = new Map(evs.map((e) => [e.UID!.value, e]));
    const uidOf = (id: string) => [...byUid.keys()].find((k) => k.startsWith(`task-${id}@`));
    // Only my open tasks: not the done one, not another agent's; tasks a manager assigned to me are there.
    expect(uidOf(done.id)).toBeUndefined();
    expect(uidOf(othersTask.id)).toBeUndefined();
    expect(uidOf(managersForAgent.id)).toBeDefined();
    for (const e of evs) {
      for (const p of ['UID', 'DTSTAMP', 'DTSTART', 'SUMMARY']) expect(e[p], p).toBeDefined();
      expect(e.DTSTAMP!.value).toMatch(/^\d{8}T\d{6}Z$/);
    }
    const meeting = byUid.get(uidOf(timed.id)!)!;
    const start = new Date(timed.dueAt);
    const compact = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    expect(meeting.DTSTART!.value).toBe(compact(start));
    expect(meeting.DTEND!.value).toBe(compact(new Date(start.getTime() + HOUR)));
    expect(unescapeText(meeting.SUMMARY!.value)).toBe('Visit; bring contract, pen');
    expect(meeting.SUMMARY!.value).toBe('Visit\\; bring contract\\, pen');
    const description = unescapeText(meeting.DESCRIPTION!.value);
    expect(description).toContain(`Lead: Maria Souza, Jr. — http://localhost:3000/leads/${leadId}`);
    expect(description).toContain('Gate code 12\\34\nSecond line');
    expect(description).toContain('[ ] Print contract');
    expect(description).toContain(`http://localhost:3000/tasks/${timed.id}`);
    const birthday = byUid.get(uidOf(allDay.id)!)!;
    const nextDay = new Date(Date.parse(`${birthdayDay}T00:00:00Z`) + 24 * HOUR).toISOString().slice(0, 10);
    expect(birthday.DTSTART).toMatchObject({ params: { VALUE: 'DATE' }, value: birthdayDay.replaceAll('-', '') });
    expect(birthday.DTEND).toMatchObject({ params: { VALUE: 'DATE' }, value: nextDay.replaceAll('-', '') });
    expect(lines.some((l) => l.name === 'TRIGGER' && l.value === compact(new Date(at(4))))).toBe(true);

    // Reading it marks the feed used.
    expect((await agent.client.get('/api/v1/calendar/feed')).json()).toMatchObject({ active: true, lastUsedAt: expect.any(String) });
  });

  it('rotating and revoking make the old URL 404; a disabled member’s feed is gone; a token only ever shows its own workspace', async () => {
    const first = new URL((await agent2.client.post('/api/v1/calendar/feed')).json().url).pathname;
    expect((await t.app.inject({ method: 'GET', url: first })).statusCode).toBe(200);
    const second = new URL((await agent2.client.post('/api/v1/calendar/feed')).json().url).pathname;
    expect(second).not.toBe(first);
    expect((await t.app.inject({ method: 'GET', url: first })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: second })).statusCode).toBe(200);
    const revoked = await agent2.client.delete('/api/v1/calendar/feed');
    expect(revoked.json()).toMatchObject({ active: false });
    expect((await t.app.inject({ method: 'GET', url: second })).statusCode).toBe(404);
    // Garbage tokens: 404, no session needed or used.
    for (const u of ['/ical/nope.ics', `/ical/${'a'.repeat(43)}.ics`, `/ical/${'a'.repeat(43)}`]) expect((await t.app.inject({ method: 'GET', url: u })).statusCode, u).toBe(404);

    // Tenant isolation: the owner's token in workspace B lists B's tasks only, and A's token A's only.
    const inA = await create(owner, { title: 'Owner task in A', dueAt: at(8) });
    const feedA = new URL((await owner.post('/api/v1/calendar/feed')).json().url).pathname;
    owner.workspaceId = wsB;
    let feedB: string;
    let inB: { id: string };
    try {
      inB = await create(owner, { title: 'Owner task in B', dueAt: at(8) });
      feedB = new URL((await owner.post('/api/v1/calendar/feed')).json().url).pathname;
    } finally {
      owner.workspaceId = workspaceId;
    }
    expect(feedB).not.toBe(feedA);
    const bodyA = (await t.app.inject({ method: 'GET', url: feedA })).body;
    const bodyB = (await t.app.inject({ method: 'GET', url: feedB })).body;
    expect(bodyA).toContain(`task-${inA.id}@`);
    expect(bodyA).not.toContain(`task-${inB.id}@`);
    expect(bodyB).toContain(`task-${inB.id}@`);
    expect(bodyB).not.toContain(`task-${inA.id}@`);
    expect(bodyB).not.toContain('Owner task in A');

    // A member disabled in the workspace: the feed answers 404 (and again once re-enabled, it serves).
    const feedAgent = new URL((await agent.client.post('/api/v1/calendar/feed')).json().url).pathname;
    expect((await owner.patch(`/api/v1/members/${agent.userId}`, { status: 'disabled' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: feedAgent })).statusCode).toBe(404);
    expect((await owner.patch(`/api/v1/members/${agent.userId}`, { status: 'active' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: feedAgent })).statusCode).toBe(200);

    // Rotation and revocation are audited; the feed routes need a session.
    const audit = await t.deps.database.query<{ action: string }>(`SELECT action FROM audit_log WHERE action LIKE 'calendar_feed.%' ORDER BY created_at`);
    expect(audit.rows.map((r) => r.action)).toContain('calendar_feed.revoke');
    expect((await t.client().get('/api/v1/calendar/feed')).statusCode).toBe(401);
  });

  it('documents the routes in the OpenAPI spec', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    for (const path of ['/api/v1/calendar/feed', '/ical/{file}']) expect(spec.paths[path], path).toBeDefined();
    const params = (spec.paths['/api/v1/tasks'].get.parameters as { name: string }[]).map((p) => p.name);
    expect(params).toEqual(expect.arrayContaining(['from', 'to']));
  });
});
