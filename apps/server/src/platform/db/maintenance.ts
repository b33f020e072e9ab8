import type { Database } from './client.ts';

export const DB_MAINTENANCE_JOB = 'db.maintenance';
/** Every minute: cheap when nothing changed (one read of the table statistics). */
export const DB_MAINTENANCE_CRON = '* * * * *';
/** On PGlite the statistics counters may lag or stay empty: every table is analysed at least this often. */
const FULL_ANALYZE_EVERY_MS = 60 * 60_000;

type TableStats = { relname: string; n_live_tup: string | number; n_dead_tup: string | number; n_mod_since_analyze: string | number; n_ins_since_vacuum: string | number };

/**
 * Whether PostgreSQL's own autovacuum looks after this database: never on PGlite (single-user, no background
 * workers), and on a server only when its `autovacuum` setting is on (some installs turn it off).
 */
export async function autovacuumRuns(database: Database): Promise<boolean> {
  if (database.kind === 'pglite') return false;
  const r = await database.query<{ on: string }>("SELECT current_setting('autovacuum') AS on");
  return r.rows[0]?.on === 'on';
}

/**
 * What autovacuum would do, by its default thresholds, for a database it does not look after (ADR 016): ANALYZE
 * a table once 50 + 10 % of its rows changed since the last one, VACUUM it once 50 + 20 % are dead or 1,000 + 20 %
 * were inserted since the last one (which also flushes the GIN indexes' pending lists). Without fresh statistics
 * the planner takes a growing table for an empty one and scans a whole workspace where an index lookup would
 * do — lead capture's same-person lookup and distribution's returning-person lookup first of all.
 */
export function createDatabaseMaintenance(database: Database) {
  let lastFullAnalyze = 0;
  return {
    async run(now = Date.now()): Promise<{ analyzed: string[]; vacuumed: string[] }> {
      const analyzed: string[] = [];
      const vacuumed: string[] = [];
      if (database.kind === 'pglite' && now - lastFullAnalyze >= FULL_ANALYZE_EVERY_MS) {
        await database.exec('ANALYZE');
        lastFullAnalyze = now;
        analyzed.push('*');
      }
      const stats = await database.query<TableStats>(
        `SELECT relname, n_live_tup, n_dead_tup, n_mod_since_analyze, n_ins_since_vacuum
           FROM pg_stat_user_tables WHERE schemaname = 'public'`,
      );
      for (const t of stats.rows) {
        const live = Number(t.n_live_tup);
        const name = `"${t.relname.replace(/"/g, '""')}"`;
        if (Number(t.n_dead_tup) >= 50 + 0.2 * live || Number(t.n_ins_since_vacuum) >= 1000 + 0.2 * live) {
          // VACUUM cannot run in a transaction: a plain statement of its own. ANALYZE with it.
          await database.exec(`VACUUM (ANALYZE) ${name}`);
          vacuumed.push(t.relname);
        } else if (!analyzed.includes('*') && Number(t.n_mod_since_analyze) >= 50 + 0.1 * live) {
          await database.exec(`ANALYZE ${name}`);
          analyzed.push(t.relname);
        }
      }
      return { analyzed, vacuumed };
    },
  };
}
