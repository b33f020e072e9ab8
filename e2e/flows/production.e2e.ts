import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser, newPage } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { apiAs, setUpWorkspace } from '../support/team.ts';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // The first start migrates a fresh database, which takes over a minute on a busy 2-core machine.
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const OWNER = { name: 'Olivia Owner', email: 'owner@example.com', workspace: 'Production Works' };

function column(page: Page, name: string): Locator {
  return page.getByTestId(`production-column-${name}`);
}

async function cardsIn(page: Page, name: string): Promise<string[]> {
  return column(page, name)
    .locator('[data-card-title]')
    .evaluateAll((cards) =>
      cards
        .map((c) => ({ title: c.getAttribute('data-card-title') ?? '', top: c.getBoundingClientRect().top }))
        .sort((a, b) => a.top - b.top)
        .map((c) => c.title),
    );
}

async function drag(page: Page, from: Locator, to: { x: number; y: number }): Promise<void> {
  const box = (await from.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 12);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 10, box.y + 20, { steps: 4 });
  await page.mouse.move(to.x, to.y, { steps: 20 });
  await page.mouse.move(to.x, to.y + 2, { steps: 2 });
  await page.mouse.up();
}

test('a production board for a client: create a task, drag it to done (the task completes), attach a file; one column per screen on a phone', { timeout: 180_000 }, async () => {
  const owner = await newPage(browser, server.baseUrl);
  await setUpWorkspace(owner, OWNER);
  const { pipelines } = await apiAs<{ pipelines: { stages: { id: string; kind: string }[] }[] }>(owner, 'GET', '/pipelines');
  const won = pipelines[0]!.stages.find((s) => s.kind === 'won')!.id;
  const client = await apiAs<{ id: string }>(owner, 'POST', '/leads', { firstName: 'Clara', lastName: 'Client', stageId: won });

  await owner.getByRole('link', { name: 'Production' }).click();
  await owner.waitForURL(/\/production$/);
  await owner.getByTestId('production-board').waitFor();

  // A new task for the client, from the form.
  await owner.getByRole('button', { name: 'New production task' }).click();
  const dialog = owner.getByRole('dialog', { name: 'New production task' });
  await dialog.getByLabel('Title').fill('Install the sign');
  await dialog.getByLabel('Client', { exact: true }).fill('Clara');
  await owner.getByRole('option', { name: 'Clara Client' }).click();
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await expect.poll(() => cardsIn(owner, 'todo'), { timeout: 10_000 }).toEqual(['Install the sign']);

  // The client filter narrows the board to the client's tasks.
  await apiAs(owner, 'POST', '/production/tasks', { title: 'Unrelated job', dueAt: new Date(Date.now() + 86_400_000).toISOString() });
  await owner.reload();
  await expect.poll(() => cardsIn(owner, 'todo'), { timeout: 10_000 }).toEqual(['Unrelated job', 'Install the sign']);
  await owner.getByTestId('production-client-filter').fill('Clara');
  await owner.getByRole('option', { name: /Clara Client/ }).click();
  await expect.poll(() => cardsIn(owner, 'todo'), { timeout: 10_000 }).toEqual(['Install the sign']);

  // Dragged to Done with the mouse: the task is completed.
  const done = (await column(owner, 'done').boundingBox())!;
  await drag(owner, column(owner, 'todo').locator('[data-card-title="Install the sign"]'), { x: done.x + done.width / 2, y: done.y + 60 });
  await expect.poll(() => cardsIn(owner, 'done'), { timeout: 10_000 }).toEqual(['Install the sign']);
  const { items } = await apiAs<{ items: { title: string; status: string }[] }>(owner, 'GET', `/tasks?queue=done&leadId=${client.id}`);
  expect(items.map((i) => [i.title, i.status])).toEqual([['Install the sign', 'done']]);

  // Its details: attach a file, see it listed with a working download link.
  await column(owner, 'done').getByText('Install the sign').click();
  const drawer = owner.getByRole('dialog', { name: 'Production task' });
  await drawer.waitFor();
  await drawer.locator('input[type="file"]').setInputFiles({ name: 'site-photo.png', mimeType: 'image/png', buffer: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]) });
  const link = drawer.getByRole('link', { name: 'site-photo.png', exact: true });
  await link.waitFor();
  const href = (await link.getAttribute('href'))!;
  const res = await owner.request.get(href);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('image/png');
  await owner.keyboard.press('Escape');
  await column(owner, 'done').locator('[aria-label="1 file"]').waitFor();

  // On a phone each column is the screen's width.
  const phone = await newPage(browser, server.baseUrl, { viewport: { width: 375, height: 740 } });
  await phone.context().addCookies(await owner.context().cookies());
  await phone.goto('/production');
  await phone.getByTestId('production-board').waitFor();
  const todo = (await column(phone, 'todo').boundingBox())!;
  expect(todo.width).toBeGreaterThan(300);
  expect(todo.width).toBeLessThanOrEqual(375);
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
});
