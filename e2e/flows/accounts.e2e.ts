import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser, newPage } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { PASSWORD, logIn, logOut, outboxLink, totpCode } from '../support/session.ts';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('owner sets up, invites an agent, approves a stranger, uses 2FA, switches theme and language', async () => {
  // First visit: the set-up page creates the owner and the workspace.
  const owner = await newPage(browser, server.baseUrl);
  await owner.goto('/');
  await owner.waitForURL(/\/setup/);
  await owner.getByLabel('Name', { exact: true }).fill('Olivia Owner');
  await owner.getByLabel('Email').fill('owner@example.com');
  await owner.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await owner.getByLabel('Workspace name').fill('Acme Realty');
  await owner.getByRole('button', { name: 'Create workspace' }).click();
  await expect.poll(() => owner.getByText('Welcome, Olivia Owner!').isVisible(), { timeout: 15_000 }).toBe(true);

  // Invite an agent from Settings › Users.
  await owner.goto('/settings/users');
  await owner.getByRole('tab', { name: 'Invitations' }).click();
  await owner.getByRole('button', { name: 'Invite' }).click();
  await owner.getByRole('dialog').getByLabel('Email').fill('agent@example.com');
  await owner.getByRole('button', { name: 'Send invitation' }).click();
  await owner.getByRole('dialog').getByText('agent@example.com').first().waitFor();
  await owner.getByRole('button', { name: 'Done' }).click();
  const acceptPath = await outboxLink(owner, 'agent@example.com', '/accept-invitation');

  // The agent accepts, lands in the app, and logs out.
  const agent = await newPage(browser, server.baseUrl);
  await agent.goto(acceptPath);
  await agent.getByText('Acme Realty').first().waitFor();
  await agent.getByLabel('Name', { exact: true }).fill('Alex Agent');
  await agent.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await agent.getByRole('button', { name: 'Create account and join' }).click();
  await agent.getByText('Welcome, Alex Agent!').waitFor();
  await logOut(agent);
  await logIn(agent, 'agent@example.com');
  await agent.getByText('Welcome, Alex Agent!').waitFor();

  // A stranger signs up with the workspace's slug and waits for approval.
  const stranger = await newPage(browser, server.baseUrl);
  await stranger.goto('/signup');
  await stranger.getByLabel('Name', { exact: true }).fill('Sam Stranger');
  await stranger.getByLabel('Email').fill('sam@example.com');
  await stranger.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await stranger.getByLabel('Workspace slug').fill('acme-realty');
  await stranger.getByRole('button', { name: 'Sign up' }).click();
  await stranger.getByText('Waiting for approval').first().waitFor();

  await owner.goto('/settings/users');
  const row = owner.getByTestId('member-row-sam@example.com');
  await row.getByRole('button', { name: 'Approve' }).click();
  await expect.poll(() => row.getByText(/active/i).count()).toBeGreaterThan(0);
  await logIn(stranger, 'sam@example.com');
  await stranger.getByText('Welcome, Sam Stranger!').waitFor();

  // The owner turns on two-factor authentication, then logs in again with a code.
  await owner.goto('/profile');
  await owner.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  await owner.getByRole('img', { name: 'QR code for the authenticator app' }).waitFor();
  const secret = (await owner.getByTestId('two-factor-secret').textContent())!.trim();
  await owner.getByLabel('Verification code').fill(totpCode(secret));
  await owner.getByRole('button', { name: 'Turn on' }).click();
  await owner.getByText('Recovery codes').first().waitFor();
  await owner.getByRole('button', { name: 'I saved them' }).click();
  await logOut(owner);
  await logIn(owner, 'owner@example.com');
  await owner.getByLabel('Authentication code').fill(totpCode(secret));
  await owner.getByRole('button', { name: 'Verify' }).click();
  await owner.getByText('Welcome, Olivia Owner!').waitFor();

  // Theme and language.
  const scheme = () => owner.evaluate(() => document.documentElement.getAttribute('data-mantine-color-scheme'));
  const before = await scheme();
  await owner.getByTestId('theme-toggle').click();
  await expect.poll(scheme).not.toBe(before);
  await owner.getByTestId('language-menu').click();
  await owner.getByRole('menuitem', { name: 'Português (Brasil)' }).click();
  await owner.getByText('Boas-vindas, Olivia Owner!').waitFor();
  await expect.poll(() => owner.evaluate(() => document.documentElement.lang)).toBe('pt-BR');
});

test('a phone-sized screen shows the navigation behind a burger', async () => {
  const page = await newPage(browser, server.baseUrl, { viewport: { width: 375, height: 740 } });
  await logIn(page, 'agent@example.com');
  await page.getByText('Welcome, Alex Agent!').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.getByRole('button', { name: 'Open navigation' }).click();
  await page.getByRole('link', { name: 'Home' }).waitFor();
});
