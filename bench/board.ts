/**
 * The Kanban board: loading a pipeline with 5,000 open leads (first page of every column, with counts and a money
 * sum) and moving cards, over HTTP against the real server (main.ts) on PostgreSQL.
 *
 * Runs: `npm run bench -- --only board` or `node --import tsx bench/board.ts [--board-leads N]
 * [--board-requests N] [--board-database-url URL]`. Database: `leadflow_bench_board` (dropped and created afresh
 * each run; a few seconds to fill). All traffic stays on loopback; every loop is bounded in count and time.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseSetArgs } from './lib/args.ts';
import { saveResults } from './lib/results.ts';
import { ApiClient, describeFailure, type HttpResult } from './lib/http.ts';
import { recreateDatabase, startServerProcess, stopServerProcess, type ServerProcess } from './lib/server-process.ts';
import { databaseName } from './lib/sql.ts';
import { fmtMs, round, runLoad, type LatencyStats } from './lib/stats.ts';


export const BOARD_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/leadflow_bench_board';

export type BoardOptions = {
  databaseUrl: string;
  /** Open leads in the measured pipeline (spread over its three open stages). */
  leads: number;
  /** Won and lost leads each, in the same pipeline. */
  closedLeads: number;
  /** Leads of a second pipeline in the same workspace, which the board must not read. */
  otherLeads: number;
  requests: number;
  warmup: number;
  concurrency: number;
  maxSeconds: number;
  /** Before measuring, wait (at most quietWaitMinutes) for the 1-minute load average to drop below quietLoad. */
  quietLoad: number;
  quietWaitMinutes: number;
};

export const BOARD_DEFAULTS: BoardOptions = {
  databaseUrl: BOARD_DATABASE_URL,
  leads: 5_000,
  closedLeads: 500,
  otherLeads: 20_000,
  requests: 500,
  warmup: 50,
  concurrency: 4,
  maxSeconds: 60,
  quietLoad: 1.5,
  quietWaitMinutes: 0,
};

type Scenario = { name: string; request: string; targetP95Ms: number | null; concurrent: LatencyStats | null; oneByOne: LatencyStats | null; note?: string };

export type BoardReport = {
  startedAt: string;
  command: string;
  machine: { cpus: number; cpuModel: string; node: string; postgres: string; loadAvgStart: number; loadAvgEnd: number | null };
  options: BoardOptions;
  data: { openLeads: number; perStage: Record<string, number>; wonLeads: number; lostLeads: number; otherPipelineLeads: number; fillMs: number };
  scenarios: Scenario[];
  checks: { movedInOrder: boolean; countsAfterMoves: Record<string, number> };
  server: { log: string[] };
  error?: string;
};

function ok(res: HttpResult, status = 200): HttpResult {
  if (res.status !== status) throw new Error(describeFailure(res));
  return res;
}

type StageInfo = { id: string; name: string; kind: string };

/**
 * Signs up the owner, adds the money field and a second pipeline through the API, then fills both pipelines with
 * one INSERT … SELECT each (the placement trigger gives every card its position, newest on top).
 */
async function fill(client: ApiClient, db: pg.Client, o: BoardOptions) {
  await client.get('/api/v1/me'); // the lf_csrf cookie, as a first page load sets it
  ok(await client.post('/api/v1/setup', { name: 'Bench Owner', email: 'bench-owner@example.com', password: 'bench password 0123', workspaceName: 'Board Bench' }), 201);
  const me = JSON.parse(ok(await client.get('/api/v1/me')).body) as { currentWorkspaceId: string; user: { id: string } };
  client.workspaceId = me.currentWorkspaceId;
  ok(await client.post('/api/v1/custom-fields', { key: 'budget', label: 'Budget', type: 'money' }), 201);
  const other = JSON.parse(ok(await client.post('/api/v1/pipelines', { name: 'Other' }), 201).body) as { id: string; stages: StageInfo[] };
  const pipelines = JSON.parse(ok(await client.get('/api/v1/pipelines')).body) as { pipelines: { id: string; name: string; stages: StageInfo[] }[] };
  const sales = pipelines.pipelines.find((p) => p.name === 'Sales')!;
  const open = sales.stages.filter((s) => s.kind === 'open');
  const won = sales.stages.find((s) => s.kind === 'won')!;
  const lost = sales.stages.find((s) => s.kind === 'lost')!;

  const started = performance.now();
  // Positions are given here (newest on top, a gap of 1,024): the placement trigger would look up each column's
  // top card once per row, and with a table that grows inside one statement its plan stays a sequential scan.
  await db.query("SELECT set_config('leadflow.keep_stage_position', 'on', false)");
  // New 40 %, the other open stages share the rest; names, sources, tags and budgets from the row number.
  const insert = `
    INSERT INTO leads (workspace_id, first_name, last_name, company, source, tags, owner_id, pipeline_id, stage_id, stage_position, custom,
                       emails, email_search, created_at, updated_at, last_activity_at, next_follow_up_at, client_since, lost_reason)
    SELECT $1::uuid,
           (ARRAY['Ana','Bruno','Carla','Diego','Elisa','Fábio','Gabriela','Hugo','Isabel','João','Karen','Lucas'])[1 + i % 12],
           (ARRAY['Silva','Santos','Oliveira','Souza','Lima','Pereira','Costa','Almeida','Smith','Johnson','Brown','Garcia','Miller','Davis','Wilson'])[1 + (i / 12) % 15],
           CASE WHEN i % 3 = 0 THEN 'Company ' || (i % 700) END,
           (ARRAY['Facebook','Google','Referral','Website','Event'])[1 + i % 5],
           CASE WHEN i % 4 = 0 THEN ARRAY['vip'] WHEN i % 4 = 1 THEN ARRAY['investor','vip'] ELSE '{}'::text[] END,
           CASE WHEN i % 3 = 0 THEN NULL ELSE $2::uuid END,
           $3::uuid,
           ($4::uuid[])[$5::int + CASE WHEN $6::int = 1 THEN 0 WHEN i % 10 < 4 THEN 0 WHEN i % 10 < 7 THEN 1 ELSE 2 END],
           i * 1024,
           jsonb_build_object('budget', (i % 400) * 1250 + 0.5),
           ARRAY['lead' || i || '@example.com'], 'lead' || i || '@example.com',
           now() - make_interval(mins => i), now() - make_interval(mins => i), now() - make_interval(hours => i % 500),
           CASE WHEN i % 5 = 0 THEN now() + make_interval(days => i % 30) END,
           CASE WHEN $7::bool THEN now() - make_interval(days => i % 300) END,
           $8::text
    FROM generate_series(1, $9::int) AS i`;
  const q = (pipelineId: string, stages: string[], first: number, single: boolean, client: boolean, reason: string | null, n: number) =>
    db.query(insert, [me.currentWorkspaceId, me.user.id, pipelineId, `{${stages.join(',')}}`, first, single ? 1 : 0, client, reason, n]);
  await q(sales.id, open.map((s) => s.id), 1, false, false, null, o.leads);
  await q(sales.id, [won.id], 1, true, true, null, o.closedLeads);
  await q(sales.id, [lost.id], 1, true, false, 'Price', o.closedLeads);
  await q(other.id, [other.stages[0]!.id], 1, true, false, null, o.otherLeads);
  await db.query("SELECT set_config('leadflow.keep_stage_position', 'off', false)");
  await db.query('VACUUM ANALYZE leads');
  const fillMs = performance.now() - started;
  const perStage: Record<string, number> = {};
  for (const s of open) {
    perStage[s.name] = Number((await db.query('SELECT count(*)::int AS n FROM leads WHERE stage_id = $1', [s.id])).rows[0].n);
  }
  return { sales, open, won, lost, perStage, fillMs };
}

async function measure(task: (i: number) => Promise<void>, o: BoardOptions, concurrency: number, requests: number): Promise<LatencyStats> {
  return runLoad(task, { requests, warmup: Math.min(o.warmup, requests), concurrency, maxSeconds: o.maxSeconds });
}

export async function runBoardBench(o: BoardOptions = BOARD_DEFAULTS, command = 'npm run bench -- --only board'): Promise<BoardReport> {
  const report: BoardReport = {
    startedAt: new Date().toISOString(),
    command,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', node: process.version, postgres: '', loadAvgStart: round(os.loadavg()[0]!, 2), loadAvgEnd: null },
    options: o,
    data: { openLeads: o.leads, perStage: {}, wonLeads: o.closedLeads, lostLeads: o.closedLeads, otherPipelineLeads: o.otherLeads, fillMs: 0 },
    scenarios: [],
    checks: { movedInOrder: false, countsAfterMoves: {} },
    server: { log: [] },
  };
  let server: ServerProcess | undefined;
  let client: ApiClient | undefined;
  const db = new pg.Client({ connectionString: o.databaseUrl });
  try {
    console.log(`board: recreating ${databaseName(o.databaseUrl)}`);
    await recreateDatabase(o.databaseUrl);
    // On a fresh database the first start can end in `deadlock detected` (pg-boss creating its queues in
    // parallel, README "Server"): start again, up to 3 times.
    for (let attempt = 1; !server; attempt++) {
      try {
        server = await startServerProcess(o.databaseUrl, { JOBS_ENABLED: 'false' });
      } catch (err) {
        if (attempt >= 3 || !String(err).includes('deadlock detected')) throw err;
      }
    }
    await db.connect();
    report.machine.postgres = (await db.query("SELECT current_setting('server_version') AS v")).rows[0].v;
    client = new ApiClient(server.base);
    const data = await fill(client, db, o);
    report.data.perStage = data.perStage;
    report.data.fillMs = Math.round(data.fillMs);
    console.log(`board: ${o.leads} open leads (${JSON.stringify(data.perStage)}) + ${o.closedLeads} won + ${o.closedLeads} lost + ${o.otherLeads} in another pipeline, ${report.data.fillMs} ms`);

    const api = client;
    const quietUntil = Date.now() + o.quietWaitMinutes * 60_000;
    while (o.quietWaitMinutes > 0 && os.loadavg()[0]! >= o.quietLoad && Date.now() < quietUntil) {
      console.log(`board: load average ${os.loadavg()[0]!.toFixed(2)}, waiting for < ${o.quietLoad}`);
      await new Promise((r) => setTimeout(r, 15_000));
    }
    report.machine.loadAvgStart = round(os.loadavg()[0]!, 2);
    const board = `/api/v1/pipelines/${data.sales.id}/board`;
    const first = JSON.parse(ok(await api.get(`${board}?limit=25&sumField=budget`)).body) as { columns: { stage: { id: string }; count: number; nextCursor: string | null }[] };
    const quick = encodeURIComponent(JSON.stringify({ filters: [{ field: 'source', op: 'in', value: ['Facebook', 'Google'] }, { field: 'tags', op: 'contains', value: 'vip' }] }));
    const search = encodeURIComponent(JSON.stringify({ q: 'silva' }));
    const qualified = data.open[2]!;
    const cursor = first.columns.find((c) => c.stage.id === qualified.id)!.nextCursor!;
    const reads: { name: string; path: string }[] = [
      { name: 'me (auth only, the floor)', path: '/api/v1/me' },
      { name: 'board: first page of every column', path: `${board}?limit=25&sumField=budget` },
      { name: 'board: every column, no money sum', path: `${board}?limit=25` },
      { name: 'board: quick filter (source + tag)', path: `${board}?limit=25&sumField=budget&query=${quick}` },
      { name: 'board: search', path: `${board}?limit=25&query=${search}` },
      { name: 'board: next page of a column', path: `${board}/stages/${qualified.id}?limit=25&sumField=budget&cursor=${encodeURIComponent(cursor)}` },
    ];
    for (const r of reads) {
      const get = async () => {
        ok(await api.get(r.path));
      };
      const scenario: Scenario = { name: r.name, request: `GET ${r.path.replace(data.sales.id, ':id').replace(qualified.id, ':stageId')}`, targetP95Ms: r.name.includes('every column') ? 50 : null, concurrent: null, oneByOne: null };
      console.log(`board: ${r.name}`);
      scenario.concurrent = await measure(get, o, o.concurrency, o.requests);
      scenario.oneByOne = await measure(get, o, 1, Math.min(100, o.requests));
      report.scenarios.push(scenario);
    }

    // Moves: cards of New go to Contacted, each before a random card that stays there; then reorders in Qualified.
    const ids = async (stageId: string) => (await db.query('SELECT id FROM leads WHERE stage_id = $1 ORDER BY stage_position, id', [stageId])).rows.map((r: { id: string }) => r.id);
    const [fromNew, anchors, inQualified] = [await ids(data.open[0]!.id), await ids(data.open[1]!.id), await ids(qualified.id)];
    let nextNew = 0;
    const pairs: [string, string][] = [];
    const cross = async () => {
      const lead = fromNew[nextNew++];
      if (!lead) throw new Error('out of leads to move');
      const before = anchors[Math.floor(Math.random() * anchors.length)]!;
      ok(await api.post(`/api/v1/leads/${lead}/move`, { stageId: data.open[1]!.id, version: 1, beforeId: before }));
      pairs.push([lead, before]);
    };
    const half = Math.floor(inQualified.length / 2);
    const movers = inQualified.slice(0, half);
    const stay = inQualified.slice(half);
    let nextQ = 0;
    const within = async () => {
      const lead = movers[nextQ++];
      if (!lead) throw new Error('out of leads to move');
      const before = stay[Math.floor(Math.random() * stay.length)]!;
      ok(await api.post(`/api/v1/leads/${lead}/move`, { stageId: qualified.id, version: 1, beforeId: before }));
      pairs.push([lead, before]);
    };
    const moveRequests = Math.min(o.requests, Math.floor((fromNew.length - 200) / 2), Math.floor(movers.length / 2));
    for (const [name, task, request] of [
      ['stage move: to another column', cross, `POST /api/v1/leads/:id/move {stageId: Contacted, version, beforeId}`],
      ['stage move: within a column', within, `POST /api/v1/leads/:id/move {stageId: Qualified (same), version, beforeId}`],
    ] as const) {
      console.log(`board: ${name}`);
      const scenario: Scenario = { name, request, targetP95Ms: 15, concurrent: null, oneByOne: null };
      scenario.concurrent = await measure(task, o, o.concurrency, moveRequests);
      scenario.oneByOne = await measure(task, o, 1, Math.min(100, moveRequests));
      report.scenarios.push(scenario);
    }

    // Every moved card sits before its anchor with only moved cards between them, and the counts add up.
    const check = await db.query(
      `SELECT count(*)::int AS n FROM unnest($1::uuid[], $2::uuid[]) AS p(lead, anchor)
       JOIN leads l ON l.id = p.lead JOIN leads a ON a.id = p.anchor
       WHERE l.stage_id = a.stage_id AND (l.stage_position, l.id) < (a.stage_position, a.id)
         AND NOT EXISTS (SELECT 1 FROM leads o WHERE o.workspace_id = a.workspace_id AND o.stage_id = a.stage_id AND o.deleted_at IS NULL
           AND o.version = 1 AND (o.stage_position, o.id) > (l.stage_position, l.id) AND (o.stage_position, o.id) < (a.stage_position, a.id))`,
      [`{${pairs.map((x) => x[0]).join(',')}}`, `{${pairs.map((x) => x[1]).join(',')}}`],
    );
    const after = JSON.parse(ok(await api.get(`${board}?limit=1`)).body) as { columns: { stage: { name: string }; count: number }[] };
    report.checks.countsAfterMoves = Object.fromEntries(after.columns.map((c) => [c.stage.name, c.count]));
    report.checks.movedInOrder = Number(check.rows[0].n) === pairs.length && after.columns.reduce((s, c) => s + c.count, 0) === o.leads + 2 * o.closedLeads;
  } catch (err) {
    report.error = err instanceof Error ? err.message : String(err);
    console.error(`board: ${report.error}`);
  } finally {
    client?.close();
    await db.end().catch(() => undefined);
    report.server.log = server?.log.slice(-30) ?? [];
    await stopServerProcess(server);
    report.machine.loadAvgEnd = round(os.loadavg()[0]!, 2);
  }
  return report;
}

export function boardMarkdown(r: BoardReport): string {
  const lines = [
    '## Board',
    '',
    `Command: \`${r.command}\` — ${r.startedAt}; load average ${r.machine.loadAvgStart} at the start, ${r.machine.loadAvgEnd ?? '?'} at the end; PostgreSQL ${r.machine.postgres}, Node ${r.machine.node}, ${r.machine.cpus} CPUs.`,
    '',
    `Data: ${r.data.openLeads.toLocaleString('en')} open leads in the measured pipeline (${Object.entries(r.data.perStage)
      .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
      .join(', ')}), ${r.data.wonLeads} won, ${r.data.lostLeads} lost, and ${r.data.otherPipelineLeads.toLocaleString('en')} in another pipeline of the same workspace; filled in ${r.data.fillMs} ms.`,
    '',
    '| Scenario | Target p95 | p50 | p95 | p99 | req/s | p50, 1 by 1 | p95, 1 by 1 | errors |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of r.scenarios) {
    const c = s.concurrent;
    const one = s.oneByOne;
    const mark = s.targetP95Ms && c ? (c.p95 <= s.targetP95Ms ? ' ✅' : ' ❌') : '';
    lines.push(
      `| ${s.name} | ${s.targetP95Ms ? `≤ ${s.targetP95Ms} ms` : '–'} | ${fmtMs(c?.p50)} | ${fmtMs(c?.p95)}${mark} | ${fmtMs(c?.p99)} | ${c?.throughput ?? '–'} | ${fmtMs(one?.p50)} | ${fmtMs(one?.p95)} | ${(c?.errors ?? 0) + (one?.errors ?? 0)} |`,
    );
  }
  lines.push('', `Checks: moved cards placed and counted ${r.checks.movedInOrder ? '✅' : '❌'}; counts after the moves ${JSON.stringify(r.checks.countsAfterMoves)}.`);
  if (r.error) lines.push('', `**Error**: ${r.error}`);
  return `${lines.join('\n')}\n`;
}

export function boardOptionsFrom(argv: string[]): BoardOptions {
  const args = parseSetArgs(argv, 'board', { flags: [], values: ['board-database-url', 'board-leads', 'board-requests', 'board-concurrency'] });
  return {
    ...BOARD_DEFAULTS,
    databaseUrl: args.string('board-database-url', BOARD_DEFAULTS.databaseUrl),
    leads: args.number('board-leads', BOARD_DEFAULTS.leads),
    requests: args.number('board-requests', BOARD_DEFAULTS.requests),
    concurrency: args.number('board-concurrency', BOARD_DEFAULTS.concurrency),
    quietLoad: args.number('quiet-load', BOARD_DEFAULTS.quietLoad),
    quietWaitMinutes: args.number('quiet-wait-minutes', BOARD_DEFAULTS.quietWaitMinutes),
  };
}

/** Runs the board set alone and writes bench/results/<timestamp>-board.json and .md. */
export async function runBoardCli(argv: string[], command: string): Promise<number> {
  const report = await runBoardBench(boardOptionsFrom(argv), command);
  saveResults('board', report, boardMarkdown(report));
  return report.error ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const argv = process.argv.slice(2);
  runBoardCli(argv, `node --import tsx bench/board.ts ${argv.join(' ')}`.trim()).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
}
