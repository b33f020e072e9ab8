import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/database.ts';
import { openDatabase, type DbOrTx } from './client.ts';
import { executePrepared, preparedName } from './prepared.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.dispose();
});

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** The database's own message of a failed query (drizzle wraps it, with the query, as the cause). */
async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (e) {
    const err = e as Error & { cause?: Error };
    return err.cause?.message ?? err.message;
  }
}

/** This connection's statements prepared by the helper, by name. */
async function ours(tx: DbOrTx): Promise<string[]> {
  return rowsOf<{ name: string }>(await tx.execute(sql`SELECT name FROM pg_prepared_statements WHERE name LIKE 'lf\_%' ORDER BY name`)).map((r) => r.name);
}

/** A statement of its own text per `k` (the text names the statement). */
const numbered = (k: number, x: number) => sql.raw(`SELECT ${k} AS k, `).append(sql`${x}::int + 1 AS next, ${'2026-12-07T10:00:00Z'}::timestamptz AS at`);

describe('executePrepared', () => {
  it('returns what tx.execute returns, on either engine, in a transaction and outside one', async () => {
    const { db } = t.database;
    const statement = sql`SELECT ${41}::int + 1 AS answer, ${'2026-12-07T10:00:00Z'}::timestamptz AS at, ${JSON.stringify({ tags: ['a', 'b'] })}::jsonb AS data`;
    const plain = rowsOf(await db.execute(statement));
    expect(rowsOf(await executePrepared(db, statement))).toEqual(plain);
    await db.transaction(async (tx) => {
      expect(rowsOf(await executePrepared(tx, statement))).toEqual(plain);
      // Twice on one connection: the second run uses the prepared statement.
      expect(rowsOf(await executePrepared(tx, statement))).toEqual(plain);
    });
    expect(plain).toEqual([{ answer: 42, at: expect.stringMatching(/^2026-12-07 10:00:00\+00/), data: { tags: ['a', 'b'] } }]);
  });

  it.skipIf(!onPostgres)('keeps one statement per text on a connection and deallocates the least recently used past the limit', async () => {
    await t.database.db.transaction(async (tx) => {
      const before = await ours(tx);
      const names: string[] = [];
      for (let k = 1; k <= 3; k++) {
        const [row] = rowsOf<{ k: number; next: number }>(await executePrepared(tx, numbered(k, k * 10), 3));
        expect(row).toMatchObject({ k, next: k * 10 + 1 });
        names.push(preparedName(new PgDialect().sqlToQuery(numbered(k, 0)).sql));
      }
      expect((await ours(tx)).filter((n) => !before.includes(n)).sort()).toEqual([...names].sort());
      // Same text, other values: the same statement.
      await executePrepared(tx, numbered(1, 5), 3);
      expect((await ours(tx)).filter((n) => !before.includes(n))).toHaveLength(3);
      // A fourth text evicts the least recently used (2: 1 was used again just now).
      const [fourth] = rowsOf<{ next: number }>(await executePrepared(tx, numbered(4, 40), 3));
      expect(fourth?.next).toBe(41);
      const now = await ours(tx);
      expect(now).not.toContain(names[1]);
      expect(now).toContain(names[0]);
      expect(now).toContain(names[2]);
      // The evicted one prepares again when it comes back (node-postgres forgot it too, so no "already exists").
      const [again] = rowsOf<{ next: number }>(await executePrepared(tx, numbered(2, 7), 3));
      expect(again?.next).toBe(8);
      expect(await ours(tx)).toContain(names[1]);
    });
  });

  it.skipIf(!onPostgres)('leaves a connection usable after a statement fails in its transaction', async () => {
    const { db } = t.database;
    const failing = sql`SELECT 1 / ${0}::int AS n`;
    expect(await failure(db.transaction((tx) => executePrepared(tx, failing)))).toMatch(/division by zero/);
    // Every pooled connection in turn (five): the failed one too, its statements intact and reusable.
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        db.transaction(async (tx) => {
          expect(rowsOf(await executePrepared(tx, numbered(100, i)))).toEqual([{ k: 100, next: i + 1, at: expect.any(String) }]);
          await tx.execute(sql`SAVEPOINT s`);
          expect(await failure(executePrepared(tx, failing))).toMatch(/division by zero/);
          await tx.execute(sql`ROLLBACK TO SAVEPOINT s`);
          expect(rowsOf(await executePrepared(tx, numbered(100, i)))).toEqual([{ k: 100, next: i + 1, at: expect.any(String) }]);
        }),
      ),
    );
  });

  it.skipIf(!onPostgres)('keeps its record in step with the server when an eviction meets a failed transaction', async () => {
    // One connection, so the next transaction sees what this one left.
    const single = await openDatabase({ databaseUrl: t.databaseUrl!, poolSize: 1 });
    try {
      const failed = await failure(
        single.db.transaction(async (tx) => {
          await executePrepared(tx, numbered(300, 1), 2);
          await executePrepared(tx, numbered(301, 1), 2);
          await failure(executePrepared(tx, sql`SELECT 1 / ${0}::int AS n`, 2)); // evicts 300; the transaction fails
          await executePrepared(tx, numbered(302, 1), 2); // would evict 301: DEALLOCATE cannot run now
        }),
      );
      expect(failed).toMatch(/current transaction is aborted/);
      await single.db.transaction(async (tx) => {
        // 301 is still prepared on the server and known as such: no "already exists", no "does not exist".
        for (const k of [301, 302, 300, 301]) expect(rowsOf(await executePrepared(tx, numbered(k, 2), 2))).toEqual([{ k, next: 3, at: expect.any(String) }]);
        expect((await ours(tx)).length).toBeLessThanOrEqual(3);
      });
    } finally {
      await single.close();
    }
  });

  it.skipIf(!onPostgres)('runs unnamed when the pool was opened without prepared statements', async () => {
    const unnamed = await openDatabase({ databaseUrl: t.databaseUrl!, poolSize: 1, preparedStatements: false });
    try {
      await unnamed.db.transaction(async (tx) => {
        expect(rowsOf(await executePrepared(tx, numbered(200, 1)))).toEqual([{ k: 200, next: 2, at: expect.any(String) }]);
        expect(await ours(tx)).toEqual([]);
      });
    } finally {
      await unnamed.close();
    }
  });
});
