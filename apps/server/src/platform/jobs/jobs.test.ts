import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '../db/client.ts';
import { createTestDatabase, type TestDatabase } from '../../test/database.ts';
import { createJobs, type Jobs } from './jobs.ts';

const quietLogger = { error: () => undefined, info: () => undefined };
const WAIT = { timeout: 15_000, interval: 50 };

describe('jobs', { timeout: 30_000 }, () => {
  let testDb: TestDatabase;
  const running: Jobs[] = [];
  const extraDatabases: Database[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((jobs) => jobs.stop()));
    await Promise.all(extraDatabases.splice(0).map((db) => db.close()));
  });
  afterAll(async () => {
    await testDb.dispose();
  });

  function newJobs(workersEnabled = true, database = testDb.database): Jobs {
    const jobs = createJobs(database, { databaseUrl: testDb.databaseUrl, logger: quietLogger, workersEnabled });
    running.push(jobs);
    return jobs;
  }
  /** Each test uses its own queue, so leftovers of one test never reach another. */
  const queueName = () => `test-${randomUUID()}`;

  it('runs a job once', async () => {
    const jobs = newJobs();
    const queue = queueName();
    const runs: { data: { leadId: string }; id: string }[] = [];
    await jobs.register<{ leadId: string }>(queue, async (data, job) => {
      runs.push({ data, id: job.id });
    });
    await jobs.start();

    const id = await jobs.send(queue, { leadId: 'l1' });

    await vi.waitFor(() => expect(runs).toHaveLength(1), WAIT);
    expect(runs[0]).toEqual({ data: { leadId: 'l1' }, id });
    await sleep(1500);
    expect(runs).toHaveLength(1);
  });

  it('retries a failing job until it succeeds (registered after start)', async () => {
    const jobs = newJobs();
    await jobs.start();
    const queue = queueName();
    const attempts: number[] = [];
    let done = false;
    await jobs.register(
      queue,
      async (_data, job) => {
        attempts.push(job.retryCount);
        if (job.retryCount === 0) throw new Error('provider unavailable');
        done = true;
      },
      { retryLimit: 2, retryDelaySeconds: 0 },
    );

    await jobs.send(queue, {});

    await vi.waitFor(() => expect(done).toBe(true), WAIT);
    expect(attempts).toEqual([0, 1]);
  });

  it('waits for startAfter', async () => {
    const jobs = newJobs();
    const queue = queueName();
    let ranAt = 0;
    await jobs.register(queue, async () => {
      ranAt = Date.now();
    });
    await jobs.start();

    const sentAt = Date.now();
    await jobs.send(queue, {}, { startAfter: new Date(sentAt + 2000) });

    await vi.waitFor(() => expect(ranAt).toBeGreaterThan(0), WAIT);
    expect(ranAt - sentAt).toBeGreaterThanOrEqual(1900);
  });

  it('ignores a second send with the same singletonKey', async () => {
    const jobs = newJobs(false);
    const queue = queueName();
    const first = await jobs.send(queue, { n: 1 }, { singletonKey: 'lead-1' });
    const second = await jobs.send(queue, { n: 2 }, { singletonKey: 'lead-1' });
    const other = await jobs.send(queue, { n: 3 }, { singletonKey: 'lead-2' });
    expect(first).toEqual(expect.any(String));
    expect(second).toBeNull();
    expect(other).not.toEqual(first);
  });

  it('hands due jobs to a batch handler up to batchSize at a time; a failing batch is retried whole', async () => {
    const jobs = newJobs(false);
    const queue = queueName();
    // Queued before a worker exists, so they are all due when it first fetches.
    for (let n = 1; n <= 7; n++) await jobs.send(queue, { n });
    const worker = newJobs(true);
    const batches: { n: number; retryCount: number }[][] = [];
    let failed = false;
    await worker.registerBatch<{ n: number }>(
      queue,
      async (batch) => {
        batches.push(batch.map((j) => ({ n: j.data.n, retryCount: j.retryCount })));
        if (!failed && batch.some((j) => j.data.n === 1)) {
          failed = true;
          throw new Error('mail server down');
        }
      },
      { batchSize: 3, retryLimit: 1, retryDelaySeconds: 0 },
    );
    await worker.start();
    await vi.waitFor(() => {
      const done = batches.flat().filter((j) => j.n !== 1 || j.retryCount === 1);
      expect(new Set(done.map((j) => j.n)).size).toBe(7);
    }, WAIT);
    expect(batches.every((b) => b.length >= 1 && b.length <= 3)).toBe(true);
    expect(batches.length).toBeLessThan(7);
    // The batch holding job 1 failed, so each of its jobs ran again (retryCount 1), the others once.
    const first = batches.find((b) => b.some((j) => j.n === 1 && j.retryCount === 0))!;
    for (const { n } of first) expect(batches.flat().filter((j) => j.n === n).map((j) => j.retryCount)).toEqual([0, 1]);
    await vi.waitFor(async () => {
      const state = await testDb.database.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = $1 GROUP BY state', [queue]);
      expect(state.rows).toEqual([{ state: 'completed', n: 7 }]);
    }, WAIT);
  });

  it('enqueues without workers when they are disabled; a worker instance runs the job', async () => {
    const webOnly = newJobs(false);
    const queue = queueName();
    const runs: string[] = [];
    await webOnly.register(queue, async () => {
      runs.push('web');
    });
    await webOnly.start();
    await webOnly.send(queue, {});
    await sleep(1500);
    expect(runs).toEqual([]);

    const worker = newJobs(true);
    await worker.register(queue, async () => {
      runs.push('worker');
    });
    await worker.start();
    await vi.waitFor(() => expect(runs).toEqual(['worker']), WAIT);
  });

  it('runs a cron schedule', async () => {
    const jobs = newJobs();
    const queue = queueName();
    const runs: unknown[] = [];
    await jobs.register(queue, async (data) => {
      runs.push(data);
    });
    await jobs.start();

    await jobs.schedule(queue, '* * * * *', { digest: 'daily' });

    await vi.waitFor(() => expect(runs[0]).toEqual({ digest: 'daily' }), WAIT);
  });

  it('stops gracefully, letting a running job finish, and more than once', async () => {
    const jobs = newJobs();
    const queue = queueName();
    let entered = false;
    let finished = false;
    await jobs.register(queue, async () => {
      entered = true;
      await sleep(500);
      finished = true;
    });
    await jobs.start();
    await jobs.send(queue, {});
    await vi.waitFor(() => expect(entered).toBe(true), WAIT);

    await Promise.all([jobs.stop(), jobs.stop()]);
    await jobs.stop();
    expect(finished).toBe(true);
    await expect(jobs.send(queue, {})).rejects.toThrow(/stopped/);
  });

  it.runIf(process.env.TEST_DATABASE_URL)('two instances on one database run each job exactly once', async () => {
    const secondDatabase = await openDatabase({ databaseUrl: testDb.databaseUrl! });
    extraDatabases.push(secondDatabase);
    const instances = [newJobs(true), newJobs(true, secondDatabase)];
    const queue = queueName();
    const runsById = new Map<string, string[]>();
    for (const [i, jobs] of instances.entries()) {
      await jobs.register(
        queue,
        async (_data, job) => {
          runsById.set(job.id, [...(runsById.get(job.id) ?? []), `instance-${i}`]);
        },
        { concurrency: 3 },
      );
      await jobs.start();
    }

    const ids = await Promise.all(Array.from({ length: 30 }, (_, n) => instances[n % 2]!.send(queue, { n })));

    await vi.waitFor(() => expect(runsById.size).toBe(30), WAIT);
    await sleep(1500);
    expect([...runsById.keys()].sort()).toEqual([...ids].sort());
    for (const runs of runsById.values()) expect(runs).toHaveLength(1);
  });
});
