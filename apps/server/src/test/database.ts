import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../platform/db/client.ts';

export type TestDatabase = { database: Database; databaseUrl?: string; dispose(): Promise<void> };

/**
 * A fresh, migrated database per test file: PGlite in memory by default, or — when TEST_DATABASE_URL names
 * a PostgreSQL server — a throwaway database on it, so the same tests run on both engines.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const database = await openDatabase({ inMemory: true, loadSnapshot: await migratedSnapshot() });
    return { database, dispose: () => database.close() };
  }

  const name = `lf_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  let database: Database;
  try {
    database = await openDatabase({ databaseUrl, poolSize: 5 });
  } catch (err) {
    await dropDatabase(adminUrl, name);
    throw err;
  }
  return {
    database,
    databaseUrl,
    async dispose() {
      await database.close();
      await dropDatabase(adminUrl, name);
    },
  };
}

let snapshot: Promise<Blob> | undefined;

/** Migrating a new PGlite takes seconds; loading a migrated one takes a fraction: migrate once per test process. */
function migratedSnapshot(): Promise<Blob> {
  snapshot ??= (async () => {
    const template = await openDatabase({ inMemory: true });
    try {
      return await template.snapshot!();
    } finally {
      await template.close();
    }
  })();
  return snapshot;
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  // FORCE: connections another test left open (a job queue's own pool, a listener) must not keep it alive.
  await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

async function withAdmin<T>(adminUrl: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
