import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser, newPage } from '../support/browser.ts';
import { cardOf } from '../support/cards.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { PASSWORD, logIn } from '../support/session.ts';
import { choose, eventually } from '../support/ui.ts';

let server: RunningServer;
let browser: Browser;
/** A customer's own site on another origin (localhost vs 127.0.0.1, another port) that embeds the form. */
let shop: Server;
let shopUrl: string;
let shopPage = '';

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  shop = createServer((req, res) => {
    if (req.url === '/favicon.ico') return void res.writeHead(204).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(shopPage);
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopUrl = `http://localhost:${(shop.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => shop?.close(resolve));
});

const OWNER = { name: 'Olivia Owner', email: 'owner@example.com', workspace: 'Acme Realty' };

/** First visit to the new server: the set-up page creates the owner and the workspace. */
async function setUpWorkspace(page: Page, owner: typeof OWNER): Promise<void> {
  await page.goto('/');
  await page.waitForURL(/\/setup/);
  await page.getByLabel('Name', { exact: true }).fill(owner.name);
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Workspace name').fill(owner.workspace);
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await page.getByText(`Welcome, ${owner.name}!`).waitFor({ timeout: 15_000 });
}

/** The form's minimum time to submit (3 s by default) measured from when the page was served. */
async function waitOutMinimumTime(servedAt: number) {
  const left = servedAt + 3_500 - Date.now();
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
}

test('an admin builds a form, a visitor sends it from its hosted page with UTM tags, and the lead shows where it came from', async () => {
  const owner = await newPage(browser, server.baseUrl);
  await setUpWorkspace(owner, OWNER);

  await owner.getByRole('link', { name: 'Web forms' }).click();
  await owner.waitForURL(/\/settings\/web-forms$/);
  await owner.getByText('No web forms yet.', { exact: false }).waitFor();

  // Build it: a name, a heading, one more field, a relabelled one, a consent box and where leads go.
  await owner.getByRole('button', { name: 'New form' }).click();
  const editor = owner.getByRole('dialog', { name: 'New web form' });
  const preview = editor.getByRole('region', { name: 'Preview' });
  await editor.getByLabel('Form name').fill('Open house sign-up');
  await editor.getByLabel('Heading').fill('Visit our open house');
  await preview.getByRole('heading', { name: 'Visit our open house' }).waitFor();
  await choose(editor, owner, 'Add a field', 'Company');
  await editor.getByTestId('web-form-field-company').waitFor();
  await editor.getByLabel('Label of Email').fill('Your email');
  await preview.getByLabel('Your email').waitFor();
  await editor.getByLabel('Consent text').fill('I agree to be contacted about the open house.');
  await preview.getByText('I agree to be contacted about the open house.').waitFor();
  await editor.getByLabel('Source', { exact: true }).fill('Open house');
  await editor.getByRole('button', { name: 'Create form' }).click();

  // The link and the code show at once.
  const code = owner.getByRole('dialog', { name: 'Link and code of “Open house sign-up”' });
  const hostedUrl = await code.getByRole('textbox', { name: 'Hosted link' }).inputValue();
  expect(hostedUrl).toMatch(new RegExp(`^${server.baseUrl}/f/[A-Za-z0-9_-]{16}$`));
  expect(await code.getByRole('textbox', { name: 'Embed script (recommended)' }).inputValue()).toBe(`<script src="${hostedUrl}/embed.js" async></script>`);
  await code.getByRole('button', { name: 'Done' }).click();
  const row = owner.getByTestId('web-form-row-Open house sign-up');
  await row.getByText('0 submissions').waitFor();
  expect(await row.getByRole('switch', { name: 'Accepting submissions: Open house sign-up' }).isChecked()).toBe(true);

  // A visitor follows a newsletter link to the hosted page. (The page with errors answers 400, on purpose.)
  const visitor = await newPage(browser, server.baseUrl, { allow: [/^HTTP 400: POST .*\/f\/[\w-]+$/] });
  const servedAt = Date.now();
  await visitor.goto(`${hostedUrl}?utm_source=newsletter&utm_medium=email&utm_campaign=open-house-may`);
  await visitor.getByRole('heading', { name: 'Visit our open house' }).waitFor();
  await visitor.getByLabel('Full name').fill('Marina Prado');
  await visitor.getByLabel('Your email').fill('not-an-email');
  await visitor.getByLabel('Phone').fill('+1 202 555 0147');
  await visitor.getByLabel('Company').fill('Prado Arquitetura');
  await waitOutMinimumTime(servedAt);
  await visitor.getByRole('button', { name: 'Send' }).click();
  // Errors name the fields, and what was typed is still there.
  await visitor.getByRole('alert').getByText('Your email: Enter a valid email address').waitFor();
  await visitor.getByRole('alert').getByText('Please tick the box to continue', { exact: false }).waitFor();
  expect(await visitor.getByLabel('Full name').inputValue()).toBe('Marina Prado');
  await visitor.getByLabel('Your email').fill('marina@prado.example');
  await visitor.getByLabel('I agree to be contacted about the open house.').check();
  await visitor.getByRole('button', { name: 'Send' }).click();
  await visitor.getByText('Thank you! We received your details and will be in touch soon.').waitFor();

  // The lead is in the list with the form's source, and its page shows the visit's UTM tags.
  await owner.getByRole('link', { name: 'Leads', exact: true }).click();
  await owner.waitForURL(/\/leads$/);
  const leadRow = owner.locator('[data-testid^="lead-row-"]').filter({ hasText: 'Marina Prado' });
  await leadRow.getByText('Open house').waitFor();
  await leadRow.getByText('Marina Prado').click();
  await owner.getByRole('heading', { name: 'Marina Prado' }).waitFor();
  const submissions = cardOf(owner, 'Web form submissions');
  await submissions.getByText('Open house sign-up').waitFor();
  await submissions.getByText('UTM source: newsletter').waitFor();
  await submissions.getByText('UTM medium: email').waitFor();
  await submissions.getByText('UTM campaign: open-house-may').waitFor();
  await submissions.getByText(`Page: ${hostedUrl}?utm_source=newsletter`, { exact: false }).waitFor();
  // No campaign of its own on the form: the lead takes the visit's.
  await owner.getByText('open-house-may', { exact: true }).first().waitFor();

  // Back in the settings: one submission, listed with the lead.
  await owner.getByRole('link', { name: 'Web forms' }).click();
  await row.getByText('1 submission').waitFor();
  await row.getByRole('button', { name: '1 submission of Open house sign-up' }).click();
  const drawer = owner.getByRole('dialog', { name: 'Submissions of “Open house sign-up”' });
  const submission = drawer.getByTestId('web-form-submission');
  await submission.getByText('New lead').waitFor();
  await submission.getByText('Full name: Marina Prado').waitFor();
  await submission.getByText('UTM campaign: open-house-may').waitFor();
  await submission.getByRole('link', { name: 'Open the lead' }).click();
  await owner.getByRole('heading', { name: 'Marina Prado' }).waitFor();
});

test('the script snippet frames the form on another site, sizes the frame to it and keeps that page’s address and UTM tags', async () => {
  const owner = await newPage(browser, server.baseUrl);
  await logIn(owner, OWNER.email);
  await owner.getByRole('link', { name: 'Web forms' }).click();
  const row = owner.getByTestId('web-form-row-Open house sign-up');
  await row.getByRole('button', { name: 'Link and code of Open house sign-up' }).click();
  const script = await owner.getByRole('dialog').getByRole('textbox', { name: 'Embed script (recommended)' }).inputValue();
  await owner.getByRole('dialog').getByRole('button', { name: 'Done' }).click();

  shopPage = `<!doctype html><html><head><title>Prado Homes</title></head><body><h1>Prado Homes</h1>${script}<p>Footer</p></body></html>`;
  const visitor = await newPage(browser, server.baseUrl);
  const servedAt = Date.now();
  await visitor.goto(`${shopUrl}/landing?utm_source=facebook&utm_campaign=spring-ads`);
  const frameElement = visitor.locator('iframe[data-leadflow-form]');
  await frameElement.waitFor();
  const frame = visitor.frameLocator('iframe[data-leadflow-form]');
  await frame.getByRole('heading', { name: 'Visit our open house' }).waitFor();
  // The frame takes the form's own height instead of the script's starting 560 px.
  await eventually(() => frameElement.evaluate((el) => (el as HTMLIFrameElement).style.height)).not.toBe('560px');

  await frame.getByLabel('Full name').fill('Tomás Reis');
  await frame.getByLabel('Your email').fill('tomas@reis.example');
  await frame.getByLabel('I agree to be contacted about the open house.').check();
  await waitOutMinimumTime(servedAt);
  await frame.getByRole('button', { name: 'Send' }).click();
  await frame.getByText('Thank you! We received your details and will be in touch soon.').waitFor();

  await owner.getByRole('link', { name: 'Leads', exact: true }).click();
  const leadRow = owner.locator('[data-testid^="lead-row-"]').filter({ hasText: 'Tomás Reis' });
  await leadRow.getByText('Tomás Reis').click();
  const submissions = cardOf(owner, 'Web form submissions');
  await submissions.getByText('UTM source: facebook').waitFor();
  await submissions.getByText('UTM campaign: spring-ads').waitFor();
  await submissions.getByText(`Page: ${shopUrl}/landing?utm_source=facebook&utm_campaign=spring-ads`).waitFor();
});

test('a turned-off form tells visitors it is not available', async () => {
  const owner = await newPage(browser, server.baseUrl);
  await logIn(owner, OWNER.email);
  await owner.getByRole('link', { name: 'Web forms' }).click();
  const row = owner.getByTestId('web-form-row-Open house sign-up');
  await row.getByRole('switch', { name: 'Accepting submissions: Open house sign-up' }).click({ force: true });
  await owner.getByText('“Open house sign-up” no longer accepts submissions').waitFor();
  const hostedUrl = await row.getByRole('link', { name: 'Hosted page' }).getAttribute('href');

  const visitor = await newPage(browser, server.baseUrl, { allow: [/HTTP 404: GET .*\/f\//] });
  await visitor.goto(hostedUrl!);
  await visitor.getByRole('heading', { name: 'This form is not available' }).waitFor();
  expect(await visitor.getByRole('button', { name: 'Send' }).count()).toBe(0);
});
