/**
 * Tasks (issue 7): the "my tasks" queues on a workspace with 100,000 open tasks, and 10,000 reminders due in the
 * same minute. The real server (main.ts, PostgreSQL database `leadflow_bench_tasks`, job workers on) in two parts:
 *
 *   A. queues — 100,000 open tasks spread over 50 agents and a manager (plus 100,000 done tasks and another
 *      workspace's 10,000), seeded in one `INSERT … SELECT generate_series` each; then `GET /api/v1/tasks` for
 *      overdue / today / upcoming, an agent's own (rotating over signed-in agents), the manager's own and the
 *      manager's team, over HTTP: p50/p95/p99 at 4 in flight and one at a time. Beside each, the statement the
 *      server sends (captured from the app's own repository through a Drizzle logger) with EXPLAIN (ANALYZE,
 *      BUFFERS): the index it uses, checked against the intended one.
 *   B. reminders — 10,000 more tasks (200 per agent), each with one reminder at the same moment (a whole minute),
 *      queued through the tasks service's own `schedule()` (the pg-boss jobs the API queues when a task is created).
 *      From that moment the harness counts the `notification.created` events on the bus (what the WebSocket pushes),
 *      the pushes on real WebSockets of a sample of signed-in agents, and the notifications rows, until all 10,000
 *      are delivered: seconds from the due moment to the last one. Checks: one notification per reminder, every
 *      job completed, none failed.
 *
 * Runs: `npm run bench -- --only tasks` or `node --import tsx bench/tasks.ts [--tasks-open N] [--tasks-reminders N]
 * [--tasks-database-url URL] [--tasks-skip-queues] [--tasks-skip-reminders]`. The database is dropped and created
 * afresh each run. All traffic stays on loopback; every loop is bounded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { like } from 'drizzle-orm';
import pg from 'pg';
import WebSocket from 'ws';
import { openDatabase, type Db } from '../apps/server/src/platform/db/client.ts';
import * as schema from '../apps/server/src/platform/db/schema.ts';
import { createJobs } from '../apps/server/src/platform/jobs/jobs.ts';
import type { AppDeps } from '../apps/server/src/platform/http/types.ts';
import { createNotificationsService } from '../apps/server/src/modules/notifications/notifications.service.ts';
import { createTasksRepository, type ListFilter, type TaskScope } from '../apps/server/src/modules/tasks/tasks.repository.ts';
import { createTasksService, todayIn } from '../apps/server/src/modules/tasks/tasks.service.ts';
import { tasks as tasksTable } from '../apps/server/src/modules/tasks/tasks.table.ts';
import { processCpu } from './ingest.ts';
import { parseSetArgs } from './lib/args.ts';
import { saveResults } from './lib/results.ts';
import { profileMarkdown, summarizeProfile, type ProfileSummary } from './lib/profile.ts';
import { describeFailure, type ApiClient } from './lib/http.ts';
import { insertMembers, setUpInstallation, signIn } from './lib/team.ts';
import { AGENT_NAMES } from './lib/dataset.ts';
import { recreateDatabase, rssMb, startServerProcess, stopServerProcess, type ServerProcess } from './lib/server-process.ts';
import { databaseName } from './lib/sql.ts';
import { fmtMs, percentile, round, runLoad, type LatencyStats } from './lib/stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const PROFILE_DIR = path.join(RESULTS_DIR, 'profiles', `tasks-${process.pid}`);

export const TASKS_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/leadflow_bench_tasks';
const OWNER = { name: 'Bench Owner', email: 'bench-owner@example.com', password: 'bench password 0123' };
const MEMBER_PASSWORD = 'bench member password 0123';
const REMINDER_TITLE = 'Reminder bench';
const silent = { error: () => undefined, info: () => undefined };

export type TasksOptions = {
  databaseUrl: string;
  agents: number;
  /** Open tasks in the measured workspace (over the agents and the manager). */
  open: number;
  done: number;
  /** Tasks of another workspace, which no queue may read. */
  otherWorkspace: number;
  leads: number;
  requests: number;
  warmup: number;
  concurrency: number;
  sequential: number;
  maxSeconds: number;
  /** Agents signed in: queue requests rotate over them; the first `wsUsers` also keep a WebSocket open in part B. */
  sessions: number;
  wsUsers: number;
  reminders: number;
  /** At least this many seconds between the start of the queuing and the due moment (then rounded up to a whole minute). */
  reminderLeadSeconds: number;
  deliveryTimeoutSeconds: number;
  skipQueues: boolean;
  skipReminders: boolean;
  /** Run the server under --cpu-prof and summarize where its CPU time went (best with --tasks-skip-queues). */
  cpuProf: boolean;
  quietLoad: number;
  quietWaitMinutes: number;
};

export const TASKS_DEFAULTS: TasksOptions = {
  databaseUrl: TASKS_DATABASE_URL,
  agents: 50,
  open: 100_000,
  done: 100_000,
  otherWorkspace: 10_000,
  leads: 20_000,
  requests: 500,
  warmup: 50,
  concurrency: 4,
  sequential: 100,
  maxSeconds: 60,
  sessions: 10,
  wsUsers: 10,
  reminders: 10_000,
  reminderLeadSeconds: 120,
  deliveryTimeoutSeconds: 300,
  skipQueues: false,
  skipReminders: false,
  cpuProf: false,
  quietLoad: 1.5,
  quietWaitMinutes: 0,
};

type Explain = { indexes: string[]; intended: string; usesIntended: boolean; executionMs: number; planningMs: number; plan: string[] };

export type QueueResult = {
  name: string;
  request: string;
  who: 'agent' | 'manager';
  targetP95Ms: number | null;
  itemsPerPage: number | null;
  stats: LatencyStats | null;
  sequential: LatencyStats | null;
  /** The same statement run directly, one at a time. */
  sql: LatencyStats | null;
  explain: Explain | null;
  meetsTarget: boolean | null;
  error?: string;
};

export type ReminderResult = {
  reminders: number;
  agents: number;
  dueAt: string;
  queuedSeconds: number;
  /** Seconds after the due moment, per notification heard on the bus. */
  afterDueSeconds: { first: number; p50: number; p95: number; p99: number; last: number } | null;
  /** Seconds after the due moment when the notifications table held them all (polled every 250 ms). */
  rowsCompleteSeconds: number | null;
  rows: number;
  heardOnBus: number;
  webSocket: { users: number; expected: number; received: number; lastSeconds: number | null };
  perSecond: number | null;
  jobs: Record<string, number>;
  checks: { ok: boolean; problems: string[] };
  serverCpuSeconds: number | null;
  targetSeconds: number;
  meetsTarget: boolean | null;
};

export type TasksReport = {
  startedAt: string;
  command: string;
  machine: { cpus: number; cpuModel: string; node: string; postgres: string; loadAvgStart: number; loadAvgEnd: number | null; uptimeStart: string; uptimeEnd: string | null };
  options: TasksOptions;
  data: { openTasks: number; doneTasks: number; otherWorkspaceTasks: number; leads: number; assignees: number; overdue: number; today: number; upcoming: number; seedSeconds: number } | null;
  queues: QueueResult[];
  reminders: ReminderResult | null;
  server: { rssStartMb: number | null; rssEndMb: number | null; log: string[]; profile?: ProfileSummary };
  error?: string;
};

function uptime(): string {
  const [a, b, c] = os.loadavg().map((x) => x.toFixed(2));
  return `load average: ${a}, ${b}, ${c}`;
}

type Member = { userId: string; email: string; client?: ApiClient };

/** The installation and its owner, a second workspace, then agents and a manager through the app's repositories. */
async function setUp(base: string, o: TasksOptions): Promise<{ workspaceId: string; otherWorkspaceId: string; ownerId: string; agents: Member[]; manager: Member }> {
  const { owner, workspaceId, ownerId, otherWorkspaceId } = await setUpInstallation(base, OWNER, 'Tasks Bench');
  owner.close();
  const agentEmails = Array.from({ length: o.agents }, (_, k) => `tasks-agent${String(k + 1).padStart(2, '0')}@example.com`);
  const userIds = await insertMembers(
    o.databaseUrl,
    { workspaceId, ownerId },
    [
      ...agentEmails.map((email, k) => ({ email, name: `${AGENT_NAMES[k % AGENT_NAMES.length]!} ${k + 1}`, role: 'agent' as const })),
      { email: 'tasks-manager@example.com', name: 'Team Manager', role: 'manager' as const },
    ],
    MEMBER_PASSWORD,
  );
  const agents = agentEmails.map((email, k) => ({ userId: userIds[k]!, email }));
  const manager = { userId: userIds[o.agents]!, email: 'tasks-manager@example.com' };
  return { workspaceId, otherWorkspaceId, ownerId, agents, manager };
}

/**
 * Tasks in SQL, values from hashes of the row number: 7 types, 4 priorities, 60% about a lead, a third with a
 * reminder, 10% all-day; open ones due from 30 days ago to 60 days ahead (so about a third overdue), done ones
 * due and completed in the last 90 days.
 */
async function seed(db: pg.Client, o: TasksOptions, ids: { workspaceId: string; otherWorkspaceId: string; ownerId: string; assignees: string[] }) {
  const t0 = performance.now();
  await db.query(
    `INSERT INTO leads (workspace_id, first_name, last_name, owner_id, created_at, updated_at)
     SELECT $1, (ARRAY['Maria','João','Ana','Pedro','Lucas','Julia','Emma','Olivia','Liam','Noah'])[1 + g % 10],
            (ARRAY['Silva','Santos','Oliveira','Souza','Smith','Johnson','Brown','Costa'])[1 + (g / 10) % 8] || ' ' || g,
            ($2::uuid[])[1 + g % array_length($2::uuid[], 1)], now() - g * interval '1 minute', now()
       FROM generate_series(1, $3::int) g`,
    [ids.workspaceId, ids.assignees, o.leads],
  );
  const insertTasks = `
    WITH lead_ids AS (SELECT array_agg(id ORDER BY created_at) AS a FROM leads WHERE workspace_id = $1)
    INSERT INTO tasks (workspace_id, title, type, priority, status, due_at, all_day, reminders, assignee_id, lead_id,
                       description, created_by, created_at, updated_at, completed_at, completed_by, outcome)
    SELECT $1,
           (ARRAY['Call back','Send the proposal','Follow up','Visit the property','Confirm the meeting','Ask for documents'])[1 + h % 6] || ' #' || g,
           (ARRAY['call','follow_up','meeting','email','whatsapp','todo','production'])[1 + (h / 7) % 7],
           (ARRAY['low','normal','normal','high','urgent'])[1 + (h / 49) % 5],
           $4::text, due, all_day,
           CASE WHEN g % 3 = 0 THEN ARRAY[due - interval '15 minutes'] ELSE '{}'::timestamptz[] END,
           ($2::uuid[])[1 + g % array_length($2::uuid[], 1)],
           CASE WHEN g % 5 < 3 AND lead_ids.a IS NOT NULL THEN lead_ids.a[1 + (h / 11) % array_length(lead_ids.a, 1)] END,
           CASE WHEN g % 4 = 0 THEN 'Talk about the budget and the visit date' END,
           $3, due - interval '3 days', due - interval '3 days',
           CASE WHEN $4::text = 'done' THEN due END, CASE WHEN $4::text = 'done' THEN ($2::uuid[])[1 + g % array_length($2::uuid[], 1)] END,
           CASE WHEN $4::text = 'done' THEN 'Talked to them' END
      FROM generate_series(1, $5::int) g
     CROSS JOIN lead_ids
     CROSS JOIN LATERAL (SELECT hashint4(g + $6::int) & 2147483647 AS h) x
     CROSS JOIN LATERAL (SELECT g % 10 = 0 AS all_day) d
     CROSS JOIN LATERAL (
       SELECT CASE
                WHEN all_day THEN date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + ((h % $7::int) - $8::int) * interval '1 day'
                ELSE now() + ((h % ($7::int * 1440)) - $8::int * 1440) * interval '1 minute'
              END AS due
     ) w`;
  await db.query(insertTasks, [ids.workspaceId, ids.assignees, ids.ownerId, 'open', o.open, 0, 90, 30]);
  await db.query(insertTasks, [ids.workspaceId, ids.assignees, ids.ownerId, 'done', o.done, 7_919, 90, 90]);
  await db.query(insertTasks, [ids.otherWorkspaceId, [ids.ownerId], ids.ownerId, 'open', o.otherWorkspace, 104_729, 90, 30]);
  await db.query('VACUUM ANALYZE leads');
  await db.query('VACUUM ANALYZE tasks');
  return round((performance.now() - t0) / 1000, 1);
}

/** The statements the app's repository sends for a queue, captured through a Drizzle logger on a real pool. */
async function capturedQueueSql(pool: pg.Pool, scope: TaskScope, filter: ListFilter): Promise<{ text: string; params: unknown[] }> {
  const seen: { text: string; params: unknown[] }[] = [];
  const db = drizzle(pool, { schema, logger: { logQuery: (text, params) => void seen.push({ text, params }) } }) as unknown as Db;
  await createTasksRepository(db).list(scope, filter);
  const stmt = seen.find((s) => /from "tasks"/i.test(s.text));
  if (!stmt) throw new Error('The repository sent no query on tasks');
  return stmt;
}

async function explain(db: pg.Client, stmt: { text: string; params: unknown[] }, intended: string): Promise<Explain> {
  const r = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${stmt.text}`, stmt.params);
  const plan = r.rows.map((row) => row['QUERY PLAN']);
  const out: Explain = { indexes: [], intended, usesIntended: false, executionMs: 0, planningMs: 0, plan };
  for (const line of plan) {
    const exec = /Execution Time: ([\d.]+) ms/.exec(line);
    if (exec) out.executionMs = Number(exec[1]);
    const pl = /Planning Time: ([\d.]+) ms/.exec(line);
    if (pl) out.planningMs = Number(pl[1]);
    const ix = /(?:Index(?: Only)? Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)/.exec(line);
    if (ix && !out.indexes.includes(ix[1]!)) out.indexes.push(ix[1]!);
  }
  out.usesIntended = out.indexes.includes(intended) && !plan.some((l) => /Seq Scan on tasks\b/.test(l));
  return out;
}

async function runQueues(base: string, o: TasksOptions, db: pg.Client, ids: { workspaceId: string; agents: Member[]; manager: Member }): Promise<QueueResult[]> {
  const agentClients: { client: ApiClient; userId: string }[] = [];
  for (const a of ids.agents.slice(0, Math.max(1, o.sessions))) {
    const s = await signIn(base, a.email, MEMBER_PASSWORD);
    a.client = s.client;
    agentClients.push({ client: s.client, userId: s.userId });
  }
  const manager = await signIn(base, ids.manager.email, MEMBER_PASSWORD);
  ids.manager.client = manager.client;
  const pool = new pg.Pool({ connectionString: o.databaseUrl, max: 2 });
  const results: QueueResult[] = [];
  const load = { requests: o.requests, warmup: o.warmup, concurrency: o.concurrency, maxSeconds: o.maxSeconds };
  const oneByOne = { requests: o.sequential, warmup: Math.min(o.warmup, 10), concurrency: 1, maxSeconds: Math.min(o.maxSeconds, 30) };
  try {
    type Spec = { name: string; who: 'agent' | 'manager'; query: string; queue?: ListFilter['queue']; team?: boolean; target: number | null };
    const specs: Spec[] = [{ name: 'me (auth only, the floor)', who: 'agent', query: '', target: null }];
    for (const queue of ['overdue', 'today', 'upcoming'] as const) specs.push({ name: `agent: my ${queue}`, who: 'agent', query: `queue=${queue}`, queue, target: 20 });
    for (const queue of ['overdue', 'today', 'upcoming'] as const) specs.push({ name: `manager: my ${queue}`, who: 'manager', query: `queue=${queue}`, queue, target: 20 });
    for (const queue of ['overdue', 'today', 'upcoming'] as const) specs.push({ name: `manager: team ${queue}`, who: 'manager', query: `queue=${queue}&scope=team`, queue, team: true, target: 20 });

    for (const s of specs) {
      const url = s.query ? `/api/v1/tasks?${s.query}&limit=50` : '/api/v1/me';
      const clientFor = (i: number) => (s.who === 'agent' ? agentClients[i % agentClients.length]!.client : manager.client);
      const result: QueueResult = { name: s.name, request: `GET ${url}`, who: s.who, targetP95Ms: s.target, itemsPerPage: null, stats: null, sequential: null, sql: null, explain: null, meetsTarget: null };
      let items = 0;
      let pages = 0;
      const task = async (i: number) => {
        const res = await clientFor(i).get(url);
        if (res.status !== 200) throw new Error(describeFailure(res));
        if (s.query) {
          items += (JSON.parse(res.body) as { items: unknown[] }).items.length;
          pages++;
        }
      };
      console.log(`Tasks: ${s.name}`);
      try {
        result.stats = await runLoad(task, load);
        result.sequential = await runLoad(task, oneByOne);
        result.itemsPerPage = pages ? round(items / pages, 1) : null;
        if (s.queue) {
          // The statement the server sends for the first agent (or the manager), and its plan.
          const now = new Date();
          const userId = s.who === 'agent' ? agentClients[0]!.userId : manager.userId;
          const scope: TaskScope = { workspaceId: ids.workspaceId, onlyUserId: s.who === 'agent' ? userId : null };
          const stmt = await capturedQueueSql(pool, scope, { queue: s.queue, assigneeId: s.team ? undefined : userId, now, ...todayIn(now, 'UTC'), limit: 50 });
          result.explain = await explain(db, stmt, s.team ? 'tasks_ws_open_due_idx' : 'tasks_ws_assignee_open_due_idx');
          result.sql = await runLoad(async () => void (await db.query(stmt.text, stmt.params)), { ...oneByOne, warmup: 5 });
        }
        if (s.target !== null) result.meetsTarget = result.stats.p95 <= s.target && result.stats.errors === 0;
        console.log(`  p50 ${fmtMs(result.stats.p50)} p95 ${fmtMs(result.stats.p95)} p99 ${fmtMs(result.stats.p99)}; 1 by 1 p95 ${fmtMs(result.sequential.p95)}${result.explain ? `; index ${result.explain.indexes.join(', ') || 'none'}${result.explain.usesIntended ? '' : ` ❌ (intended ${result.explain.intended})`}, ${result.explain.executionMs} ms` : ''}`);
      } catch (err) {
        result.error = err instanceof Error ? err.message : String(err);
        console.error(`  failed: ${result.error}`);
      }
      results.push(result);
    }
  } finally {
    await pool.end();
  }
  return results;
}

type Heard = { bus: Map<string, number>; ws: number; wsLast: number };

/** `notification.created` of a task reminder heard on the bus, by task id, in epoch milliseconds. */
async function listenBus(databaseUrl: string, heard: Heard): Promise<() => Promise<void>> {
  const c = new pg.Client({ connectionString: databaseUrl });
  c.on('error', () => undefined);
  await c.connect();
  c.on('notification', (n) => {
    if (n.channel !== 'lf_events' || !n.payload) return;
    const at = performance.timeOrigin + performance.now();
    try {
      const e = JSON.parse(n.payload) as { type?: string; data?: { notification?: { type?: string; link?: { id?: string } } } };
      const note = e.data?.notification;
      if (e.type !== 'notification.created' || note?.type !== 'task_reminder' || !note.link?.id) return;
      if (!heard.bus.has(note.link.id)) heard.bus.set(note.link.id, at);
    } catch {
      // not ours
    }
  });
  await c.query('LISTEN lf_events');
  return () => c.end().catch(() => undefined);
}

/** A browser tab's WebSocket for a signed-in member: counts the reminder pushes it receives. */
async function openSocket(base: string, client: ApiClient, heard: Heard): Promise<WebSocket> {
  const url = `${base.replace(/^http/, 'ws')}/api/v1/ws`;
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const ws = new WebSocket(url, { headers: { cookie, ...(client.workspaceId ? { 'x-workspace-id': client.workspaceId } : {}) } });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('WebSocket did not open within 10 s')), 10_000);
    ws.once('message', () => {
      clearTimeout(timer);
      resolve(); // the server's hello
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  ws.on('message', (raw) => {
    const text = raw.toString();
    if (!text.includes('"notification.created"') || !text.includes('"task_reminder"')) return;
    heard.ws++;
    heard.wsLast = performance.timeOrigin + performance.now();
  });
  return ws;
}

async function runReminders(base: string, o: TasksOptions, db: pg.Client, ids: { workspaceId: string; ownerId: string; agents: Member[] }, serverPid: number | undefined): Promise<ReminderResult> {
  const heard: Heard = { bus: new Map(), ws: 0, wsLast: 0 };
  const problems: string[] = [];
  const stopBus = await listenBus(o.databaseUrl, heard);
  const sockets: WebSocket[] = [];
  const wsAgents = ids.agents.slice(0, Math.min(o.wsUsers, ids.agents.length));
  const database = await openDatabase({ databaseUrl: o.databaseUrl, poolSize: 8 });
  const jobs = createJobs(database, { databaseUrl: o.databaseUrl, logger: silent, workersEnabled: false });
  try {
    for (const a of wsAgents) {
      a.client ??= (await signIn(base, a.email, MEMBER_PASSWORD)).client;
      sockets.push(await openSocket(base, a.client, heard));
    }
    const started = Date.now();
    const dueMs = Math.ceil((started + o.reminderLeadSeconds * 1000) / 60_000) * 60_000;
    const due = new Date(dueMs);
    const assignees = ids.agents.map((a) => a.userId);
    console.log(`Tasks: ${o.reminders.toLocaleString('en')} reminders at ${due.toISOString()} over ${assignees.length} agents`);
    await db.query(
      `INSERT INTO tasks (workspace_id, title, type, priority, status, due_at, all_day, reminders, assignee_id, created_by, created_at, updated_at)
       SELECT $1, $2 || ' #' || g, 'call', 'normal', 'open', $3::timestamptz + interval '1 hour', false, ARRAY[$3::timestamptz],
              ($4::uuid[])[1 + g % array_length($4::uuid[], 1)], $5, now(), now()
         FROM generate_series(1, $6::int) g`,
      [ids.workspaceId, REMINDER_TITLE, due.toISOString(), assignees, ids.ownerId, o.reminders],
    );
    // The tasks service's own scheduling (what POST /tasks runs after its commit): schedule() reads only the
    // database, the job queue and the clock.
    const deps = { database, jobs, now: () => new Date() } as unknown as AppDeps;
    const service = createTasksService(deps, { notifications: createNotificationsService(deps) });
    const rows = await database.db.select().from(tasksTable).where(like(tasksTable.title, `${REMINDER_TITLE} #%`));
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < rows.length) await service.schedule(rows[next++]!);
    }));
    const queuedSeconds = round((Date.now() - started) / 1000, 1);
    if (Date.now() > dueMs - 2000) problems.push(`queuing took ${queuedSeconds} s and ended after the due moment: raise --tasks-reminder-lead-seconds`);
    console.log(`  queued in ${queuedSeconds} s; waiting for ${due.toISOString()}`);

    const cpu0 = serverPid ? processCpu(serverPid) : null;
    const deadline = dueMs + o.deliveryTimeoutSeconds * 1000;
    let count = 0;
    let rowsCompleteSeconds: number | null = null;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      if (Date.now() < dueMs) continue;
      count = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM notifications WHERE workspace_id = $1 AND type = 'task_reminder'`, [ids.workspaceId])).rows[0]!.n);
      if (count >= o.reminders && rowsCompleteSeconds === null) rowsCompleteSeconds = round((Date.now() - dueMs) / 1000, 2);
      if (rowsCompleteSeconds !== null && heard.bus.size >= o.reminders) break;
    }
    await new Promise((r) => setTimeout(r, 1000)); // the last pushes on their way to the sockets
    const cpu1 = serverPid ? processCpu(serverPid) : null;

    const times = [...heard.bus.values()].map((t) => (t - dueMs) / 1000).sort((a, b) => a - b);
    // pg-boss marks a batch completed after its handler returns: give the last ones a few seconds.
    const states = async () =>
      Object.fromEntries((await db.query<{ state: string; n: string }>(`SELECT state, count(*) AS n FROM pgboss.job WHERE name = 'tasks.reminder' GROUP BY state`)).rows.map((r) => [r.state, Number(r.n)]));
    let jobsByState: Record<string, number> = await states();
    for (let k = 0; k < 40 && (jobsByState.completed ?? 0) < o.reminders && (jobsByState.active ?? 0) > 0; k++) {
      await new Promise((r) => setTimeout(r, 250));
      jobsByState = await states();
    }
    const perTask = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM (SELECT link_id FROM notifications WHERE workspace_id = $1 AND type = 'task_reminder' GROUP BY link_id HAVING count(*) > 1) x`,
      [ids.workspaceId],
    );
    const expectedWs = Math.round((o.reminders * wsAgents.length) / Math.max(1, assignees.length));
    if (count !== o.reminders) problems.push(`${count} of ${o.reminders} notifications stored`);
    if (Number(perTask.rows[0]!.n)) problems.push(`${perTask.rows[0]!.n} reminders notified more than once`);
    if ((jobsByState.completed ?? 0) !== o.reminders) problems.push(`${jobsByState.completed ?? 0} of ${o.reminders} jobs completed (${JSON.stringify(jobsByState)})`);
    if (heard.ws !== expectedWs) problems.push(`${heard.ws} of ${expectedWs} WebSocket pushes received`);
    const last = times.at(-1) ?? null;
    const result: ReminderResult = {
      reminders: o.reminders,
      agents: assignees.length,
      dueAt: due.toISOString(),
      queuedSeconds,
      afterDueSeconds: times.length ? { first: round(times[0]!), p50: round(percentile(times, 50)), p95: round(percentile(times, 95)), p99: round(percentile(times, 99)), last: round(last!) } : null,
      rowsCompleteSeconds,
      rows: count,
      heardOnBus: heard.bus.size,
      webSocket: { users: wsAgents.length, expected: expectedWs, received: heard.ws, lastSeconds: heard.wsLast ? round((heard.wsLast - dueMs) / 1000, 2) : null },
      perSecond: times.length > 1 ? round(times.length / Math.max(0.001, times.at(-1)! - times[0]!), 0) : null,
      jobs: jobsByState,
      checks: { ok: problems.length === 0, problems },
      serverCpuSeconds: cpu0 !== null && cpu1 !== null ? round(cpu1 - cpu0, 1) : null,
      targetSeconds: 60,
      meetsTarget: null,
    };
    const end = Math.max(last ?? Infinity, rowsCompleteSeconds ?? Infinity);
    result.meetsTarget = problems.length === 0 && end <= result.targetSeconds;
    console.log(`  ${count} stored, ${heard.bus.size} heard, ${heard.ws}/${expectedWs} pushed; last ${last ?? '–'} s after the due moment${problems.length ? ` — ${problems.join('; ')}` : ''}`);
    return result;
  } finally {
    for (const s of sockets) s.close();
    await stopBus();
    await jobs.stop();
    await database.close();
  }
}

export async function runTasksBench(o: TasksOptions = TASKS_DEFAULTS, command = 'npm run bench -- --only tasks'): Promise<TasksReport> {
  const report: TasksReport = {
    startedAt: new Date().toISOString(),
    command,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', node: process.version, postgres: '', loadAvgStart: round(os.loadavg()[0]!, 2), loadAvgEnd: null, uptimeStart: uptime(), uptimeEnd: null },
    options: o,
    data: null,
    queues: [],
    reminders: null,
    server: { rssStartMb: null, rssEndMb: null, log: [] },
  };
  let server: ServerProcess | undefined;
  const db = new pg.Client({ connectionString: o.databaseUrl });
  try {
    console.log(`Tasks: recreating ${databaseName(o.databaseUrl)}`);
    await recreateDatabase(o.databaseUrl);
    server = await startServerProcess(o.databaseUrl, { JOBS_ENABLED: 'true' }, o.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []);
    report.server.rssStartMb = rssMb(server.child.pid);
    const ids = await setUp(server.base, o);
    await db.connect();
    report.machine.postgres = (await db.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
    const assignees = [...ids.agents.map((a) => a.userId), ids.manager.userId];
    console.log(`Tasks: seeding ${o.open.toLocaleString('en')} open + ${o.done.toLocaleString('en')} done tasks over ${assignees.length} members`);
    const seedSeconds = await seed(db, o, { workspaceId: ids.workspaceId, otherWorkspaceId: ids.otherWorkspaceId, ownerId: ids.ownerId, assignees });
    const now = new Date();
    const { dayStart, dayEnd } = todayIn(now, 'UTC');
    const split = (
      await db.query<{ overdue: string; today: string; upcoming: string }>(
        `SELECT count(*) FILTER (WHERE (NOT all_day AND due_at < $2) OR (all_day AND due_at < $3)) AS overdue,
                count(*) FILTER (WHERE due_at < $4 AND NOT ((NOT all_day AND due_at < $2) OR (all_day AND due_at < $3))) AS today,
                count(*) FILTER (WHERE due_at >= $4) AS upcoming
           FROM tasks WHERE workspace_id = $1 AND status = 'open'`,
        [ids.workspaceId, now, dayStart, dayEnd],
      )
    ).rows[0]!;
    report.data = { openTasks: o.open, doneTasks: o.done, otherWorkspaceTasks: o.otherWorkspace, leads: o.leads, assignees: assignees.length, overdue: Number(split.overdue), today: Number(split.today), upcoming: Number(split.upcoming), seedSeconds };
    console.log(`  seeded in ${seedSeconds} s: ${split.overdue} overdue, ${split.today} today, ${split.upcoming} upcoming`);

    const quietUntil = Date.now() + o.quietWaitMinutes * 60_000;
    while (os.loadavg()[0]! > o.quietLoad && Date.now() < quietUntil) await new Promise((r) => setTimeout(r, 5000));
    report.machine.loadAvgStart = round(os.loadavg()[0]!, 2);
    report.machine.uptimeStart = uptime();

    if (!o.skipQueues) report.queues = await runQueues(server.base, o, db, ids);
    if (!o.skipReminders) report.reminders = await runReminders(server.base, o, db, ids, server.child.pid);
    report.server.rssEndMb = rssMb(server.child.pid);
  } catch (err) {
    report.error = err instanceof Error ? err.message : String(err);
    console.error(`Tasks bench failed: ${report.error}`);
  } finally {
    await db.end().catch(() => undefined);
    await stopServerProcess(server);
    report.server.log = server?.log.slice(-30) ?? [];
    if (o.cpuProf && server && fs.existsSync(PROFILE_DIR)) {
      // The main thread's profile is the largest file (the other is tsx's loader thread); start-up left out.
      const main = fs
        .readdirSync(PROFILE_DIR)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => path.join(PROFILE_DIR, f))
        .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
      if (main) report.server.profile = summarizeProfile(main, server.startupMs);
    }
    report.machine.loadAvgEnd = round(os.loadavg()[0]!, 2);
    report.machine.uptimeEnd = uptime();
  }
  return report;
}

export function tasksMarkdown(r: TasksReport): string {
  const L: string[] = [];
  L.push('## Tasks ("my tasks" queues, reminders)');
  L.push('');
  L.push(`Run ${r.startedAt} — ${r.machine.cpus} cores (${r.machine.cpuModel}), Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}; ${r.machine.uptimeStart} at the start, ${r.machine.uptimeEnd ?? '–'} at the end. Command: \`${r.command}\``);
  if (r.data) {
    L.push(
      `Data: ${r.data.openTasks.toLocaleString('en')} open tasks (${r.data.overdue.toLocaleString('en')} overdue, ${r.data.today.toLocaleString('en')} today, ${r.data.upcoming.toLocaleString('en')} upcoming) over ${r.data.assignees} members, ${r.data.doneTasks.toLocaleString('en')} done, ${r.data.leads.toLocaleString('en')} leads, another workspace with ${r.data.otherWorkspaceTasks.toLocaleString('en')} tasks; seeded in ${r.data.seedSeconds} s.`,
    );
  }
  if (r.error) L.push(`\nError: ${r.error}`);
  if (r.queues.length) {
    L.push('');
    L.push('| Scenario | Target p95 | Items | p50 | p95 | p99 | req/s | p50, 1 by 1 | p95, 1 by 1 | SQL p50 / p95 | Index (EXPLAIN) | Exec ms |');
    L.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const q of r.queues) {
      const s = q.stats;
      const mark = q.meetsTarget === null ? '' : q.meetsTarget ? ' ✅' : ' ❌';
      const ix = q.explain ? `${q.explain.indexes.join(', ') || 'none'}${q.explain.usesIntended ? ' ✅' : ` ❌ (want ${q.explain.intended})`}` : '–';
      L.push(
        `| ${q.name} | ${q.targetP95Ms ? `≤ ${q.targetP95Ms} ms` : '–'} | ${q.itemsPerPage ?? '–'} | ${s ? fmtMs(s.p50) : '–'} | ${s ? fmtMs(s.p95) + mark : q.error ?? '–'} | ${s ? fmtMs(s.p99) : '–'} | ${s?.throughput ?? '–'} | ${q.sequential ? fmtMs(q.sequential.p50) : '–'} | ${q.sequential ? fmtMs(q.sequential.p95) : '–'} | ${q.sql ? `${fmtMs(q.sql.p50)} / ${fmtMs(q.sql.p95)}` : '–'} | ${ix} | ${q.explain?.executionMs ?? '–'} |`,
      );
    }
  }
  const m = r.reminders;
  if (m) {
    L.push('');
    L.push(`Reminders: ${m.reminders.toLocaleString('en')} due at ${m.dueAt} over ${m.agents} agents (queued in ${m.queuedSeconds} s through the tasks service's schedule()).`);
    L.push('');
    L.push('| Target | Delivered (rows) | Heard on the bus | WebSocket pushes | After the due moment: first / p50 / p95 / p99 / last | All rows stored | Notifications/s | Jobs | Server CPU s | Checks |');
    L.push('|---|---|---|---|---|---|---|---|---|---|');
    const a = m.afterDueSeconds;
    L.push(
      `| ≤ ${m.targetSeconds} s | ${m.rows.toLocaleString('en')} | ${m.heardOnBus.toLocaleString('en')} | ${m.webSocket.received.toLocaleString('en')} / ${m.webSocket.expected.toLocaleString('en')} (${m.webSocket.users} users) | ${a ? `${a.first} / ${a.p50} / ${a.p95} / ${a.p99} / ${a.last} s${m.meetsTarget ? ' ✅' : ' ❌'}` : '–'} | ${m.rowsCompleteSeconds ?? '–'} s | ${m.perSecond ?? '–'} | ${Object.entries(m.jobs).map(([k, v]) => `${k} ${v}`).join(', ')} | ${m.serverCpuSeconds ?? '–'} | ${m.checks.ok ? 'one each ✅' : `❌ ${m.checks.problems.join('; ')}`} |`,
    );
  }
  L.push('');
  L.push(`Server RSS ${r.server.rssStartMb} → ${r.server.rssEndMb} MB.`);
  L.push('');
  if (r.server.profile) L.push(...profileMarkdown(r.server.profile), '');
  return L.join('\n');
}

export function tasksOptionsFrom(argv: string[]): TasksOptions {
  const args = parseSetArgs(argv, 'tasks', {
    flags: ['tasks-skip-queues', 'tasks-skip-reminders', 'tasks-cpu-prof'],
    values: ['tasks-database-url', 'tasks-open', 'tasks-done', 'tasks-agents', 'tasks-requests', 'tasks-concurrency', 'tasks-reminders', 'tasks-reminder-lead-seconds', 'tasks-ws-users'],
  });
  return {
    ...TASKS_DEFAULTS,
    databaseUrl: args.string('tasks-database-url', TASKS_DEFAULTS.databaseUrl),
    open: args.number('tasks-open', TASKS_DEFAULTS.open),
    done: args.number('tasks-done', TASKS_DEFAULTS.done),
    agents: args.number('tasks-agents', TASKS_DEFAULTS.agents),
    requests: args.number('tasks-requests', TASKS_DEFAULTS.requests),
    concurrency: args.number('tasks-concurrency', TASKS_DEFAULTS.concurrency),
    reminders: args.number('tasks-reminders', TASKS_DEFAULTS.reminders),
    reminderLeadSeconds: args.number('tasks-reminder-lead-seconds', TASKS_DEFAULTS.reminderLeadSeconds),
    wsUsers: args.number('tasks-ws-users', TASKS_DEFAULTS.wsUsers),
    skipQueues: args.flag('tasks-skip-queues'),
    skipReminders: args.flag('tasks-skip-reminders'),
    cpuProf: args.flag('tasks-cpu-prof'),
    quietLoad: args.number('quiet-load', TASKS_DEFAULTS.quietLoad),
    quietWaitMinutes: args.number('quiet-wait-minutes', TASKS_DEFAULTS.quietWaitMinutes),
  };
}

/** Runs the tasks set alone and writes bench/results/<timestamp>-tasks.json and .md. Exit 1 on an error, a failed check or a wrong index. */
export async function runTasksCli(argv: string[], command: string): Promise<number> {
  const report = await runTasksBench(tasksOptionsFrom(argv), command);
  saveResults('tasks', report, tasksMarkdown(report));
  const failed = report.error || report.queues.some((q) => q.error || (q.explain && !q.explain.usesIntended)) || (report.reminders && !report.reminders.checks.ok);
  return failed ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const argv = process.argv.slice(2);
  runTasksCli(argv, `node --import tsx bench/tasks.ts ${argv.join(' ')}`.trim()).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
}
