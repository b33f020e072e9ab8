import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit and API tests (`npm test`). End-to-end tests have their own config in e2e/.
export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Forks, not threads: PGlite's WebAssembly heap and native modules are safer
    // in separate processes. Two workers: CI has two cores and every API test
    // file boots its own database.
    pool: 'forks',
    maxWorkers: 2,
    setupFiles: ['apps/server/src/test/setup.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'e2e/**'],
    projects: [
      {
        extends: true,
        test: { name: 'shared', include: ['packages/shared/src/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'server', include: ['apps/server/src/**/*.test.ts'] },
      },
      {
        extends: true,
        // The app's own `@/` imports, as in apps/web/vite.config.ts.
        resolve: { alias: { '@': fileURLToPath(new URL('apps/web/src', import.meta.url)) } },
        test: { name: 'web', include: ['apps/web/src/**/*.test.ts'] },
      },
    ],
  },
});
