import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser, newPage } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { apiAs, setUpWorkspace } from '../support/team.ts';
import { eventually } from '../support/ui.ts';

/**
 * Importing leads in the browser: a Brazilian CSV (semicolons, dd/mm/yyyy dates, phones like "(11) 99999-8888") is
 * uploaded, its columns are mapped from the suggestions, the dry run names the bad row, the run shows its progress
 * bar to the report, an imported lead is found by phone, and undoing the import removes it.
 */

const OWNER = { name: 'Olivia Owner', email: 'owner@example.com', workspace: 'Importadora Realty' };
/** Enough rows for two batches, so the run is seen in progress. */
const FILLER_ROWS = 900;

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

function brazilianCsv(): string {
  const lines = [
    'Nome;Telefone;E-mail;Próximo contato;Empresa',
    'Ana Importada;(11) 99999-8888;ana.importada@example.com;25/12/2026;Açaí Ltda',
    'Bruno Lima;(21) 98765-4321;bruno.lima@example.com;03/01/2027;',
    'Carla Errada;12;carla@example.com;15/01/2027;', // row 4: the phone is too short
  ];
  for (let i = 0; i < FILLER_ROWS; i++) {
    lines.push(`Lead ${i};(31) 97${String(i).padStart(3, '0')}-${String(1000 + i)};lead${i}@example.com;${String((i % 28) + 1).padStart(2, '0')}/02/2027;`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The value a column's field select shows. */
function targetOf(page: Page, column: string) {
  return page.getByRole('textbox', { name: `Field for column ${column}`, exact: true }).or(page.getByRole('combobox', { name: `Field for column ${column}`, exact: true }));
}

test('a Brazilian CSV is mapped, checked, imported with progress, found by phone and undone', { timeout: 300_000 }, async () => {
  const page = await newPage(browser, server.baseUrl);
  await setUpWorkspace(page, OWNER);

  await page.getByRole('link', { name: 'Imports', exact: true }).click();
  await page.waitForURL(/\/imports$/);
  await page.getByTestId('imports-empty').waitFor();
  await page.getByRole('link', { name: 'Import a file' }).click();
  await page.waitForURL(/\/imports\/new$/);

  // Upload: the file goes to the server, which reads it and suggests a field for each column.
  await page.locator('input[type="file"]').setInputFiles({ name: 'contatos.csv', mimeType: 'text/csv', buffer: Buffer.from(brazilianCsv(), 'utf8') });
  await page.getByRole('button', { name: 'Upload and map columns' }).click();
  await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  const importId = page.url().split('/').pop()!;
  await page.getByTestId('import-file').getByText(`contatos.csv: ${(FILLER_ROWS + 3).toLocaleString('en')} rows`).waitFor();

  const expected: [string, string][] = [
    ['Nome', 'Full name'],
    ['Telefone', 'Phone'],
    ['E-mail', 'Email'],
    ['Próximo contato', 'Next follow-up'],
    ['Empresa', 'Company'],
  ];
  for (const [column, field] of expected) await eventually(() => targetOf(page, column).inputValue()).toBe(field);
  const phoneColumn = page.locator('[data-testid="import-column"][data-column="Telefone"]');
  await phoneColumn.getByText('(11) 99999-8888').waitFor();
  await phoneColumn.getByText('Suggested from the name').waitFor();

  // Options: dd/mm/yyyy was read from the dates; the phones are Brazilian.
  await page.getByRole('button', { name: 'Next' }).click();
  await eventually(() => page.getByRole('textbox', { name: 'Date format in the file' }).or(page.getByRole('combobox', { name: 'Date format in the file' })).inputValue()).toBe(
    'Day/month/year (31/12/2026)',
  );
  const country = page.getByRole('textbox', { name: 'Country of phones without a country code' }).or(page.getByRole('combobox', { name: 'Country of phones without a country code' }));
  await country.click();
  await country.fill('Brazi');
  await page.getByRole('option', { name: 'Brazil', exact: true }).click();
  await page.getByRole('button', { name: 'Check the rows' }).click();

  // Dry run: the valid rows to create, the bad one with its row, column, value and reason.
  await eventually(() => page.getByTestId('dry-run-create').textContent(), 60_000).toContain(String(FILLER_ROWS + 2).replace(/\B(?=(\d{3})+(?!\d))/g, ','));
  await eventually(() => page.getByTestId('dry-run-errors').textContent()).toContain('1');
  const errorRow = page.getByTestId('import-errors').getByRole('row').filter({ hasText: 'Telefone' });
  await eventually(() => errorRow.locator('td').allTextContents()).toEqual(['4', 'Telefone', '12', expect.stringContaining('Not a valid phone number')]);
  const rejected = page.getByRole('link', { name: 'Download the rows that will not go in (CSV)' });
  expect(await rejected.getAttribute('href')).toContain(`/api/v1/imports/${importId}/rejected.csv`);
  const csv = await page.request.get((await rejected.getAttribute('href'))!);
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain('Carla Errada');

  // Run: only after confirming that the bad row stays out; the progress bar shows until the report.
  const runButton = page.getByRole('button', { name: /^Import [\d,]+ rows$/ });
  expect(await runButton.isDisabled()).toBe(true);
  await page.getByLabel('Import the valid rows and leave out the 1 row with errors').check();
  await runButton.click();
  await page.getByTestId('import-progress').waitFor();
  await page.getByTestId('import-rows').getByText(`of ${(FILLER_ROWS + 2).toLocaleString('en')} rows`, { exact: false }).waitFor();
  await page.getByText('Import finished').waitFor({ timeout: 120_000 });
  await eventually(() => page.getByTestId('report-created').textContent()).toContain((FILLER_ROWS + 2).toLocaleString('en'));
  await eventually(() => page.getByTestId('report-failed').textContent()).toContain('1');

  // The imported lead is found by its phone, typed another way.
  await page.getByRole('link', { name: 'Leads', exact: true }).click();
  const search = page.getByRole('searchbox', { name: 'Search leads' });
  await search.pressSequentially('11999998888');
  await page.getByText('Ana Importada').first().waitFor();
  await page.getByTestId('lead-count').getByText('1 lead', { exact: true }).waitFor();
  const query = encodeURIComponent(JSON.stringify({ q: 'ana.importada@example.com' }));
  const { leads } = await apiAs<{ leads: { nextFollowUpAt: string | null }[] }>(page, 'GET', `/leads?query=${query}`);
  const found = leads[0];
  // 25/12/2026 read as the 25th of December.
  expect(found?.nextFollowUpAt).toMatch(/^2026-12-2[45]/);

  // Undo from the list of imports: the lead is gone.
  await page.getByRole('link', { name: 'Imports', exact: true }).click();
  const item = page.getByTestId('import-item').filter({ hasText: 'contatos.csv' });
  await item.getByTestId('import-status').getByText('Done').waitFor();
  await item.getByRole('button', { name: 'Undo import' }).click();
  await page.getByRole('dialog', { name: 'Undo this import?' }).getByRole('button', { name: 'Undo', exact: true }).click();
  await item.getByTestId('import-status').getByText('Undone').waitFor({ timeout: 120_000 });

  await page.getByRole('link', { name: 'Leads', exact: true }).click();
  await page.getByRole('searchbox', { name: 'Search leads' }).pressSequentially('11999998888');
  await page.getByText('No leads match this search or these filters.').waitFor();
});
