import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import yauzl from 'yauzl';
import { launchBrowser, newPage } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { setUpWorkspace } from '../support/team.ts';

/**
 * Exporting the workspace on a phone-sized screen: the owner opens Settings › Export data, starts the export, sees
 * it finish in the list with its size, and downloads a ZIP that holds the manifest and the members file.
 */

const OWNER = { name: 'Olivia Owner', email: 'owner@example.com', workspace: 'Exportadora Realty' };

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

function entries(file: string): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const files = new Map<string, string>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(files));
      zip.readEntry();
    });
  });
}

test('the owner exports the workspace at 375 px and downloads the ZIP', { timeout: 180_000 }, async () => {
  const page = await newPage(browser, server.baseUrl, { viewport: { width: 375, height: 740 } });
  await setUpWorkspace(page, OWNER);

  await page.goto('/settings/export');
  await page.getByRole('heading', { name: 'Export your workspace' }).waitFor();
  await page.getByTestId('exports-empty').waitFor();
  await page.getByRole('button', { name: 'Export workspace' }).click();

  const download = page.getByRole('link', { name: 'Download ZIP' });
  await download.waitFor({ timeout: 60_000 });
  await expect.poll(() => page.getByTestId('export-status').first().textContent()).toBe('Ready');
  await page.getByText(/files · .* rows · .*(B|KB|MB)/).waitFor();
  // Nothing sticks out of a phone screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

  const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
  expect(file.suggestedFilename()).toMatch(/^leadflow-.+\.zip$/);
  const saved = await file.path();
  expect(fs.readFileSync(saved).subarray(0, 2).toString()).toBe('PK');
  const files = await entries(saved);
  const manifest = JSON.parse(files.get('manifest.json')!) as { workspace: { name: string }; files: { file: string; rows: number }[] };
  expect(manifest.workspace.name).toBe(OWNER.workspace);
  expect(manifest.files.find((f) => f.file === 'users.csv')?.rows).toBe(1);
  expect(files.get('users.csv')).toContain(OWNER.email);
});
