/**
 * `npm run bench`: ensures the bench database is generated, starts the real server on it, signs in as the
 * workspace owner and runs the load scenarios over HTTP on loopback, each beside the same SQL run directly.
 * Then runs the list and search SQL on PGlite. Results: bench/results/<timestamp>.json and .md.
 * See bench/README.md for the options.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DEFAULTS, GENERATOR_VERSION, generate, readGenerationInfo, type GenerationInfo } from './generate.ts';
import { parseArgs } from './lib/args.ts';
import { assignMarkdown, runAssignBench, runAssignCli, assignOptionsFrom, type AssignReport } from './assign.ts';
import { boardMarkdown, boardOptionsFrom, runBoardBench, runBoardCli, type BoardReport } from './board.ts';
import { runLogCli } from './assign-log.ts';
import { runTasksBench, runTasksCli, tasksMarkdown, tasksOptionsFrom, type TasksReport } from './tasks.ts';
import { importMarkdown, importOptionsFrom, runImportBench, runImportCli, type ImportReport } from './import.ts';
import { ingestMarkdown, ingestOptionsFrom, runIngestBench, runIngestCli, type IngestReport } from './ingest.ts';
import { ApiClient, describeFailure, isMissingRoute, isShadowedByIdRoute, type HttpResult } from './lib/http.ts';
import { explainScenario, loadSql, type ExplainResult } from './lib/measure.ts';
import { profileMarkdown, summarizeProfile, type ProfileSummary } from './lib/profile.ts';
import {
  BULK_ASSIGN_BY_IDS_SQL,
  BULK_ASSIGN_BY_RANGE_SQL,
  EXPORT_BATCH,
  exportBatchStatement,
  loadFixtures,
  readScenarios,
  type Fixtures,
  type ReadScenario,
} from './lib/reference.ts';
import { DEFAULT_DATABASE_URL, assertBenchDatabaseName, databaseExists, pgConn, type SqlConn } from './lib/sql.ts';
import { fmtMs, round, runLoad, type LatencyStats, type LoadOptions } from './lib/stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const PROFILE_DIR = path.join(RESULTS_DIR, 'profiles', String(process.pid));

const args = parseArgs(process.argv.slice(2), {
  flags: ['regenerate', 'skip-pglite', 'skip-api', 'cpu-prof', 'skip-ingest', 'ingest-cpu-prof', 'skip-board', 'skip-assign', 'assign-cpu-prof', 'skip-tasks', 'tasks-skip-queues', 'tasks-skip-reminders', 'tasks-cpu-prof', 'skip-import', 'import-cpu-prof'],
  values: [
    'database-url',
    'leads',
    'small-workspaces',
    'small-leads',
    'requests',
    'warmup',
    'concurrency',
    'max-seconds',
    'bulk-rows',
    'bulk-runs',
    'export-rows',
    'export-runs',
    'pglite-dir',
    'pglite-leads',
    'pglite-requests',
    'max-minutes',
    'only',
    'quiet-load',
    'quiet-wait-minutes',
    // The ingest set (bench/ingest.ts; README "Ingest").
    'ingest-database-url',
    'ingest-leads',
    'ingest-rate',
    'ingest-seconds',
    'ingest-concurrency',
    'ingest-duplicates',
    // The board set (bench/board.ts; README "Board").
    'board-database-url',
    'board-leads',
    'board-requests',
    'board-concurrency',
    // The assignment set (bench/assign.ts; README "Assignment").
    'assign-database-url',
    'assign-agents',
    'assign-leads',
    'assign-rate',
    'assign-seconds',
    'assign-concurrency',
    'assign-pin-server',
    // The import set (bench/import.ts; README "Import").
    'import-database-url',
    'import-rows',
    'import-pglite-rows',
    'import-runs',
    'import-assignment',
    // The tasks set (bench/tasks.ts; README "Tasks").
    'tasks-database-url',
    'tasks-open',
    'tasks-done',
    'tasks-agents',
    'tasks-requests',
    'tasks-concurrency',
    'tasks-reminders',
    'tasks-reminder-lead-seconds',
    'tasks-ws-users',
    // The assignment log set (bench/assign-log.ts; README "Assignment log").
    'log-database-url',
    'log-records',
    'log-requests',
  ],
});

const opts = {
  databaseUrl: args.string('database-url', DEFAULT_DATABASE_URL),
  leads: args.number('leads', DEFAULTS.leads),
  smallWorkspaces: args.number('small-workspaces', DEFAULTS.smallWorkspaces),
  smallLeads: args.number('small-leads', DEFAULTS.smallLeads),
  requests: args.number('requests', 500),
  warmup: args.number('warmup', 50),
  concurrency: args.number('concurrency', 4),
  maxSeconds: args.number('max-seconds', 60),
  bulkRows: args.number('bulk-rows', 10_000),
  bulkRuns: args.number('bulk-runs', 3),
  exportRows: args.number('export-rows', 100_000),
  exportRuns: args.number('export-runs', 2),
  pgliteDir: path.resolve(args.string('pglite-dir', path.join(RESULTS_DIR, 'pglite'))),
  pgliteLeads: args.number('pglite-leads', DEFAULTS.pgliteLeads),
  pgliteRequests: args.number('pglite-requests', 200),
  maxMinutes: args.number('max-minutes', 60),
  only: args.optional('only')?.toLowerCase(),
  /** Before measuring, wait (at most quietWaitMinutes) for the 1-minute load average to drop below quietLoad. */
  quietLoad: args.number('quiet-load', 1.5),
  quietWaitMinutes: args.number('quiet-wait-minutes', 0),
  regenerate: args.flag('regenerate'),
  skipPglite: args.flag('skip-pglite'),
  skipApi: args.flag('skip-api'),
  /** Run the server under --cpu-prof and summarize where its CPU time went (best with --only). */
  cpuProf: args.flag('cpu-prof'),
};
const load: LoadOptions = { requests: opts.requests, warmup: opts.warmup, concurrency: opts.concurrency, maxSeconds: opts.maxSeconds };
const SEQUENTIAL: LoadOptions = { requests: Math.min(opts.requests, 100), warmup: Math.min(opts.warmup, 10), concurrency: 1, maxSeconds: Math.min(opts.maxSeconds, 30) };

type ReadResult = {
  name: string;
  group: string;
  description: string;
  targetP95Ms: number | null;
  api: { status: 'ok' | 'skipped' | 'error'; reason?: string; example?: string; stats?: LatencyStats; sequential?: LatencyStats };
  sql: { concurrent: LatencyStats | null; sequential: LatencyStats | null; explain: ExplainResult | null };
  /** API p50 over SQL p50 at the same concurrency, and one at a time. */
  apiOverSqlP50: number | null;
  apiOverSqlP50Sequential: number | null;
  meetsTarget: boolean | null;
};
type RunResult = { run: number; ms: number; status: number | null; affected?: number | null; error?: string; rows?: number; bytes?: number; firstByteMs?: number; rss?: RssReport };
type RssReport = { startMb: number; peakMb: number; endMb: number; samples: number };
type WriteResult = {
  name: string;
  description: string;
  targetMs: number;
  api: { status: 'ok' | 'skipped' | 'error'; reason?: string; runs: RunResult[] };
  sql: { runs: RunResult[]; explain?: string[] };
  meetsTarget: boolean | null;
};

let server: ChildProcess | undefined;
let serverExit: string | null = null;
/** How long the last server took from spawn to ready: the start-up part of a CPU profile. */
let serverStartupMs = 0;
const serverLog: string[] = [];
const serverAlive = () => Boolean(server && server.exitCode === null && server.signalCode === null);

function failedRead(s: ReadScenario, message: string): ReadResult {
  return {
    name: s.name,
    group: s.group,
    description: s.description,
    targetP95Ms: s.targetP95Ms ?? null,
    api: { status: 'error', reason: message },
    sql: { concurrent: null, sequential: null, explain: null },
    apiOverSqlP50: null,
    apiOverSqlP50Sequential: null,
    meetsTarget: null,
  };
}

function failedWrite(name: string, targetMs: number, message: string): WriteResult {
  return { name, description: '', targetMs, api: { status: 'error', reason: message, runs: [] }, sql: { runs: [] }, meetsTarget: null };
}

async function main(): Promise<void> {
  // `--only ingest`: the ingest set alone, on its own database (no lead data set needed).
  if (opts.only === 'ingest') process.exit(await runIngestCli(process.argv.slice(2), `npm run bench -- ${process.argv.slice(2).join(' ')}`));
  // `--only board`: the board set alone, on its own small database (5,000 open leads; no 1M data set needed).
  if (opts.only === 'board') process.exit(await runBoardCli(process.argv.slice(2), `npm run bench -- ${process.argv.slice(2).join(' ')}`));
  // `--only assign`: lead distribution on top of ingest (50 agents, 10 rules), on its own database.
  if (opts.only === 'assign') process.exit(await runAssignCli(process.argv.slice(2), `npm run bench -- ${process.argv.slice(2).join(' ')}`));
  // `--only tasks`: "my tasks" queues on 100,000 open tasks and 10,000 reminders in one minute, on its own database.
  if (opts.only === 'tasks') process.exit(await runTasksCli(process.argv.slice(2), `npm run bench -- ${process.argv.slice(2).join(' ')}`));
  // `--only assign-log`: the assignment log's pages and CSV export on 1,000,000 records, on its own database.
  if (opts.only === 'assign-log') process.exit(await runLogCli(process.argv.slice(2), `npm run bench -- ${process.argv.slice(2).join(' ')}`));
  // `--only import`: a 100,000-row CSV in update-or-create mode on PostgreSQL, then 20,000 rows on PGlite.
  if (opts.only === 'import') process.exit(await runImportCli(process.argv.slice(2), `npm run bench -- ${process.argv.slice(2).join(' ')}`));
  const started = new Date();
  const hardStop = setTimeout(() => {
    console.error(`\nbench: --max-minutes ${opts.maxMinutes} reached, stopping.`);
    void stopServer().finally(() => process.exit(2));
  }, opts.maxMinutes * 60_000);
  process.once('SIGINT', () => void stopServer().finally(() => process.exit(130)));

  assertBenchDatabaseName(opts.databaseUrl);
  const info = await ensureGenerated();
  const conn = await pgConn(opts.databaseUrl);
  const fixtures = await loadFixtures(conn, info, Math.min(opts.exportRows, Math.floor(info.leads / 2)));
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.concurrency });
  const poolConn: SqlConn = {
    query: async (text, params) => {
      const r = await pool.query(text, params as unknown[]);
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    },
    exec: async (text) => void (await pool.query(text)),
  };

  const results = {
    startedAt: started.toISOString(),
    finishedAt: '',
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? '',
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      postgres: '',
      /** 1-minute load average before and after: other work on the machine skews the figures. */
      loadAvgStart: round(os.loadavg()[0]!, 2),
      loadAvgEnd: null as number | null,
    },
    options: opts,
    data: {
      leadsInBigWorkspace: info.leads,
      smallWorkspaces: `${info.smallWorkspaces} × ${info.smallLeads}`,
      totalLeads: info.totalLeads,
      activities: info.activities,
      generatedAt: info.completedAt,
      generationMs: info.timingsMs,
      sizes: info.sizes,
    },
    server: { entry: '', note: null as string | null, events: [] as string[], profiles: [] as ProfileSummary[], rssStartMb: null as number | null, rssEndMb: null as number | null, log: [] as string[] },
    reads: [] as ReadResult[],
    writes: [] as WriteResult[],
    exports: null as WriteResult | null,
    pglite: null as unknown,
  };
  results.machine.postgres = (await conn.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '';

  try {
    const scenarios = readScenarios(fixtures).filter((s) => !opts.only || s.name.toLowerCase().includes(opts.only));
    await waitForQuiet();
    results.machine.loadAvgStart = round(os.loadavg()[0]!, 2);
    let client: ApiClient | undefined;
    const connect = async () => {
      client?.close();
      client = new ApiClient(await startServer());
      await signIn(client, info);
    };
    if (!opts.skipApi) {
      await connect();
      results.server.rssStartMb = rssMb(server!.pid!);
    }
    // One scenario's failure is recorded and the run goes on; a server that died is restarted (at most twice).
    let restarts = 0;
    const guarded = async <T>(name: string, work: () => Promise<T>, onError: (message: string) => T): Promise<T> => {
      try {
        return await work();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        console.log(`\n${name}: ${message}`);
        if (!opts.skipApi && !serverAlive() && restarts < 2) {
          restarts++;
          results.server.events.push(`${new Date().toISOString()} server gone during "${name}" (${serverExit ?? 'unknown'}); restarted`);
          await connect();
        }
        return onError(message);
      }
    };
    for (const s of scenarios) {
      results.reads.push(await guarded(s.name, () => runRead(s, client, poolConn, conn), (m) => failedRead(s, m)));
    }
    if (!opts.only || 'bulk assign'.includes(opts.only)) {
      for (const kind of ['ids', 'range'] as const) {
        results.writes.push(await guarded(`bulk ${kind}`, () => runBulk(kind, client, conn, fixtures, info), (m) => failedWrite(`bulk assign: ${kind}`, 2000, m)));
      }
    }
    if (!opts.only || 'export'.includes(opts.only)) {
      results.exports = await guarded('export', () => runExport(client, conn, fixtures), (m) => failedWrite('export csv', 5000, m));
    }
    if (server?.pid) results.server.rssEndMb = rssMb(server.pid);
  } finally {
    await stopServer();
    await pool.end();
    await conn.end();
    results.server.log = serverLog.slice(-30);
    results.server.entry = serverEntry;
    results.server.note = serverNote;
    if (opts.cpuProf && fs.existsSync(PROFILE_DIR)) {
      const files = fs.readdirSync(PROFILE_DIR).filter((f) => f.endsWith('.cpuprofile'));
      // The main thread's profile (the largest file; the other is tsx's loader thread), without the start-up.
      const main = files.map((f) => path.join(PROFILE_DIR, f)).sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
      if (main) results.server.profiles = [summarizeProfile(main, serverStartupMs)];
    }
  }

  if (!opts.skipPglite) results.pglite = await runPgliteChild();
  const ingest: IngestReport | null = opts.only || args.flag('skip-ingest') ? null : await runIngestBench(ingestOptionsFrom(process.argv.slice(2)), results.command);
  const boardSet: BoardReport | null = opts.only || args.flag('skip-board') ? null : await runBoardBench(boardOptionsFrom(process.argv.slice(2)), results.command);
  const assignSet: AssignReport | null = opts.only || args.flag('skip-assign') ? null : await runAssignBench(assignOptionsFrom(process.argv.slice(2)), results.command);
  const tasksSet: TasksReport | null = opts.only || args.flag('skip-tasks') ? null : await runTasksBench(tasksOptionsFrom(process.argv.slice(2)), results.command);
  const importSet: ImportReport | null = opts.only || args.flag('skip-import') ? null : await runImportBench(importOptionsFrom(process.argv.slice(2)), results.command);
  clearTimeout(hardStop);
  results.finishedAt = new Date().toISOString();
  results.machine.loadAvgEnd = round(os.loadavg()[0]!, 2);

  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const md = markdown(results) + (ingest ? `\n${ingestMarkdown(ingest)}` : '') + (boardSet ? `\n${boardMarkdown(boardSet)}` : '') + (assignSet ? `\n${assignMarkdown(assignSet)}` : '') + (tasksSet ? `\n${tasksMarkdown(tasksSet)}` : '') + (importSet ? `\n${importMarkdown(importSet)}` : '');
  fs.writeFileSync(path.join(RESULTS_DIR, `${stamp}.json`), JSON.stringify({ ...results, ingest, board: boardSet, assign: assignSet, tasks: tasksSet, import: importSet }, null, 2));
  fs.writeFileSync(path.join(RESULTS_DIR, `${stamp}.md`), md);
  console.log(`\n${md}`);
  console.log(`Results: bench/results/${stamp}.json (and .md)`);
}

// ---------------------------------------------------------------------------------------------------------------
// Data

async function ensureGenerated(): Promise<GenerationInfo> {
  let info: GenerationInfo | null = null;
  if (await databaseExists(opts.databaseUrl)) {
    const c = await pgConn(opts.databaseUrl);
    try {
      info = await readGenerationInfo(c);
    } finally {
      await c.end();
    }
  }
  const wanted = { generatorVersion: GENERATOR_VERSION, engine: 'postgres', leads: opts.leads, smallWorkspaces: opts.smallWorkspaces, smallLeads: opts.smallLeads };
  const same = info && Object.entries(wanted).every(([k, v]) => info[k as keyof GenerationInfo] === v);
  if (info && same && !opts.regenerate) {
    console.log(`Bench database ${opts.databaseUrl} has ${info.totalLeads.toLocaleString('en')} leads (generated ${info.completedAt}): reusing it.`);
    return info;
  }
  console.log(info ? `Bench database differs from the requested size (or --regenerate): generating afresh.` : 'No generated bench database: generating.');
  return generate({
    databaseUrl: opts.databaseUrl,
    leads: opts.leads,
    smallWorkspaces: opts.smallWorkspaces,
    smallLeads: opts.smallLeads,
    agents: DEFAULTS.agents,
    timelineLeads: DEFAULTS.timelineLeads,
    timelineActivities: DEFAULTS.timelineActivities,
    fresh: true,
    maxMinutes: DEFAULTS.maxMinutes,
  });
}

/** Other work on a 2-core machine skews every figure: optionally wait (bounded) for it to calm down. */
async function waitForQuiet(): Promise<void> {
  if (opts.quietWaitMinutes <= 0) return;
  const until = Date.now() + opts.quietWaitMinutes * 60_000;
  let said = false;
  while (os.loadavg()[0]! > opts.quietLoad && Date.now() < until) {
    if (!said) console.log(`Load average ${os.loadavg()[0]!.toFixed(2)} > ${opts.quietLoad}: waiting up to ${opts.quietWaitMinutes} min for a quieter machine`);
    said = true;
    await new Promise((r) => setTimeout(r, 5000));
  }
  if (said) console.log(`Load average now ${os.loadavg()[0]!.toFixed(2)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Server

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const MAIN_ENTRY = 'apps/server/src/main.ts';
const FALLBACK_ENTRY = 'bench/server.ts';
let serverEntry = MAIN_ENTRY;
let serverNote: string | null = null;

/** The real server (main.ts); if it cannot start, the same app through bench/server.ts, and the report says why. */
async function startServer(): Promise<string> {
  try {
    // On a database just generated, pg-boss creates its queues at the first start, in parallel (platform/jobs
    // activate): that can end in "deadlock detected". A second start finds the queues and goes through.
    for (let attempt = 1; ; attempt++) {
      try {
        return await startServerWith(MAIN_ENTRY);
      } catch (err) {
        if (attempt >= 3 || !/deadlock detected/.test(err instanceof Error ? err.message : String(err))) throw err;
        console.log(`Server start ${attempt} ended in a deadlock (pg-boss creating its queues): starting again`);
      }
    }
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n').filter((l) => l && !/Deprecation|trace-warnings/.test(l)).slice(-2).join(' / ');
    serverNote = `${MAIN_ENTRY} did not start (${reason}); measured the same app started by ${FALLBACK_ENTRY} (web app not served)`;
    console.log(`WARNING: ${serverNote}`);
    serverEntry = FALLBACK_ENTRY;
    return startServerWith(FALLBACK_ENTRY);
  }
}

async function startServerWith(entry: string): Promise<string> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const profileArgs = opts.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profileArgs, '--import', 'tsx', entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: opts.databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: base,
      JOBS_ENABLED: 'false',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = child;
  serverExit = null;
  child.once('exit', (code, signal) => {
    serverExit = `exit code ${code}, signal ${signal}`;
    serverLog.push(`[bench] server pid ${child.pid} ended: ${serverExit}`);
  });
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) serverLog.push(line.slice(0, 500));
    if (serverLog.length > 200) serverLog.splice(0, serverLog.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const spawnedAt = performance.now();
  const deadline = Date.now() + 90_000;
  const probe = new ApiClient(base);
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        server = undefined;
        throw new Error(`The server exited (${child.exitCode}):\n${serverLog.slice(-20).join('\n')}`);
      }
      const res = await probe.get('/readyz', { timeoutMs: 2000 }).catch(() => null);
      if (res?.status === 200) {
        serverStartupMs = performance.now() - spawnedAt;
        console.log(`Server (pid ${child.pid}) ready at ${base}`);
        return base;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    probe.close();
  }
  throw new Error(`The server did not become ready within 90 s:\n${serverLog.slice(-20).join('\n')}`);
}

async function stopServer(): Promise<void> {
  const child = server;
  server = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? round(Number(m[1]) / 1024, 1) : null;
  } catch {
    return null;
  }
}

async function signIn(client: ApiClient, info: GenerationInfo): Promise<void> {
  await client.get('/api/v1/me'); // sets the lf_csrf cookie, as a first page load does
  const login = await client.post('/api/v1/auth/login', { email: info.ownerEmail, password: info.password });
  if (login.status !== 200) throw new Error(`Sign-in failed: ${describeFailure(login)}`);
  const me = await client.get('/api/v1/me');
  const body = JSON.parse(me.body) as { currentWorkspaceId?: string };
  if (body.currentWorkspaceId !== info.bigWorkspaceId) throw new Error(`Signed in, but the current workspace is ${body.currentWorkspaceId}`);
  client.workspaceId = info.bigWorkspaceId;
  console.log(`Signed in as ${info.ownerEmail}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios

async function probe(client: ApiClient, urls: string[]): Promise<{ ok: true } | { ok: false; status: 'skipped' | 'error'; reason: string }> {
  for (const url of urls) {
    const res = await client.get(url);
    if (isMissingRoute(res)) return { ok: false, status: 'skipped', reason: `skipped: route not available (GET ${url.split('?')[0]})` };
    if (res.status !== 200) return { ok: false, status: 'error', reason: describeFailure(res) };
  }
  return { ok: true };
}

async function runRead(s: ReadScenario, client: ApiClient | undefined, pool: SqlConn, single: SqlConn): Promise<ReadResult> {
  process.stdout.write(`${s.name.padEnd(24)} `);
  const r: ReadResult = {
    name: s.name,
    group: s.group,
    description: s.description,
    targetP95Ms: s.targetP95Ms ?? null,
    api: { status: 'skipped', reason: 'skipped: --skip-api' },
    sql: { concurrent: null, sequential: null, explain: null },
    apiOverSqlP50: null,
    apiOverSqlP50Sequential: null,
    meetsTarget: null,
  };
  if (client) {
    const p = await probe(client, s.api(0));
    if (p.ok) {
      const task = async (i: number) => {
        const responses = await Promise.all(s.api(i).map((url) => client.get(url)));
        const bad = responses.find((res) => res.status !== 200);
        if (bad) throw new Error(describeFailure(bad));
      };
      const stats = await runLoad(task, load);
      // One request at a time: the latency of a request with nothing queued before it.
      const sequential = await runLoad(task, SEQUENTIAL);
      r.api = { status: 'ok', example: s.api(0).join(' + '), stats, sequential };
    } else r.api = { status: p.status, reason: p.reason, example: s.api(0).join(' + ') };
  }
  r.sql.explain = await explainScenario(single, s);
  r.sql.concurrent = await loadSql(pool, s, load);
  r.sql.sequential = await loadSql(single, s, SEQUENTIAL);
  if (r.api.stats && r.sql.concurrent) r.apiOverSqlP50 = round(r.api.stats.p50 / r.sql.concurrent.p50, 1);
  if (r.api.sequential && r.sql.sequential) r.apiOverSqlP50Sequential = round(r.api.sequential.p50 / r.sql.sequential.p50, 1);
  if (r.api.stats && r.targetP95Ms) r.meetsTarget = r.api.stats.p95 <= r.targetP95Ms && r.api.stats.errors === 0;
  const apiText = r.api.stats
    ? `API p50 ${fmtMs(r.api.stats.p50)} p95 ${fmtMs(r.api.stats.p95)} ${r.api.stats.throughput} req/s (1 at a time p50 ${fmtMs(r.api.sequential?.p50)})`
    : r.api.reason;
  console.log(`${apiText} | SQL p50 ${fmtMs(r.sql.concurrent?.p50)} (1 conn ${fmtMs(r.sql.sequential?.p50)})${r.sql.explain?.seqScan.length ? ` SEQ SCAN on ${r.sql.explain.seqScan.join(', ')}` : ''}`);
  return r;
}

async function withTransaction<T>(conn: SqlConn, work: () => Promise<T>): Promise<T> {
  await conn.exec('BEGIN');
  await conn.exec('SET LOCAL jit = off');
  try {
    return await work();
  } finally {
    await conn.exec('ROLLBACK');
  }
}

/** Bulk assign of `bulkRows` leads, by ids or by a created-at range; the previous owners are put back after each run. */
async function runBulk(kind: 'ids' | 'range', client: ApiClient | undefined, conn: SqlConn, f: Fixtures, info: GenerationInfo): Promise<WriteResult> {
  const rows = Math.min(opts.bulkRows, Math.floor(info.leads / 10));
  const name = kind === 'ids' ? 'bulk assign: ids' : 'bulk assign: query';
  process.stdout.write(`${name.padEnd(24)} `);
  const result: WriteResult = {
    name,
    description:
      kind === 'ids'
        ? `POST /api/v1/leads/bulk {selection:{ids:[${rows} ids]}, action:{type:'assign', ownerId}}`
        : `POST /api/v1/leads/bulk {selection:{query:{filters: createdAt gte/lte a range of ${rows} leads}}, action:{type:'assign', ownerId}}`,
    targetMs: 2000,
    api: { status: 'skipped', reason: 'skipped: --skip-api', runs: [] },
    sql: { runs: [] },
    meetsTarget: null,
  };
  const windows: { ids: string[]; owners: (string | null)[]; from: string; to: string }[] = [];
  for (let run = 0; run < opts.bulkRuns; run++) {
    const offset = Math.floor(info.leads * (kind === 'ids' ? 0.1 : 0.4)) + run * rows;
    const w = await conn.query<{ id: string; owner_id: string | null; created_at: Date }>(
      `SELECT id, owner_id, created_at FROM leads WHERE workspace_id = $1 AND deleted_at IS NULL AND NOT (id = ANY($2::uuid[]))
        ORDER BY created_at DESC, id DESC OFFSET $3 LIMIT $4`,
      [f.workspaceId, f.timelineLeadIds, offset, rows],
    );
    windows.push({
      ids: w.rows.map((x) => x.id),
      owners: w.rows.map((x) => x.owner_id),
      from: w.rows[w.rows.length - 1]!.created_at.toISOString(),
      to: w.rows[0]!.created_at.toISOString(),
    });
  }
  // Put the data back: previous owners, and no timeline entries from the run (the audit log is append-only and keeps its rows).
  const restore = async (w: (typeof windows)[number], activitiesAbove: string) => {
    await conn.query(`UPDATE leads l SET owner_id = v.owner_id FROM unnest($1::uuid[], $2::uuid[]) AS v(id, owner_id) WHERE l.id = v.id`, [w.ids, w.owners]);
    await conn.query(`DELETE FROM activities WHERE id > $1::bigint AND lead_id = ANY($2::uuid[])`, [activitiesAbove, w.ids]);
  };
  const maxActivityId = async () => (await conn.query<{ id: string }>(`SELECT coalesce(max(id), 0)::text AS id FROM activities`)).rows[0]!.id;
  // A range selection may also take leads the ids window did not list (same timestamps); restore those too.
  const rangeOwners = async (w: (typeof windows)[number]) => {
    const r = await conn.query<{ id: string; owner_id: string | null }>(
      `SELECT id, owner_id FROM leads WHERE workspace_id = $1 AND deleted_at IS NULL AND created_at >= $2 AND created_at <= $3`,
      [f.workspaceId, w.from, w.to],
    );
    return { ...w, ids: r.rows.map((x) => x.id), owners: r.rows.map((x) => x.owner_id) };
  };

  const memberNames = await conn.query<{ id: string; name: string }>(
    `SELECT u.id, u.name FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1`,
    [f.workspaceId],
  );
  const bulkParams = (w: (typeof windows)[number], ownerId: string) => [
    ownerId,
    'Bench Agent',
    f.workspaceId,
    info.ownerId,
    JSON.stringify(Object.fromEntries(memberNames.rows.map((m) => [m.id, m.name]))),
    ...(kind === 'ids' ? [w.ids] : [w.from, w.to]),
  ];

  if (client) {
    const p = await client.post('/api/v1/leads/bulk', {});
    if (isMissingRoute(p) || isShadowedByIdRoute(p)) result.api = { status: 'skipped', reason: 'skipped: route not available (POST /api/v1/leads/bulk)', runs: [] };
    else {
      result.api = { status: 'ok', runs: [] };
      for (let run = 0; run < windows.length; run++) {
        const w = kind === 'range' ? await rangeOwners(windows[run]!) : windows[run]!;
        const ownerId = f.agentIds[run % f.agentIds.length]!;
        const selection =
          kind === 'ids'
            ? { ids: w.ids }
            : { query: { filters: [{ field: 'createdAt', op: 'gte', value: w.from }, { field: 'createdAt', op: 'lte', value: w.to }] } };
        const before = await maxActivityId();
        const t0 = performance.now();
        let res: HttpResult | undefined;
        let error: string | undefined;
        try {
          res = await client.post('/api/v1/leads/bulk', { selection, action: { type: 'assign', ownerId } }, { timeoutMs: 60_000 });
        } catch (err) {
          error = err instanceof Error ? err.message : String(err);
        }
        const ms = round(performance.now() - t0, 1);
        let affected: number | null = null;
        if (res?.status === 200) affected = (JSON.parse(res.body) as { affected?: number }).affected ?? null;
        else if (res) error = describeFailure(res);
        result.api.runs.push({ run: run + 1, ms, status: res?.status ?? null, affected, ...(error ? { error } : {}) });
        await restore(w, before);
      }
      if (result.api.runs.some((x) => x.status !== 200)) result.api.status = 'error';
      result.meetsTarget = result.api.status === 'ok' && result.api.runs.every((x) => x.ms < result.targetMs);
    }
  }
  // The same UPDATE (+ one activity per lead) directly, rolled back.
  for (let run = 0; run < windows.length; run++) {
    const w = windows[run]!;
    const ownerId = f.agentIds[run % f.agentIds.length]!;
    const t0 = performance.now();
    const r = await withTransaction(conn, () => conn.query<{ affected: number }>(kind === 'ids' ? BULK_ASSIGN_BY_IDS_SQL : BULK_ASSIGN_BY_RANGE_SQL, bulkParams(w, ownerId)));
    result.sql.runs.push({ run: run + 1, ms: round(performance.now() - t0, 1), status: null, affected: r.rows[0]?.affected ?? null });
  }
  const plan = await withTransaction(conn, () =>
    conn.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${kind === 'ids' ? BULK_ASSIGN_BY_IDS_SQL : BULK_ASSIGN_BY_RANGE_SQL}`,
      bulkParams(windows[0]!, f.agentIds[0]!),
    ),
  );
  result.sql.explain = plan.rows.map((x) => x['QUERY PLAN']);
  const apiText = result.api.runs.length ? `API ${result.api.runs.map((x) => (x.error ? 'error' : fmtMs(x.ms))).join(', ')}` : result.api.reason;
  console.log(`${apiText} | SQL ${result.sql.runs.map((x) => fmtMs(x.ms)).join(', ')}`);
  return result;
}

/** CSV export of `exportRows` leads, sampling the server's RSS every 100 ms. */
async function runExport(client: ApiClient | undefined, conn: SqlConn, f: Fixtures): Promise<WriteResult> {
  process.stdout.write(`${'export csv'.padEnd(24)} `);
  const query = { filters: [{ field: 'createdAt', op: 'gte', value: f.exportCutoff }], sort: { field: 'createdAt', dir: 'desc' } };
  const url = `/api/v1/leads/export?format=csv&query=${encodeURIComponent(JSON.stringify(query))}`;
  const result: WriteResult = {
    name: 'export csv',
    description: `GET /api/v1/leads/export?format=csv, filter createdAt >= the ${f.exportRows.toLocaleString('en')}th newest lead`,
    targetMs: 5000,
    api: { status: 'skipped', reason: 'skipped: --skip-api', runs: [] },
    sql: { runs: [] },
    meetsTarget: null,
  };
  if (client && server?.pid) {
    const pid = server.pid;
    result.api = { status: 'ok', runs: [] };
    for (let run = 0; run < opts.exportRuns; run++) {
      const samples: number[] = [];
      const startMb = rssMb(pid) ?? NaN;
      const timer = setInterval(() => {
        const mb = rssMb(pid);
        if (mb !== null && samples.length < 3000) samples.push(mb);
      }, 100);
      const t0 = performance.now();
      let res: HttpResult | undefined;
      let error: string | undefined;
      try {
        res = await client.get(url, { discardBody: true, timeoutMs: 120_000 });
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      const ms = round(performance.now() - t0, 1);
      clearInterval(timer);
      const endMb = rssMb(pid) ?? NaN;
      if (res && (isMissingRoute(res) || isShadowedByIdRoute(res))) {
        result.api = { status: 'skipped', reason: 'skipped: route not available (GET /api/v1/leads/export)', runs: [] };
        break;
      }
      if (res && res.status !== 200) error = describeFailure(res);
      result.api.runs.push({
        run: run + 1,
        ms,
        status: res?.status ?? null,
        rows: res ? Math.max(0, res.lines - 1) : 0,
        bytes: res?.bytes ?? 0,
        firstByteMs: res ? round(res.firstByteMs, 1) : 0,
        rss: { startMb, peakMb: Math.max(startMb, endMb, ...samples), endMb, samples: samples.length },
        ...(error ? { error } : {}),
      });
    }
    if (result.api.runs.some((x) => x.status !== 200)) result.api.status = 'error';
    if (result.api.status === 'ok') result.meetsTarget = result.api.runs.every((x) => x.ms < result.targetMs);
  }
  // The same rows read directly in the export's keyset batches of 2,000 (no CSV encoding).
  for (let run = 0; run < opts.exportRuns; run++) {
    const t0 = performance.now();
    let rows = 0;
    let cursor: { value: string; id: string } | null = null;
    for (let k = 0; k < 10_000; k++) {
      const stmt = exportBatchStatement(f, cursor);
      const r = await conn.query<{ sort_key: string; id: string }>(stmt.text, stmt.params);
      rows += r.rows.length;
      const last = r.rows[r.rows.length - 1];
      if (last) cursor = { value: last.sort_key, id: last.id };
      if (r.rows.length < EXPORT_BATCH) break;
    }
    result.sql.runs.push({ run: run + 1, ms: round(performance.now() - t0, 1), status: null, rows });
  }
  const apiText = result.api.runs.length
    ? `API ${result.api.runs.map((x) => `${fmtMs(x.ms)} (${x.rows} rows, RSS ${x.rss?.startMb}→${x.rss?.peakMb}→${x.rss?.endMb} MB)`).join(', ')}`
    : result.api.reason;
  console.log(`${apiText} | SQL cursor ${result.sql.runs.map((x) => fmtMs(x.ms)).join(', ')}`);
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// PGlite (in a child process: it is in-process WebAssembly and must not share the CPU with the server runs)

async function runPgliteChild(): Promise<unknown> {
  const out = path.join(os.tmpdir(), `leadflow-bench-pglite-${process.pid}.json`);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/pglite.ts', '--dir', opts.pgliteDir, '--leads', String(opts.pgliteLeads), '--requests', String(opts.pgliteRequests), '--out', out],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const timer = setTimeout(() => child.kill('SIGKILL'), 30 * 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  if (code !== 0 || !fs.existsSync(out)) return { error: `bench/pglite.ts exited with ${code}` };
  const data = JSON.parse(fs.readFileSync(out, 'utf8')) as unknown;
  fs.rmSync(out, { force: true });
  return data;
}

// ---------------------------------------------------------------------------------------------------------------
// Report

type PgliteReport = { leads?: number; reads?: { name: string; stats: LatencyStats; explain: ExplainResult | null }[]; error?: string };

function markdown(r: {
  machine: { cpus: number; cpuModel: string; node: string; postgres: string; loadAvgStart: number; loadAvgEnd: number | null };
  data: { leadsInBigWorkspace: number; totalLeads: number; activities: number; smallWorkspaces: string };
  options: typeof opts;
  server: { entry: string; note: string | null; events: string[]; profiles: ProfileSummary[] };
  command: string;
  startedAt: string;
  reads: ReadResult[];
  writes: WriteResult[];
  exports: WriteResult | null;
  pglite: unknown;
}): string {
  const L: string[] = [];
  L.push(`Run ${r.startedAt} — ${r.machine.cpus} cores (${r.machine.cpuModel}), Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}; load average ${r.machine.loadAvgStart} at start, ${r.machine.loadAvgEnd} at end`);
  L.push(
    `Data: ${r.data.leadsInBigWorkspace.toLocaleString('en')} leads in the measured workspace (${r.data.totalLeads.toLocaleString('en')} in all, + ${r.data.smallWorkspaces}), ${r.data.activities.toLocaleString('en')} activities`,
  );
  if (r.server.note) L.push(`Server: ${r.server.note}`);
  for (const e of r.server.events) L.push(`Server: ${e}`);
  L.push(`Load: ${r.options.requests} requests per scenario after ${r.options.warmup} warm-up, ${r.options.concurrency} in flight. Command: \`${r.command}\``);
  L.push('');
  L.push(`API and SQL at ${r.options.concurrency} in flight, then one at a time ("1 by 1": ${SEQUENTIAL.requests} requests, nothing queued).`);
  L.push('');
  L.push('| Scenario | Target p95 | API p50 | API p95 | API p99 | API req/s | SQL p50 | SQL p95 | API/SQL p50 | API p50 1 by 1 | API p95 1 by 1 | SQL p50 1 by 1 | API/SQL 1 by 1 | EXPLAIN exec |');
  L.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const x of r.reads) {
    const a = x.api.stats;
    const mark = x.meetsTarget === null ? '' : x.meetsTarget ? ' ✅' : ' ❌';
    const seq = x.sql.explain?.seqScan.length ? ` (seq scan ${x.sql.explain.seqScan.join(', ')})` : '';
    L.push(
      `| ${x.name} | ${x.targetP95Ms ? `≤ ${x.targetP95Ms} ms` : '–'} | ${a ? fmtMs(a.p50) : x.api.reason ?? x.api.status} | ${a ? fmtMs(a.p95) + mark : ''} | ${a ? fmtMs(a.p99) : ''} | ${a ? a.throughput : ''} | ${fmtMs(x.sql.concurrent?.p50)} | ${fmtMs(x.sql.concurrent?.p95)} | ${x.apiOverSqlP50 ?? '–'} | ${fmtMs(x.api.sequential?.p50)} | ${fmtMs(x.api.sequential?.p95)} | ${fmtMs(x.sql.sequential?.p50)} | ${x.apiOverSqlP50Sequential ?? '–'} | ${fmtMs(x.sql.explain?.executionMs)}${seq} |`,
    );
  }
  L.push('');
  L.push('| Write | Target | API runs | SQL runs (direct; bulk rolled back, export in keyset batches) | Notes |');
  L.push('|---|---|---|---|---|');
  for (const w of [...r.writes, ...(r.exports ? [r.exports] : [])]) {
    const api = w.api.runs.length ? w.api.runs.map((x) => (x.error ? `error ${x.status ?? ''}` : fmtMs(x.ms))).join(', ') : w.api.reason ?? '';
    const sql = w.sql.runs.map((x) => `${fmtMs(x.ms)}${x.affected !== undefined && x.affected !== null ? ` (${x.affected})` : x.rows !== undefined ? ` (${x.rows} rows)` : ''}`).join(', ');
    const notes = w.api.runs
      .map((x) => [x.affected !== undefined && x.affected !== null ? `${x.affected} affected` : '', x.rss ? `${x.rows} rows, ${(x.bytes! / 2 ** 20).toFixed(1)} MB, first byte ${fmtMs(x.firstByteMs)}, RSS ${x.rss.startMb} → peak ${x.rss.peakMb} → ${x.rss.endMb} MB` : '', x.error ?? ''].filter(Boolean).join(' '))
      .filter(Boolean)
      .join('; ');
    const mark = w.meetsTarget === null ? '' : w.meetsTarget ? ' ✅' : ' ❌';
    L.push(`| ${w.name} | < ${fmtMs(w.targetMs)} | ${api}${mark} | ${sql} | ${notes} |`);
  }
  for (const prof of r.server.profiles) L.push('', ...profileMarkdown(prof, 'Server CPU profile', `after start-up, ${path.relative(ROOT, prof.file)}`));
  const p = r.pglite as PgliteReport | null;
  if (p?.reads) {
    L.push('');
    L.push(`PGlite (in-process, one connection), ${p.leads?.toLocaleString('en')} leads in the measured workspace:`);
    L.push('');
    L.push('| Query | p50 | p95 | p99 | EXPLAIN exec |');
    L.push('|---|---|---|---|---|');
    for (const x of p.reads) {
      const seq = x.explain?.seqScan.length ? ` (seq scan ${x.explain.seqScan.join(', ')})` : '';
      L.push(`| ${x.name} | ${fmtMs(x.stats.p50)} | ${fmtMs(x.stats.p95)} | ${fmtMs(x.stats.p99)} | ${fmtMs(x.explain?.executionMs)}${seq} |`);
    }
  } else if (p?.error) L.push(`\nPGlite: ${p.error}`);
  L.push('');
  return L.join('\n');
}

main().catch(async (err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  await stopServer();
  process.exit(1);
});
