/**
 * Fallback server entry for the bench, used only when apps/server/src/main.ts cannot start (run.ts says so in
 * its report). Same deps, same app and plugins (rate limit included) as main.ts, except that the built web app
 * is not served: the bench only calls the API.
 */
import { buildApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/platform/config.ts';
import { createDeps } from '../apps/server/src/platform/deps.ts';
import { pino } from 'pino';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel });
  const deps = await createDeps(config, logger);
  const app = await buildApp(deps, { logger: { level: config.logLevel }, webDistDir: '/nonexistent-bench-no-web' });
  await deps.start();
  await app.listen({ port: config.port, host: config.host });
  const shutdown = async () => {
    setTimeout(() => process.exit(1), 15_000).unref();
    await app.close();
    await deps.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
