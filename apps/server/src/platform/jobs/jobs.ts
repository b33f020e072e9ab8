import { createHash } from 'node:crypto';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { PGlite } from '@electric-sql/pglite';
import PgBoss from 'pg-boss';
import type { Database } from '../db/client.ts';

/**
 * Delivery is at-least-once: a job can run again after a crash, a timeout or a shutdown mid-run,
 * so every handler must be idempotent (check state before acting, write with upserts).
 */
export type JobHandler<T> = (data: T, job: { id: string; name: string; retryCount: number }) => Promise<void>;
/**
 * Several jobs of one queue at once (e.g. 10,000 reminders due in the same minute): the batch succeeds or fails
 * (and is retried) as a whole, so the handler must be idempotent per job as well.
 */
export type BatchJobHandler<T> = (jobs: { data: T; id: string; name: string; retryCount: number }[]) => Promise<void>;

export type RegisterOptions = {
  /** Jobs of this queue run at once in this process. */
  concurrency?: number;
  /** Queue defaults; a job's own `retryLimit` wins. */
  retryLimit?: number;
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
};

export type BatchRegisterOptions = RegisterOptions & {
  /** At most this many jobs per handler call (whatever is due, up to this number). */
  batchSize: number;
};

export type SendOptions = {
  /** A moment, or a delay in seconds (pg-boss's convention). */
  startAfter?: Date | number;
  /**
   * Idempotency key: while a job sent with the same queue and key is still in the queue (until it is
   * archived, 12 h after it finished), sending again creates nothing and returns null.
   */
  singletonKey?: string;
  retryLimit?: number;
};

export type Jobs = {
  register<T extends object>(name: string, handler: JobHandler<T>, options?: RegisterOptions): Promise<void>;
  /** A queue whose handler takes the due jobs in batches of up to `batchSize` (one per call with `register`). */
  registerBatch<T extends object>(name: string, handler: BatchJobHandler<T>, options: BatchRegisterOptions): Promise<void>;
  send<T extends object>(name: string, data: T, options?: SendOptions): Promise<string | null>;
  /** Cron in UTC; exactly one job per slot across all instances (pg-boss cron). */
  schedule(name: string, cron: string, data?: object): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

type Logger = { error(obj: unknown, msg?: string): void; info(obj: unknown, msg?: string): void };

type Registration = { name: string; handler: BatchJobHandler<object>; options: RegisterOptions & { batchSize?: number } };

const POLLING_INTERVAL_SECONDS = 1;
const STOP_TIMEOUT_MS = 30_000;

export function createJobs(
  database: Database,
  options: { databaseUrl?: string; logger: Logger; workersEnabled: boolean },
): Jobs {
  const { logger, workersEnabled } = options;
  // On a server pg-boss keeps its own small pool; embedded, it shares the one PGlite connection.
  const executor = options.databaseUrl ? undefined : databaseExecutor(database);
  const boss = new PgBoss({
    ...(executor ? { db: executor } : { connectionString: options.databaseUrl, max: 4 }),
    // Maintenance and cron belong to worker instances; web-only instances only enqueue.
    supervise: workersEnabled,
    schedule: workersEnabled,
    cronMonitorIntervalSeconds: 5,
    cronWorkerIntervalSeconds: 1,
  });
  boss.on('error', (err) => logger.error({ err }, 'job queue error'));

  const registrations = new Map<string, Registration>();
  const queues = new Map<string, Promise<void>>();
  const workerIds = new Map<string, string>();
  let booting: Promise<void> | undefined;
  let starting: Promise<void> | undefined;
  let started = false;
  let stopping: Promise<void> | undefined;

  /** Installs or migrates pg-boss's schema; also done lazily by send/schedule, so enqueuing never needs start(). */
  function boot(): Promise<void> {
    if (stopping) return Promise.reject(new Error('The job queue is stopped'));
    booting ??= boss.start().then(
      () => undefined,
      (err: unknown) => {
        booting = undefined;
        throw err;
      },
    );
    return booting;
  }

  /**
   * pg-boss 10's create_queue() adds a partition and a foreign key to its queue table: two at once deadlock in
   * PostgreSQL. This process creates one queue at a time, and a deadlock with another instance starting at the
   * same moment is retried (PostgreSQL aborts one side of it, whose work is then simply done again).
   */
  let queueChain: Promise<unknown> = Promise.resolve();
  function createQueueSerially(name: string): Promise<void> {
    const run = queueChain.then(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await boss.createQueue(name, { name });
          return;
        } catch (err) {
          if (attempt >= 5 || (err as { code?: string }).code !== '40P01') throw err;
          await new Promise((r) => setTimeout(r, 25 * attempt + Math.random() * 50));
        }
      }
    });
    queueChain = run.catch(() => undefined);
    return run;
  }

  /** pg-boss 10 refuses jobs for a queue that was never created. */
  function ensureQueue(name: string): Promise<void> {
    if (stopping) return Promise.reject(new Error('The job queue is stopped'));
    let created = queues.get(name);
    if (!created) {
      created = boot().then(() => createQueueSerially(name));
      created.catch(() => queues.delete(name));
      queues.set(name, created);
    }
    return created;
  }

  async function activate({ name, handler, options: o }: Registration): Promise<void> {
    await ensureQueue(name);
    const retry: PgBoss.Queue = { name };
    if (o.retryLimit !== undefined) retry.retryLimit = o.retryLimit;
    if (o.retryDelaySeconds !== undefined) retry.retryDelay = o.retryDelaySeconds;
    if (o.retryBackoff !== undefined) retry.retryBackoff = o.retryBackoff;
    // The queue may exist from an earlier run with other defaults.
    if (Object.keys(retry).length > 1) await boss.updateQueue(name, retry);
    if (!workersEnabled) return;

    // pg-boss 10 has no per-worker concurrency: each worker polls and runs one job at a time.
    for (let i = 0; i < Math.max(1, o.concurrency ?? 1); i++) {
      // Filled once work() returns; a job can in theory finish before that.
      const worker = { id: '' };
      worker.id = await boss.work(
        name,
        { pollingIntervalSeconds: POLLING_INTERVAL_SECONDS, batchSize: Math.max(1, o.batchSize ?? 1), includeMetadata: true },
        async (batch: PgBoss.JobWithMetadata<object>[]) => {
          if (!batch.length) return;
          // Fetched while shutting down: hand it back (as a failure, so retried) rather than start work we cannot finish.
          if (stopping) throw new Error('Job queue stopping');
          try {
            await handler(batch.map((job) => ({ data: job.data, id: job.id, name, retryCount: job.retryCount })));
          } catch (err) {
            const job = batch.length === 1 ? { id: batch[0]!.id, name, retryCount: batch[0]!.retryCount } : { name, ids: batch.map((j) => j.id) };
            logger.error({ err, job }, 'job failed');
            throw err;
          } finally {
            // Fetch again at once: pg-boss 10 otherwise sleeps a full polling interval after every job.
            if (worker.id && !stopping) boss.notifyWorker(worker.id);
          }
        },
      );
      if (!workerIds.has(name)) workerIds.set(name, worker.id);
    }
  }

  async function add(registration: Registration): Promise<void> {
    if (registrations.has(registration.name)) throw new Error(`A handler for job "${registration.name}" is already registered`);
    registrations.set(registration.name, registration);
    if (started) await activate(registration);
  }

  return {
    async register(name, handler, options = {}) {
      const one = handler as JobHandler<object>;
      await add({ name, handler: async ([job]) => one(job!.data, { id: job!.id, name: job!.name, retryCount: job!.retryCount }), options: { ...options, batchSize: 1 } });
    },

    async registerBatch(name, handler, options) {
      await add({ name, handler: handler as BatchJobHandler<object>, options });
    },

    async send(name, data, options = {}) {
      await ensureQueue(name);
      const sendOptions: PgBoss.SendOptions = {};
      if (options.startAfter !== undefined) sendOptions.startAfter = options.startAfter;
      if (options.retryLimit !== undefined) sendOptions.retryLimit = options.retryLimit;
      if (options.singletonKey !== undefined) {
        // pg-boss 10 dedupes by key only per queue policy; a key-derived id makes the insert a no-op instead.
        sendOptions.id = idForKey(name, options.singletonKey);
        sendOptions.singletonKey = options.singletonKey;
      }
      const id = await boss.send(name, data, sendOptions);
      // A local worker picks the job up now rather than at its next poll.
      const workerId = workerIds.get(name);
      if (id && workerId && options.startAfter === undefined) boss.notifyWorker(workerId);
      return id;
    },

    async schedule(name, cron, data) {
      await ensureQueue(name);
      await boss.schedule(name, cron, data ?? {}, { tz: 'UTC' });
    },

    start() {
      starting ??= (async () => {
        await boot();
        started = true;
        await Promise.all([...registrations.values()].map(activate));
        logger.info({ queues: [...registrations.keys()], workersEnabled }, 'job queue started');
      })();
      return starting;
    },

    stop() {
      stopping ??= (async () => {
        if (!booting) return;
        await booting.catch(() => undefined);
        // Graceful: running handlers get STOP_TIMEOUT_MS to finish; pg-boss fails (and so retries) the rest.
        await boss.stop({ graceful: true, wait: true, timeout: STOP_TIMEOUT_MS });
        await executor?.drain();
      })();
      return stopping;
    },
  };
}

/** Same queue and key, same UUID-shaped id (PostgreSQL's uuid type takes any 128 bits). */
function idForKey(name: string, key: string): string {
  const h = createHash('sha256').update(`${name}\0${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

type Executor = PgBoss.Db & { drain(): Promise<void> };

/** Runs pg-boss's SQL on our Database; tracks queries in flight so stop() can wait for them before the database closes. */
function databaseExecutor(database: Database): Executor {
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(run: Promise<T>): Promise<T> => {
    inFlight.add(run);
    const forget = () => inFlight.delete(run);
    run.then(forget, forget);
    return run;
  };
  return {
    executeSql(text: string, values?: unknown[]) {
      if (values || database.kind === 'postgres') return track(database.query(text, values));
      return track(execPglite(database, text));
    },
    async drain() {
      // A query that finishes can start one more (pg-boss completes jobs without awaiting), so look again.
      while (inFlight.size) {
        await Promise.allSettled(inFlight);
        await nextMacrotask();
      }
    },
  };
}

/**
 * pg-boss sends its schema, migrations and maintenance as several statements (with their own BEGIN/COMMIT)
 * and no parameters, which only the simple protocol (exec) runs. Wrapped in a PGlite transaction so that a
 * failure rolls back on the spot: otherwise the app's one embedded connection stays in an aborted transaction.
 */
async function execPglite(database: Database, text: string): Promise<{ rows: unknown[] }> {
  const client = (database.db as unknown as { $client: PGlite }).$client;
  const results = await client.transaction((tx) => tx.exec(text));
  return { rows: results.at(-1)?.rows ?? [] };
}
