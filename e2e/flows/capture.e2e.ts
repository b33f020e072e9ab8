import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { leadgenWebhookPayload, sendTestLead, signMetaWebhook, startFakeGraph, type FakeGraph } from '../../apps/server/src/modules/capture/fake-graph.ts';
import { launchBrowser, newPage } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { PASSWORD, logIn, outboxLink } from '../support/session.ts';
import { eventually } from '../support/ui.ts';

/**
 * Lead capture in the browser: Facebook Lead Ads connected against the fake Graph API (a real HTTP server that
 * speaks Meta's protocol), a form mapped, a lead sent by the fake as Meta would (signed leadgen webhook) showing
 * up live in the open Leads list, the integration log; and the intake API with a key made in the UI.
 */

const OWNER = { name: 'Olivia Owner', email: 'owner@example.com', workspace: 'Acme Realty' };
const PAGE_ID = '138124712925158';
const PAGE_NAME = 'Acme Realty Page';
const BUYERS_FORM = '172036835026334';
const SELLERS_FORM = '172036835026335';
const APP_ID = '555000111';
const APP_SECRET = 'app-secret-of-acme-realty';
const PAGE_TOKEN = 'EAAB-page-token-of-acme-realty';
const VERIFY_TOKEN = 'acme-verify-token';

let fake: FakeGraph;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  fake = await startFakeGraph();
  fake.addPage({ id: PAGE_ID, name: PAGE_NAME, accessToken: PAGE_TOKEN });
  fake.addForm({
    id: BUYERS_FORM,
    pageId: PAGE_ID,
    name: 'Buyers form',
    questions: [
      { key: 'full_name', label: 'Full name', type: 'FULL_NAME' },
      { key: 'email', label: 'Email', type: 'EMAIL' },
      { key: 'phone_number', label: 'Phone number', type: 'PHONE' },
      { key: 'which_neighbourhood?', label: 'Which neighbourhood?', type: 'CUSTOM' },
    ],
  });
  fake.addForm({ id: SELLERS_FORM, pageId: PAGE_ID, name: 'Sellers form' });
  server = await startServer({ env: { META_GRAPH_URL: fake.url } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await fake?.close();
});

/** Polls until the assertion holds (the UI catches up with a click, a response or an event). */

/** Seeding through the API with the page's own session (CSRF cookie echoed, the browser's workspace). */
async function api<T = unknown>(page: Page, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const csrf = (await page.context().cookies()).find((cookie) => cookie.name === 'lf_csrf')?.value;
  const workspaceId = await page.evaluate(() => localStorage.getItem('lf.workspace'));
  const headers: Record<string, string> = {};
  if (csrf) headers['x-csrf-token'] = csrf;
  if (workspaceId) headers['x-workspace-id'] = workspaceId;
  const res = await page.request.fetch(`/api/v1${path}`, { method, headers, data: body });
  const text = await res.text();
  expect(res.status(), `${method} ${path}: ${text}`).toBeLessThan(300);
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * Picks an option of a Mantine select by typing part of it and clicking it. The mapping editor's dropdown has been
 * seen to close again right after opening while the card settles (CI, a fast machine): it is opened again until the
 * option shows.
 */
async function choose(scope: Page | Locator, page: Page, label: string, option: string, typed?: string) {
  const input = scope.getByRole('combobox', { name: label, exact: true });
  const choice = page.getByRole('option', { name: option, exact: true });
  await expect
    .poll(
      async () => {
        if (!(await choice.isVisible())) {
          await input.click();
          if (typed !== undefined) await input.fill(typed);
        }
        return choice.isVisible();
      },
      { timeout: 15_000, interval: 500 },
    )
    .toBe(true);
  await choice.click();
}

function leadRow(page: Page, name: string): Locator {
  return page.locator('[data-testid^="lead-row-"]').filter({ has: page.getByRole('checkbox', { name: `Select ${name}`, exact: true }) });
}

async function signedInOwner(): Promise<Page> {
  const page = await newPage(browser, server.baseUrl);
  await logIn(page, OWNER.email);
  await page.getByText(`Welcome, ${OWNER.name}!`).waitFor();
  return page;
}

test('connect Lead Ads against the fake, map a form, and a lead sent by Meta appears live in the open list', { timeout: 180_000 }, async () => {
  const page = await newPage(browser, server.baseUrl);
  await page.goto('/');
  await page.waitForURL(/\/setup/);
  await page.getByLabel('Name', { exact: true }).fill(OWNER.name);
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Workspace name').fill(OWNER.workspace);
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await page.getByText(`Welcome, ${OWNER.name}!`).waitFor({ timeout: 15_000 });
  // The custom field the form's own question will fill.
  await api(page, 'POST', '/custom-fields', { label: 'Neighbourhood', key: 'neighbourhood', type: 'text' });
  // Made behind the app's back (as another admin would): the app reads its fields again on the next load.
  await page.reload();
  await page.getByText(`Welcome, ${OWNER.name}!`).waitFor({ timeout: 15_000 });

  // Settings › Integrations from the navigation; nothing connected yet.
  await page.getByRole('link', { name: 'Integrations' }).click();
  await page.waitForURL(/\/settings\/integrations/);
  await page.getByText('No Facebook Page is connected yet').waitFor();

  // Connect: a wrong page token first shows Meta's exact error, then the right one.
  await page.getByRole('button', { name: 'Connect a Facebook Page' }).click();
  const dialog = page.getByRole('dialog', { name: 'Connect Facebook Lead Ads' });
  await dialog.getByLabel('Page ID').fill('12ab');
  await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
  await dialog.getByText('Invalid format').first().waitFor();
  await dialog.getByLabel('Page ID').fill(PAGE_ID);
  await dialog.getByLabel('App ID').fill(APP_ID);
  await dialog.getByLabel('App secret').fill(APP_SECRET);
  await dialog.getByLabel('Page access token').fill(PAGE_TOKEN);
  await dialog.getByLabel('Verify token').fill(VERIFY_TOKEN);
  await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });

  // The card tests the connection at once: the page's name and its lead forms, read from the fake.
  const card = page.getByTestId(`meta-connection-${PAGE_ID}`);
  await card.getByTestId('meta-test-ok').waitFor();
  expect(await card.getByTestId('meta-test-ok').textContent()).toContain(`Connected to ${PAGE_NAME}: 2 lead forms.`);
  expect(await card.getByTestId('meta-connection-status').textContent()).toBe('Connected');
  await card.getByTestId(`meta-form-${BUYERS_FORM}`).getByText('Buyers form').waitFor();
  await card.getByTestId(`meta-form-${SELLERS_FORM}`).getByText('Sellers form').waitFor();
  // Secrets are never shown back, only that they are set.
  await card.getByText('App secret: set · Page access token: set').waitFor();
  expect(await page.content()).not.toContain(APP_SECRET);
  expect(await page.content()).not.toContain(PAGE_TOKEN);

  // What to paste into Meta's webhook settings, and the handshake Meta does with them succeeds.
  const callbackUrl = await card.getByLabel('Callback URL').inputValue();
  expect(callbackUrl).toBe(`${server.baseUrl}/hooks/meta`);
  const verifyToken = await card.getByLabel('Verify token').inputValue();
  expect(verifyToken).toBe(VERIFY_TOKEN);
  const handshake = await fetch(`${callbackUrl}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${encodeURIComponent(verifyToken)}`);
  expect([handshake.status, await handshake.text()]).toEqual([200, '1158201444']);

  // Map the buyers form: Meta's standard questions are pre-filled, the custom one goes to the custom field.
  await card.getByTestId(`meta-form-${BUYERS_FORM}`).getByRole('button', { name: /Buyers form/ }).click();
  const editor = card.getByTestId(`form-mapping-${BUYERS_FORM}`);
  expect(await editor.getByLabel('Lead field for full_name', { exact: true }).inputValue()).toBe('Full name (first and last)');
  expect(await editor.getByLabel('Lead field for phone_number', { exact: true }).inputValue()).toBe('Phone');
  expect(await editor.getByLabel('Lead field for which_neighbourhood?', { exact: true }).inputValue()).toBe('Keep as form answer');
  await choose(editor, page, 'Lead field for which_neighbourhood?', 'Neighbourhood', 'Neigh');
  await editor.getByLabel('Source', { exact: true }).fill('Facebook Buyers');
  await editor.getByLabel('Tags', { exact: true }).fill('spring');
  await editor.getByLabel('Tags', { exact: true }).press('Enter');
  await editor.getByRole('button', { name: 'Save mapping' }).click();
  await page.getByText('Mapping of Buyers form saved').waitFor();
  await card.getByTestId(`meta-form-${BUYERS_FORM}`).getByText('Custom mapping').waitFor();
  const connection = (await api<{ connections: { id: string }[] }>(page, 'GET', '/integrations/meta')).connections[0]!;
  const saved = await api<{ mappings: { formId: string; fieldMap: Record<string, string>; source: string; tags: string[] }[] }>(
    page,
    'GET',
    `/integrations/meta/${connection.id}/forms`,
  );
  expect(saved.mappings.find((m) => m.formId === BUYERS_FORM)).toMatchObject({
    fieldMap: { 'which_neighbourhood?': 'custom.neighbourhood', full_name: 'fullName', phone_number: 'phone', email: 'email' },
    source: 'Facebook Buyers',
    tags: ['spring'],
  });

  // The Leads list is open; a lead is submitted at Meta and announced by a signed webhook. It appears without a reload.
  await page.goto('/leads');
  await page.getByRole('searchbox', { name: 'Search leads' }).waitFor();
  await page.evaluate(() => {
    (window as unknown as { stillTheSamePage: boolean }).stillTheSamePage = true;
  });
  const delivery = await sendTestLead(fake, {
    callbackUrl,
    appSecret: APP_SECRET,
    formId: BUYERS_FORM,
    fieldData: [
      { name: 'full_name', values: ['Wanda Webhook'] },
      { name: 'email', values: ['wanda@example.com'] },
      { name: 'phone_number', values: ['+12025550123'] },
      { name: 'which_neighbourhood?', values: ['Downtown'] },
    ],
    lead: { adId: '6001', adName: 'Spring ad', adsetId: '6002', adsetName: 'Buyers 30-45', campaignId: '6003', campaignName: 'Spring campaign' },
  });
  expect([delivery.status, JSON.parse(delivery.body)]).toEqual([200, { received: 1 }]);
  await leadRow(page, 'Wanda Webhook').waitFor({ timeout: 30_000 });
  expect(await page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);

  // The lead carries the mapped fields, the form's source and tags, and the campaign.
  const testId = await leadRow(page, 'Wanda Webhook').getAttribute('data-testid');
  const leadId = testId!.replace('lead-row-', '');
  await page.goto(`/leads/${leadId}`);
  await page.getByRole('heading', { name: 'Wanda Webhook' }).waitFor();
  for (const text of ['Downtown', 'Facebook Buyers', 'spring', 'Spring campaign', 'wanda@example.com']) {
    await page.getByText(text, { exact: true }).first().waitFor();
  }

  // The same webhook again (Meta does that): answered 200, still one lead.
  const raw = JSON.stringify(
    leadgenWebhookPayload([{ leadgenId: delivery.lead.id, pageId: PAGE_ID, formId: BUYERS_FORM, createdTime: delivery.lead.createdTime, adId: '6001' }]),
  );
  const again = await fetch(callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaWebhook(APP_SECRET, raw) }, body: raw });
  expect(again.status).toBe(200);
  await eventually(async () => (await api<{ pendingEvents: number }>(page, 'GET', `/integrations/meta/${connection.id}`)).pendingEvents).toBe(0);
  await page.goto('/leads');
  await page.getByRole('searchbox', { name: 'Search leads' }).fill('Wanda');
  await leadRow(page, 'Wanda Webhook').waitFor();
  await eventually(() => page.locator('[data-testid^="lead-row-"]').count()).toBe(1);

  // The health panel counts it, and the integration log lists the webhook and the Graph call that read the lead.
  await page.goto('/settings/integrations');
  await eventually(() => page.getByTestId('meta-leads-today').textContent()).toBe('1');
  await page.getByRole('tab', { name: 'Integration log' }).click();
  const log = page.getByTestId('integration-log');
  await log.waitFor();
  const rows = log.getByTestId('integration-log-row');
  const webhookRow = rows.filter({ hasText: 'POST /hooks/meta' }).first();
  await webhookRow.getByText('Webhook', { exact: true }).waitFor();
  await webhookRow.getByText('200', { exact: true }).waitFor();
  const graphRow = rows.filter({ hasText: `/${fake.version}/${delivery.lead.id}?fields=` }).first();
  await graphRow.getByText('API call', { exact: true }).waitFor();
  await graphRow.getByText('200', { exact: true }).waitFor();
  expect(await log.textContent()).not.toContain(PAGE_TOKEN);
  // Filters: webhooks only; then (fresh) a search for the lead's id finds only the Graph call that read it.
  const everyRow = async (test: (text: string) => boolean) => {
    const texts = await rows.allTextContents();
    return texts.length > 0 && texts.every(test);
  };
  await choose(page, page, 'Kind', 'Webhook');
  await eventually(() => everyRow((text) => text.includes('POST /hooks/meta') && !text.includes('API call'))).toBe(true);
  await page.reload();
  await page.getByRole('textbox', { name: 'Search', exact: true }).fill(delivery.lead.id);
  await eventually(() => everyRow((text) => text.includes(`/${fake.version}/${delivery.lead.id}?fields=`))).toBe(true);

  // The token stops working at Meta: "Test connection" shows Meta's exact error and the connection turns broken.
  fake.pages.get(PAGE_ID)!.accessToken = 'EAAB-rotated-page-token';
  await page.getByRole('tab', { name: 'Facebook Lead Ads' }).click();
  await card.getByRole('button', { name: 'Test connection' }).click();
  await card.getByText('The Graph API answered with an error').waitFor();
  expect(await card.getByTestId('graph-error-message').textContent()).toBe('Invalid OAuth access token.');
  await card.getByText('OAuthException', { exact: true }).waitFor();
  await card.getByText('190', { exact: true }).waitFor();
  await card.getByText('463', { exact: true }).waitFor();
  await eventually(() => card.getByTestId('meta-connection-status').textContent()).toBe('Broken');
  await card.getByText('This connection needs attention').waitFor();
  // The admin enters the new token: connected again, the forms are back.
  await card.getByRole('button', { name: 'Enter a new page access token' }).click();
  const repair = page.getByRole('dialog', { name: 'Change credentials' });
  await repair.getByLabel('Page access token').fill('EAAB-rotated-page-token');
  await repair.getByRole('button', { name: 'Save' }).click();
  await repair.waitFor({ state: 'hidden' });
  await eventually(() => card.getByTestId('meta-connection-status').textContent()).toBe('Connected');
  await card.getByTestId('meta-test-ok').waitFor();
});

test('an API key made in the UI pushes a lead through the intake endpoint, once per Idempotency-Key', { timeout: 120_000 }, async () => {
  const page = await signedInOwner();
  await page.goto('/settings/integrations?tab=api-keys');
  await page.getByText('No API keys yet.').waitFor();
  // The usage example is there before any key exists.
  expect(await page.getByTestId('intake-example').textContent()).toContain(`curl -X POST ${server.baseUrl}/hooks/intake`);

  await page.getByRole('button', { name: 'Create API key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create an API key' });
  await dialog.getByLabel('Name').fill('Website');
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  const shown = page.getByRole('dialog', { name: 'Your new API key' });
  await shown.getByText('it is shown only once').waitFor();
  const key = await shown.getByLabel('Key', { exact: true }).inputValue();
  expect(key).toMatch(/^lf_/);
  expect(await shown.getByTestId('intake-example').textContent()).toContain(`Authorization: Bearer ${key}`);
  await shown.getByRole('button', { name: 'I copied it' }).click();
  const row = page.getByTestId('api-key-row-Website');
  await row.getByTestId('api-key-last-used').getByText('Never').waitFor();
  // The list shows the key's prefix only.
  expect(await page.content()).not.toContain(key);

  // An integrator posts a lead with it; the retry with the same Idempotency-Key answers with the same lead.
  const post = (idempotencyKey: string, authorization = `Bearer ${key}`) =>
    fetch(`${server.baseUrl}/hooks/intake`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify({ firstName: 'Ivan', lastName: 'Intake', email: 'ivan@example.com', phone: '+12025550177', source: 'Website', tags: ['site'] }),
    });
  const first = await post('form-submission-1');
  const created = (await first.json()) as { id: string; outcome: string; replayed: boolean };
  expect([first.status, created.outcome, created.replayed]).toEqual([201, 'created', false]);
  const retried = await post('form-submission-1');
  expect([retried.status, await retried.json()]).toEqual([200, { ...created, replayed: true }]);

  // The integration log lists both calls under the key's prefix, never the key.
  await page.goto('/settings/integrations?tab=log');
  await choose(page, page, 'Provider', 'Intake API');
  const intakeRows = page.getByTestId('integration-log-row');
  await eventually(async () => {
    const texts = await intakeRows.allTextContents();
    return texts.length === 2 && texts.every((text) => text.includes(`POST /hooks/intake (key ${key.slice(0, 9)}`));
  }).toBe(true);
  expect(await intakeRows.filter({ hasText: '201' }).count()).toBe(1);
  expect(await page.getByTestId('integration-log').textContent()).not.toContain(key);

  // It is in the Leads list, once.
  await page.goto('/leads');
  await page.getByRole('searchbox', { name: 'Search leads' }).fill('Ivan');
  await leadRow(page, 'Ivan Intake').waitFor();
  await eventually(() => page.locator('[data-testid^="lead-row-"]').count()).toBe(1);
  expect(await leadRow(page, 'Ivan Intake').getAttribute('data-testid')).toBe(`lead-row-${created.id}`);

  // The key shows its last use; revoked, it stops working at once.
  await page.goto('/settings/integrations?tab=api-keys');
  await eventually(() => row.getByTestId('api-key-last-used').textContent()).not.toBe('Never');
  await row.getByRole('button', { name: 'Revoke Website' }).click();
  await page.getByRole('dialog', { name: 'Revoke this API key?' }).getByRole('button', { name: 'Revoke' }).click();
  await row.getByText(/^Revoked /).waitFor();
  expect((await post('form-submission-2')).status).toBe(401);
});

test('duplicates policy is a workspace setting', async () => {
  const page = await signedInOwner();
  await page.goto('/settings/integrations?tab=capture');
  const merge = page.getByRole('radio', { name: 'Add to the existing lead as "came back"' });
  const always = page.getByRole('radio', { name: 'Always create a new lead' });
  await merge.waitFor();
  expect(await merge.isChecked()).toBe(true);
  await always.click();
  await eventually(() => always.isChecked()).toBe(true);
  await page.getByText('Capture settings saved').waitFor();
  await page.reload();
  await eventually(() => page.getByRole('radio', { name: 'Always create a new lead' }).isChecked()).toBe(true);
  const back = page.getByRole('radio', { name: 'Add to the existing lead as "came back"' });
  await back.click();
  await eventually(() => back.isChecked()).toBe(true);
  await page.getByText('Capture settings saved').waitFor();
});

test('Settings › Integrations fits a phone-sized screen', async () => {
  const page = await newPage(browser, server.baseUrl, { viewport: { width: 375, height: 740 } });
  await logIn(page, OWNER.email);
  await page.getByText(`Welcome, ${OWNER.name}!`).waitFor();
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  for (const tab of ['', '?tab=api-keys', '?tab=log', '?tab=capture']) {
    await page.goto(`/settings/integrations${tab}`);
    await page.getByRole('tab', { selected: true }).waitFor();
    if (!tab) {
      await page.getByTestId(`meta-connection-${PAGE_ID}`).getByTestId('meta-test-ok').waitFor();
      await page.getByTestId(`meta-form-${BUYERS_FORM}`).getByRole('button', { name: /Buyers form/ }).click();
      await page.getByTestId(`form-mapping-${BUYERS_FORM}`).waitFor();
    }
    expect({ tab, overflow: Math.max(0, await overflow()) }).toEqual({ tab, overflow: 0 });
  }
});

test('an agent sees no Integrations: not in the navigation, the page and the API refuse', async () => {
  const owner = await signedInOwner();
  await owner.goto('/settings/users');
  await owner.getByRole('tab', { name: 'Invitations' }).click();
  await owner.getByRole('button', { name: 'Invite' }).click();
  await owner.getByRole('dialog').getByLabel('Email').fill('agent@example.com');
  await owner.getByRole('button', { name: 'Send invitation' }).click();
  await owner.getByRole('dialog').getByText('agent@example.com').first().waitFor();
  await owner.getByRole('button', { name: 'Done' }).click();
  const acceptPath = await outboxLink(owner, 'agent@example.com', '/accept-invitation');

  const agent = await newPage(browser, server.baseUrl);
  await agent.goto(acceptPath);
  await agent.getByLabel('Name', { exact: true }).fill('Alex Agent');
  await agent.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await agent.getByRole('button', { name: 'Create account and join' }).click();
  await agent.getByText('Welcome, Alex Agent!').waitFor();
  await agent.getByRole('link', { name: 'Leads', exact: true }).waitFor();
  expect(await agent.getByRole('link', { name: 'Integrations' }).count()).toBe(0);
  await agent.goto('/settings/integrations');
  await agent.getByText('Your role does not allow this page. Ask an admin if you need it.').waitFor();
  expect(await agent.getByRole('tab', { name: 'API keys' }).count()).toBe(0);
  const res = await agent.request.get('/api/v1/integrations/meta');
  expect(res.status()).toBe(403);
});
