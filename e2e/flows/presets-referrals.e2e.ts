import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser, newPage } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { logIn, PASSWORD } from '../support/session.ts';
import { apiAs } from '../support/team.ts';

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

const OWNER = { name: 'Helena Home', email: 'helena@example.com', workspace: 'Bright Home Care' };

type Lead = { id: string; version: number; displayName: string };
type Pipelines = { pipelines: { id: string; stages: { id: string; kind: string }[] }[] };

test('the owner sets up a workspace from the Home care preset and the new-lead form has its fields', async () => {
  const owner = await newPage(browser, server.baseUrl);
  await owner.goto('/');
  await owner.waitForURL(/\/setup/);
  await owner.getByLabel('Name', { exact: true }).fill(OWNER.name);
  await owner.getByLabel('Email').fill(OWNER.email);
  await owner.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await owner.getByLabel('Workspace name').fill(OWNER.workspace);
  await owner.getByRole('combobox', { name: 'Industry preset' }).click();
  await owner.getByRole('option', { name: 'Home care / health', exact: true }).click();
  await owner.getByRole('button', { name: 'Create workspace' }).click();
  await owner.getByText(`Welcome, ${OWNER.name}!`).waitFor({ timeout: 15_000 });

  await owner.goto('/leads');
  await owner.getByRole('button', { name: 'New lead' }).click();
  const form = owner.getByRole('dialog', { name: 'New lead' });
  for (const label of ['Date of birth', 'Medicaid number', 'Emergency contact name', 'Emergency contact relation', 'Emergency contact phone', 'Last contact status']) {
    await form.getByText(label, { exact: true }).first().waitFor();
  }
  // The preset's word-of-mouth source offers its sub-types once chosen.
  await form.getByRole('combobox', { name: 'Source', exact: true }).fill('Word of');
  await owner.getByRole('option', { name: 'Word of mouth', exact: true }).click();
  await form.getByRole('combobox', { name: 'Source detail', exact: true }).click();
  await owner.getByRole('option', { name: 'Doctor', exact: true }).waitFor();
  await owner.keyboard.press('Escape');
  await form.getByRole('button', { name: 'Cancel' }).click();
});

test('marking a client as the referral source of a lead shows the lead on the client’s page', async () => {
  const owner = await newPage(browser, server.baseUrl);
  await logIn(owner, OWNER.email);
  await owner.getByText(`Welcome, ${OWNER.name}!`).waitFor({ timeout: 15_000 });
  // Seed: a client (moved to the preset's won stage) and a new lead, as teammates would have done.
  const { pipelines } = await apiAs<Pipelines>(owner, 'GET', '/pipelines');
  const won = pipelines[0]!.stages.find((s) => s.kind === 'won')!;
  const ana = await apiAs<Lead>(owner, 'POST', '/leads', { firstName: 'Ana', lastName: 'Souza' });
  await apiAs(owner, 'PATCH', `/leads/${ana.id}`, { version: ana.version, stageId: won.id });
  const carla = await apiAs<Lead>(owner, 'POST', '/leads', { firstName: 'Carla', lastName: 'Lima' });

  await owner.goto(`/leads/${carla.id}`);
  const card = owner.getByTestId('referral-card');
  await card.getByText('Not marked as a referral.').waitFor();
  await card.getByRole('button', { name: 'Mark as referral' }).click();
  const referrer = card.getByRole('combobox', { name: 'Referred by' });
  await referrer.click();
  await referrer.fill('Ana');
  await owner.getByRole('option', { name: 'Ana Souza (client)' }).click();
  await card.getByRole('button', { name: 'Save' }).click();
  await card.getByRole('link', { name: 'Ana Souza' }).waitFor();
  await expect.poll(async () => (await apiAs<{ referral: { referredByLeadId: string } | null }>(owner, 'GET', `/leads/${carla.id}`)).referral?.referredByLeadId).toBe(ana.id);

  // The client's page lists who they referred.
  await card.getByRole('link', { name: 'Ana Souza' }).click();
  await owner.waitForURL(new RegExp(`/leads/${ana.id}`));
  const referred = owner.getByTestId('referred-leads');
  await referred.getByRole('link', { name: 'Carla Lima' }).waitFor();

  // And the timeline of the referred lead says so.
  await referred.getByRole('link', { name: 'Carla Lima' }).click();
  await owner.waitForURL(new RegExp(`/leads/${carla.id}`));
  await owner.getByTestId('referral-card').getByText('Regular').waitFor();
});
