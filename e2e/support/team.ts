import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { newPage } from './browser.ts';
import { PASSWORD, outboxLink } from './session.ts';

/** First visit to a new server: the set-up page creates the owner and the workspace. */
export async function setUpWorkspace(page: Page, owner: { name: string; email: string; workspace: string }): Promise<void> {
  await page.goto('/');
  await page.waitForURL(/\/setup/);
  await page.getByLabel('Name', { exact: true }).fill(owner.name);
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Workspace name').fill(owner.workspace);
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await page.getByText(`Welcome, ${owner.name}!`).waitFor({ timeout: 15_000 });
}

/**
 * The owner (or an admin) invites someone from Settings › Users with the default role (agent); they accept in
 * their own browser context and land signed in. Returns their page.
 */
export async function inviteMember(
  inviter: Page,
  browser: Browser,
  baseUrl: string,
  member: { name: string; email: string },
): Promise<Page> {
  await inviter.goto('/settings/users');
  await inviter.getByRole('tab', { name: 'Invitations' }).click();
  await inviter.getByRole('button', { name: 'Invite' }).click();
  await inviter.getByRole('dialog').getByLabel('Email').fill(member.email);
  await inviter.getByRole('button', { name: 'Send invitation' }).click();
  await inviter.getByRole('dialog').getByText(member.email).first().waitFor();
  await inviter.getByRole('button', { name: 'Done' }).click();
  const acceptPath = await outboxLink(inviter, member.email, '/accept-invitation');

  const page = await newPage(browser, baseUrl);
  await page.goto(acceptPath);
  await page.getByLabel('Name', { exact: true }).fill(member.name);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account and join' }).click();
  await page.getByText(`Welcome, ${member.name}!`).waitFor();
  return page;
}

/**
 * Calls the API with the page's own session, as the app does (the CSRF cookie echoed in a header, the
 * workspace chosen in that browser, or the one given). For seeding volume and for "someone else did this" steps, never for
 * the behaviour a test is about.
 */
export async function apiAs<T = unknown>(
  page: Page,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  options: { workspaceId?: string } = {},
): Promise<T> {
  const cookies = await page.context().cookies();
  const csrf = cookies.find((cookie) => cookie.name === 'lf_csrf')?.value;
  const workspaceId = options.workspaceId ?? (await page.evaluate(() => localStorage.getItem('lf.workspace')));
  const headers: Record<string, string> = {};
  if (csrf) headers['x-csrf-token'] = csrf;
  if (workspaceId) headers['x-workspace-id'] = workspaceId;
  const res = await page.request.fetch(`/api/v1${path}`, { method, headers, data: body });
  const text = await res.text();
  expect(res.status(), `${method} ${path}: ${text}`).toBeLessThan(300);
  return (text ? JSON.parse(text) : undefined) as T;
}
