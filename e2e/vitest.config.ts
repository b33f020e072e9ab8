import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// End-to-end tests (`npm run test:e2e`): the built app, served by the real
// server, driven in the system Chromium. One file at a time: each starts its own
// server and browser, and CI has two cores.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['e2e/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 60_000,
    // A browser flow on a busy two-core machine can miss a timing now and then; one retry in CI keeps such a
    // miss from failing the run while a real defect, which fails both times, still does. Locally: no retry.
    retry: process.env.CI ? 1 : 0,
  },
});
