import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Polls what the page shows until it matches (every 100 ms, 15 s unless told). */
export function eventually<T>(read: () => Promise<T> | T, timeout = 15_000) {
  return expect.poll(read, { timeout, interval: 100 });
}

/** Picks an option of a Mantine select by the select's label (the option list opens in `page`, outside `scope`). */
export async function choose(scope: Page | Locator, page: Page, label: string, option: string): Promise<void> {
  await scope.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}
