import { readFile } from 'node:fs/promises';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser, newPage } from '../support/browser.ts';
import { cardOf } from '../support/cards.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { logIn } from '../support/session.ts';
import { apiAs, inviteMember, setUpWorkspace } from '../support/team.ts';
import { eventually } from '../support/ui.ts';
import { parseCsv } from '../../apps/server/src/test/csv.ts';

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

const OWNER = { name: 'Olivia Owner', email: 'owner@example.com', workspace: 'Acme Realty' };
const AGENT = { name: 'Alex Agent', email: 'agent@example.com' };

/** Polls until the assertion holds (the UI catches up with a click, a response or an event). */

/** The lead rows (table rows or cards) on screen, by the names they show, read in one go. */
async function listedNames(page: Page): Promise<string[]> {
  const labels = await page
    .locator('[data-testid^="lead-row-"] input[type="checkbox"]')
    .evaluateAll((boxes) => boxes.map((box) => box.getAttribute('aria-label') ?? ''));
  return labels.map((label) => label.replace(/^Select /, '')).sort();
}

function rowOf(page: Page, name: string): Locator {
  return page.locator('[data-testid^="lead-row-"]').filter({ has: page.getByRole('checkbox', { name: `Select ${name}`, exact: true }) });
}

/** Picks an option of a select: types part of it when the select is searchable, then clicks it. */
async function choose(scope: Page | Locator, page: Page, label: string, option: string, typed = option) {
  const input = scope.getByRole('combobox', { name: label, exact: true });
  await input.click();
  if (await input.isEditable()) await input.fill(typed);
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** hh:mm of now in a time zone, as the lead page shows it in English (12-hour clock). */
function clockIn(timeZone: string, at = new Date()): string {
  return new Intl.DateTimeFormat('en', { timeZone, hour: 'numeric', minute: '2-digit' })
    .format(at)
    .replace(/\s?[AP]M$/i, '')
    .trim();
}

/** Signs in and opens the lead list through the navigation. */
async function openLeads(page: Page, email: string): Promise<void> {
  await logIn(page, email);
  await page.getByRole('link', { name: 'Leads', exact: true }).click();
  await page.waitForURL(/\/leads$/);
  await page.getByTestId('lead-count').getByText(/leads?$/).waitFor();
}

/** Fills the new-lead form and creates the lead; the app then opens its page. */
async function createLead(
  page: Page,
  lead: { firstName: string; lastName: string; phone?: string; state?: string; custom?: [string, string] },
): Promise<void> {
  await page.getByRole('button', { name: 'New lead' }).click();
  const form = page.getByRole('dialog', { name: 'New lead' });
  await form.getByLabel('First name').fill(lead.firstName);
  await form.getByLabel('Last name').fill(lead.lastName);
  if (lead.phone) {
    await choose(form, page, 'Country', 'Brazil', 'Brazi');
    await form.getByLabel('Phone', { exact: true }).fill(lead.phone);
  }
  if (lead.state) await form.getByLabel('State').fill(lead.state);
  if (lead.custom) await choose(form, page, lead.custom[0], lead.custom[1]);
  await form.getByRole('button', { name: 'Create lead' }).click();
  await page.getByRole('heading', { name: `${lead.firstName} ${lead.lastName}` }).waitFor();
}

test('owner creates a lead, edits it and sees the change on its timeline, with the lead’s local time', async () => {
  const owner = await newPage(browser, server.baseUrl);
  await setUpWorkspace(owner, OWNER);

  await owner.getByRole('link', { name: 'Leads', exact: true }).click();
  await owner.waitForURL(/\/leads$/);
  await owner.getByText('No leads yet.', { exact: false }).waitFor();

  await owner.getByRole('button', { name: 'New lead' }).click();
  const form = owner.getByRole('dialog', { name: 'New lead' });
  await form.getByLabel('First name').fill('Ana');
  await form.getByLabel('Last name').fill('Souza');
  await form.getByLabel('Company').fill('Casa Nova');
  await choose(form, owner, 'Country', 'Brazil', 'Brazi');
  await form.getByLabel('State').fill('SP');
  await form.getByLabel('Phone', { exact: true }).fill('(11) 99999-8888');
  await form.getByLabel('Email', { exact: true }).fill('ana.souza@example.com.br');
  await form.getByRole('button', { name: 'Create lead' }).click();

  await owner.waitForURL(/\/leads\/[0-9a-f-]{36}$/);
  await owner.getByRole('heading', { name: 'Ana Souza' }).waitFor();
  // The state's time zone: the page shows São Paulo's clock, which is not the browser's.
  const localTime = owner.getByTestId('lead-local-time');
  await localTime.getByText('America/Sao_Paulo', { exact: false }).waitFor();
  const browserZone = await owner.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  expect(clockIn(browserZone)).not.toBe(clockIn('America/Sao_Paulo'));
  const before = clockIn('America/Sao_Paulo');
  const shown = (await localTime.textContent()) ?? '';
  const after = clockIn('America/Sao_Paulo');
  expect(shown).toMatch(/^Local time: \w+ \d{1,2}:\d{2}/);
  expect([before, after].some((time) => shown.includes(` ${time}`))).toBe(true);

  const timeline = cardOf(owner, 'Timeline');
  await timeline.getByText('Lead created (Manual entry)').waitFor();

  // Edit one field: the details and the timeline show the change.
  await owner.getByRole('button', { name: 'Edit', exact: true }).click();
  const edit = owner.getByRole('dialog', { name: 'Edit Ana Souza' });
  await edit.getByLabel('Company').fill('Nova Casa Imóveis');
  await edit.getByRole('button', { name: 'Save' }).click();
  await owner.getByText('Lead saved').waitFor();
  await timeline.getByText('Changed a field').waitFor();
  const change = timeline.locator('p', { hasText: 'Company:' });
  await eventually(() => change.textContent()).toBe('Company: Casa Nova → Nova Casa Imóveis');
  await owner.getByRole('cell', { name: 'Nova Casa Imóveis' }).waitFor();
});

test('a custom field made in Settings › Custom fields is filled on leads and filters the list', async () => {
  const owner = await newPage(browser, server.baseUrl);
  await logIn(owner, OWNER.email);
  await owner.getByRole('link', { name: 'Custom fields' }).click();
  await owner.getByText('No custom fields yet.').waitFor();
  await owner.getByRole('button', { name: 'New field' }).click();
  const dialog = owner.getByRole('dialog', { name: 'New custom field' });
  await dialog.getByLabel('Label', { exact: true }).fill('Property type');
  await expect.poll(() => dialog.getByLabel('Key', { exact: true }).inputValue()).toBe('property_type');
  await dialog.getByLabel('Type', { exact: true }).click();
  await owner.getByRole('option', { name: 'Choice', exact: true }).click();
  await dialog.getByRole('button', { name: 'Add option' }).click();
  await dialog.getByRole('textbox', { name: 'Option 1', exact: true }).fill('Apartment');
  await dialog.getByRole('button', { name: 'Add option' }).click();
  await dialog.getByRole('textbox', { name: 'Option 2', exact: true }).fill('House');
  await dialog.getByRole('button', { name: 'Create field' }).click();
  await owner.getByTestId('field-row-property_type').getByText('2 options').waitFor();

  // The field shows on the lead form: Ana gets an apartment, two new leads a house and nothing.
  await owner.getByRole('link', { name: 'Leads', exact: true }).click();
  await rowOf(owner, 'Ana Souza').click();
  await owner.getByRole('button', { name: 'Edit', exact: true }).click();
  const edit = owner.getByRole('dialog', { name: 'Edit Ana Souza' });
  await choose(edit, owner, 'Property type', 'Apartment');
  await edit.getByRole('button', { name: 'Save' }).click();
  await owner.getByText('Lead saved').waitFor();
  await owner.getByRole('cell', { name: 'Apartment' }).waitFor();

  await owner.getByRole('link', { name: 'All leads' }).click();
  await createLead(owner, { firstName: 'Bruno', lastName: 'Lima', phone: '(21) 98765-4321', custom: ['Property type', 'House'] });
  await owner.getByRole('link', { name: 'All leads' }).click();
  await createLead(owner, { firstName: 'Carla', lastName: 'Dias' });
  await owner.getByRole('link', { name: 'All leads' }).click();
  await eventually(() => listedNames(owner)).toEqual(['Ana Souza', 'Bruno Lima', 'Carla Dias']);
  await owner.getByTestId('lead-count').getByText('3 leads').waitFor();

  // Add filter › Property type › is › Apartment.
  await owner.getByRole('button', { name: 'Add filter' }).click();
  const popover = owner.locator('form').filter({ has: owner.getByRole('button', { name: 'Apply filter' }) });
  await choose(popover, owner, 'Field', 'Property type', 'Property');
  await expect.poll(() => popover.getByRole('combobox', { name: 'Condition', exact: true }).inputValue()).toBe('is');
  await choose(popover, owner, 'Value', 'Apartment');
  await popover.getByRole('button', { name: 'Apply filter' }).click();
  await owner.getByTestId('filter-chip').getByText('Property type', { exact: false }).waitFor();
  await eventually(() => listedNames(owner)).toEqual(['Ana Souza']);
  await owner.getByTestId('lead-count').getByText('1 lead', { exact: true }).waitFor();

  // Leads without a property type, then no filter at all.
  await owner.getByRole('button', { name: /^Remove filter/ }).click();
  await owner.getByRole('button', { name: 'Add filter' }).click();
  await choose(popover, owner, 'Field', 'Property type', 'Property');
  await choose(popover, owner, 'Condition', 'is empty', 'empty');
  await popover.getByRole('button', { name: 'Apply filter' }).click();
  await eventually(() => listedNames(owner)).toEqual(['Carla Dias']);
  await owner.getByRole('button', { name: /^Remove filter/ }).click();
  await eventually(() => listedNames(owner)).toEqual(['Ana Souza', 'Bruno Lima', 'Carla Dias']);
});

test('a lead’s language is picked by name, shown by name, and filters the list, a base language taking its regional forms', async () => {
  const owner = await newPage(browser, server.baseUrl);
  await openLeads(owner, OWNER.email);
  await rowOf(owner, 'Ana Souza').click();
  await owner.getByRole('button', { name: 'Edit', exact: true }).click();
  const edit = owner.getByRole('dialog', { name: 'Edit Ana Souza' });
  await choose(edit, owner, 'Language', 'Mexican Spanish', 'Mexican');
  await edit.getByRole('button', { name: 'Save' }).click();
  await owner.getByText('Lead saved').waitFor();
  const details = cardOf(owner, 'Details');
  await details.getByRole('cell', { name: 'Mexican Spanish' }).waitFor();
  const change = cardOf(owner, 'Timeline').locator('p', { hasText: 'Language:' });
  await eventually(() => change.textContent()).toBe('Language: — → Mexican Spanish');
  // Stored as the tag, whatever was picked.
  const leadId = owner.url().split('/').pop()!;
  expect((await apiAs<{ language: string }>(owner, 'GET', `/leads/${leadId}`)).language).toBe('es-MX');

  // Language › is any of › Spanish: the Mexican form is Spanish too.
  await owner.getByRole('link', { name: 'Leads', exact: true }).click();
  await owner.getByRole('button', { name: 'Add filter' }).click();
  const popover = owner.locator('form').filter({ has: owner.getByRole('button', { name: 'Apply filter' }) });
  await choose(popover, owner, 'Field', 'Language', 'Langu');
  await choose(popover, owner, 'Condition', 'is any of', 'any');
  await choose(popover, owner, 'Value', 'Spanish', 'Spanis');
  // A multiple choice stays open for the next one: leave it.
  await owner.keyboard.press('Tab');
  await popover.getByRole('button', { name: 'Apply filter' }).click();
  await owner.getByTestId('filter-chip').getByText('Language is any of Spanish', { exact: false }).waitFor();
  await eventually(() => listedNames(owner)).toEqual(['Ana Souza']);
  await owner.getByRole('button', { name: /^Remove filter/ }).click();
  await eventually(() => listedNames(owner)).toEqual(['Ana Souza', 'Bruno Lima', 'Carla Dias']);
});

test('search finds a phone typed in another format', async () => {
  const owner = await newPage(browser, server.baseUrl);
  await openLeads(owner, OWNER.email);
  await eventually(() => listedNames(owner)).toEqual(['Ana Souza', 'Bruno Lima', 'Carla Dias']);
  const search = owner.getByRole('searchbox', { name: 'Search leads' });
  for (const typed of ['+55 11 99999 8888', '11999998888', '99999-8888']) {
    await search.fill('');
    await eventually(() => listedNames(owner)).toEqual(['Ana Souza', 'Bruno Lima', 'Carla Dias']);
    await search.pressSequentially(typed);
    await eventually(() => listedNames(owner)).toEqual(['Ana Souza']);
    await owner.getByTestId('lead-count').getByText('1 lead', { exact: true }).waitFor();
  }
  // Bruno's number, as someone would say it with the country code.
  await search.fill('+55 21 98765 4321');
  await eventually(() => listedNames(owner)).toEqual(['Bruno Lima']);
  await owner.getByRole('button', { name: 'Clear search' }).click();
  await eventually(() => listedNames(owner)).toEqual(['Ana Souza', 'Bruno Lima', 'Carla Dias']);
});

test('selected leads are assigned to an agent at once, and the agent then sees exactly those', async () => {
  const owner = await newPage(browser, server.baseUrl);
  await logIn(owner, OWNER.email);
  await owner.getByText(`Welcome, ${OWNER.name}!`).waitFor();
  const agent = await inviteMember(owner, browser, server.baseUrl, AGENT);
  await agent.getByRole('link', { name: 'Leads', exact: true }).click();
  await agent.getByText('No leads yet.', { exact: false }).waitFor();

  await owner.getByRole('link', { name: 'Leads', exact: true }).click();
  await eventually(() => listedNames(owner)).toEqual(['Ana Souza', 'Bruno Lima', 'Carla Dias']);
  await owner.getByRole('checkbox', { name: 'Select Ana Souza' }).check();
  await owner.getByRole('checkbox', { name: 'Select Bruno Lima' }).check();
  const bar = owner.getByTestId('bulk-bar');
  await bar.getByText('2 leads selected').waitFor();
  await bar.getByRole('button', { name: 'Assign owner' }).click();
  await choose(owner, owner, 'Owner', AGENT.name, 'Alex');
  await owner.getByRole('button', { name: 'Apply', exact: true }).click();
  await owner.getByText('2 leads updated').waitFor();
  await bar.waitFor({ state: 'detached' });
  for (const name of ['Ana Souza', 'Bruno Lima']) await eventually(() => rowOf(owner, name).getByText(AGENT.name).count()).toBe(1);
  await eventually(() => rowOf(owner, 'Carla Dias').getByText('Unassigned').count()).toBe(1);

  // The agent sees only their own leads; the list refreshes by itself when they are assigned.
  await eventually(() => listedNames(agent)).toEqual(['Ana Souza', 'Bruno Lima']);
  await agent.reload();
  await eventually(() => listedNames(agent)).toEqual(['Ana Souza', 'Bruno Lima']);
});

test('export downloads the leads of the current filter, with the columns on screen, as CSV', async () => {
  const owner = await newPage(browser, server.baseUrl);
  await openLeads(owner, OWNER.email);
  await eventually(() => listedNames(owner)).toEqual(['Ana Souza', 'Bruno Lima', 'Carla Dias']);
  const workspaceId = await owner.evaluate(() => localStorage.getItem('lf.workspace'));
  expect(workspaceId).toMatch(/^[0-9a-f-]{36}$/);

  const exportCsv = async () => {
    await owner.getByRole('button', { name: 'Export' }).click();
    const [download] = await Promise.all([owner.waitForEvent('download'), owner.getByRole('menuitem', { name: 'CSV file' }).click()]);
    expect(await download.failure()).toBeNull();
    const url = new URL(download.url());
    expect(url.pathname).toBe('/api/v1/leads/export');
    expect(url.searchParams.get('workspaceId')).toBe(workspaceId);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const text = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '');
    return parseCsv(text).filter((row) => row.some((cell) => cell !== ''));
  };

  const all = await exportCsv();
  const header = all[0]!;
  expect(header).toEqual(['Name', 'Phone', 'Email', 'Source', 'Stage', 'Owner', 'Created at']);
  const byName = new Map(all.slice(1).map((row) => [row[0], row]));
  expect([...byName.keys()].sort()).toEqual(['Ana Souza', 'Bruno Lima', 'Carla Dias']);
  // The phone in E.164; a leading + is neutralised so that a spreadsheet does not run it as a formula.
  expect(byName.get('Ana Souza')![header.indexOf('Phone')]).toBe("'+5511999998888");
  expect(byName.get('Ana Souza')![header.indexOf('Email')]).toBe('ana.souza@example.com.br');
  expect(byName.get('Ana Souza')![header.indexOf('Owner')]).toBe(AGENT.name);
  expect(byName.get('Carla Dias')![header.indexOf('Owner')]).toBe('');

  // With a search, only what matches.
  await owner.getByRole('searchbox', { name: 'Search leads' }).fill('Lima');
  await eventually(() => listedNames(owner)).toEqual(['Bruno Lima']);
  const filtered = await exportCsv();
  expect(filtered.slice(1).map((row) => row[0])).toEqual(['Bruno Lima']);
  await owner.getByRole('button', { name: 'Clear search' }).click();
});

test('a deleted lead goes to the trash and comes back from it', async () => {
  const owner = await newPage(browser, server.baseUrl);
  await openLeads(owner, OWNER.email);
  await rowOf(owner, 'Carla Dias').click();
  await owner.getByRole('heading', { name: 'Carla Dias' }).waitFor();
  const leadUrl = owner.url();
  await owner.getByRole('button', { name: 'Delete' }).click();
  await owner.getByRole('dialog', { name: 'Move lead to the trash?' }).getByRole('button', { name: 'Move to trash' }).click();
  await owner.getByText('Carla Dias moved to the trash').waitFor();
  await owner.waitForURL(/\/leads$/);
  await eventually(() => listedNames(owner)).toEqual(['Ana Souza', 'Bruno Lima']);
  await owner.getByTestId('lead-count').getByText('2 leads').waitFor();

  await owner.getByRole('link', { name: 'Trash' }).click();
  await owner.getByTestId('trash-count').getByText('1 lead in the trash').waitFor();
  await owner.getByRole('button', { name: 'Restore Carla Dias' }).click();
  await owner.getByText('Carla Dias restored').waitFor();
  await owner.getByText('The trash is empty.').waitFor();

  await owner.getByRole('link', { name: 'Leads', exact: true }).click();
  await eventually(() => listedNames(owner)).toEqual(['Ana Souza', 'Bruno Lima', 'Carla Dias']);
  await owner.goto(new URL(leadUrl).pathname);
  await owner.getByText('Restored from the trash').waitFor();
  await owner.getByText('Moved to the trash').waitFor();
  expect(await owner.getByText('This lead is in the trash').count()).toBe(0);
});

/** The scrolling box around the lead table. */
function listScroller(page: Page): Locator {
  return page.getByRole('table', { name: 'Leads' }).locator('xpath=..');
}

/** The first lead row wholly below the table's sticky header, with where it is on screen. */
async function firstVisibleRow(page: Page): Promise<{ testId: string; y: number }> {
  return listScroller(page).evaluate((box) => {
    const header = box.querySelector('thead')!.getBoundingClientRect();
    const rows = Array.from(box.querySelectorAll<HTMLElement>('[data-testid^="lead-row-"]'))
      .map((row) => ({ testId: row.dataset.testid!, y: row.getBoundingClientRect().top }))
      .filter((row) => row.y >= header.bottom - 1)
      .sort((a, b) => a.y - b.y);
    return rows[0]!;
  });
}

test('the open list and lead page follow other people’s changes live, without a reload', async () => {
  const owner = await newPage(browser, server.baseUrl);
  await logIn(owner, OWNER.email);
  await owner.getByText(`Welcome, ${OWNER.name}!`).waitFor();
  // Volume, so that the list scrolls: 60 more leads, created with the owner's own session.
  for (let i = 1; i <= 60; i++) await apiAs(owner, 'POST', '/leads', { firstName: 'Volume', lastName: String(i).padStart(2, '0') });
  await owner.getByRole('link', { name: 'Leads', exact: true }).click();
  await owner.getByTestId('lead-count').getByText('63 leads').waitFor();
  await owner.evaluate(() => Object.assign(window, { sameDocument: true }));

  const agent = await newPage(browser, server.baseUrl);
  await logIn(agent, AGENT.email);
  await agent.getByText(`Welcome, ${AGENT.name}!`).waitFor();

  // The owner reads further down the list; the agent adds a lead, which goes to the top (newest first).
  await listScroller(owner).hover();
  await owner.mouse.wheel(0, 900);
  await eventually(() => listScroller(owner).evaluate((box) => box.scrollTop)).toBe(900);
  const before = await firstVisibleRow(owner);
  expect(before.testId).not.toBe('');
  await apiAs(agent, 'POST', '/leads', { firstName: 'Live', lastName: 'Arrival', phones: [{ raw: '+55 31 3333-2222' }] });

  await owner.getByTestId('lead-count').getByText('64 leads').waitFor();
  // The rows the owner was reading stay where they were: the list grew above them without moving them.
  await eventually(() => firstVisibleRow(owner)).toEqual(before);
  await listScroller(owner).evaluate((box) => box.scrollTo({ top: 0 }));
  await rowOf(owner, 'Live Arrival').waitFor();
  expect(await owner.evaluate(() => (window as Window & { sameDocument?: boolean }).sameDocument)).toBe(true);

  // The agent changes Ana on her page; the owner, who has Ana open, sees it arrive.
  await owner.getByRole('searchbox', { name: 'Search leads' }).fill('99999-8888');
  await rowOf(owner, 'Ana Souza').click();
  await owner.getByRole('heading', { name: 'Ana Souza' }).waitFor();
  await agent.getByRole('link', { name: 'Leads', exact: true }).click();
  await rowOf(agent, 'Ana Souza').click();
  await agent.getByRole('button', { name: 'Edit', exact: true }).click();
  const edit = agent.getByRole('dialog', { name: 'Edit Ana Souza' });
  await edit.getByLabel('City').fill('Campinas');
  await edit.getByRole('button', { name: 'Save' }).click();
  await agent.getByText('Lead saved').waitFor();

  await owner.getByRole('row', { name: /City\s*Campinas/ }).waitFor();
  await owner.locator('p', { hasText: 'City:' }).getByText('Campinas').waitFor();
  expect(await owner.evaluate(() => (window as Window & { sameDocument?: boolean }).sameDocument)).toBe(true);
});

test('on a 375 px wide phone the list is a list of cards and the lead page fits the screen', async () => {
  const page = await newPage(browser, server.baseUrl, { viewport: { width: 375, height: 740 } });
  await logIn(page, OWNER.email);
  await page.getByRole('button', { name: 'Open navigation' }).click();
  await page.getByRole('link', { name: 'Leads', exact: true }).click();
  await page.waitForURL(/\/leads$/);
  const cards = page.getByRole('list', { name: 'Leads' });
  await cards.getByRole('listitem').first().waitFor();
  expect(await page.getByRole('table', { name: 'Leads' }).count()).toBe(0);
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(await overflow()).toBeLessThanOrEqual(0);

  await page.getByRole('searchbox', { name: 'Search leads' }).fill('11999998888');
  await eventually(() => listedNames(page)).toEqual(['Ana Souza']);
  const card = rowOf(page, 'Ana Souza');
  await card.getByText('(11) 99999-8888').waitFor();
  await card.getByText(AGENT.name).waitFor();
  const box = (await card.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(375);

  await card.getByRole('link', { name: 'Ana Souza' }).click();
  await page.getByRole('heading', { name: 'Ana Souza' }).waitFor();
  await page.getByTestId('lead-local-time').getByText('America/Sao_Paulo', { exact: false }).waitFor();
  expect(await overflow()).toBeLessThanOrEqual(0);
  for (const name of ['Call', 'Edit']) {
    const button = (await page.getByRole('button', { name, exact: true }).or(page.getByRole('link', { name, exact: true })).first().boundingBox())!;
    expect(button.x + button.width).toBeLessThanOrEqual(375);
  }
});

test('after a switch to another workspace, the open list follows that workspace live', async () => {
  const owner = await newPage(browser, server.baseUrl);
  await openLeads(owner, OWNER.email);
  const firstWorkspace = await owner.evaluate(() => localStorage.getItem('lf.workspace'));
  // The server greets each socket with the workspace whose events it will send.
  const greeted: string[] = [];
  owner.on('websocket', (socket) =>
    socket.on('framereceived', ({ payload }) => {
      const event = JSON.parse(String(payload)) as { type: string; workspaceId: string };
      if (event.type === 'hello') greeted.push(event.workspaceId);
    }),
  );

  await owner.getByTestId('workspace-switcher').click();
  await owner.getByRole('menuitem', { name: 'Create workspace' }).click();
  const dialog = owner.getByRole('dialog', { name: 'Create a workspace' });
  await dialog.getByLabel('Workspace name').fill('Second Office');
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await owner.getByTestId('workspace-switcher').getByText('Second Office').waitFor();
  await owner.getByText('No leads yet.', { exact: false }).waitFor();
  const secondWorkspace = await owner.evaluate(() => localStorage.getItem('lf.workspace'));
  expect(secondWorkspace).not.toBe(firstWorkspace);
  await eventually(() => greeted).toContain(secondWorkspace);

  // The owner, signed in elsewhere, adds a lead to the second workspace: this list shows it.
  const elsewhere = await newPage(browser, server.baseUrl);
  await logIn(elsewhere, OWNER.email);
  await elsewhere.getByText(`Welcome, ${OWNER.name}!`).waitFor();
  await apiAs(elsewhere, 'POST', '/leads', { firstName: 'Second', lastName: 'Office Lead' }, { workspaceId: secondWorkspace! });
  await eventually(() => listedNames(owner)).toEqual(['Second Office Lead']);
  await owner.getByTestId('lead-count').getByText('1 lead', { exact: true }).waitFor();

  // Back in the first workspace, its own leads and its events again.
  await owner.getByTestId('workspace-switcher').click();
  await owner.getByRole('menuitem', { name: /Acme Realty/ }).click();
  await owner.getByTestId('lead-count').getByText('64 leads').waitFor();
  await eventually(() => greeted.at(-1)).toBe(firstWorkspace);
});
