// ESLint flat config. Syntax-only rules (no type information) so `npm run lint`
// stays fast; `npm run typecheck` is where the types are checked.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const unusedVarsOptions = {
  args: 'after-used',
  argsIgnorePattern: '^_',
  varsIgnorePattern: '^_',
  caughtErrorsIgnorePattern: '^_',
  destructuredArrayIgnorePattern: '^_',
  ignoreRestSiblings: true,
};

export default defineConfig([
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    'data/',
    'apps/server/data/',
    'apps/server/drizzle/',
    'bench/results/',
    'coverage/',
    'test-results/',
    'e2e/artifacts/',
  ]),

  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', unusedVarsOptions],
    },
  },

  // The web app's source runs in the browser; everything else (server, shared,
  // e2e, bench, and the web app's Vite config) runs in Node.
  {
    files: ['apps/web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['**/*.{ts,tsx}'],
    ignores: ['apps/web/src/**'],
    languageOptions: { globals: globals.node },
  },

  // Plain JavaScript (this file, bench and CI scripts) runs in Node.
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
    rules: {
      'no-unused-vars': ['error', unusedVarsOptions],
    },
  },
]);
