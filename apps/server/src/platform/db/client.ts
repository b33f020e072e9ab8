import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { withoutPreparedStatements } from './prepared.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export type QueryResult<T> = { rows: T[]; rowCount: number };

/** One interface over PGlite (embedded) and node-postgres (server): same schema, same queries. */
export type Database = {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** Parameterised raw SQL, for platform pieces such as the job queue. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** Several statements without parameters. */
  exec(text: string): Promise<void>;
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
  /** PGlite only: the whole data folder as a tarball, to start other instances from (test fixtures). */
  snapshot?: () => Promise<Blob>;
};

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle', import.meta.url));
/** Any constant works; it only has to be the same for every instance of the app. */
const MIGRATION_LOCK_KEY = 7_241_100_001;

export type DatabaseOptions = {
  databaseUrl?: string | undefined;
  dataDir?: string;
  poolSize?: number;
  /** PostgreSQL only: keep the capture path's hot statements prepared per connection (ADR 029; default true). */
  preparedStatements?: boolean;
  inMemory?: boolean;
  /** PGlite only: start from a snapshot taken with `snapshot()` instead of an empty database. */
  loadSnapshot?: Blob;
};

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const database = options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10, options.preparedStatements ?? true)
    : await openPglite(options);
  await runMigrations(database);
  return database;
}

function openPostgres(url: string, poolSize: number, preparedStatements: boolean): Database {
  // Connections stay open once made (no idle timeout, ADR 028): a new one costs a fork on the server and starts with
  // cold caches (catalog, plans, PL/pgSQL triggers, foreign-key checks), which made its first statements 10–20 ms
  // slower — a p99 paid every time the default 10 s idle timeout closed a connection between bursts. Idle
  // connections do not keep the process alive.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: 0, allowExitOnIdle: true });
  // An idle client that loses its server must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // A pooler in transaction mode hands the next transaction to another session, without this one's statements.
  if (!preparedStatements) pool.on('connect', (client) => withoutPreparedStatements(client));
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  const listeners: pg.Client[] = [];
  let closed = false;
  return {
    kind: 'postgres',
    db,
    async query<T>(text: string, params?: unknown[]) {
      const r = await pool.query(text, params as unknown[]);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
    async exec(text) {
      await pool.query(text);
    },
    async listen(channel, onPayload) {
      let stopped = false;
      let client: pg.Client | undefined;
      let retryMs = 250;
      // A dropped LISTEN connection would silently stop real-time fan-out: reconnect with backoff.
      const connect = async (): Promise<void> => {
        const c = new pg.Client({ connectionString: url });
        const reconnect = () => {
          if (stopped || closed || client !== c) return;
          client = undefined;
          listeners.splice(listeners.indexOf(c), 1);
          setTimeout(() => void connect().catch(reconnect), retryMs).unref();
          retryMs = Math.min(retryMs * 2, 10_000);
        };
        c.on('error', reconnect);
        c.on('end', reconnect);
        c.on('notification', (n) => {
          if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
        });
        client = c;
        listeners.push(c);
        await c.connect();
        await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        retryMs = 250;
      };
      await connect();
      return async () => {
        stopped = true;
        const c = client;
        client = undefined;
        if (c) {
          listeners.splice(listeners.indexOf(c), 1);
          await c.end().catch(() => undefined);
        }
      };
    },
    async notify(channel, payload) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      closed = true;
      await Promise.all(listeners.map((c) => c.end().catch(() => undefined)));
      await pool.end();
    },
  };
}

async function openPglite(options: DatabaseOptions): Promise<Database> {
  let releaseLock = () => undefined as void;
  let dataDir: string | undefined;
  if (!options.inMemory) {
    const dir = path.resolve(options.dataDir ?? './data');
    fs.mkdirSync(dir, { recursive: true });
    releaseLock = acquireDataDirLock(dir);
    dataDir = path.join(dir, 'pglite');
  }
  let client: PGlite;
  try {
    client = await PGlite.create({ dataDir, extensions: { pg_trgm }, ...(options.loadSnapshot ? { loadDataDir: options.loadSnapshot } : {}) });
  } catch (err) {
    releaseLock();
    throw err;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    async query<T>(text: string, params?: unknown[]) {
      const r = await client.query<T>(text, params);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async exec(text) {
      await client.exec(text);
    },
    async listen(channel, onPayload) {
      const unlisten = await client.listen(channel, onPayload);
      return async () => {
        await unlisten();
      };
    },
    async notify(channel, payload) {
      await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    snapshot: () => client.dumpDataDir('none'),
    async close() {
      try {
        await client.close();
      } finally {
        releaseLock();
      }
    },
  };
}

/** A second process must not open the same PGlite folder: that corrupts it. */
function acquireDataDirLock(dir: string): () => void {
  const lockPath = path.join(dir, 'leadflow.lock');
  try {
    fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = Number(fs.readFileSync(lockPath, 'utf8').trim());
    if (holder && holder !== process.pid && isProcessAlive(holder)) {
      throw new Error(`The data folder ${dir} is in use by process ${holder}. Stop it first, or set DATA_DIR.`);
    }
    // A stale lock from a process that died: take it over.
    fs.writeFileSync(lockPath, String(process.pid));
  }
  return () => {
    try {
      if (fs.readFileSync(lockPath, 'utf8').trim() === String(process.pid)) fs.unlinkSync(lockPath);
    } catch {
      // already gone
    }
  };
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Applies committed migrations; instances starting together wait on an advisory lock instead of racing. */
async function runMigrations(database: Database): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.db as unknown as Parameters<typeof migratePglite>[0], {
      migrationsFolder: MIGRATIONS_FOLDER,
    });
    return;
  }
  const pool = (database.db as unknown as { $client: pg.Pool }).$client;
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migratePg(drizzlePg(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}
