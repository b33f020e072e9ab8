import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/database.ts';
import { autovacuumRuns, createDatabaseMaintenance } from './maintenance.ts';

/**
 * Where autovacuum does not run (PGlite always; this machine's PostgreSQL has it off), the app keeps the planner's
 * statistics itself: after the maintenance run a table that grew has a row estimate near its size.
 */
describe('database maintenance', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    testDb = await createTestDatabase();
  }, 120_000);
  afterAll(async () => {
    await testDb.dispose();
  });

  const estimate = async (table: string) =>
    Number((await testDb.database.query<{ n: number }>('SELECT reltuples::float8 AS n FROM pg_class WHERE relname = $1', [table])).rows[0]!.n);

  it('analyses a table that changed enough, and leaves a quiet one alone', async () => {
    const db = testDb.database;
    await db.exec('CREATE TABLE maintenance_probe (id int PRIMARY KEY, v text); CREATE TABLE maintenance_quiet (id int)');
    await db.exec("INSERT INTO maintenance_probe SELECT g, 'v' || g FROM generate_series(1, 3000) g; INSERT INTO maintenance_quiet VALUES (1)");
    // Make the counters visible now (PostgreSQL flushes a backend's statistics about once a second).
    if (db.kind === 'postgres') await db.query('SELECT pg_stat_force_next_flush()');
    const ran = await autovacuumRuns(db);
    if (ran) return; // a server that vacuums itself needs none of this (the app does not register the job)

    const maintenance = createDatabaseMaintenance(db);
    const first = await maintenance.run();
    // 3,000 new rows: analysed (and on PostgreSQL vacuumed, which also analyses), so the planner knows the size.
    expect(await estimate('maintenance_probe')).toBeGreaterThan(2500);
    if (db.kind === 'postgres') {
      expect([...first.analyzed, ...first.vacuumed]).toContain('maintenance_probe');
      expect([...first.analyzed, ...first.vacuumed]).not.toContain('maintenance_quiet');
      // Nothing changed since: the next run does nothing.
      await db.query('SELECT pg_stat_force_next_flush()');
      const second = await maintenance.run();
      expect([...second.analyzed, ...second.vacuumed]).not.toContain('maintenance_probe');
    } else {
      // PGlite: the first run analyses everything (its counters may lag); the next full one waits an hour.
      expect(first.analyzed).toContain('*');
      expect((await maintenance.run()).analyzed).not.toContain('*');
    }
  });
});
