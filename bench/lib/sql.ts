import pg from 'pg';
import type { Database } from '../../apps/server/src/platform/db/client.ts';

/** One connection's worth of SQL: a pg.Client, or the single in-process PGlite. */
export type SqlConn = {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[]; rowCount: number }>;
  exec(text: string): Promise<void>;
};

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/leadflow_bench';

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

export function adminUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

/** Refuses to create or drop anything that is not a bench database. */
export function assertBenchDatabaseName(url: string): string {
  const name = databaseName(url);
  if (!/^leadflow_bench[a-z0-9_]*$/.test(name)) {
    throw new Error(`Refusing to use database "${name}": bench databases must be named leadflow_bench[_suffix]`);
  }
  return name;
}

export async function withAdmin<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl(url), connectionTimeoutMillis: 10_000 });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function databaseExists(url: string): Promise<boolean> {
  const name = databaseName(url);
  return withAdmin(url, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
}

export async function pgConn(url: string, settings: string[] = []): Promise<SqlConn & { end(): Promise<void> }> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  c.on('error', () => undefined);
  await c.connect();
  for (const s of settings) await c.query(s);
  return {
    async query<T>(text: string, params?: unknown[]) {
      const r = await c.query(text, params as unknown[]);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
    async exec(text) {
      await c.query(text);
    },
    end: () => c.end().catch(() => undefined),
  };
}

export function databaseConn(database: Database): SqlConn {
  return { query: (text, params) => database.query(text, params), exec: (text) => database.exec(text) };
}

/** Runs `jobs` on the given connections, each connection taking the next job when free. */
export async function runQueue<J>(conns: SqlConn[], jobs: J[], work: (conn: SqlConn, job: J) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    conns.map(async (conn) => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        await work(conn, job);
      }
    }),
  );
}
