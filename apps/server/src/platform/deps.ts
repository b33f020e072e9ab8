import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { createEventBus } from './events/event-bus.ts';
import type { AppDeps } from './http/types.ts';
import { createJobs } from './jobs/jobs.ts';
import { createMailer } from './mail/mailer.ts';
import { createCipher, resolveEncryptionKey } from './secrets/crypto.ts';

type Logger = { error(obj: unknown, msg?: string): void; info(obj: unknown, msg?: string): void };

/** Wires the platform services once; modules receive them through `app.deps`. */
export async function createDeps(
  config: Config,
  logger: Logger,
  database?: Database,
): Promise<AppDeps & { start(): Promise<void>; stop(): Promise<void> }> {
  const db =
    database ??
    (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize, preparedStatements: config.databasePreparedStatements }));
  const cipher = createCipher(resolveEncryptionKey(config.encryptionKey, config.databaseUrl ? undefined : config.dataDir));
  const jobs = createJobs(db, { databaseUrl: config.databaseUrl, logger, workersEnabled: config.jobsEnabled });
  const events = createEventBus(db);
  const mailer = createMailer(config, db);
  return {
    config,
    database: db,
    cipher,
    jobs,
    events,
    mailer,
    now: () => new Date(),
    async start() {
      await events.start();
      await jobs.start();
    },
    async stop() {
      await jobs.stop();
      await events.stop();
      await db.close();
    },
  };
}
