import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/database.ts';

let t: TestDatabase | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

describe('database', () => {
  it('runs the same queries and NOTIFY on either engine', async () => {
    t = await createTestDatabase();
    const got: string[] = [];
    const stop = await t.database.listen('lf_test_channel', (p) => got.push(p));
    await t.database.notify('lf_test_channel', 'hello');
    await expect.poll(() => got).toEqual(['hello']);
    await stop();
    const { rows } = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM workspaces');
    expect(rows).toEqual([{ n: 0 }]);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('re-listens after the LISTEN connection is killed', async () => {
    t = await createTestDatabase();
    const got: string[] = [];
    await t.database.listen('lf_test_channel', (p) => got.push(p));
    const killed = await t.database.query<{ ok: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
    );
    expect(killed.rows.length).toBe(1);
    await expect
      .poll(async () => {
        await t!.database.notify('lf_test_channel', 'after');
        return got.includes('after');
      }, { timeout: 10_000, interval: 300 })
      .toBe(true);
  });
});
