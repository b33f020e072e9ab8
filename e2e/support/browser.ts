import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { onTestFinished } from 'vitest';
import { CHROMIUM_PATH, repoRoot } from './paths.ts';

// Without the background-networking switches Chromium hangs on a network that
// cannot reach Google's update and field-trial services.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const ARTIFACTS_DIR = path.join(repoRoot, 'e2e', 'artifacts');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

export type NewPageOptions = {
  /** Problems the test expects, e.g. a console message the scenario provokes on purpose. */
  allow?: RegExp[];
  viewport?: { width: number; height: number };
};

/**
 * A page in a fresh browser context (its own cookies) whose relative URLs resolve
 * against baseUrl. Call it inside a test: when the test finishes, the page's
 * uncaught errors, console errors, failed requests and HTTP errors are asserted
 * to be none, a screenshot is kept in e2e/artifacts/ if the test failed, and the
 * context is closed.
 *
 * API responses with a 4xx status are application behaviour (a wrong password,
 * a 401 before sign-in) and are not counted; 4xx for anything else (a missing
 * script or page) and every 5xx are.
 */
export async function newPage(browser: Browser, baseUrl: string, options: NewPageOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: options.viewport ?? { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const report = (problem: string) => {
    if (!options.allow?.some((pattern) => pattern.test(problem))) problems.push(problem);
  };

  page.on('pageerror', (err) => report(`uncaught error: ${err.stack ?? err.message}`));
  page.on('console', (msg) => {
    // Chromium logs every HTTP error status as "Failed to load resource"; the
    // response handler below decides which of those are problems.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource:')) {
      const { url, lineNumber } = msg.location();
      report(`console.error: ${msg.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
    }
  });
  page.on('response', (res) => {
    const status = res.status();
    if (status < 400) return;
    const { pathname } = new URL(res.url());
    const isApi = pathname.startsWith('/api/') || pathname.startsWith('/hooks/');
    if (status >= 500 || !isApi) report(`HTTP ${status}: ${res.request().method()} ${res.url()}`);
  });
  page.on('requestfailed', (req) => {
    const reason = req.failure()?.errorText ?? 'unknown';
    // Navigating away cancels requests still in flight; that is not a failure.
    if (reason !== 'net::ERR_ABORTED') report(`request failed: ${req.method()} ${req.url()} (${reason})`);
  });

  onTestFinished(async ({ task }) => {
    try {
      if (task.result?.state === 'fail' && !page.isClosed()) {
        await mkdir(ARTIFACTS_DIR, { recursive: true });
        const name = `${task.file.name}-${task.name}`.replace(/[^a-z0-9]+/gi, '-').slice(0, 120);
        await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true }).catch(() => undefined);
      }
    } finally {
      await context.close();
    }
    if (problems.length > 0) {
      throw new Error(`the page reported ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }
  });

  return page;
}
