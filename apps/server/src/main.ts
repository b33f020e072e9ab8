import { pino } from 'pino';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './platform/config.ts';
import { createDeps } from './platform/deps.ts';

async function main(): Promise<void> {
  const startedAt = performance.now();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = pino({ level: config.logLevel });
  if (!config.databaseUrl && config.env === 'production') {
    logger.warn('No DATABASE_URL: running on the embedded PGlite database in %s', config.dataDir);
  }
  const deps = await createDeps(config, logger);
  const app = await buildApp(deps, { logger: { level: config.logLevel } });
  await deps.start();
  await app.listen({ port: config.port, host: config.host });
  logger.info(
    { database: deps.database.kind, mail: deps.mailer.mode, startupMs: Math.round(performance.now() - startedAt) },
    `LeadFlow is ready at ${config.publicUrl}`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // A second signal, or a hang, must not leave the process running forever.
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await app.close();
      await deps.stop();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
