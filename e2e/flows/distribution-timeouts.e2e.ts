import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startFakeGraph, type FakeGraph } from '../../apps/server/src/modules/capture/fake-graph.ts';
import { launchBrowser, newPage } from '../support/browser.ts';
import { cardOf } from '../support/cards.ts';
import { advanceServerClock, runServerJob } from '../support/clock.ts';
import { sendMetaLead } from '../support/meta.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { logIn } from '../support/session.ts';
import { apiAs, inviteMember, setUpWorkspace } from '../support/team.ts';
import { choose, eventually } from '../support/ui.ts';

/**
 * What distribution does minutes after a lead arrives, watched in the browser: a first-to-claim offer nobody claims
 * goes to the rule's fallback user when it runs out, and an agent who takes no first action within the rule's SLA
 * loses the lead to the next agent while managers are told; a first action in time keeps it. The server's clock is
 * moved forward and the distribution sweep (a scheduled job, once a minute) run at once through the test controls
 * (ADR 031), so minutes pass in a second.
 */

const OWNER = { name: 'Olivia Owner', email: 'owner@example.com', workspace: 'Timely Homes' };
const ANN = { name: 'Ann Agent', email: 'ann@example.com' };
const BOB = { name: 'Bob Agent', email: 'bob@example.com' };
const CARL = { name: 'Carl Closer', email: 'carl@example.com' };
const PAGE_ID = '248124712925158';
const FORM_ID = '282036835026334';
const APP_SECRET = 'app-secret-of-timely-homes';
const PAGE_TOKEN = 'EAAB-page-token-of-timely-homes';
const MINUTE = 60_000;
const SWEEP = 'distribution.sweep';

let fake: FakeGraph;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  fake = await startFakeGraph();
  fake.addPage({ id: PAGE_ID, name: 'Timely Homes Page', accessToken: PAGE_TOKEN });
  fake.addForm({ id: FORM_ID, pageId: PAGE_ID, name: 'Viewings form' });
  server = await startServer({ env: { META_GRAPH_URL: fake.url, TEST_CONTROLS: 'true' } });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await fake?.close();
});

/** Where the fake Meta sends this file's leads: the Viewings form of the connected page. */
const meta = () => ({ server, appSecret: APP_SECRET, formId: FORM_ID });

/** Minutes pass on the server, then the sweep runs (as its once-a-minute schedule would). */
async function minutesPass(minutes: number) {
  await advanceServerClock(server, minutes * MINUTE);
  await runServerJob(server, SWEEP);
}

async function openMyNewLeads(page: Page) {
  await page.goto('/');
  await page.getByRole('link', { name: 'My new leads' }).click();
  await page.getByTestId('offers').waitFor();
}

/** The cells of the History tab's newest row, without its time. */
async function newestLogRow(page: Page): Promise<string[]> {
  await page.goto('/settings/distribution?tab=history');
  const row = page.getByTestId('assignment-log').getByTestId('assignment-log-row').first();
  await row.waitFor();
  return (await row.locator('td').allTextContents()).slice(1);
}

/** Signs a member in, in a page of their own. */
async function signIn(who: { name: string; email: string }): Promise<Page> {
  const page = await newPage(browser, server.baseUrl);
  await logIn(page, who.email);
  await page.getByText(`Welcome, ${who.name}!`).waitFor();
  return page;
}

test('a first-to-claim offer nobody claims in time goes to the fallback user; the agents’ cards go away live', { timeout: 240_000 }, async () => {
  const owner = await newPage(browser, server.baseUrl);
  await setUpWorkspace(owner, OWNER);
  const ann = await inviteMember(owner, browser, server.baseUrl, ANN);
  const bob = await inviteMember(owner, browser, server.baseUrl, BOB);
  const carl = await inviteMember(owner, browser, server.baseUrl, CARL);
  await apiAs(owner, 'POST', '/integrations/meta', { pageId: PAGE_ID, appId: '555000222', appSecret: APP_SECRET, pageAccessToken: PAGE_TOKEN });
  // "Today" (speed to lead) is a day of the workspace's zone: one where the ~30 minutes this file moves the clock
  // cannot cross midnight, whenever it runs.
  const zone = ['Europe/London', 'Asia/Tokyo', 'Pacific/Honolulu'].find((z) => {
    const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: z, hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
    return hour >= 3 && hour < 21;
  })!;
  await apiAs(owner, 'PATCH', '/workspace', { timeZone: zone });

  // The owner adds a first-to-claim rule: Ann and Bob, 10 minutes to claim, then Carl.
  await owner.goto('/settings/distribution');
  await owner.getByTestId('rules-empty').waitFor();
  await owner.getByRole('button', { name: 'Add rule' }).click();
  const dialog = owner.getByRole('dialog', { name: 'Add a distribution rule' });
  await dialog.getByLabel('Rule name').fill('Open house');
  await choose(dialog, owner, 'Strategy', 'First to claim');
  await choose(dialog, owner, 'Add an agent…', ANN.name);
  await choose(dialog, owner, 'Add an agent…', BOB.name);
  await dialog.getByLabel('Offer open for').fill('10');
  await dialog.getByRole('radio', { name: 'Give it to a named user' }).check();
  await dialog.getByRole('button', { name: 'Add rule' }).click();
  // A named user must be chosen.
  await dialog.getByText('Choose the user who gets the lead').waitFor();
  await choose(dialog, owner, 'User who gets the lead', CARL.name);
  await dialog.getByRole('button', { name: 'Add rule' }).click();
  await dialog.waitFor({ state: 'hidden' });
  expect(await owner.getByTestId('rule-row-Open house').getByTestId('rule-policy-summary').textContent()).toBe(
    `Returning people go to their owner · Offer open 10 min · Nobody available: ${CARL.name}`,
  );

  // Ann and Bob have their queue open; Carl is on his dashboard. A lead arrives and is offered to both.
  await openMyNewLeads(ann);
  await openMyNewLeads(bob);
  await carl.goto('/');
  await carl.getByTestId('notification-bell').waitFor();
  await sendMetaLead(fake, meta(), { name: 'Otto Unclaimed', email: 'otto@example.com', phone: '+12025550301' });
  const annOffer = ann.getByTestId('offer-Otto Unclaimed');
  const bobOffer = bob.getByTestId('offer-Otto Unclaimed');
  await annOffer.waitFor({ timeout: 30_000 });
  await bobOffer.waitFor({ timeout: 30_000 });
  expect(await annOffer.textContent()).toContain('Open house');

  // Nine minutes later the offer is still open: the sweep leaves it alone.
  await minutesPass(9);
  await ann.reload();
  await annOffer.waitFor();
  const waiting = await apiAs<{ leads: { displayName: string; owner: unknown }[] }>(owner, 'GET', `/leads?query=${encodeURIComponent(JSON.stringify({ q: 'Otto' }))}`);
  expect(waiting.leads.map((l) => [l.displayName, l.owner])).toEqual([['Otto Unclaimed', null]]);

  // Two more minutes: nobody claimed it in time. Both cards go without a reload; Carl is told it is his.
  // (A toast closes after a few seconds: watched from the start, beside the queues.)
  const toast = carl.getByTestId('notification-toast').filter({ hasText: 'Otto Unclaimed' });
  const toastText = toast.waitFor({ timeout: 30_000 }).then(() => toast.textContent());
  await minutesPass(2);
  await annOffer.waitFor({ state: 'detached', timeout: 15_000 });
  await bobOffer.waitFor({ state: 'detached', timeout: 15_000 });
  await ann.getByTestId('offers-empty').waitFor();
  await bob.getByTestId('offers-empty').waitFor();
  expect(await toastText).toContain('New lead assigned');
  await openMyNewLeads(carl);
  await carl.getByTestId('new-lead-Otto Unclaimed').waitFor();

  // The History tab says why: the rule's fallback.
  expect(await newestLogRow(owner)).toEqual(['Otto Unclaimed', CARL.name, 'Fallback', 'By rule "Open house" (First to claim)', '—']);
  // The lead's timeline: offered to both, then Carl by the rule's fallback.
  await owner.getByTestId('assignment-log').getByRole('link', { name: 'Otto Unclaimed' }).first().click();
  const timeline = cardOf(owner, 'Timeline');
  await timeline.getByText(`Offered to ${ANN.name}, ${BOB.name}`).waitFor();
  await timeline.getByText('By rule "Open house" (First to claim) · Fallback').waitFor();

  // The rule is switched off, so the next test's rule takes the leads.
  await owner.goto('/settings/distribution');
  const toggle = owner.getByRole('switch', { name: 'Rule Open house on' });
  await toggle.focus();
  await owner.keyboard.press('Space');
  await eventually(() => toggle.isChecked()).toBe(false);
  await owner.getByTestId('rule-row-Open house').getByText('Off', { exact: true }).waitFor();
});

test('an agent who misses the SLA loses the lead to the next agent and managers are told; a first action in time keeps it', { timeout: 180_000 }, async () => {
  const [owner, ann, bob] = await Promise.all([signIn(OWNER), signIn(ANN), signIn(BOB)]);
  // Round-robin between Ann and Bob; a first action is due within 5 minutes; at most 2 reassignments.
  await owner.goto('/settings/distribution');
  await owner.getByRole('button', { name: 'Add rule' }).click();
  const dialog = owner.getByRole('dialog', { name: 'Add a distribution rule' });
  await dialog.getByLabel('Rule name').fill('Fast answers');
  await choose(dialog, owner, 'Add an agent…', ANN.name);
  await choose(dialog, owner, 'Add an agent…', BOB.name);
  await dialog.getByLabel('First action within (SLA)').fill('5');
  await dialog.getByLabel('Reassign at most').fill('2');
  await dialog.getByRole('button', { name: 'Add rule' }).click();
  await dialog.waitFor({ state: 'hidden' });
  expect(await owner.getByTestId('rule-row-Fast answers').getByTestId('rule-policy-summary').textContent()).toBe(
    'Returning people go to their owner · Nobody available: the next rule · SLA 5 min, then reassigned (at most 2×)',
  );

  // The lead goes to Ann, first in turn; it waits in her queue with the SLA running.
  await openMyNewLeads(ann);
  await openMyNewLeads(bob);
  await sendMetaLead(fake, meta(), { name: 'Sally Slow', email: 'sally@example.com', phone: '+12025550302' });
  const annCard = ann.getByTestId('new-lead-Sally Slow');
  await annCard.waitFor({ timeout: 30_000 });
  expect(await annCard.textContent()).toMatch(/SLA: .* left/);
  expect(await bob.getByTestId('new-lead-Sally Slow').count()).toBe(0);

  // Four minutes: still in time.
  await minutesPass(4);
  await ann.reload();
  await annCard.waitFor();

  // Two more: Ann missed it. The lead leaves her queue and goes to Bob, who is told; the owner's bell says why.
  const toast = bob.getByTestId('notification-toast').filter({ hasText: 'Sally Slow' });
  const toastText = toast.waitFor({ timeout: 30_000 }).then(() => toast.textContent());
  await minutesPass(2);
  await annCard.waitFor({ state: 'detached', timeout: 15_000 });
  const bobCard = bob.getByTestId('new-lead-Sally Slow');
  await bobCard.waitFor({ timeout: 15_000 });
  expect(await toastText).toContain('New lead assigned');
  await owner.goto('/');
  await owner.getByTestId('notification-bell').click();
  const drawer = owner.getByRole('dialog', { name: 'Notifications' });
  const missed = drawer.getByTestId('notification-item').filter({ hasText: 'Sally Slow' });
  await missed.waitFor({ timeout: 15_000 });
  expect(await missed.textContent()).toContain('SLA missed');
  expect(await missed.textContent()).toContain(`${ANN.name} did not act on Sally Slow within 5 minutes; it went to ${BOB.name}.`);
  await owner.keyboard.press('Escape');
  // Ann is told she missed it too.
  await ann.getByTestId('notification-bell').click();
  await ann.getByRole('dialog', { name: 'Notifications' }).getByTestId('notification-item').filter({ hasText: 'SLA missed' }).waitFor();
  await ann.keyboard.press('Escape');
  // Agents see only their own leads: Sally is no longer in Ann's list.
  await ann.goto('/leads');
  await ann.getByRole('searchbox', { name: 'Search leads' }).waitFor();
  await eventually(() => ann.getByRole('checkbox', { name: 'Select Sally Slow', exact: true }).count()).toBe(0);

  // The History tab: taken from Ann, given to Bob, because the SLA was missed.
  expect(await newestLogRow(owner)).toEqual(['Sally Slow', BOB.name, 'SLA missed', 'By rule "Fast answers" (Round-robin)', ANN.name]);
  // Speed to lead today: one breach, Ann's.
  await owner.getByRole('tab', { name: 'Speed to lead' }).click();
  await eventually(() => owner.getByTestId('speed-breaches').textContent()).toBe('1');
  expect(await owner.getByTestId(`speed-agent-${ANN.name}`).locator('td').nth(3).textContent()).toBe('1');
  expect(await owner.getByTestId(`speed-agent-${BOB.name}`).locator('td').nth(3).textContent()).toBe('0');

  // Bob answers in time: a note is a first action. The lead leaves his queue and stays his when the SLA would be due.
  await bobCard.getByRole('link', { name: 'Sally Slow' }).click();
  await bob.getByRole('heading', { name: 'Sally Slow' }).waitFor();
  const timeline = cardOf(bob, 'Timeline');
  await timeline.getByText(`${ANN.name} missed the 5-minute SLA`).waitFor();
  await timeline.getByText(`Reassigned to ${BOB.name}`).waitFor();
  await bob.getByRole('textbox', { name: 'Note' }).fill('Called back, viewing on Friday');
  await bob.getByRole('button', { name: 'Add note' }).click();
  await bob.getByText('Note added').waitFor();
  // Speed to lead counts from the lead's arrival (six minutes on the server's clock), and shows the miss.
  // (6 minutes moved, plus the real time this test took since the lead came: whole minutes, rounded down.)
  await eventually(() => bob.getByTestId('lead-speed').textContent()).toMatch(/^First action [6-9] min after it arrived/);
  expect(await bob.getByTestId('lead-speed').textContent()).toContain('1 SLA miss');
  await minutesPass(10);
  await openMyNewLeads(bob);
  await bob.getByTestId('my-new-leads-empty').waitFor();
  await bob.goto('/leads');
  await bob.getByRole('checkbox', { name: 'Select Sally Slow', exact: true }).waitFor();
  expect(await newestLogRow(owner)).toEqual(['Sally Slow', BOB.name, 'SLA missed', 'By rule "Fast answers" (Round-robin)', ANN.name]);
  await owner.getByRole('tab', { name: 'Speed to lead' }).click();
  await eventually(() => owner.getByTestId('speed-breaches').textContent()).toBe('1');
});
