import type { Locator, Page } from 'playwright-core';

/** The card (Mantine Card) whose heading is `heading`, e.g. a lead page's "Timeline". */
export function cardOf(page: Page, heading: string): Locator {
  return page.getByRole('heading', { name: heading }).locator('xpath=ancestor::div[contains(@class, "mantine-Card-root")][1]');
}
