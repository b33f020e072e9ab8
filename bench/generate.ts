/**
 * Fills a bench database: one big workspace (default 1,000,000 leads) and 9 small ones, generated in SQL.
 *
 *   node --import tsx bench/generate.ts --fresh [--leads 1000000] [--database-url postgres://…/leadflow_bench]
 *   node --import tsx bench/generate.ts --fresh --pglite bench/results/pglite [--leads 200000]
 *
 * Users, workspaces, roles and memberships go through the app's own repositories; leads, custom values and
 * timelines are bulk INSERT … SELECT FROM generate_series with the secondary indexes dropped and rebuilt after.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashPassword } from '../apps/server/src/platform/auth/password.ts';
import { openDatabase, type Database } from '../apps/server/src/platform/db/client.ts';
import { normalizePhone, phoneSearchDigits } from '../apps/server/src/platform/geo/phone.ts';
import { createAccountsRepository } from '../apps/server/src/modules/accounts/accounts.repository.ts';
import { createWorkspaceRecords } from '../apps/server/src/modules/workspaces/workspace-records.ts';
import { createWorkspacesRepository } from '../apps/server/src/modules/workspaces/workspaces.repository.ts';
import { parseArgs } from './lib/args.ts';
import { AGENT_NAMES, PROPERTY_TYPES } from './lib/dataset.ts';
import { insertHeavyTimelinesSql, insertLeadsSql, insertSparseTimelinesSql } from './lib/lead-sql.ts';
import {
  DEFAULT_DATABASE_URL,
  assertBenchDatabaseName,
  databaseConn,
  databaseExists,
  databaseName,
  pgConn,
  runQueue,
  withAdmin,
  type SqlConn,
} from './lib/sql.ts';

/** Bump when the generated data changes shape: run.ts regenerates a database made by another version. */
export const GENERATOR_VERSION = 1;
export const BENCH_EMAIL_DOMAIN = 'bench.leadflow.test';
const PGLITE_MARKER = 'LEADFLOW_BENCH_DATA';

export type GenerateOptions = {
  /** PostgreSQL URL of the bench database, or … */
  databaseUrl?: string | undefined;
  /** … a PGlite data folder (the data goes to <dir>/pglite, as the app does with DATA_DIR). */
  pgliteDir?: string | undefined;
  leads: number;
  smallWorkspaces: number;
  smallLeads: number;
  agents: number;
  timelineLeads: number;
  timelineActivities: number;
  /** Drop the bench database (or the PGlite folder) first. */
  fresh: boolean;
  maxMinutes: number;
  log?: (line: string) => void;
};

export type GenerationInfo = {
  generatorVersion: number;
  engine: 'postgres' | 'pglite';
  leads: number;
  smallWorkspaces: number;
  smallLeads: number;
  totalLeads: number;
  activities: number;
  bigWorkspaceId: string;
  smallWorkspaceIds: string[];
  ownerEmail: string;
  /** Random per database; the database is a local throwaway that only the harness signs in to. */
  password: string;
  ownerId: string;
  agentIds: string[];
  pipelineId: string;
  stageIds: string[];
  timelineLeadIds: string[];
  verification: { sampled: number; phoneMismatches: number; searchMismatches: number };
  timingsMs: Record<string, number>;
  sizes: Record<string, string>;
  completedAt: string;
};

export const DEFAULTS = {
  leads: 1_000_000,
  pgliteLeads: 200_000,
  smallWorkspaces: 9,
  smallLeads: 10_000,
  agents: 50,
  timelineLeads: 100,
  timelineActivities: 200,
  maxMinutes: 30,
};

const META_TABLE = 'bench_meta';

export async function readGenerationInfo(conn: SqlConn): Promise<GenerationInfo | null> {
  const exists = await conn.query<{ t: string | null }>(`SELECT to_regclass('public.${META_TABLE}')::text AS t`);
  if (!exists.rows[0]?.t) return null;
  const r = await conn.query<{ value: GenerationInfo }>(`SELECT value FROM ${META_TABLE} WHERE key = 'generation'`);
  return r.rows[0]?.value ?? null;
}

/** The PGlite folder of a bench run, refusing folders we did not create (never an app's ./data). */
export function preparePgliteDir(dir: string, fresh: boolean): void {
  const abs = path.resolve(dir);
  const marker = path.join(abs, PGLITE_MARKER);
  if (fs.existsSync(abs) && fs.readdirSync(abs).length > 0 && !fs.existsSync(marker)) {
    throw new Error(`${abs} is not empty and was not made by the bench generator: choose another --pglite folder`);
  }
  if (fresh && fs.existsSync(abs)) fs.rmSync(abs, { recursive: true, force: true });
  fs.mkdirSync(abs, { recursive: true });
  fs.writeFileSync(marker, 'Made by bench/generate.ts; safe to delete.\n');
}

export async function generate(o: GenerateOptions): Promise<GenerationInfo> {
  const log = o.log ?? ((line: string) => console.log(line));
  const engine = o.pgliteDir ? 'pglite' : 'postgres';
  const deadline = Date.now() + o.maxMinutes * 60_000;
  const checkDeadline = (step: string) => {
    if (Date.now() > deadline) throw new Error(`Generation exceeded --max-minutes ${o.maxMinutes} before ${step}`);
  };
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  let stepStart = t0;
  const step = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - stepStart);
    log(`  ${name.padEnd(28)} ${(timings[name] / 1000).toFixed(1)} s`);
    stepStart = now;
  };

  let database: Database;
  const bulk: (SqlConn & { end?: () => Promise<void> })[] = [];
  if (engine === 'postgres') {
    const url = o.databaseUrl ?? DEFAULT_DATABASE_URL;
    const name = assertBenchDatabaseName(url);
    if (o.fresh) {
      await withAdmin(url, async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${name}`);
      });
    } else if (!(await databaseExists(url))) {
      await withAdmin(url, (c) => c.query(`CREATE DATABASE ${name}`));
    }
    log(`Generating into PostgreSQL database ${databaseName(url)}: ${o.leads.toLocaleString('en')} leads + ${o.smallWorkspaces} × ${o.smallLeads.toLocaleString('en')}`);
    database = await openDatabase({ databaseUrl: url, poolSize: 2 });
    // Two sessions: leads chunks and index builds run in parallel on the 2 cores. Foreign-key triggers are skipped
    // (session_replication_role) because every reference is built valid; the rows are checked below.
    const settings = [
      "SET synchronous_commit = off",
      "SET maintenance_work_mem = '1GB'",
      'SET max_parallel_maintenance_workers = 0',
      "SET statement_timeout = '30min'",
      'SET session_replication_role = replica',
    ];
    for (let k = 0; k < 2; k++) bulk.push(await pgConn(url, settings));
  } else {
    preparePgliteDir(o.pgliteDir!, o.fresh);
    log(`Generating into PGlite ${path.resolve(o.pgliteDir!)}: ${o.leads.toLocaleString('en')} leads + ${o.smallWorkspaces} × ${o.smallLeads.toLocaleString('en')}`);
    database = await openDatabase({ dataDir: o.pgliteDir! });
    const conn = databaseConn(database);
    await conn.exec("SET maintenance_work_mem = '256MB'; SET session_replication_role = replica;");
    bulk.push(conn);
  }
  const main = databaseConn(database);

  try {
    step('open + migrate');
    const users = await main.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    if ((users.rows[0]?.n ?? 0) > 0) {
      throw new Error('The bench database already has users: run with --fresh to start over');
    }

    // Accounts, workspaces, roles and memberships through the app's code.
    const password = crypto.randomBytes(12).toString('base64url');
    const passwordHash = await hashPassword(password);
    const accounts = createAccountsRepository(database.db);
    const workspaces = createWorkspacesRepository(database.db);
    const ownerEmail = `owner@${BENCH_EMAIL_DOMAIN}`;
    type Ws = { id: string; ownerId: string; agentIds: string[]; count: number };
    const big = await database.db.transaction(async (tx) => {
      const owner = await accounts.insertUser(tx, { email: ownerEmail, name: 'Olivia Owner', passwordHash });
      const ws = await createWorkspaceRecords(workspaces, tx, owner.id, { name: 'Bench Realty', slug: 'bench-realty', timeZone: 'America/Sao_Paulo' });
      await workspaces.updateWorkspace(ws.id, { defaultCountry: 'BR', currency: 'BRL' }, tx);
      const agentRole = await workspaces.findRoleByKey(ws.id, 'agent', tx);
      const agentIds: string[] = [];
      for (let k = 0; k < o.agents; k++) {
        const u = await accounts.insertUser(tx, {
          email: `agent${String(k + 1).padStart(2, '0')}@${BENCH_EMAIL_DOMAIN}`,
          name: AGENT_NAMES[k % AGENT_NAMES.length]!,
          passwordHash,
        });
        await workspaces.insertMembership(tx, { workspaceId: ws.id, userId: u.id, roleId: agentRole!.id, status: 'active', approvedBy: owner.id });
        agentIds.push(u.id);
      }
      return { id: ws.id, ownerId: owner.id, agentIds, count: o.leads } satisfies Ws;
    });
    const smalls: Ws[] = [];
    for (let s = 1; s <= o.smallWorkspaces; s++) {
      smalls.push(
        await database.db.transaction(async (tx) => {
          const owner = await accounts.insertUser(tx, { email: `owner${s}@${BENCH_EMAIL_DOMAIN}`, name: `Small Owner ${s}`, passwordHash });
          const ws = await createWorkspaceRecords(workspaces, tx, owner.id, { name: `Bench Small ${s}`, slug: `bench-small-${s}` });
          await workspaces.updateWorkspace(ws.id, { defaultCountry: 'BR' }, tx);
          const agentRole = await workspaces.findRoleByKey(ws.id, 'agent', tx);
          const agentIds = [owner.id];
          for (let k = 1; k <= 4; k++) {
            const u = await accounts.insertUser(tx, { email: `s${s}-agent${k}@${BENCH_EMAIL_DOMAIN}`, name: AGENT_NAMES[(s * 5 + k) % AGENT_NAMES.length]!, passwordHash });
            await workspaces.insertMembership(tx, { workspaceId: ws.id, userId: u.id, roleId: agentRole!.id, status: 'active', approvedBy: owner.id });
            agentIds.push(u.id);
          }
          return { id: ws.id, ownerId: owner.id, agentIds, count: o.smallLeads };
        }),
      );
    }
    const all = [big, ...smalls];

    // Custom field definitions, the default pipeline's stages.
    const stagesOf = new Map<string, { pipelineId: string; stageIds: string[] }>();
    for (const ws of all) {
      await main.query(
        `INSERT INTO custom_fields (workspace_id, key, label, type, options, position) VALUES
           ($1, 'budget', 'Budget', 'money', '[]'::jsonb, 0),
           ($1, 'property_type', 'Property type', 'select', $2::jsonb, 1),
           ($1, 'birth_date', 'Birth date', 'date', '[]'::jsonb, 2)`,
        [ws.id, JSON.stringify(PROPERTY_TYPES)],
      );
      const st = await main.query<{ id: string; pipeline_id: string }>(
        'SELECT id, pipeline_id FROM pipeline_stages WHERE workspace_id = $1 ORDER BY position',
        [ws.id],
      );
      stagesOf.set(ws.id, { pipelineId: st.rows[0]!.pipeline_id, stageIds: st.rows.map((r) => r.id) });
    }
    step('users, workspaces, fields');

    // Secondary indexes off during the load, rebuilt in one pass each afterwards.
    const indexes = await main.query<{ name: string; def: string; tbl: string }>(
      `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def, c.relname AS tbl
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
        WHERE c.relname IN ('leads', 'activities') AND c.relnamespace = 'public'::regnamespace AND NOT x.indisprimary`,
    );
    for (const ix of indexes.rows) await main.exec(`DROP INDEX ${ix.name}`);
    step(`drop ${indexes.rows.length} indexes`);

    // Leads: chunks of the big workspace, then the small ones, on the bulk connections.
    const nowEpoch = Math.floor(Date.now() / 1000);
    const CHUNK = engine === 'postgres' ? 100_000 : 50_000;
    type Job = { ws: Ws; base: number; lo: number; hi: number };
    const jobs: Job[] = [];
    let ordinal = 1;
    for (const ws of all) {
      const base = ordinal;
      for (let lo = base; lo < base + ws.count; lo += CHUNK) jobs.push({ ws, base, lo, hi: Math.min(lo + CHUNK, base + ws.count) - 1 });
      ordinal += ws.count;
    }
    let done = 0;
    const totalLeads = ordinal - 1;
    await runQueue(bulk, jobs, async (conn, j) => {
      checkDeadline('the next chunk of leads');
      const stages = stagesOf.get(j.ws.id)!;
      await conn.exec(
        insertLeadsSql({
          lo: j.lo,
          hi: j.hi,
          base: j.base,
          count: j.ws.count,
          workspaceId: j.ws.id,
          pipelineId: stages.pipelineId,
          stageIds: stages.stageIds,
          ownerIds: j.ws.agentIds,
          createdBy: j.ws.ownerId,
          nowEpoch,
        }),
      );
      done += j.hi - j.lo + 1;
      if (j.ws === big && (j.hi - j.base + 1) % (CHUNK * 5) === 0) log(`    ${done.toLocaleString('en')} / ${totalLeads.toLocaleString('en')} leads`);
    });
    step(`insert ${totalLeads.toLocaleString('en')} leads`);

    // Timelines: 200 activities on 100 sample leads of the big workspace, 1–3 on ~10% of all leads.
    checkDeadline('timelines');
    const sample = await main.query<{ id: string }>(
      `SELECT id FROM leads WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY hashtext(id::text) LIMIT ${o.timelineLeads}`,
      [big.id],
    );
    const timelineLeadIds = sample.rows.map((r) => r.id);
    const bigStages = stagesOf.get(big.id)!.stageIds;
    await Promise.all([
      bulk[0]!.exec(insertHeavyTimelinesSql(timelineLeadIds, bigStages, o.timelineActivities)),
      (bulk[1] ?? bulk[0]!).exec(insertSparseTimelinesSql(timelineLeadIds, bigStages)),
    ]);
    const activities = (await main.query<{ n: number }>('SELECT count(*)::int AS n FROM activities')).rows[0]!.n;
    step(`insert ${activities.toLocaleString('en')} activities`);

    // Rebuild the indexes, biggest (trigram GIN) first so the two sessions finish together.
    checkDeadline('index builds');
    const order = (def: string) => (def.includes('gin_trgm_ops') ? 0 : def.includes('USING gin') ? 1 : 2);
    const rebuild = [...indexes.rows].sort((a, b) => order(a.def) - order(b.def));
    await runQueue(bulk, rebuild, async (conn, ix) => {
      const s = performance.now();
      await conn.exec(ix.def);
      log(`    ${ix.name.padEnd(28)} ${((performance.now() - s) / 1000).toFixed(1)} s`);
    });
    step(`build ${rebuild.length} indexes`);

    for (const conn of bulk) await conn.exec('SET session_replication_role = DEFAULT');
    // Every reference the triggers skipped, checked in one pass per foreign key.
    const orphans = await main.query<{ n: number }>(
      `SELECT ((SELECT count(*) FROM leads l WHERE l.owner_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = l.owner_id))
            + (SELECT count(*) FROM leads l WHERE NOT EXISTS (SELECT 1 FROM pipeline_stages s WHERE s.id = l.stage_id AND s.workspace_id = l.workspace_id))
            + (SELECT count(*) FROM activities a WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = a.lead_id AND l.workspace_id = a.workspace_id)))::int AS n`,
    );
    if (orphans.rows[0]!.n !== 0) throw new Error(`${orphans.rows[0]!.n} generated rows reference a missing row`);
    await bulk[0]!.exec('VACUUM (ANALYZE) leads');
    await bulk[0]!.exec('VACUUM (ANALYZE) activities');
    await bulk[0]!.exec('ANALYZE');
    step('check FKs, VACUUM ANALYZE');

    const verification = await verifySample(main, big.id);
    if (verification.phoneMismatches || verification.searchMismatches) {
      log(`  WARNING: generated phones disagree with the app's phone helpers: ${JSON.stringify(verification)}`);
    }

    const sizes = await sizesOf(main, engine, o.pgliteDir);
    const info: GenerationInfo = {
      generatorVersion: GENERATOR_VERSION,
      engine,
      leads: o.leads,
      smallWorkspaces: o.smallWorkspaces,
      smallLeads: o.smallLeads,
      totalLeads,
      activities,
      bigWorkspaceId: big.id,
      smallWorkspaceIds: smalls.map((s) => s.id),
      ownerEmail,
      password,
      ownerId: big.ownerId,
      agentIds: big.agentIds,
      pipelineId: stagesOf.get(big.id)!.pipelineId,
      stageIds: bigStages,
      timelineLeadIds,
      verification,
      timingsMs: { ...timings, total: Math.round(performance.now() - t0) },
      sizes,
      completedAt: new Date().toISOString(),
    };
    await main.exec(`CREATE TABLE IF NOT EXISTS ${META_TABLE} (key text PRIMARY KEY, value jsonb NOT NULL)`);
    await main.query(
      `INSERT INTO ${META_TABLE} (key, value) VALUES ('generation', $1::jsonb) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [JSON.stringify(info)],
    );
    log(`Done in ${((performance.now() - t0) / 1000).toFixed(1)} s — ${Object.entries(sizes).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    return info;
  } finally {
    for (const conn of bulk) await conn.end?.();
    await database.close();
  }
}

/** The generated phones and search columns must be what the app's own helpers produce for the same input. */
async function verifySample(conn: SqlConn, workspaceId: string) {
  const rows = await conn.query<{ phones: { raw: string; e164: string }[]; phone_search: string; emails: string[]; email_search: string }>(
    `SELECT phones, phone_search, emails, email_search FROM leads WHERE workspace_id = $1 AND (hashtext(id::text) & 1023) < 3 LIMIT 2000`,
    [workspaceId],
  );
  let phoneMismatches = 0;
  let searchMismatches = 0;
  for (const r of rows.rows) {
    for (const p of r.phones) if (normalizePhone(p.raw, 'BR').e164 !== p.e164) phoneMismatches++;
    if (phoneSearchDigits(r.phones) !== r.phone_search) searchMismatches++;
    if (r.emails.join(' ').toLowerCase() !== r.email_search) searchMismatches++;
  }
  return { sampled: rows.rows.length, phoneMismatches, searchMismatches };
}

async function sizesOf(conn: SqlConn, engine: string, pgliteDir: string | undefined): Promise<Record<string, string>> {
  const r = await conn.query<{ db: string; leads: string; leads_indexes: string; activities: string }>(
    `SELECT pg_size_pretty(pg_database_size(current_database())) AS db,
            pg_size_pretty(pg_table_size('leads')) AS leads,
            pg_size_pretty(pg_indexes_size('leads')) AS leads_indexes,
            pg_size_pretty(pg_total_relation_size('activities')) AS activities`,
  );
  const sizes: Record<string, string> = {
    database: r.rows[0]!.db,
    leadsTable: r.rows[0]!.leads,
    leadsIndexes: r.rows[0]!.leads_indexes,
    activities: r.rows[0]!.activities,
  };
  if (engine === 'pglite' && pgliteDir) sizes.folder = `${Math.round(dirBytes(path.resolve(pgliteDir)) / 1024 / 1024)} MB`;
  return sizes;
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return total;
}

async function cli(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), {
    flags: ['fresh'],
    values: ['leads', 'database-url', 'pglite', 'small-workspaces', 'small-leads', 'agents', 'max-minutes'],
  });
  const pgliteDir = args.optional('pglite');
  const info = await generate({
    databaseUrl: args.string('database-url', DEFAULT_DATABASE_URL),
    pgliteDir,
    leads: args.number('leads', pgliteDir ? DEFAULTS.pgliteLeads : DEFAULTS.leads),
    smallWorkspaces: args.number('small-workspaces', DEFAULTS.smallWorkspaces),
    smallLeads: args.number('small-leads', DEFAULTS.smallLeads),
    agents: args.number('agents', DEFAULTS.agents),
    timelineLeads: DEFAULTS.timelineLeads,
    timelineActivities: DEFAULTS.timelineActivities,
    fresh: args.flag('fresh'),
    maxMinutes: args.number('max-minutes', DEFAULTS.maxMinutes),
  });
  console.log(
    JSON.stringify(
      { engine: info.engine, totalLeads: info.totalLeads, activities: info.activities, timingsMs: info.timingsMs, sizes: info.sizes, verification: info.verification },
      null,
      2,
    ),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli().catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack ?? err.message : err);
    process.exit(1);
  });
}
