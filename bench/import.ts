/**
 * Import benchmark (issue 8): a generated CSV of N rows (10 columns, 5 % duplicate rows, 1 % bad rows) imported in
 * update-or-create mode on email, through the HTTP API of the real server (main.ts, job workers on), into a
 * workspace that already holds a tenth of those people (seeded by an import of the same people with another
 * company, so the measured import really updates them): upload (streamed), dry run, run — each phase timed end to
 * end from the client, the server's memory sampled throughout. Then the data is checked (leads in the workspace =
 * seeded + created, one lead per email).
 *
 * Runs: `npm run bench -- --only import` or `node --import tsx bench/import.ts [--import-rows 100000]
 * [--import-runs 1] [--import-pglite-rows 20000] [--import-database-url URL] [--import-cpu-prof]
 * [--import-assignment none|user|distribution]`.
 * PostgreSQL database `leadflow_bench_import` (dropped and created afresh for each run); the PGlite run uses a
 * fresh data folder in the temp directory (the server without DATABASE_URL, as a user without PostgreSQL runs it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseSetArgs } from './lib/args.ts';
import { saveResults } from './lib/results.ts';
import { ApiClient } from './lib/http.ts';
import { profileMarkdown, summarizeProfile, type ProfileSummary } from './lib/profile.ts';
import { machineBusyCpuSeconds, processCpuSeconds, recreateDatabase, rssMb, startServerProcess, stopServerProcess, type ServerProcess } from './lib/server-process.ts';
import { round } from './lib/stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const PROFILE_DIR = path.join(RESULTS_DIR, 'profiles', `import-${process.pid}`);

export const IMPORT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/leadflow_bench_import';

export type ImportOptions = {
  databaseUrl: string;
  /** Rows of the measured file on PostgreSQL (the issue's target: 100,000 in < 20 s). */
  rows: number;
  /** Rows of the PGlite run (0: no PGlite run). */
  pgliteRows: number;
  /** Measured imports on each database (each on a fresh database), to show the spread on a shared machine. */
  runs: number;
  cpuProf: boolean;
  /** Who gets the new leads: nobody (the default), one user (the bench's owner), or distribution (a round-robin rule over the owner). */
  assignment: 'none' | 'user' | 'distribution';
  quietLoad: number;
  quietWaitMinutes: number;
};

export const IMPORT_DEFAULTS: ImportOptions = {
  databaseUrl: IMPORT_DATABASE_URL,
  rows: 100_000,
  pgliteRows: 20_000,
  runs: 1,
  cpuProf: false,
  assignment: 'none',
  quietLoad: 1.5,
  quietWaitMinutes: 0,
};

const TARGET_MS_PER_100K = 20_000;

const FIRST = ['Ana', 'Bruno', 'Carla', 'Diego', 'Eva', 'Felipe', 'Gabriela', 'Hugo', 'Iris', 'João', 'Maria', 'Pedro'];
const LAST = ['Silva', 'Souza', 'Oliveira', 'Santos', 'Lima', 'Costa', 'Pereira', 'Almeida', 'Conceição', 'Smith'];
const CITIES = ['São Paulo', 'Rio de Janeiro', 'Belo Horizonte', 'Curitiba', 'Recife', 'Porto Alegre'];

/**
 * Row i as CSV (semicolon, Brazilian dates and phone formats); every 100th row is bad (no valid email), every 20th
 * repeats the person of row i-7. `seed`: the same person with another company (the measured import updates it).
 */
function row(i: number, seed: boolean): string {
  const person = i % 20 === 19 ? i - 7 : i;
  const phone = `(11) 9${String(10_000_000 + ((person * 7919) % 89_999_999)).padStart(8, '0').replace(/^(\d{4})/, '$1-')}`;
  const email = i % 100 === 50 ? 'not-an-email' : `lead${person}@example.com`;
  const day = String(1 + (person % 28)).padStart(2, '0');
  return [
    FIRST[person % FIRST.length],
    LAST[(person >> 3) % LAST.length],
    email,
    phone,
    seed ? `Old Company ${person % 5000}` : `Company ${person % 5000}`,
    CITIES[person % CITIES.length],
    'SP',
    ['Facebook', 'Google', 'Indicação'][person % 3],
    `tag${person % 7}, import`,
    `${day}/03/2025`,
  ].join(';');
}

async function writeCsv(file: string, rows: number, seed: boolean): Promise<void> {
  const out = fs.createWriteStream(file);
  out.write('Nome;Sobrenome;E-mail;Telefone;Empresa;Cidade;UF;Origem;Tags;Retorno\n');
  for (let i = 0; i < rows; i++) {
    if (!out.write(`${row(i, seed)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

type Json = Record<string, unknown>;

async function uploadFile(base: string, client: ApiClient, file: string): Promise<Json> {
  const form = new FormData();
  form.append('file', await fs.openAsBlob(file), path.basename(file));
  const res = await fetch(`${base}/api/v1/imports`, {
    method: 'POST',
    body: form,
    headers: {
      cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'x-csrf-token': client.cookies.get('lf_csrf') ?? '',
      'x-workspace-id': client.workspaceId ?? '',
    },
  });
  const body = (await res.json()) as Json;
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(body).slice(0, 500)}`);
  return body;
}

/** Polls the import every 200 ms (bounded: 30 minutes) until it reaches `status`. */
async function waitFor(client: ApiClient, id: string, status: string, sample: () => void): Promise<Json> {
  const deadline = Date.now() + 30 * 60_000;
  while (Date.now() < deadline) {
    const res = await client.get(`/api/v1/imports/${id}`);
    const body = JSON.parse(res.body) as Json;
    sample();
    if (body.status === status) return body;
    if (['failed', 'cancelled'].includes(String(body.status))) throw new Error(`import ended ${String(body.status)}: ${res.body.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`import ${id} did not reach ${status} within 30 minutes`);
}

const SETTINGS = {
  columns: [
    { column: 'Nome', target: 'firstName' },
    { column: 'Sobrenome', target: 'lastName' },
    { column: 'E-mail', target: 'email' },
    { column: 'Telefone', target: 'phone' },
    { column: 'Empresa', target: 'company' },
    { column: 'Cidade', target: 'city' },
    { column: 'UF', target: 'state' },
    { column: 'Origem', target: 'source' },
    { column: 'Tags', target: 'tags' },
    { column: 'Retorno', target: 'nextFollowUpAt' },
  ],
  mode: 'upsert',
  matchOn: 'email',
  assignment: { kind: 'none' },
  defaults: {},
  dateFormat: 'DMY',
  defaultCountry: 'BR',
};

/** CPU seconds of the server process and of the whole machine: a reading, or the difference of two. */
type Cpu = { server: number | null; machine: number | null };
const cpuMark = (pid: number | undefined): Cpu => ({ server: processCpuSeconds(pid), machine: machineBusyCpuSeconds() });
const cpuBetween = (a: Cpu, b: Cpu): Cpu => ({
  server: a.server === null || b.server === null ? null : round(b.server - a.server, 1),
  machine: a.machine === null || b.machine === null ? null : round(b.machine - a.machine, 1),
});
type Rss = { start: number | null; max: number | null; end: number | null };
const rssOf = (xs: number[]): Rss => ({ start: xs[0] ?? null, max: xs.length ? Math.max(...xs) : null, end: xs[xs.length - 1] ?? null });

export type ImportPhases = {
  uploadMs: number;
  dryRunMs: number;
  runMs: number;
  totalMs: number;
  rss: { upload: Rss; dryRun: Rss; run: Rss };
  /** CPU seconds per phase: the server process's, and the whole machine's (the server, PostgreSQL, the harness). */
  cpu: { upload: Cpu; dryRun: Cpu; run: Cpu };
  summary: Json;
  progress: Json;
};

async function importFile(server: ServerProcess, client: ApiClient, file: string, settings: Json): Promise<ImportPhases> {
  const samples: number[] = [];
  const sample = () => {
    const m = rssMb(server.child.pid);
    if (m !== null) samples.push(m);
  };
  const timer = setInterval(sample, 100);
  try {
    sample();
    const c0 = cpuMark(server.child.pid);
    const t0 = performance.now();
    const up = await uploadFile(server.base, client, file);
    const t1 = performance.now();
    const c1 = cpuMark(server.child.pid);
    const s1 = samples.length;
    const id = String(up.id);
    const dry = await client.post(`/api/v1/imports/${id}/dry-run`, settings);
    if (dry.status !== 202) throw new Error(`dry run refused: ${dry.body}`);
    const validated = await waitFor(client, id, 'validated', sample);
    const t2 = performance.now();
    const c2 = cpuMark(server.child.pid);
    const s2 = samples.length;
    const run = await client.post(`/api/v1/imports/${id}/run`, { skipRejected: true });
    if (run.status !== 202) throw new Error(`run refused: ${run.body}`);
    const done = await waitFor(client, id, 'done', sample);
    const t3 = performance.now();
    const c3 = cpuMark(server.child.pid);
    return {
      uploadMs: Math.round(t1 - t0),
      dryRunMs: Math.round(t2 - t1),
      runMs: Math.round(t3 - t2),
      totalMs: Math.round(t3 - t0),
      rss: { upload: rssOf(samples.slice(0, s1)), dryRun: rssOf(samples.slice(s1, s2)), run: rssOf(samples.slice(s2)) },
      cpu: { upload: cpuBetween(c0, c1), dryRun: cpuBetween(c1, c2), run: cpuBetween(c2, c3) },
      summary: validated.summary as Json,
      progress: done.progress as Json,
    };
  } finally {
    clearInterval(timer);
  }
}

export type ImportRun = {
  database: 'postgres' | 'pglite';
  rows: number;
  fileMb: number;
  loadAvgStart: number;
  loadAvgEnd: number;
  seed: ImportPhases | null;
  measured: ImportPhases | null;
  rowsPerSecond: { endToEnd: number; dryRun: number; run: number; upload: number } | null;
  /** PostgreSQL only: leads in the workspace and distinct emails after the import. */
  check: { leads: number; expected: number; distinctEmails: number; unowned: number; assignmentRecords: number; ok: boolean } | null;
  profile?: ProfileSummary;
  error?: string;
  log?: string[];
};

export type ImportReport = {
  startedAt: string;
  command: string;
  machine: { cpus: number; cpuModel: string; node: string; postgres: string; memoryGb: number };
  options: ImportOptions;
  runs: ImportRun[];
};

async function oneRun(database: 'postgres' | 'pglite', rows: number, o: ImportOptions, dir: string): Promise<ImportRun> {
  const seedFile = path.join(dir, `seed-${rows}.csv`);
  const file = path.join(dir, `import-${rows}.csv`);
  if (!fs.existsSync(file)) {
    await writeCsv(seedFile, Math.round(rows / 10), true);
    await writeCsv(file, rows, false);
  }
  const quietUntil = Date.now() + o.quietWaitMinutes * 60_000;
  while (os.loadavg()[0]! > o.quietLoad && Date.now() < quietUntil) await new Promise((r) => setTimeout(r, 5000));
  const run: ImportRun = {
    database,
    rows,
    fileMb: round(fs.statSync(file).size / 2 ** 20, 1),
    loadAvgStart: round(os.loadavg()[0]!, 2),
    loadAvgEnd: 0,
    seed: null,
    measured: null,
    rowsPerSecond: null,
    check: null,
  };
  console.log(`import: ${database}, ${rows.toLocaleString('en')} rows (${run.fileMb} MB), load ${run.loadAvgStart}`);
  const dataDir = database === 'pglite' ? fs.mkdtempSync(path.join(os.tmpdir(), 'leadflow-import-bench-pglite-')) : null;
  if (database === 'postgres') await recreateDatabase(o.databaseUrl);
  const env: Record<string, string> = { JOBS_ENABLED: 'true', ...(dataDir ? { DATA_DIR: dataDir } : {}) };
  const profileDir = path.join(PROFILE_DIR, `${database}-${rows}-${Date.now()}`);
  let server: ServerProcess | undefined;
  for (let attempt = 1; !server; attempt++) {
    try {
      server = await startServerProcess(database === 'postgres' ? o.databaseUrl : null, env, o.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
    } catch (err) {
      // pg-boss creating its queues on a fresh database can deadlock on the first start (README "Server").
      if (attempt >= 3 || !String(err).includes('deadlock detected')) throw err;
    }
  }
  const client = new ApiClient(server.base);
  try {
    await client.get('/api/v1/me');
    const setup = await client.post('/api/v1/setup', { name: 'Bench Owner', email: 'bench-owner@example.com', password: 'bench password 0123', workspaceName: 'Import Bench' });
    if (setup.status !== 201) throw new Error(`set-up failed: ${setup.body}`);
    const me = JSON.parse((await client.get('/api/v1/me')).body) as { currentWorkspaceId: string; user: { id: string } };
    client.workspaceId = me.currentWorkspaceId;
    if (o.assignment === 'distribution') {
      const rule = await client.post('/api/v1/distribution/rules', { name: 'Everyone', priority: 10, conditions: [], strategy: 'round_robin', members: [{ userId: me.user.id }] });
      if (rule.status !== 201) throw new Error(`rule refused: ${rule.body}`);
    }
    const settings = { ...SETTINGS, assignment: o.assignment === 'user' ? { kind: 'user', userId: me.user.id } : { kind: o.assignment } };
    run.seed = await importFile(server, client, seedFile, settings);
    console.log(`  seed (${Math.round(rows / 10).toLocaleString('en')} rows): ${run.seed.totalMs} ms`);
    const m = await importFile(server, client, file, settings);
    run.measured = m;
    const per = (ms: number) => Math.round(rows / Math.max(ms / 1000, 0.001));
    run.rowsPerSecond = { endToEnd: per(m.totalMs), upload: per(m.uploadMs), dryRun: per(m.dryRunMs), run: Math.round(Number(m.progress.rowsDone) / Math.max(m.runMs / 1000, 0.001)) };
    console.log(`  measured: upload ${m.uploadMs} ms, dry run ${m.dryRunMs} ms, run ${m.runMs} ms — ${m.totalMs} ms, ${run.rowsPerSecond.endToEnd} rows/s; RSS max ${m.rss.run.max} MB`);
    console.log(`  CPU s (server / machine): upload ${m.cpu.upload.server} / ${m.cpu.upload.machine}, dry run ${m.cpu.dryRun.server} / ${m.cpu.dryRun.machine}, run ${m.cpu.run.server} / ${m.cpu.run.machine}`);
    if (database === 'postgres') {
      const db = new pg.Client({ connectionString: o.databaseUrl });
      await db.connect();
      try {
        const [c] = (
          await db.query<{ n: number; e: number; unowned: number; records: number }>(
            `SELECT (SELECT count(*)::int FROM leads WHERE workspace_id = $1 AND deleted_at IS NULL) AS n,
                    (SELECT count(DISTINCT e)::int FROM leads, unnest(emails) AS e WHERE workspace_id = $1 AND deleted_at IS NULL) AS e,
                    (SELECT count(*)::int FROM leads WHERE workspace_id = $1 AND deleted_at IS NULL AND owner_id IS NULL) AS unowned,
                    (SELECT count(*)::int FROM assignments WHERE workspace_id = $1) AS records`,
            [me.currentWorkspaceId],
          )
        ).rows;
        const expected = Number(run.seed.progress.created) + Number(m.progress.created);
        // Owners as asked: none, or every lead (and one assignment record per lead with distribution).
        const owners = o.assignment === 'none' ? c!.unowned === c!.n : c!.unowned === 0 && (o.assignment !== 'distribution' || c!.records === c!.n);
        run.check = { leads: c!.n, expected, distinctEmails: c!.e, unowned: c!.unowned, assignmentRecords: c!.records, ok: c!.n === expected && c!.e === c!.n && owners };
      } finally {
        await db.end();
      }
      if (!run.check.ok) run.error = `check failed: ${JSON.stringify(run.check)}`;
    }
  } catch (err) {
    run.error = err instanceof Error ? err.message : String(err);
    run.log = server.log.slice(-20);
    console.error(`  failed: ${run.error}`);
  } finally {
    client.close();
    await stopServerProcess(server);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    run.loadAvgEnd = round(os.loadavg()[0]!, 2);
  }
  if (o.cpuProf && fs.existsSync(profileDir)) {
    // The main thread's profile is the largest file (the other is tsx's loader thread); start-up left out.
    const main = fs
      .readdirSync(profileDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => path.join(profileDir, f))
      .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
    if (main) run.profile = summarizeProfile(main, server.startupMs, 25);
  }
  return run;
}

export async function runImportBench(o: ImportOptions = IMPORT_DEFAULTS, command = 'npm run bench -- --only import'): Promise<ImportReport> {
  const report: ImportReport = {
    startedAt: new Date().toISOString(),
    command,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', node: process.version, postgres: '', memoryGb: round(os.totalmem() / 2 ** 30, 0) },
    options: o,
    runs: [],
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadflow-import-bench-'));
  try {
    try {
      const db = new pg.Client({ connectionString: o.databaseUrl.replace(/\/[^/]*$/, '/postgres') });
      await db.connect();
      report.machine.postgres = (await db.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
      await db.end();
    } catch {
      report.machine.postgres = 'unreachable';
    }
    for (let k = 0; k < o.runs && o.rows > 0; k++) report.runs.push(await oneRun('postgres', o.rows, o, dir));
    for (let k = 0; k < o.runs && o.pgliteRows > 0; k++) report.runs.push(await oneRun('pglite', o.pgliteRows, o, dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return report;
}

const s = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);

export function importMarkdown(r: ImportReport): string {
  const L = [
    '## Import (CSV, update-or-create on email)',
    '',
    `Command: \`${r.command}\` — ${r.startedAt}; ${r.machine.cpus} CPUs (${r.machine.cpuModel}), ${r.machine.memoryGb} GB, Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}.`,
    '',
    `Each run: a fresh database, a seed import of a tenth of the people (other company), then the measured file: 10 columns, 5 % duplicate rows, 1 % bad rows, update-or-create on email; new leads ${r.options.assignment === 'none' ? 'left unassigned' : r.options.assignment === 'user' ? 'all to one user' : 'through distribution (a round-robin rule)'}. Target (PostgreSQL): 100,000 rows in < 20 s end to end.`,
    '',
    '| Database | Rows (MB) | Load start → end | Upload | Dry run | Run | End to end | Rows/s end to end (upload / dry run / run) | Created / updated / rejected | RSS MB start → max → end | Check |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const x of r.runs) {
    const m = x.measured;
    const target = x.database === 'postgres' && m ? ((m.totalMs * 100_000) / x.rows <= TARGET_MS_PER_100K ? ' ✅' : ' ❌') : '';
    const sum = m?.summary as { errors?: number; duplicateInFile?: number } | undefined;
    const rss = m ? `${m.rss.upload.start} → ${Math.max(m.rss.upload.max ?? 0, m.rss.dryRun.max ?? 0, m.rss.run.max ?? 0)} → ${m.rss.run.end}` : '–';
    L.push(
      `| ${x.database} | ${x.rows.toLocaleString('en')} (${x.fileMb}) | ${x.loadAvgStart} → ${x.loadAvgEnd} | ${s(m?.uploadMs)} | ${s(m?.dryRunMs)} | ${s(m?.runMs)} | ${s(m?.totalMs)}${target} | ${x.rowsPerSecond ? `${x.rowsPerSecond.endToEnd} (${x.rowsPerSecond.upload} / ${x.rowsPerSecond.dryRun} / ${x.rowsPerSecond.run})` : '–'} | ${m ? `${String(m.progress.created)} / ${String(m.progress.updated)} / ${(sum?.errors ?? 0) + (sum?.duplicateInFile ?? 0)}` : '–'} | ${rss} | ${x.check ? (x.check.ok ? '✅' : `❌ ${JSON.stringify(x.check)}`) : x.error ? `error: ${x.error}` : '–'} |`,
    );
  }
  const cpuRows = r.runs.filter((x) => x.measured?.cpu);
  if (cpuRows.length) {
    L.push(
      '',
      'CPU seconds per phase, the server process / the whole machine (server, database, harness; 2 cores give 2 CPU seconds per second):',
      '',
      '| Database | Upload | Dry run | Run |',
      '|---|---|---|---|',
      ...cpuRows.map((x) => {
        const c = x.measured!.cpu;
        return `| ${x.database} | ${c.upload.server} / ${c.upload.machine} | ${c.dryRun.server} / ${c.dryRun.machine} | ${c.run.server} / ${c.run.machine} |`;
      }),
    );
  }
  for (const x of r.runs) {
    if (!x.profile) continue;
    L.push('', ...profileMarkdown(x.profile, `Server CPU profile, ${x.database} ${x.rows.toLocaleString('en')} rows`, ''));
  }
  return `${L.join('\n')}\n`;
}

export function importOptionsFrom(argv: string[]): ImportOptions {
  const args = parseSetArgs(argv, 'import', { flags: ['import-cpu-prof'], values: ['import-database-url', 'import-rows', 'import-pglite-rows', 'import-runs', 'import-assignment'] });
  const assignment = args.string('import-assignment', IMPORT_DEFAULTS.assignment);
  if (!['none', 'user', 'distribution'].includes(assignment)) throw new Error('--import-assignment: none, user or distribution');
  return {
    databaseUrl: args.string('import-database-url', IMPORT_DEFAULTS.databaseUrl),
    rows: args.number('import-rows', IMPORT_DEFAULTS.rows),
    pgliteRows: args.number('import-pglite-rows', IMPORT_DEFAULTS.pgliteRows),
    runs: Math.max(1, args.number('import-runs', IMPORT_DEFAULTS.runs)),
    cpuProf: args.flag('import-cpu-prof'),
    assignment: assignment as ImportOptions['assignment'],
    quietLoad: args.number('quiet-load', IMPORT_DEFAULTS.quietLoad),
    quietWaitMinutes: args.number('quiet-wait-minutes', IMPORT_DEFAULTS.quietWaitMinutes),
  };
}

/** Runs the import set alone and writes bench/results/<timestamp>-import.json and .md; exit code 1 on a failed run. */
export async function runImportCli(argv: string[], command: string): Promise<number> {
  const report = await runImportBench(importOptionsFrom(argv), command);
  saveResults('import', report, importMarkdown(report));
  return report.runs.some((x) => x.error) ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const argv = process.argv.slice(2);
  runImportCli(argv, `node --import tsx bench/import.ts ${argv.join(' ')}`.trim()).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
}
