/**
 * The list and search SQL of the bench run directly on PGlite (the embedded engine), on a data folder generated
 * by bench/generate.ts. In-process and single-connection, so queries run one at a time.
 *
 *   node --import tsx bench/pglite.ts [--dir bench/results/pglite] [--leads 200000] [--requests 200] [--regenerate]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../apps/server/src/platform/db/client.ts';
import { DEFAULTS, GENERATOR_VERSION, generate, preparePgliteDir, readGenerationInfo, type GenerationInfo } from './generate.ts';
import { parseArgs } from './lib/args.ts';
import { explainScenario, loadSql } from './lib/measure.ts';
import { loadFixtures, readScenarios } from './lib/reference.ts';
import { databaseConn } from './lib/sql.ts';
import { fmtMs, round } from './lib/stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), {
    flags: ['regenerate'],
    values: ['dir', 'leads', 'small-workspaces', 'small-leads', 'requests', 'warmup', 'max-seconds', 'out', 'max-minutes'],
  });
  const dir = path.resolve(args.string('dir', path.join(ROOT, 'bench', 'results', 'pglite')));
  const leads = args.number('leads', DEFAULTS.pgliteLeads);
  const smallWorkspaces = args.number('small-workspaces', DEFAULTS.smallWorkspaces);
  const smallLeads = args.number('small-leads', DEFAULTS.smallLeads);
  const requests = args.number('requests', 200);
  const warmup = args.number('warmup', 20);
  const maxSeconds = args.number('max-seconds', 60);

  // Reuse the folder when it holds data of the same size and generator version.
  preparePgliteDir(dir, false);
  let info: GenerationInfo | null = null;
  if (!args.flag('regenerate') && fs.existsSync(path.join(dir, 'pglite'))) {
    const db = await openDatabase({ dataDir: dir });
    try {
      info = await readGenerationInfo(databaseConn(db));
    } finally {
      await db.close();
    }
  }
  let generationMs: number | null = null;
  if (!info || info.generatorVersion !== GENERATOR_VERSION || info.leads !== leads || info.smallLeads !== smallLeads || info.smallWorkspaces !== smallWorkspaces) {
    console.log(`PGlite: generating ${leads.toLocaleString('en')} leads in ${dir}`);
    info = await generate({
      pgliteDir: dir,
      leads,
      smallWorkspaces,
      smallLeads,
      agents: DEFAULTS.agents,
      timelineLeads: DEFAULTS.timelineLeads,
      timelineActivities: DEFAULTS.timelineActivities,
      fresh: true,
      maxMinutes: args.number('max-minutes', DEFAULTS.maxMinutes),
    });
    generationMs = info.timingsMs.total ?? null;
  } else console.log(`PGlite: reusing ${dir} (${info.totalLeads.toLocaleString('en')} leads, generated ${info.completedAt})`);

  const t0 = performance.now();
  const db = await openDatabase({ dataDir: dir });
  const openMs = round(performance.now() - t0, 0);
  const conn = databaseConn(db);
  const reads = [];
  try {
    const fixtures = await loadFixtures(conn, info, 1);
    for (const s of readScenarios(fixtures).filter((x) => x.sql && (x.group === 'list' || x.group === 'search' || x.group === 'lead page'))) {
      const explain = await explainScenario(conn, s);
      const stats = (await loadSql(conn, s, { requests, warmup, concurrency: 1, maxSeconds }))!;
      console.log(`  PGlite ${s.name.padEnd(24)} p50 ${fmtMs(stats.p50)} p95 ${fmtMs(stats.p95)} p99 ${fmtMs(stats.p99)}${explain?.seqScan.length ? ` SEQ SCAN ${explain.seqScan.join(', ')}` : ''}`);
      reads.push({ name: s.name, stats, explain });
    }
  } finally {
    await db.close();
  }
  const report = {
    dir,
    leads: info.leads,
    totalLeads: info.totalLeads,
    activities: info.activities,
    sizes: info.sizes,
    generationMs: generationMs ?? info.timingsMs.total,
    generationTimings: info.timingsMs,
    reusedData: generationMs === null,
    openMs,
    requests,
    reads,
  };
  const out = args.optional('out');
  if (out) fs.writeFileSync(out, JSON.stringify(report, null, 2));
  else console.log(JSON.stringify(report, null, 2));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exit(1);
});
