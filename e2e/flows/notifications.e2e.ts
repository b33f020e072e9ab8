import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser, newPage } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { apiAs, inviteMember, setUpWorkspace } from '../support/team.ts';
import { eventually } from '../support/ui.ts';

/**
 * The notification centre in the browser: a lead distributed to an agent pops a toast on the agent's screen (a
 * 375 px phone) and counts on the bell; the bell's list shows it under "Today", marking it read clears the count,
 * marking it unread brings it back, "Mark all read" clears it again, and the item opens its lead. The agent's
 * preferences live in the profile.
 */

const OWNER = { name: 'Olivia Owner', email: 'owner@example.com', workspace: 'Bell Realty' };
const ANN = { name: 'Ann Agent', email: 'ann@example.com' };

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('a lead assigned to an agent shows a toast and the bell count; marking read updates it', { timeout: 240_000 }, async () => {
  const owner = await newPage(browser, server.baseUrl);
  await setUpWorkspace(owner, OWNER);
  const ann = await inviteMember(owner, browser, server.baseUrl, ANN);
  await ann.setViewportSize({ width: 375, height: 740 });
  const annId = (await apiAs<{ user: { id: string } }>(ann, 'GET', '/me')).user.id;
  // Someone set up distribution before: every new lead goes to Ann.
  await apiAs(owner, 'POST', '/distribution/rules', { name: 'All to Ann', priority: 1, strategy: 'round_robin', members: [{ userId: annId }] });

  // The server greets the page's socket once it will send it this workspace's events.
  let greeted = false;
  ann.on('websocket', (socket) =>
    socket.on('framereceived', ({ payload }) => {
      if ((JSON.parse(String(payload)) as { type: string }).type === 'hello') greeted = true;
    }),
  );
  await ann.goto('/');
  const bell = ann.getByTestId('notification-bell');
  await bell.waitFor();
  expect(await ann.getByTestId('notification-count').getAttribute('data-count')).toBe('0');
  await eventually(() => greeted).toBe(true);

  // A new lead comes in (added by the owner without an owner of its own): distribution hands it to Ann.
  const leadId = (await apiAs<{ id: string }>(owner, 'POST', '/leads', { firstName: 'Bella', lastName: 'Buyer' })).id;

  // Ann's phone: the toast, and the bell's count.
  const toast = ann.getByTestId('notification-toast');
  await toast.waitFor({ timeout: 15_000 });
  expect(await toast.textContent()).toContain('New lead assigned');
  expect(await toast.textContent()).toContain('Bella Buyer is now yours.');
  await eventually(() => ann.getByTestId('notification-count').getAttribute('data-count')).toBe('1');
  expect(await bell.getAttribute('aria-label')).toBe('Notifications: 1 unread');

  // The list, grouped by day; marking read and unread moves the count.
  await bell.click();
  const drawer = ann.getByRole('dialog', { name: 'Notifications' });
  await drawer.getByText('Today').waitFor();
  const item = drawer.getByTestId('notification-item').filter({ hasText: 'Bella Buyer' });
  await item.waitFor();
  // The drawer slides in from the right: once it has come to rest, its items fit the phone's width.
  await eventually(async () => {
    const box = await drawer.getByTestId('notification-item').first().boundingBox();
    return box ? box.x + box.width : Infinity;
  }).toBeLessThanOrEqual(375);
  await item.getByRole('button', { name: 'Mark as read' }).click();
  await eventually(() => ann.getByTestId('notification-count').getAttribute('data-count')).toBe('0');
  await eventually(() => item.getAttribute('data-unread')).toBe('false');
  await item.getByRole('button', { name: 'Mark as unread' }).click();
  await eventually(() => ann.getByTestId('notification-count').getAttribute('data-count')).toBe('1');
  await drawer.getByRole('button', { name: 'Mark all read' }).click();
  await eventually(() => ann.getByTestId('notification-count').getAttribute('data-count')).toBe('0');

  // The item opens its lead.
  await item.getByText('New lead assigned').click();
  await ann.waitForURL(new RegExp(`/leads/${leadId}$`));
  await ann.getByRole('heading', { name: 'Bella Buyer' }).waitFor();

  // Preferences in the profile: email for new leads, saved.
  await ann.goto('/profile');
  const prefs = ann.getByRole('region', { name: 'Notifications' });
  await prefs.getByRole('checkbox', { name: 'New lead assigned to me: Email' }).check();
  await prefs.getByRole('button', { name: 'Save' }).click();
  await ann.getByText('Notification preferences saved').waitFor();
  const saved = await apiAs<{ types: Record<string, { email: boolean }> }>(ann, 'GET', '/notifications/preferences');
  expect(saved.types.lead_assigned!.email).toBe(true);
});
