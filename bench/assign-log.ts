/**
 * The assignment log (ADR 030) on a workspace with a long history: 1,000,000 assignment records over 50 agents and
 * 10 rules spread over the last 365 days (and another workspace's 100,000, which no request may read), seeded in SQL.
 * The real server (main.ts, PostgreSQL database `leadflow_bench_assign_log`) answers over HTTP:
 *
 *   - `GET /api/v1/distribution/assignments` — the History tab's first page (50 records and the per-recipient
 *     counts of the whole filter) unfiltered, for one day, for one agent, for one rule over a week; a page deep in
 *     the log (a cursor 100 pages in, no counts); an agent's own log (records to or from them);
 *   - `GET /api/v1/distribution/assignments/export` — a month of records as CSV: rows/s and the time to the last byte.
 *
 * p50/p95/p99 at 4 in flight. Beside each, which indexes of `assignments` the server used while answering
 * (`pg_stat_user_indexes.idx_scan` before and after), and a check that every page held what it should.
 *
 * Runs: `npm run bench -- --only assign-log` or `node --import tsx bench/assign-log.ts [--log-records N]
 * [--log-requests N] [--log-database-url URL]`. The database is dropped and created afresh each run. All traffic stays
 * on loopback; every loop is bounded.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseSetArgs } from './lib/args.ts';
import { saveResults } from './lib/results.ts';
import { describeFailure, type ApiClient } from './lib/http.ts';
import { insertMembers, setUpInstallation, signIn } from './lib/team.ts';
import { AGENT_NAMES } from './lib/dataset.ts';
import { recreateDatabase, rssMb, startServerProcess, stopServerProcess, type ServerProcess } from './lib/server-process.ts';
import { fmtMs, round, runLoad, type LatencyStats } from './lib/stats.ts';

export const LOG_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/leadflow_bench_assign_log';
const OWNER = { name: 'Bench Owner', email: 'bench-owner@example.com', password: 'bench password 0123' };
const MEMBER_PASSWORD = 'bench member password 0123';
const AGENTS = 50;
const RULES = 10;

export type LogOptions = { databaseUrl: string; records: number; otherRecords: number; leads: number; requests: number; concurrency: number; maxSeconds: number };

export const LOG_DEFAULTS: LogOptions = {
  databaseUrl: LOG_DATABASE_URL,
  records: 1_000_000,
  otherRecords: 100_000,
  leads: 200_000,
  requests: 200,
  concurrency: 4,
  maxSeconds: 60,
};

type Check = (body: LogPage) => string | null;
type LogPage = { items: { to: { id: string } | null; from: { id: string } | null; ruleId: string | null; reason: string; at: string }[]; nextCursor: string | null; summary: { total: number } | null };

export type LogResult = { name: string; request: string; stats: LatencyStats | null; indexes: string[]; items: number | null; total: number | null; error?: string };
export type ExportResult = { request: string; rows: number; bytes: number; seconds: number; rowsPerSecond: number; serverRssMb: number | null; error?: string };

export type LogReport = {
  startedAt: string;
  command: string;
  machine: { cpus: number; cpuModel: string; node: string; postgres: string; loadAvgStart: number };
  options: LogOptions;
  data: { records: number; otherRecords: number; leads: number; seedSeconds: number } | null;
  pages: LogResult[];
  export: ExportResult | null;
  server: { rssStartMb: number | null; rssEndMb: number | null };
  error?: string;
};

/** The owner through the set-up API, a second workspace, 50 agents through the app's repositories, 10 rules through the API. */
async function setUp(base: string, databaseUrl: string): Promise<{ owner: ApiClient; workspaceId: string; otherWorkspaceId: string; ownerId: string; agents: { id: string; email: string }[]; rules: string[] }> {
  const { owner, workspaceId, ownerId, otherWorkspaceId } = await setUpInstallation(base, OWNER, 'Log Bench');
  // UTC, so the days of the filters are the dates of the records' ISO instants.
  const zoned = await owner.request('PATCH', '/api/v1/workspace', { body: { timeZone: 'UTC' } });
  if (zoned.status !== 200) throw new Error(`Setting the time zone failed: ${describeFailure(zoned)}`);
  const emails = Array.from({ length: AGENTS }, (_, k) => `log-agent${String(k + 1).padStart(2, '0')}@example.com`);
  const userIds = await insertMembers(
    databaseUrl,
    { workspaceId, ownerId },
    emails.map((email, k) => ({ email, name: `${AGENT_NAMES[k % AGENT_NAMES.length]!} ${k + 1}`, role: 'agent' as const })),
    MEMBER_PASSWORD,
  );
  const agents = emails.map((email, k) => ({ id: userIds[k]!, email }));
  const rules: string[] = [];
  for (let r = 0; r < RULES; r++) {
    const group = agents.slice((r * 5) % AGENTS, ((r * 5) % AGENTS) + 5);
    const res = await owner.post('/api/v1/distribution/rules', {
      name: `Campaign ${r}`,
      priority: 10 * (r + 1),
      conditions: r === RULES - 1 ? [] : [{ field: 'campaign', op: 'eq', value: `Campaign ${r}` }],
      strategy: 'round_robin',
      members: group.map((a) => ({ userId: a.id })),
    });
    if (res.status !== 201) throw new Error(`Creating rule ${r} failed: ${describeFailure(res)}`);
    rules.push((JSON.parse(res.body) as { id: string }).id);
  }
  return { owner, workspaceId, otherWorkspaceId, ownerId, agents, rules };
}

/**
 * Leads, then records in SQL: each record gives one of the leads to an agent by a rule (80%), a claim (5%), an SLA
 * reassignment from another agent (5%) or a manager's change (10%), at an instant spread over the last 365 days.
 */
async function seed(db: pg.Client, o: LogOptions, ids: { workspaceId: string; otherWorkspaceId: string; ownerId: string; agents: string[]; rules: string[] }): Promise<number> {
  const t0 = performance.now();
  await db.query(
    `INSERT INTO leads (workspace_id, first_name, last_name, created_at, updated_at)
     SELECT ws, (ARRAY['Maria','João','Ana','Pedro','Lucas','Julia','Emma','Olivia','Liam','Noah'])[1 + g % 10], 'Lead ' || g, now(), now()
       FROM generate_series(1, $3::int) g, unnest(ARRAY[$1::uuid, $2::uuid]) ws`,
    [ids.workspaceId, ids.otherWorkspaceId, o.leads],
  );
  // With the counts trigger (ADR 022) on: it runs once per statement and fills `assignment_counts`, which the log's
  // summary sums, as in a real database.
  const insert = `
    WITH lead_ids AS (SELECT array_agg(id) AS a FROM leads WHERE workspace_id = $1)
    INSERT INTO assignments (workspace_id, lead_id, to_user_id, from_user_id, rule_id, strategy, by_user_id, reason, at)
    SELECT $1, lead_ids.a[1 + h % array_length(lead_ids.a, 1)], ($2::uuid[])[1 + h % n],
           CASE WHEN kind IN ('sla', 'manual') THEN ($2::uuid[])[1 + (h / 7) % n] END,
           CASE WHEN kind IN ('rule', 'sla', 'claim') THEN ($3::uuid[])[1 + (h / 3) % array_length($3::uuid[], 1)] END,
           CASE WHEN kind IN ('rule', 'sla') THEN 'round_robin' WHEN kind = 'claim' THEN 'first_to_claim' END,
           CASE WHEN kind = 'manual' THEN $4::uuid END,
           kind,
           now() - (g::double precision / $5::int) * interval '365 days'
      FROM generate_series(1, $5::int) g
     CROSS JOIN lead_ids
     CROSS JOIN LATERAL (SELECT hashint4(g) & 2147483647 AS h, array_length($2::uuid[], 1) AS n) x
     CROSS JOIN LATERAL (SELECT CASE WHEN h % 20 = 0 THEN 'claim' WHEN h % 20 = 1 THEN 'sla' WHEN h % 10 = 2 THEN 'manual' ELSE 'rule' END AS kind) k`;
  await db.query(insert, [ids.workspaceId, ids.agents, ids.rules, ids.ownerId, o.records]);
  await db.query(insert, [ids.otherWorkspaceId, [ids.ownerId], [], ids.ownerId, o.otherRecords]);
  await db.query('VACUUM ANALYZE assignment_counts');
  await db.query('VACUUM ANALYZE leads');
  await db.query('VACUUM ANALYZE assignments');
  return round((performance.now() - t0) / 1000, 1);
}

/**
 * Index scans of `assignments` so far. A backend reports its statistics at most once a second, so first wait for the
 * previous request's to arrive.
 */
async function indexScans(db: pg.Client): Promise<Map<string, number>> {
  await new Promise((r) => setTimeout(r, 1500));
  await db.query('SELECT pg_stat_clear_snapshot()');
  const r = await db.query<{ indexrelname: string; idx_scan: string }>(`SELECT indexrelname, idx_scan FROM pg_stat_user_indexes WHERE relname = 'assignments'`);
  return new Map(r.rows.map((row) => [row.indexrelname, Number(row.idx_scan)]));
}

/** The indexes whose scan count grew. */
async function usedIndexes(db: pg.Client, before: Map<string, number>): Promise<string[]> {
  const after = await indexScans(db);
  return [...after].filter(([name, n]) => n > (before.get(name) ?? 0)).map(([name]) => name);
}

export async function runLogBench(o: LogOptions = LOG_DEFAULTS, command = 'npm run bench -- --only assign-log'): Promise<LogReport> {
  const report: LogReport = {
    startedAt: new Date().toISOString(),
    command,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version, postgres: '', loadAvgStart: round(os.loadavg()[0]!) },
    options: o,
    data: null,
    pages: [],
    export: null,
    server: { rssStartMb: null, rssEndMb: null },
  };
  let server: ServerProcess | undefined;
  const db = new pg.Client({ connectionString: o.databaseUrl });
  try {
    console.log(`Assignment log: recreating ${new URL(o.databaseUrl).pathname.slice(1)}`);
    await recreateDatabase(o.databaseUrl);
    server = await startServerProcess(o.databaseUrl, { JOBS_ENABLED: 'false' });
    await db.connect();
    report.machine.postgres = (await db.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
    const ids = await setUp(server.base, o.databaseUrl);
    const agentIds = ids.agents.map((a) => a.id);
    console.log(`Assignment log: seeding ${o.records.toLocaleString('en')} records (+${o.otherRecords.toLocaleString('en')} in another workspace)`);
    const seedSeconds = await seed(db, o, { ...ids, agents: agentIds });
    report.data = { records: o.records, otherRecords: o.otherRecords, leads: o.leads, seedSeconds };
    report.server.rssStartMb = rssMb(server.child.pid);

    const agent = await signIn(server.base, ids.agents[7]!.email, MEMBER_PASSWORD);
    const today = new Date().toISOString().slice(0, 10);
    const weekAgo = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
    // A cursor 100 pages (5,000 records) into the unfiltered log.
    let deep = JSON.parse((await ids.owner.get('/api/v1/distribution/assignments?limit=200')).body) as LogPage;
    for (let k = 1; k < 25 && deep.nextCursor; k++) deep = JSON.parse((await ids.owner.get(`/api/v1/distribution/assignments?limit=200&cursor=${deep.nextCursor}`)).body) as LogPage;

    const within = (from: string, to: string): Check => (b) => (b.items.every((i) => i.at.slice(0, 10) >= from && i.at.slice(0, 10) <= to) ? null : 'a record outside the days');
    const specs: { name: string; client: ApiClient; query: string; check: Check }[] = [
      { name: 'first page, everything', client: ids.owner, query: '', check: (b) => (b.summary?.total === o.records ? null : `total ${b.summary?.total}`) },
      {
        name: 'first page, one reason (counted from the records)',
        client: ids.owner,
        query: 'reason=sla',
        check: (b) => (b.items.every((i) => i.reason === 'sla') ? null : 'a record for another reason'),
      },
      { name: 'first page, today', client: ids.owner, query: `since=${today}&until=${today}`, check: within(today, today) },
      { name: 'first page, one agent', client: ids.owner, query: `userId=${agentIds[3]}`, check: (b) => (b.items.every((i) => i.to?.id === agentIds[3]) ? null : 'a record to someone else') },
      {
        name: 'first page, one rule, last 7 days',
        client: ids.owner,
        query: `ruleId=${ids.rules[2]}&since=${weekAgo}&until=${today}`,
        check: (b) => within(weekAgo, today)(b) ?? (b.items.every((i) => i.ruleId === ids.rules[2]) ? null : 'a record of another rule'),
      },
      { name: 'page 101 (cursor, no counts)', client: ids.owner, query: `cursor=${deep.nextCursor}`, check: (b) => (b.summary === null && b.items.length === 50 ? null : 'not a full page without counts') },
      {
        name: "an agent's own log",
        client: agent.client,
        query: '',
        check: (b) => (b.items.every((i) => i.to?.id === agent.userId || i.from?.id === agent.userId) ? null : "a record not the agent's"),
      },
    ];
    for (const s of specs) {
      const request = `GET /api/v1/distribution/assignments${s.query ? `?${s.query}` : ''}`;
      const result: LogResult = { name: s.name, request, stats: null, indexes: [], items: null, total: null };
      try {
        const sample = await s.client.get(request.slice(4));
        if (sample.status !== 200) throw new Error(describeFailure(sample));
        const body = JSON.parse(sample.body) as LogPage;
        const problem = s.check(body);
        if (problem) throw new Error(`Wrong page: ${problem}`);
        result.items = body.items.length;
        result.total = body.summary?.total ?? null;
        const before = await indexScans(db);
        result.stats = await runLoad(
          async () => {
            const res = await s.client.get(request.slice(4));
            if (res.status !== 200) throw new Error(describeFailure(res));
          },
          { requests: o.requests, warmup: 10, concurrency: o.concurrency, maxSeconds: o.maxSeconds },
        );
        result.indexes = await usedIndexes(db, before);
      } catch (err) {
        result.error = err instanceof Error ? err.message : String(err);
      }
      report.pages.push(result);
      console.log(`  ${s.name}: ${result.error ?? `p50 ${fmtMs(result.stats?.p50)} p95 ${fmtMs(result.stats?.p95)} p99 ${fmtMs(result.stats?.p99)}, indexes ${result.indexes.join(', ') || '—'}`}`);
    }

    const monthAgo = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    const request = `GET /api/v1/distribution/assignments/export?since=${monthAgo}&until=${today}`;
    const t0 = performance.now();
    const res = await ids.owner.request('GET', request.slice(4), { discardBody: true, timeoutMs: 300_000 });
    const seconds = (performance.now() - t0) / 1000;
    const rows = Math.max(0, res.lines - 1);
    report.export = { request, rows, bytes: res.bytes, seconds: round(seconds, 2), rowsPerSecond: Math.round(rows / seconds), serverRssMb: rssMb(server.child.pid) };
    if (res.status !== 200) report.export.error = describeFailure(res);
    console.log(`  export: ${rows.toLocaleString('en')} rows in ${round(seconds, 2)} s`);
    report.server.rssEndMb = rssMb(server.child.pid);
    ids.owner.close();
    agent.client.close();
  } catch (err) {
    report.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  } finally {
    await db.end().catch(() => undefined);
    await stopServerProcess(server);
  }
  return report;
}

export function logMarkdown(r: LogReport): string {
  const lines = [
    `# Assignment log — ${r.startedAt}`,
    '',
    `Command: \`${r.command}\``,
    `Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}, load ${r.machine.loadAvgStart} at start`,
    r.data
      ? `Data: ${r.data.records.toLocaleString('en')} assignment records over ${AGENTS} agents and ${RULES} rules in 365 days, ${r.data.otherRecords.toLocaleString('en')} in another workspace, ${r.data.leads.toLocaleString('en')} leads each (seeded in ${r.data.seedSeconds} s)`
      : 'Data: not seeded',
    '',
    `| Request | Records / total | p50 | p95 | p99 | req/s | Indexes of assignments scanned during the run |`,
    `|---|---|---|---|---|---|---|`,
    ...r.pages.map((p) =>
      p.error
        ? `| ${p.name} | error: ${p.error.slice(0, 200)} | | | | | |`
        : `| ${p.name} | ${p.items ?? '—'} / ${p.total?.toLocaleString('en') ?? '—'} | ${fmtMs(p.stats?.p50)} | ${fmtMs(p.stats?.p95)} | ${fmtMs(p.stats?.p99)} | ${round(p.stats?.throughput ?? 0, 1)} | ${p.indexes.join(', ') || '—'} |`,
    ),
    '',
    `${r.options.requests} requests each, ${r.options.concurrency} in flight, after 10 not measured.`,
    r.export
      ? `Export: \`${r.export.request}\` — ${r.export.rows.toLocaleString('en')} rows, ${(r.export.bytes / 1e6).toFixed(1)} MB in ${r.export.seconds} s (${r.export.rowsPerSecond.toLocaleString('en')} rows/s), server RSS after ${r.export.serverRssMb ?? '—'} MB${r.export.error ? `; error: ${r.export.error}` : ''}`
      : '',
    `Server RSS: ${r.server.rssStartMb ?? '—'} MB after seeding, ${r.server.rssEndMb ?? '—'} MB at the end.`,
  ];
  if (r.error) lines.push('', `Error: ${r.error}`);
  return `${lines.join('\n')}\n`;
}

export function logOptionsFrom(argv: string[]): LogOptions {
  const args = parseSetArgs(argv, 'log', { flags: [], values: ['log-records', 'log-requests', 'log-database-url'] });
  return {
    ...LOG_DEFAULTS,
    databaseUrl: args.optional('log-database-url') ?? LOG_DEFAULTS.databaseUrl,
    records: args.number('log-records', LOG_DEFAULTS.records),
    requests: args.number('log-requests', LOG_DEFAULTS.requests),
  };
}

/** Runs the set alone and writes bench/results/<timestamp>-assign-log.json and .md. Exit 1 on an error or a wrong page. */
export async function runLogCli(argv: string[], command: string): Promise<number> {
  const report = await runLogBench(logOptionsFrom(argv), command);
  saveResults('assign-log', report, logMarkdown(report));
  return report.error || report.pages.some((p) => p.error) || report.export?.error ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const argv = process.argv.slice(2);
  runLogCli(argv, `node --import tsx bench/assign-log.ts ${argv.join(' ')}`.trim()).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
}
