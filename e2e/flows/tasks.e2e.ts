import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser, newPage } from '../support/browser.ts';
import { cardOf } from '../support/cards.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { apiAs, setUpWorkspace } from '../support/team.ts';

/**
 * Tasks in the browser: a task created from a lead page shows on the lead, in Tasks › Today and on the calendar;
 * its reminder arrives from the job queue as a toast; dragged to the next day on the month view it is rescheduled
 * (PATCH with its version); on its own page it gets a comment and is completed with an outcome. The calendar page
 * hands out an iCalendar subscription address that serves the task as text/calendar.
 */

const OWNER = { name: 'Olivia Owner', email: 'owner@example.com', workspace: 'Task Realty' };

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

/** Wall-clock parts of an instant in a time zone, as the app shows them. */
function zoned(at: number, timeZone: string): { day: string; local: string } {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(new Date(at))
      .map((x) => [x.type, x.value]),
  );
  const day = `${p.year}-${p.month}-${p.day}`;
  return { day, local: `${day}T${p.hour}:${p.minute}` };
}

test('a task made from a lead: calendar, reminder, drag to the next day, completed with an outcome', { timeout: 300_000 }, async () => {
  const page = await newPage(browser, server.baseUrl);
  await setUpWorkspace(page, OWNER);
  const me = await apiAs<{ user: { id: string; timeZone: string } }>(page, 'GET', '/me');
  const timeZone = me.user.timeZone;
  const lead = await apiAs<{ id: string }>(page, 'POST', '/leads', { firstName: 'Bella', lastName: 'Buyer', ownerId: me.user.id });

  await page.goto(`/leads/${lead.id}`);
  const card = page.getByTestId('lead-tasks');
  await card.getByText('No open tasks for this lead.').waitFor();
  await card.getByRole('button', { name: 'Add task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task for Bella Buyer' });
  await dialog.getByLabel('Title').fill('Call Bella');
  // Due two minutes from now in the user's time zone (the form reads it there), reminded at the due time.
  const due = zoned(Date.now() + 2 * 60_000, timeZone);
  await dialog.getByLabel('Due', { exact: true }).fill(due.local);
  await dialog.getByLabel('15 minutes before').uncheck();
  await dialog.getByLabel('At the due time').check();
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await page.getByText('Task created').waitFor();
  await card.getByTestId('task-Call Bella').waitFor();

  // "All tasks of this lead" opens Tasks filtered by the lead: another lead's task is not there until the filter goes.
  const other = await apiAs<{ id: string }>(page, 'POST', '/leads', { firstName: 'Oscar', lastName: 'Other', ownerId: me.user.id });
  await apiAs(page, 'POST', '/tasks', { title: 'Call Oscar', type: 'call', dueAt: new Date(Date.now() + 2 * 60_000).toISOString(), leadId: other.id, reminders: [] });
  await card.getByRole('link', { name: 'All tasks of this lead →' }).click();
  await page.waitForURL(new RegExp(`/tasks\\?leadId=${lead.id}$`));
  await page.getByTestId('tasks-lead-filter').getByText('Lead: Bella Buyer').waitFor();
  await page.getByTestId('task-Call Bella').waitFor();
  expect(await page.getByTestId('task-Call Oscar').count()).toBe(0);
  await page.getByRole('button', { name: 'Show every lead’s tasks' }).click();
  await page.waitForURL(/\/tasks$/);
  await page.getByTestId('task-Call Oscar').waitFor();
  await page.goto(`/leads/${lead.id}`);
  await card.getByTestId('task-Call Bella').waitFor();

  // Tasks › Today lists it.
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Tasks', exact: true }).click();
  await page.waitForURL(/\/tasks$/);
  const row = page.getByTestId('task-Call Bella');
  await row.waitFor();
  expect(await row.textContent()).toContain('Bella Buyer');
  const created = (await apiAs<{ items: { id: string; dueAt: string; title: string }[] }>(page, 'GET', '/tasks?queue=open')).items.find((t) => t.title === 'Call Bella')!;

  // The calendar's week shows it on its day.
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Calendar', exact: true }).click();
  await page.waitForURL(/\/calendar$/);
  await page.getByTestId(`day-${due.day}`).getByTestId('calendar-task-Call Bella').waitFor();

  // The reminder arrives from the job queue as a toast, and counts on the bell.
  // (Reminded at the due time, so the "Task due" toast comes too.)
  const toast = page.getByTestId('notification-toast').filter({ hasText: 'Reminder' }).filter({ hasText: 'Call Bella' });
  await toast.waitFor({ timeout: 200_000 });
  await expect.poll(() => page.getByTestId('notification-count').getAttribute('data-count'), { timeout: 15_000 }).not.toBe('0');

  // Month view: drag it to the next day; it keeps its time of day.
  await page.getByText('Month', { exact: true }).click();
  const nextDay = new Date(Date.parse(`${due.day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const chip = page.getByTestId(`month-${due.day}`).getByTestId('calendar-task-Call Bella');
  await chip.waitFor();
  await chip.dragTo(page.getByTestId(`month-${nextDay}`));
  await page.getByText('“Call Bella” rescheduled').waitFor();
  await page.getByTestId(`month-${nextDay}`).getByTestId('calendar-task-Call Bella').waitFor();
  const moved = await apiAs<{ dueAt: string; version: number }>(page, 'GET', `/tasks/${created.id}`);
  expect(Date.parse(moved.dueAt) - Date.parse(created.dueAt)).toBe(86_400_000);

  // A subscription address for calendar apps: it serves the task as text/calendar.
  const feed = page.getByTestId('calendar-feed');
  await feed.getByRole('button', { name: 'Create address' }).click();
  const address = await feed.getByLabel('Subscription address').inputValue();
  const ics = await page.request.get(new URL(address).pathname);
  expect(ics.status()).toBe(200);
  expect(ics.headers()['content-type']).toBe('text/calendar; charset=utf-8');
  const body = await ics.text();
  expect(body.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
  expect(body).toContain('SUMMARY:Call Bella');

  // Its page: a comment, then complete it with an outcome.
  await page.getByTestId(`month-${nextDay}`).getByTestId('calendar-task-Call Bella').getByRole('link').click();
  await page.waitForURL(new RegExp(`/tasks/${created.id}$`));
  const detail = page.getByTestId('task-detail');
  await detail.getByRole('heading', { name: 'Call Bella' }).waitFor();
  await detail.getByLabel('Add a comment').fill('Bella prefers mornings');
  await detail.getByRole('button', { name: 'Comment', exact: true }).click();
  await detail.getByTestId('task-comment').filter({ hasText: 'Bella prefers mornings' }).waitFor();
  await detail.getByRole('button', { name: 'Complete' }).click();
  const complete = page.getByRole('dialog', { name: 'Complete “Call Bella”' });
  await complete.getByRole('combobox', { name: 'Outcome', exact: true }).click();
  await page.getByRole('option', { name: 'Left a message' }).click();
  await complete.getByLabel('Note').fill('Call again tomorrow');
  await complete.getByRole('button', { name: 'Complete' }).click();
  await page.getByText('Task completed').waitFor();
  await expect.poll(() => detail.getByTestId('task-status').textContent()).toBe('Done');
  await detail.getByText('Left a message — Call again tomorrow').waitFor();

  // Tasks › Done lists it.
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Tasks', exact: true }).click();
  await page.getByText('Done', { exact: true }).click();
  const done = page.getByTestId('task-Call Bella');
  await done.waitFor();
  expect(await done.textContent()).toContain('Outcome: Left a message — Call again tomorrow');

  // The lead's timeline tells the task's story in words.
  await page.goto(`/leads/${lead.id}`);
  const timeline = cardOf(page, 'Timeline');
  await timeline.getByText('Task created: Call Bella').waitFor();
  await timeline.getByText('Comment on the task Call Bella').waitFor();
  await timeline.getByText('Bella prefers mornings').waitFor();
  await timeline.getByText('Task completed: Call Bella').waitFor();
  await timeline.getByText('Outcome: Left a message').waitFor();
  expect(await timeline.getByText(/^task_/).count()).toBe(0);
});
