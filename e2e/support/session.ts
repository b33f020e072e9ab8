import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { base32Decode, totpAt } from '../../apps/server/src/platform/auth/totp.ts';

export const PASSWORD = 'correct horse battery';

/** Signs in through the login page, as a person does. */
export async function logIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

export async function logOut(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  await page.waitForURL(/\/login/);
}

/** The current TOTP code for a base32 secret, as an authenticator app would show it. */
export function totpCode(secret: string): string {
  return totpAt(base32Decode(secret.replace(/\s/g, '')), Math.floor(Date.now() / 1000));
}

/** Mail kept in the dev outbox, read through the API with the page's own session (owner or admin). */
export async function outboxLink(page: Page, to: string, path: string): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(async () => {
      const res = await page.request.get('/api/v1/outbox');
      const { messages } = (await res.json()) as { messages: { to: string; text: string }[] };
      const match = messages.find((m) => m.to === to)?.text.match(new RegExp(`https?://[^\\s]+${path}\\?token=[\\w-]+`));
      link = match?.[0];
      return Boolean(link);
    })
    .toBe(true);
  return new URL(link!).pathname + new URL(link!).search;
}
