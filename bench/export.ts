/**
 * Workspace export benchmark (issue 8): a workspace of N leads (5 custom fields each, 2 phones, tags) and M timeline
 * entries, exported by the real export job (the same code the API queues) to a ZIP on disk; wall time, ZIP size and
 * the process's memory (RSS sampled every 50 ms, so "flat" can be checked) are printed, and the ZIP's manifest
 * counts are checked against the database.
 *
 * To show that memory does not grow with the data, cap the heap: `node --max-old-space-size=160 --import tsx …`.
 *
 * Runs: `node --import tsx bench/export.ts [--leads 100000] [--activities 200000] [--pglite]`. PostgreSQL database
 * `leadflow_bench_export` on 127.0.0.1 (dropped and created afresh) unless --pglite (in memory).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildApp } from '../apps/server/src/app.ts';
import { createExportsService } from '../apps/server/src/modules/exports/exports.service.ts';
import { loadConfig } from '../apps/server/src/platform/config.ts';
import { openDatabase } from '../apps/server/src/platform/db/client.ts';
import { createDeps } from '../apps/server/src/platform/deps.ts';

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const BENCH_URL = 'postgres://postgres@127.0.0.1:5432/leadflow_bench_export';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const leadsCount = arg('leads', 100_000);
const activitiesCount = arg('activities', 200_000);
const pglite = process.argv.includes('--pglite');

async function main() {
  let databaseUrl: string | undefined;
  if (!pglite) {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query('DROP DATABASE IF EXISTS leadflow_bench_export WITH (FORCE)');
    await admin.query('CREATE DATABASE leadflow_bench_export');
    await admin.end();
    databaseUrl = BENCH_URL;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lf-export-bench-'));
  const database = await openDatabase(databaseUrl ? { databaseUrl, poolSize: 5 } : { inMemory: true });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', JOBS_ENABLED: 'false', DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
  const silent = { error: () => undefined, info: () => undefined };
  const deps = await createDeps(config, silent, database);
  const app = await buildApp(deps, { rateLimitPerMinute: false, webDistDir: '/nonexistent' });
  await app.ready();
  const setup = await app.inject({ method: 'POST', url: '/api/v1/setup', headers: { cookie: 'lf_csrf=x', 'x-csrf-token': 'x' }, payload: { name: 'Bench Owner', email: 'bench@example.com', password: 'correct horse battery', workspaceName: 'Bench' } });
  if (setup.statusCode !== 201) throw new Error(setup.body);
  const { rows: [ws] } = await database.query<{ id: string }>('SELECT id FROM workspaces LIMIT 1');
  const workspaceId = ws!.id;

  let t0 = Date.now();
  for (let i = 1; i <= 5; i++) {
    await database.query(`INSERT INTO custom_fields (workspace_id, key, label, type, position) VALUES ($1, $2, $3, 'text', $4)`, [workspaceId, `field_${i}`, `Field ${i}`, i]);
  }
  for (let from = 1; from <= leadsCount; from += 50_000) {
    const to = Math.min(leadsCount, from + 49_999);
    await database.query(
      `INSERT INTO leads (workspace_id, first_name, last_name, company, emails, phones, phone_e164, tags, source, city, custom, origin)
       SELECT $1, 'Lead ' || g, 'Conceição', 'Company "' || (g % 997) || '", Ltda', ARRAY['lead' || g || '@example.com'],
              jsonb_build_array(jsonb_build_object('raw', '+55 11 9' || lpad((g % 100000000)::text, 8, '0'), 'e164', '+55119' || lpad((g % 100000000)::text, 8, '0'))),
              ARRAY['+55119' || lpad((g % 100000000)::text, 8, '0')], ARRAY['tag-' || (g % 7), 'vip'], 'Website', 'São Paulo',
              jsonb_build_object('field_1', 'value ' || g, 'field_2', '=formula' || g, 'field_3', 'line1' || chr(10) || 'line2', 'field_4', g::text, 'field_5', 'ação'),
              'import'
       FROM generate_series($2::int, $3::int) g`,
      [workspaceId, from, to],
    );
  }
  const { rows: ids } = await database.query<{ id: string }>('SELECT id FROM leads WHERE workspace_id = $1 ORDER BY id LIMIT 1000', [workspaceId]);
  for (let from = 1; from <= activitiesCount; from += 50_000) {
    const to = Math.min(activitiesCount, from + 49_999);
    await database.query(
      `INSERT INTO activities (workspace_id, lead_id, type, data)
       SELECT $1, ($4::uuid[])[1 + g % array_length($4::uuid[], 1)], 'note', jsonb_build_object('body', 'Called, left a message #' || g)
       FROM generate_series($2::int, $3::int) g`,
      [workspaceId, from, to, `{${ids.map((r) => r.id).join(',')}}`],
    );
  }
  console.log(`seeded ${leadsCount} leads and ${activitiesCount} activities on ${pglite ? 'PGlite' : 'PostgreSQL'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const service = createExportsService(deps);
  const { rows: [exp] } = await database.query<{ id: string }>(`INSERT INTO workspace_exports (workspace_id, status) VALUES ($1, 'queued') RETURNING id`, [workspaceId]);
  if (global.gc) global.gc();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  let rssPeak = rssBefore;
  let heapPeak = heapBefore;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rssPeak = Math.max(rssPeak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  }, 50);
  t0 = Date.now();
  await service.run(exp!.id);
  const seconds = (Date.now() - t0) / 1000;
  clearInterval(sampler);
  const { rows: [done] } = await database.query<{ status: string; size_bytes: string; files: { file: string; rows: number }[] }>('SELECT status, size_bytes, files FROM workspace_exports WHERE id = $1', [exp!.id]);
  const rows = done!.files.reduce((s, f) => s + f.rows, 0);
  const leadsRows = done!.files.find((f) => f.file === 'leads.csv')!.rows;
  const activityRows = done!.files.find((f) => f.file === 'activities.csv')!.rows;
  if (done!.status !== 'done' || leadsRows !== leadsCount || activityRows !== activitiesCount) throw new Error(`unexpected result ${JSON.stringify(done)}`);
  const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
  console.log(
    `export: ${seconds.toFixed(1)} s, ${rows} rows in ${done!.files.length} files (${Math.round(rows / seconds)} rows/s), ZIP ${(Number(done!.size_bytes) / 1024 / 1024).toFixed(1)} MB; RSS ${mb(rssBefore)} MB before, ${mb(rssPeak)} MB peak; JS heap ${mb(heapBefore)} MB before, ${mb(heapPeak)} MB peak`,
  );

  await app.close();
  await deps.jobs.stop();
  await database.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (!pglite) {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query('DROP DATABASE IF EXISTS leadflow_bench_export WITH (FORCE)');
    await admin.end();
  }
}

await main();
