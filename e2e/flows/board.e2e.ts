import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser, newPage } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { logIn } from '../support/session.ts';
import { apiAs, inviteMember, setUpWorkspace } from '../support/team.ts';
import { eventually } from '../support/ui.ts';

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

const OWNER = { name: 'Olivia Owner', email: 'owner@example.com', workspace: 'Board Realty' };
const AGENT = { name: 'Alex Agent', email: 'agent@example.com' };

function column(page: Page, stage: string): Locator {
  return page.locator(`[data-testid^="board-column-"][data-stage-name="${stage}"]`);
}

function card(scope: Page | Locator, name: string): Locator {
  return scope.locator(`[data-lead-name="${name}"]`);
}

/** The names of the cards a column shows, top to bottom. */
async function cardsIn(page: Page, stage: string): Promise<string[]> {
  return column(page, stage)
    .locator('[data-lead-name]')
    .evaluateAll((cards) =>
      cards
        .map((c) => ({ name: c.getAttribute('data-lead-name') ?? '', top: c.getBoundingClientRect().top }))
        .sort((a, b) => a.top - b.top)
        .map((c) => c.name),
    );
}

/** A real mouse drag, as a person does it: press on the source, move in steps, release over the target point. */
async function drag(page: Page, from: Locator, to: { x: number; y: number }): Promise<void> {
  const box = (await from.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 12);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 10, box.y + 20, { steps: 4 });
  await page.mouse.move(to.x, to.y, { steps: 20 });
  await page.mouse.move(to.x, to.y + 2, { steps: 2 });
  await page.mouse.up();
}

/** A finger's drag through the DevTools protocol: touch, hold (a short press picks the card up), move, lift. */
async function touchDrag(page: Page, from: Locator, to: { x: number; y: number }): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const box = (await from.boundingBox())!;
  const start = { x: box.x + box.width / 2, y: box.y + 12 };
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [start] });
  await page.waitForTimeout(400);
  const steps = 15;
  for (let i = 1; i <= steps; i++) {
    const point = { x: start.x + ((to.x - start.x) * i) / steps, y: start.y + ((to.y - start.y) * i) / steps };
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [point] });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

async function openBoard(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Board' }).click();
  await page.waitForURL(/\/board$/);
  await page.getByTestId('board').waitFor();
}

test('two people on one board: a dragged card moves on the other’s board live; lost asks a reason; won makes a client', async () => {
  const owner = await newPage(browser, server.baseUrl);
  await setUpWorkspace(owner, OWNER);
  const agent = await inviteMember(owner, browser, server.baseUrl, AGENT);

  // The owner keeps a list of lost reasons in the settings.
  await owner.getByRole('link', { name: 'Lost reasons' }).click();
  await owner.waitForURL(/\/settings\/lost-reasons$/);
  for (const reason of ['Too expensive', 'Went with a competitor']) {
    await owner.getByLabel('New reason').fill(reason);
    await owner.getByRole('button', { name: 'Add', exact: true }).click();
    await owner.getByTestId(`lost-reason-${reason}`).waitFor();
  }

  // The agent's own leads: both of them see these.
  for (const [firstName, lastName] of [['Bia', 'Board'], ['Caio', 'Card'], ['Duda', 'Drag']]) {
    await apiAs(agent, 'POST', '/leads', { firstName, lastName });
  }

  await openBoard(owner);
  await openBoard(agent);
  await agent.evaluate(() => Object.assign(window, { sameDocument: true }));
  await eventually(() => cardsIn(owner, 'New')).toEqual(expect.arrayContaining(['Bia Board', 'Caio Card', 'Duda Drag']));
  await card(agent, 'Bia Board').waitFor();
  await column(owner, 'New').getByTestId('column-count').getByText('3').waitFor();

  // The board filters like the lead list: a search narrows every column, and clearing it brings the cards back.
  await owner.getByRole('searchbox', { name: 'Search the board' }).fill('Duda');
  await eventually(() => cardsIn(owner, 'New')).toEqual(['Duda Drag']);
  await column(owner, 'New').getByTestId('column-count').getByText('1').waitFor();
  await owner.getByRole('button', { name: 'Clear search' }).click();
  await eventually(() => cardsIn(owner, 'New')).toEqual(expect.arrayContaining(['Bia Board', 'Caio Card', 'Duda Drag']));

  // The owner drags Bia from New to Contacted with the mouse.
  const target = (await column(owner, 'Contacted').boundingBox())!;
  await drag(owner, card(owner, 'Bia Board'), { x: target.x + target.width / 2, y: target.y + 120 });
  await eventually(() => cardsIn(owner, 'Contacted')).toEqual(['Bia Board']);
  await column(owner, 'New').getByTestId('column-count').getByText('2').waitFor();

  // The agent's board follows without a reload.
  await eventually(() => cardsIn(agent, 'Contacted')).toEqual(['Bia Board']);
  await eventually(() => cardsIn(agent, 'New')).not.toContain('Bia Board');
  expect(await agent.evaluate(() => (window as Window & { sameDocument?: boolean }).sameDocument)).toBe(true);

  // Within a column the order is kept: Duda dragged above Caio stays there after a reload.
  const order = await cardsIn(owner, 'New');
  const [top, bottom] = order;
  const topBox = (await card(owner, top!).boundingBox())!;
  await drag(owner, card(owner, bottom!), { x: topBox.x + topBox.width / 2, y: topBox.y + 4 });
  await eventually(() => cardsIn(owner, 'New')).toEqual([bottom, top]);
  await owner.reload();
  await owner.getByTestId('board').waitFor();
  await eventually(() => cardsIn(owner, 'New')).toEqual([bottom, top]);

  // Moving Caio to Lost with the card's menu (the keyboard way) asks why.
  await owner.getByRole('button', { name: 'Actions for Caio Card' }).click();
  await owner.getByRole('menuitem', { name: 'Lost', exact: true }).click();
  const ask = owner.getByRole('dialog', { name: 'Why was Caio Card lost?' });
  await ask.getByRole('radio', { name: 'Too expensive' }).check();
  await ask.getByRole('button', { name: 'Mark as lost' }).click();
  await eventually(() => cardsIn(owner, 'Lost')).toEqual(['Caio Card']);
  await eventually(() => cardsIn(agent, 'Lost')).toEqual(['Caio Card']);
  await card(owner, 'Caio Card').getByText('Lost: Too expensive').waitFor();

  // The move and the reason are on the lead's timeline.
  await card(owner, 'Caio Card').getByRole('link', { name: 'Caio Card' }).click();
  await owner.getByRole('heading', { name: 'Caio Card' }).waitFor();
  await owner.getByText('Too expensive').first().waitFor();
  await owner.getByText('Stage changed', { exact: false }).first().waitFor();
  await owner.goBack();
  await owner.getByTestId('board').waitFor();

  // Won: Duda becomes a client, listed under Clients, and her page says since when.
  await owner.getByRole('button', { name: 'Actions for Duda Drag' }).click();
  await owner.getByRole('menuitem', { name: 'Won', exact: true }).click();
  await owner.getByText('Duda Drag is now a client.').waitFor();
  await owner.getByRole('link', { name: 'Clients' }).click();
  await owner.waitForURL(/\/clients$/);
  await owner.locator('[data-testid^="lead-row-"]').filter({ hasText: 'Duda Drag' }).waitFor();
  expect(await owner.locator('[data-testid^="lead-row-"]').count()).toBe(1);
  await owner.getByRole('link', { name: 'Duda Drag' }).click();
  await owner.getByTestId('client-since').getByText(/Client since/).waitFor();
}, 150_000);

test('stages are reordered by dragging in Settings › Pipelines, and the board follows', async () => {
  const owner = await newPage(browser, server.baseUrl);
  await logIn(owner, OWNER.email);
  await owner.getByText(`Welcome, ${OWNER.name}!`).waitFor();
  await owner.getByRole('link', { name: 'Pipelines' }).click();
  await owner.waitForURL(/\/settings\/pipelines$/);
  const handle = owner.getByTestId('stage-handle-Qualified');
  await handle.waitFor();
  const above = (await owner.getByTestId('stage-row-Contacted').boundingBox())!;
  await drag(owner, handle, { x: above.x + 40, y: above.y + 4 });
  const rowsInOrder = () =>
    owner.locator('[data-testid^="stage-row-"]').evaluateAll((rows) =>
      rows
        .map((row) => ({ name: (row.getAttribute('data-testid') ?? '').replace('stage-row-', ''), top: row.getBoundingClientRect().top }))
        .sort((a, b) => a.top - b.top)
        .map((row) => row.name),
    );
  await eventually(rowsInOrder).toEqual(['New', 'Qualified', 'Contacted', 'Won', 'Lost']);
  await owner.reload();
  await eventually(rowsInOrder).toEqual(['New', 'Qualified', 'Contacted', 'Won', 'Lost']);

  await openBoard(owner);
  const columns = () =>
    owner.locator('[data-testid^="board-column-"]').evaluateAll((cols) =>
      cols
        .map((c) => ({ name: c.getAttribute('data-stage-name') ?? '', left: c.getBoundingClientRect().left }))
        .sort((a, b) => a.left - b.left)
        .map((c) => c.name),
    );
  await eventually(columns).toEqual(['New', 'Qualified', 'Contacted', 'Won', 'Lost']);
});

test('on a 375 px phone the board shows one column at a time and snaps between them', async () => {
  const page = await newPage(browser, server.baseUrl, { viewport: { width: 375, height: 740 } });
  await logIn(page, OWNER.email);
  await page.getByRole('button', { name: 'Open navigation' }).click();
  await page.getByRole('link', { name: 'Board' }).click();
  await page.waitForURL(/\/board$/);
  const board = page.getByTestId('board');
  await board.waitFor();
  for (const firstName of ['Eva', 'Fabio']) await apiAs(page, 'POST', '/leads', { firstName, lastName: 'Touch' });
  await eventually(() => cardsIn(page, 'New')).toEqual(['Fabio Touch', 'Eva Touch']);

  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(await overflow()).toBeLessThanOrEqual(0);
  const first = (await column(page, 'New').boundingBox())!;
  expect(first.x).toBeGreaterThanOrEqual(0);
  expect(first.x + first.width).toBeLessThanOrEqual(375);
  expect(await board.evaluate((el) => getComputedStyle(el).scrollSnapType)).toContain('x');

  // A finger reorders the column: Eva, pressed and held, goes above Fabio.
  const fabio = (await card(page, 'Fabio Touch').boundingBox())!;
  await touchDrag(page, card(page, 'Eva Touch'), { x: fabio.x + fabio.width / 2, y: fabio.y + 4 });
  await eventually(() => cardsIn(page, 'New')).toEqual(['Eva Touch', 'Fabio Touch']);

  // Swiping the board brings the next column into view.
  await board.evaluate((el) => el.scrollBy({ left: el.clientWidth }));
  await eventually(async () => {
    const next = (await column(page, 'Qualified').boundingBox())!;
    return next.x >= 0 && next.x + next.width <= 375;
  }).toBe(true);
});

test('a move of a card someone else changed meanwhile is refused with a clear message, and the card reloads', async () => {
  const owner = await newPage(browser, server.baseUrl);
  await logIn(owner, OWNER.email);
  await owner.getByText(`Welcome, ${OWNER.name}!`).waitFor();
  // This tab hears no live events, so its board keeps the version it read.
  await owner.routeWebSocket(/\/api\/v1\/ws/, () => undefined);
  const lead = await apiAs<{ id: string; version: number }>(owner, 'POST', '/leads', { firstName: 'Gil', lastName: 'Stale' });
  await openBoard(owner);
  await card(owner, 'Gil Stale').waitFor();

  // Someone else renames Gil in the meantime.
  await apiAs(owner, 'PATCH', `/leads/${lead.id}`, { lastName: 'Fresh', version: lead.version });

  const target = (await column(owner, 'Contacted').boundingBox())!;
  await drag(owner, card(owner, 'Gil Stale'), { x: target.x + target.width / 2, y: target.y + 120 });
  await owner.getByText('Changed by someone else', { exact: true }).waitFor();
  await owner.getByText('Gil Stale was changed by someone else in the meantime', { exact: false }).waitFor();
  // The card is back where it is on the server, with what it holds now.
  await eventually(() => cardsIn(owner, 'New')).toContain('Gil Fresh');
  expect(await cardsIn(owner, 'Contacted')).not.toContain('Gil Stale');
});

test('archiving a stage that holds leads asks where they go, and the board follows', async () => {
  const owner = await newPage(browser, server.baseUrl);
  await logIn(owner, OWNER.email);
  await owner.getByText(`Welcome, ${OWNER.name}!`).waitFor();
  await owner.goto('/settings/pipelines');
  await owner.getByRole('button', { name: 'Archive Qualified' }).click();
  const ask = owner.getByRole('dialog', { name: 'Archive Qualified?' });
  await ask.getByText('The stage is empty', { exact: false }).waitFor();
  await ask.getByRole('button', { name: 'Archive', exact: true }).click();
  await owner.getByText('Stage Qualified archived.').waitFor();

  await owner.getByRole('button', { name: 'Archive New' }).click();
  const withLeads = owner.getByRole('dialog', { name: 'Archive New?' });
  await withLeads.getByText(/leads? (is|are) in this stage/).waitFor();
  await withLeads.getByRole('combobox', { name: 'Move the leads to' }).click();
  await owner.getByRole('option', { name: 'Contacted', exact: true }).click();
  await withLeads.getByRole('button', { name: 'Archive', exact: true }).click();
  await owner.getByText(/Stage New archived; \d+ leads? moved to Contacted\./).waitFor();
  await owner.getByText('Archived stages').waitFor();

  await openBoard(owner);
  const columns = () =>
    owner.locator('[data-testid^="board-column-"]').evaluateAll((cols) =>
      cols
        .map((c) => ({ name: c.getAttribute('data-stage-name') ?? '', left: c.getBoundingClientRect().left }))
        .sort((a, b) => a.left - b.left)
        .map((c) => c.name),
    );
  await eventually(columns).toEqual(['Contacted', 'Won', 'Lost']);
  await eventually(() => cardsIn(owner, 'Contacted')).toEqual(expect.arrayContaining(['Bia Board', 'Gil Fresh', 'Eva Touch', 'Fabio Touch']));
});
