import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser, newPage } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { apiAs, setUpWorkspace } from '../support/team.ts';

/**
 * Follow-up cadences in the browser: the admin defines a 3-tier cadence in Settings › Cadences, applies it to a lead
 * from the lead page (on a 375 px phone), the first step's task appears; completing it with an outcome makes the
 * next step's task appear, the card moves to tier 2 and the follow-up history shows the first attempt's outcome.
 */

const OWNER = { name: 'Olivia Owner', email: 'owner@example.com', workspace: 'Cadence Realty' };

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('a 3-tier cadence applied to a lead: completing the first task brings the next step', { timeout: 300_000 }, async () => {
  const page = await newPage(browser, server.baseUrl);
  await setUpWorkspace(page, OWNER);
  const me = await apiAs<{ user: { id: string } }>(page, 'GET', '/me');

  // Settings › Cadences: a new cadence of three steps.
  await page.goto('/settings/cadences');
  await page.getByRole('button', { name: 'New cadence' }).click();
  const dialog = page.getByRole('dialog', { name: 'New cadence' });
  await dialog.getByLabel('Name').fill('3 tiers');
  const step = (i: number) => dialog.getByTestId(`cadence-step-${i}`);
  await step(0).getByLabel('Title').fill('First call');
  await step(0).getByLabel('Time').fill('09:00');
  await dialog.getByRole('button', { name: 'Add step' }).click();
  await step(1).getByRole('combobox', { name: 'Type' }).click();
  await page.getByRole('option', { name: 'WhatsApp' }).click();
  await step(1).getByLabel('Title').fill('WhatsApp hello');
  await dialog.getByRole('button', { name: 'Add step' }).click();
  await step(2).getByLabel('Day').fill('3');
  await step(2).getByLabel('Title').fill('Second call');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await page.getByText('“3 tiers” saved').waitFor();
  const row = page.getByTestId('cadence-row-3 tiers');
  await row.waitFor();
  expect(await row.textContent()).toContain('day 0: Call · day 1: WhatsApp · day 3: Call');

  // The lead page on a phone: apply the cadence by hand.
  const lead = await apiAs<{ id: string }>(page, 'POST', '/leads', { firstName: 'Bella', lastName: 'Buyer', ownerId: me.user.id });
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto(`/leads/${lead.id}`);
  const card = page.getByTestId('lead-cadences');
  await card.getByText('This lead is not in a cadence.').waitFor();
  await card.getByRole('combobox', { name: 'Apply a cadence' }).click();
  await page.getByRole('option', { name: '3 tiers' }).click();
  await card.getByRole('button', { name: 'Start' }).click();
  await card.getByText('Tier 1 of 3').waitFor();
  const box = await card.boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(375);
  const tasks = page.getByTestId('lead-tasks');
  await tasks.getByTestId('task-First call').waitFor();

  // Complete the first step's task with an outcome: the next step appears.
  await tasks.getByTestId('task-First call').getByRole('button', { name: 'Complete' }).click();
  const complete = page.getByRole('dialog', { name: 'Complete “First call”' });
  await complete.getByRole('combobox', { name: 'Outcome', exact: true }).click();
  await page.getByRole('option', { name: 'No answer' }).click();
  await complete.getByLabel('Note').fill('Voicemail');
  await complete.getByRole('button', { name: 'Complete' }).click();
  await page.getByText('Task completed').waitFor();
  await card.getByText('Tier 2 of 3').waitFor();
  await tasks.getByTestId('task-WhatsApp hello').waitFor();
  expect(await tasks.getByTestId('task-First call').count()).toBe(0);

  // The follow-up history: the first attempt done with its outcome and note, the second open.
  await card.getByText('Follow-up history').waitFor();
  await card.getByText('Step 1 · Call: First call').waitFor();
  await card.getByText('No answer — Voicemail').waitFor();
  await card.getByText('Step 2 · WhatsApp: WhatsApp hello').waitFor();
  const history = await apiAs<{ active: { tier: number; attempts: { status: string }[] }[] }>(page, 'GET', `/leads/${lead.id}/cadences`);
  expect(history.active[0]!.tier).toBe(2);
  expect(history.active[0]!.attempts.map((a) => a.status)).toEqual(['done', 'open']);
});
