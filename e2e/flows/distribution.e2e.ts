import { readFile } from 'node:fs/promises';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startFakeGraph, type FakeGraph } from '../../apps/server/src/modules/capture/fake-graph.ts';
import { parseCsv } from '../../apps/server/src/test/csv.ts';
import { launchBrowser, newPage } from '../support/browser.ts';
import { cardOf } from '../support/cards.ts';
import { sendMetaLead } from '../support/meta.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { logIn } from '../support/session.ts';
import { apiAs, inviteMember, setUpWorkspace } from '../support/team.ts';
import { choose, eventually } from '../support/ui.ts';

/**
 * Lead distribution in the browser: a manager sets up a round-robin rule for two agents in Settings › Distribution
 * (with the weights error on the way), the simulator answers who would get the next lead, three leads sent by the
 * fake Meta (signed leadgen webhooks) go to the agents in turn, each agent sees their own, the lead page shows the
 * assignment history, and an agent's "Receiving leads" pause makes the simulator skip them.
 */

const OWNER = { name: 'Olivia Owner', email: 'owner@example.com', workspace: 'Rotation Realty' };
const ANN = { name: 'Ann Agent', email: 'ann@example.com' };
const BOB = { name: 'Bob Agent', email: 'bob@example.com' };
const PAGE_ID = '138124712925158';
const FORM_ID = '172036835026334';
const APP_SECRET = 'app-secret-of-rotation-realty';
const PAGE_TOKEN = 'EAAB-page-token-of-rotation-realty';

let fake: FakeGraph;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  fake = await startFakeGraph();
  fake.addPage({ id: PAGE_ID, name: 'Rotation Realty Page', accessToken: PAGE_TOKEN });
  fake.addForm({ id: FORM_ID, pageId: PAGE_ID, name: 'Buyers form' });
  server = await startServer({ env: { META_GRAPH_URL: fake.url } });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await fake?.close();
});

/** Where the fake Meta sends this file's leads: the Buyers form of the connected page. */
const meta = () => ({ server, appSecret: APP_SECRET, formId: FORM_ID });

function leadRow(page: Page, name: string): Locator {
  return page.locator('[data-testid^="lead-row-"]').filter({ has: page.getByRole('checkbox', { name: `Select ${name}`, exact: true }) });
}

async function simulate(page: Page): Promise<string> {
  const panel = page.getByTestId('distribution-simulator');
  await panel.getByRole('button', { name: 'Simulate' }).click();
  const result = panel.getByTestId('simulator-result');
  await result.waitFor();
  return (await result.textContent()) ?? '';
}

/** The names of the leads an agent's own Leads list shows (agents see only the leads assigned to them). */
async function ownLeads(page: Page): Promise<string[]> {
  const names = await page.locator('[data-testid^="lead-row-"] input[type="checkbox"]').evaluateAll((boxes) =>
    boxes.map((box) => (box.getAttribute('aria-label') ?? '').replace(/^Select /, '')),
  );
  return names.sort();
}

test('a round-robin rule made in Settings › Distribution sends leads from the fake Meta to two agents in turn', { timeout: 240_000 }, async () => {
  const owner = await newPage(browser, server.baseUrl);
  await setUpWorkspace(owner, OWNER);
  const ann = await inviteMember(owner, browser, server.baseUrl, ANN);
  const bob = await inviteMember(owner, browser, server.baseUrl, BOB);
  // Someone connected the Facebook Page before (the capture flow covers that screen).
  await apiAs(owner, 'POST', '/integrations/meta', { pageId: PAGE_ID, appId: '555000111', appSecret: APP_SECRET, pageAccessToken: PAGE_TOKEN });

  // Settings › Distribution from the navigation: no rule yet.
  await owner.goto('/');
  await owner.getByRole('link', { name: 'Distribution' }).click();
  await owner.waitForURL(/\/settings\/distribution/);
  await owner.getByTestId('rules-empty').waitFor();

  // The editor: a name, the two agents in order; weighted with weights that do not add up shows the error.
  await owner.getByRole('button', { name: 'Add rule' }).click();
  const dialog = owner.getByRole('dialog', { name: 'Add a distribution rule' });
  await dialog.getByLabel('Rule name').fill('Buyers rotation');
  await dialog.getByTestId('rule-conditions-empty').waitFor();
  await choose(dialog, owner, 'Add an agent…', ANN.name);
  await choose(dialog, owner, 'Add an agent…', BOB.name);
  await dialog.getByTestId(`rule-member-${ANN.name}`).waitFor();
  await choose(dialog, owner, 'Strategy', 'Weighted');
  expect(await dialog.getByLabel(`Weight of ${ANN.name} (%)`).inputValue()).toBe('50');
  await dialog.getByLabel(`Weight of ${ANN.name} (%)`).fill('70');
  await eventually(() => dialog.getByTestId('weight-total').textContent()).toBe('Total: 120% (must be 100%)');
  await dialog.getByRole('button', { name: 'Add rule' }).click();
  await dialog.getByText('The weights must add up to 100 (they add up to 120)').waitFor();
  // Back to round-robin: saved.
  await choose(dialog, owner, 'Strategy', 'Round-robin');
  await dialog.getByRole('button', { name: 'Add rule' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await owner.getByText('Rule Buyers rotation added').waitFor();
  const row = owner.getByTestId('rule-row-Buyers rotation');
  await row.getByText('Round-robin', { exact: true }).waitFor();
  expect(await row.getByTestId('rule-group-summary').textContent()).toBe(`To: ${ANN.name}, ${BOB.name}`);
  // What else the rule does, at a glance: the editor's defaults.
  expect(await row.getByTestId('rule-policy-summary').textContent()).toBe('Returning people go to their owner · Nobody available: the next rule');

  // The simulator: the next lead would go to Ann, the first of the group; nothing is assigned by asking twice.
  expect(await simulate(owner)).toContain(`It would go to ${ANN.name}`);
  expect(await simulate(owner)).toContain('Rule "Buyers rotation" (Round-robin)');

  // Three leads arrive from Meta, one after the other.
  const names = ['Lena First', 'Mark Second', 'Nora Third'];
  await owner.goto('/leads');
  await owner.getByRole('searchbox', { name: 'Search leads' }).waitFor();
  for (const [i, name] of names.entries()) {
    await sendMetaLead(fake, meta(), { name, email: `lead${i}@example.com`, phone: `+1202555010${i}` });
    await leadRow(owner, name).waitFor({ timeout: 30_000 });
  }

  // They alternate: Ann, Bob, Ann — in the owner's list (owner column) and in each agent's own list.
  for (const [name, agent] of [
    [names[0]!, ANN.name],
    [names[1]!, BOB.name],
    [names[2]!, ANN.name],
  ] as const) {
    await eventually(async () => (await leadRow(owner, name).textContent())?.includes(agent)).toBe(true);
  }
  await ann.goto('/leads');
  await eventually(() => ownLeads(ann)).toEqual([names[0], names[2]].sort());
  await bob.goto('/leads');
  await eventually(() => ownLeads(bob)).toEqual([names[1]]);

  // The lead page tells who got it, by which rule and strategy.
  const testId = await leadRow(owner, names[1]!).getAttribute('data-testid');
  await owner.goto(`/leads/${testId!.replace('lead-row-', '')}`);
  const history = owner.getByTestId('lead-assignment-history');
  await history.waitFor();
  const record = history.getByTestId('assignment-record');
  await eventually(() => record.count()).toBe(1);
  expect(await record.textContent()).toContain(`To ${BOB.name}`);
  expect(await record.textContent()).toContain('By rule "Buyers rotation" (Round-robin)');
  // So does its timeline, in words: where it came from, and which rule gave it to whom.
  const timeline = cardOf(owner, 'Timeline');
  await timeline.getByText('Lead created (Facebook Lead Ads)').waitFor();
  await timeline.getByText('By rule "Buyers rotation" (Round-robin)').waitFor();

  // Next in turn is Bob; Bob pauses himself from the user menu, so the simulator skips him.
  await owner.goto('/settings/distribution');
  expect(await simulate(owner)).toContain(`It would go to ${BOB.name}`);
  await bob.getByTestId('user-menu').click();
  const receiving = bob.getByTestId('receiving-leads');
  await eventually(() => receiving.getAttribute('aria-checked')).toBe('true');
  await receiving.click();
  await eventually(() => receiving.getAttribute('aria-checked')).toBe('false');
  await bob.getByText('Paused: you get no new leads until you resume.').waitFor();
  // The avatar keeps saying so, after the toast has gone.
  await bob.getByTestId('paused-indicator').waitFor();
  expect(await bob.getByTestId('user-menu').getAttribute('aria-label')).toContain('Paused: not receiving new leads');
  expect(await simulate(owner)).toContain(`It would go to ${ANN.name}`);
  // The managers' availability tab shows him paused.
  await owner.getByRole('tab', { name: 'Availability' }).click();
  // (The page read availability when it loaded, for the user menu: the tab reads it again as it opens.)
  await eventually(() => owner.getByTestId(`availability-${BOB.name}`).getByTestId('availability-status').textContent()).toBe('Paused');
  await receiving.click();
  await eventually(() => receiving.getAttribute('aria-checked')).toBe('true');
  await eventually(() => bob.getByTestId('paused-indicator').count()).toBe(0);
  await eventually(async () => {
    await owner.reload();
    return owner.getByTestId(`availability-${BOB.name}`).getByTestId('availability-status').textContent();
  }).toBe('Available now');
});

test('conditions come from the lead filter builder, rules reorder by dragging, and a rule on a deleted field is flagged', { timeout: 90_000 }, async () => {
  const owner = await newPage(browser, server.baseUrl);
  await logIn(owner, OWNER.email);
  await owner.getByText(`Welcome, ${OWNER.name}!`).waitFor();
  const field = await apiAs<{ id: string }>(owner, 'POST', '/custom-fields', { label: 'Neighbourhood', key: 'neighbourhood', type: 'text' });
  await owner.goto('/settings/distribution');
  await owner.getByTestId('rule-row-Buyers rotation').waitFor();

  // A rule for Downtown buyers, to Bob: Add filter › Neighbourhood › is › Downtown.
  await owner.getByRole('button', { name: 'Add rule' }).click();
  const dialog = owner.getByRole('dialog', { name: 'Add a distribution rule' });
  await dialog.getByLabel('Rule name').fill('Downtown buyers');
  await dialog.getByRole('button', { name: 'Add filter' }).click();
  const popover = owner.locator('form').filter({ has: owner.getByRole('button', { name: 'Apply filter' }) });
  await choose(popover, owner, 'Field', 'Neighbourhood');
  await popover.getByRole('textbox', { name: 'Value' }).fill('Downtown');
  await popover.getByRole('button', { name: 'Apply filter' }).click();
  await dialog.getByTestId('rule-condition').getByText('Neighbourhood', { exact: false }).waitFor();
  await choose(dialog, owner, 'Add an agent…', BOB.name);
  await dialog.getByRole('button', { name: 'Add rule' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const rows = owner.locator('[data-testid^="rule-row-"]');
  const order = () => rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')!.replace('rule-row-', '')));
  await eventually(order).toEqual(['Buyers rotation', 'Downtown buyers']);
  expect(await owner.getByTestId('rule-row-Downtown buyers').textContent()).toContain('When: Neighbourhood');

  // A Downtown lead still goes by the first rule (first match wins)...
  const panel = owner.getByTestId('distribution-simulator');
  await panel.getByRole('textbox', { name: 'Neighbourhood' }).fill('Downtown');
  expect(await simulate(owner)).toContain('Rule "Buyers rotation"');
  // ...until the Downtown rule is dragged above it. The order is saved.
  const handle = owner.getByTestId('rule-handle-Downtown buyers');
  const target = await owner.getByTestId('rule-row-Buyers rotation').boundingBox();
  const from = await handle.boundingBox();
  await owner.mouse.move(from!.x + from!.width / 2, from!.y + from!.height / 2);
  await owner.mouse.down();
  for (let step = 1; step <= 10; step += 1) {
    await owner.mouse.move(from!.x + from!.width / 2, from!.y + (target!.y + 5 - from!.y) * (step / 10));
  }
  await owner.mouse.up();
  await eventually(order).toEqual(['Downtown buyers', 'Buyers rotation']);
  const result = await simulate(owner);
  expect(result).toContain(`It would go to ${BOB.name}`);
  expect(result).toContain('Rule "Downtown buyers"');
  await owner.reload();
  await eventually(order).toEqual(['Downtown buyers', 'Buyers rotation']);

  // The group works Monday to Friday: its hours are saved with the rule.
  await owner.getByRole('button', { name: 'Edit Downtown buyers' }).click();
  const editor = owner.getByRole('dialog', { name: 'Edit rule Downtown buyers' });
  await editor.getByTestId('group-hours').waitFor({ state: 'detached' });
  await editor.getByText('Set hours').click();
  await editor.getByTestId('group-hours').getByLabel('Monday until').fill('17:00');
  await editor.getByRole('button', { name: 'Save' }).click();
  await editor.waitFor({ state: 'hidden' });
  const savedRules = await apiAs<{ rules: { name: string; workingHours: Record<string, unknown> | null }[] }>(owner, 'GET', '/distribution/rules');
  const downtown = savedRules.rules.find((r) => r.name === 'Downtown buyers')!;
  expect(downtown.workingHours?.['1']).toEqual([{ start: '09:00', end: '17:00' }]);
  expect(downtown.workingHours?.['7']).toEqual([]);
  // The rules list sums the group's week up in one line.
  await owner.getByTestId('rule-row-Downtown buyers').getByTestId('rule-hours-summary').getByText('Hours: Mon 09:00–17:00 · Tue–Fri 09:00–18:00').waitFor();

  // The field is deleted: the rule can match nothing any more, and the screen says so.
  await apiAs(owner, 'DELETE', `/custom-fields/${field.id}`);
  await owner.reload();
  await owner.getByTestId('rules-broken').getByText('Downtown buyers', { exact: false }).waitFor();
  await owner.getByTestId('rule-row-Downtown buyers').getByTestId('rule-deleted-field').waitFor();
  await owner.getByTestId('rule-row-Downtown buyers').getByText('When: Deleted field "Neighbourhood"').waitFor();
  expect(await owner.getByTestId('rule-row-Buyers rotation').getByTestId('rule-deleted-field').count()).toBe(0);
  // Moved back down with the arrows, so the rotation rule comes first again.
  await owner.getByRole('button', { name: 'Move Downtown buyers down' }).click();
  await eventually(order).toEqual(['Buyers rotation', 'Downtown buyers']);
});

test('a first-to-claim offer reaches both agents live; when one claims it, it disappears for the other', { timeout: 120_000 }, async () => {
  const owner = await newPage(browser, server.baseUrl);
  await logIn(owner, OWNER.email);
  await owner.getByText(`Welcome, ${OWNER.name}!`).waitFor();
  const ann = await newPage(browser, server.baseUrl);
  await logIn(ann, ANN.email);
  await ann.getByText(`Welcome, ${ANN.name}!`).waitFor();
  const bob = await newPage(browser, server.baseUrl);
  await logIn(bob, BOB.email);
  await bob.getByText(`Welcome, ${BOB.name}!`).waitFor();

  // The manager adds a first-to-claim rule for both agents and moves it to the top.
  await owner.goto('/settings/distribution');
  await owner.getByRole('button', { name: 'Add rule' }).click();
  const dialog = owner.getByRole('dialog', { name: 'Add a distribution rule' });
  await dialog.getByLabel('Rule name').fill('Claim race');
  await choose(dialog, owner, 'Strategy', 'First to claim');
  await choose(dialog, owner, 'Add an agent…', ANN.name);
  await choose(dialog, owner, 'Add an agent…', BOB.name);
  await dialog.getByLabel('Offer open for').fill('30');
  await dialog.getByRole('button', { name: 'Add rule' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const rows = owner.locator('[data-testid^="rule-row-"]');
  const order = () => rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')!.replace('rule-row-', '')));
  await eventually(order).toEqual(['Buyers rotation', 'Downtown buyers', 'Claim race']);
  expect(await owner.getByTestId('rule-row-Claim race').getByTestId('rule-policy-summary').textContent()).toBe(
    'Returning people go to their owner · Offer open 30 min · Nobody available: the next rule',
  );
  await owner.getByRole('button', { name: 'Move Claim race up' }).click();
  await eventually(order).toEqual(['Buyers rotation', 'Claim race', 'Downtown buyers']);
  await owner.getByRole('button', { name: 'Move Claim race up' }).click();
  await eventually(order).toEqual(['Claim race', 'Buyers rotation', 'Downtown buyers']);
  expect(await simulate(owner)).toContain(`It would be offered to ${ANN.name}, ${BOB.name}`);

  // Both agents have their queue open; a lead arrives from Meta and is offered to both, live.
  for (const page of [ann, bob]) {
    await page.getByRole('link', { name: 'My new leads' }).click();
    await page.getByTestId('offers-empty').waitFor();
  }
  await sendMetaLead(fake, meta(), { name: 'Olga Offer', email: 'olga@example.com', phone: '+12025550190' });
  const annOffer = ann.getByTestId('offer-Olga Offer');
  const bobOffer = bob.getByTestId('offer-Olga Offer');
  await annOffer.waitFor({ timeout: 30_000 });
  await bobOffer.waitFor({ timeout: 30_000 });
  expect(await annOffer.textContent()).toContain('Claim race');

  // Ann claims it: she lands on the lead; Bob's card goes away without a reload.
  await annOffer.getByRole('button', { name: 'Claim Olga Offer' }).click();
  await ann.getByRole('heading', { name: 'Olga Offer' }).waitFor();
  await bobOffer.waitFor({ state: 'detached', timeout: 15_000 });
  await bob.getByTestId('offers-empty').waitFor();
  // The lead is Ann's: its history says she claimed it; it waits in her queue for a first action.
  const record = ann.getByTestId('lead-assignment-history').getByTestId('assignment-record').first();
  await eventually(() => record.textContent()).toContain(`To ${ANN.name}`);
  expect(await record.textContent()).toContain('Claimed');
  // Its timeline has the offer to both, then Ann's claim.
  await cardOf(ann, 'Timeline').getByText(`Offered to ${ANN.name}, ${BOB.name}`).waitFor();
  await cardOf(ann, 'Timeline').getByText('By rule "Claim race" (First to claim) · Claimed').waitFor();
  const leadPath = new URL(ann.url()).pathname;
  await ann.getByRole('link', { name: 'My new leads' }).click();
  await ann.getByTestId('new-lead-Olga Offer').waitFor();
  // Below, her own assignment history (an agent does not see the workspace's): the claim first.
  const mine = ann.getByTestId('my-assignments').getByTestId('my-assignment');
  await eventually(async () => (await mine.first().textContent()) ?? '').toContain('Olga Offer');
  expect(await mine.first().textContent()).toContain('Given to you · By rule "Claim race" (First to claim)');
  expect(await mine.first().textContent()).toContain('Claimed');
  // The round-robin gave her two of the first test's three leads.
  expect(await mine.count()).toBeGreaterThanOrEqual(3);
  // Bob does not have it.
  await bob.goto('/leads');
  await eventually(() => ownLeads(bob)).toEqual(['Mark Second']);

  // Speed to lead: nobody has acted on any lead yet — Ann has three waiting, Bob one.
  await owner.getByRole('tab', { name: 'Speed to lead' }).click();
  await eventually(() => owner.getByTestId('speed-waiting').textContent()).toBe('4');
  const annRow = owner.getByTestId(`speed-agent-${ANN.name}`);
  expect(await annRow.locator('td').nth(1).textContent()).toBe('3');
  expect(await owner.getByTestId('speed-median').textContent()).toBe('—');
  // Ann writes a note on Olga: a first action. It leaves her queue, and the team view counts an answer, live.
  await ann.goto(leadPath);
  await eventually(() => ann.getByTestId('lead-speed').textContent()).toContain('No first action yet');
  await ann.getByRole('textbox', { name: 'Note' }).fill('Called her, visiting on Monday');
  await ann.getByRole('button', { name: 'Add note' }).click();
  await ann.getByText('Note added').waitFor();
  await eventually(() => ann.getByTestId('lead-speed').textContent()).toMatch(/^First action .* after it arrived$/);
  await ann.getByRole('link', { name: 'My new leads' }).click();
  await ann.getByTestId('new-lead-Lena First').waitFor();
  expect(await ann.getByTestId('new-lead-Olga Offer').count()).toBe(0);
  await eventually(() => owner.getByTestId('speed-waiting').textContent()).toBe('3');
  await eventually(() => owner.getByTestId('speed-responded').textContent()).toBe('1');
  expect(await owner.getByTestId('speed-median').textContent()).not.toBe('—');
  await owner.getByRole('tab', { name: 'Rules' }).click();

  // The rule is switched off again so the rest of the file keeps the round-robin.
  const toggle = owner.getByRole('switch', { name: 'Rule Claim race on' });
  expect(await toggle.isChecked()).toBe(true);
  await toggle.focus();
  await owner.keyboard.press('Space');
  await eventually(() => toggle.isChecked()).toBe(false);
  await owner.getByTestId('rule-row-Claim race').getByText('Off', { exact: true }).waitFor();
  await eventually(async () => (await apiAs<{ rules: { name: string; enabled: boolean }[] }>(owner, 'GET', '/distribution/rules')).rules.find((r) => r.name === 'Claim race')?.enabled).toBe(false);
});

test('the History tab lists every assignment with who, how and why, counts them per agent, and filters them', { timeout: 90_000 }, async () => {
  const owner = await newPage(browser, server.baseUrl);
  await logIn(owner, OWNER.email);
  await owner.getByText(`Welcome, ${OWNER.name}!`).waitFor();
  type Person = { id: string; name: string } | null;
  const api = await apiAs<{ items: { lead: { name: string } }[]; summary: { total: number; byRecipient: { to: Person; count: number }[] } }>(
    owner,
    'GET',
    '/distribution/assignments',
  );
  expect(api.summary.total).toBeGreaterThanOrEqual(4);

  await owner.goto('/settings/distribution');
  await owner.getByRole('tab', { name: 'History' }).click();
  const log = owner.getByTestId('assignment-log');
  const rows = log.getByTestId('assignment-log-row');
  await eventually(() => rows.count()).toBe(api.items.length);
  // Newest first: Ann's claim of Olga, by the first-to-claim rule.
  const newest = (await rows.first().locator('td').allTextContents()).slice(1);
  expect(newest).toEqual(['Olga Offer', ANN.name, 'Claimed', 'By rule "Claim race" (First to claim)', '—']);
  // The round-robin's three leads from Meta went Ann, Bob, Ann.
  const byRotation = await rows.evaluateAll((trs) =>
    trs
      .map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? ''))
      .filter((cells) => cells[4] === 'By rule "Buyers rotation" (Round-robin)')
      .map((cells) => cells[2])
      .reverse(),
  );
  expect(byRotation.slice(0, 3)).toEqual([ANN.name, BOB.name, ANN.name]);

  // The count per agent is the server's, for the whole filter.
  const summary = log.getByTestId('assignment-log-summary');
  expect(await summary.textContent()).toContain(`${api.summary.total} assignments`);
  const badges = await log.getByTestId('assignment-log-recipient').allTextContents();
  expect(badges).toEqual(api.summary.byRecipient.map((r) => `${r.to?.name ?? 'Left unassigned'} · ${r.count}`));

  // An agent's count narrows the log to the leads given to them.
  const bobCount = api.summary.byRecipient.find((r) => r.to?.name === BOB.name)!.count;
  await log.getByRole('button', { name: `Show only the leads given to ${BOB.name}` }).click();
  await eventually(() => rows.locator('td:nth-child(3)').allTextContents()).toEqual(Array(bobCount).fill(BOB.name));
  expect(await log.getByRole('combobox', { name: 'Given to', exact: true }).inputValue()).toBe(BOB.name);
  // The download holds the same records as the screen, for the same filter.
  const [download] = await Promise.all([owner.waitForEvent('download'), log.getByRole('link', { name: 'Download CSV' }).click()]);
  expect(await download.failure()).toBeNull();
  expect(download.suggestedFilename()).toMatch(/^assignments-\d{4}-\d{2}-\d{2}\.csv$/);
  const [header, ...records] = parseCsv(await readFile((await download.path())!, 'utf8'));
  expect(header!.slice(0, 7)).toEqual(['When', 'Lead', 'Lead ID', 'Lead in trash', 'Given to', 'Taken from', 'Why']);
  expect(records.map((r) => r[4])).toEqual(Array(bobCount).fill(BOB.name));
  expect(records.map((r) => r[1])).toEqual(await rows.locator('td:nth-child(2)').allTextContents());
  // Bob claimed nothing.
  await choose(log, owner, 'Why', 'Claimed');
  await log.getByText('No assignment matches these filters.').waitFor();
  // A last day before the first is named at once.
  await log.getByLabel('From day').fill('2026-03-10');
  await log.getByLabel('To day').fill('2026-03-01');
  await log.getByText('Must be on or after the first day').waitFor();
  await log.getByRole('button', { name: 'Clear filters' }).click();
  await eventually(() => rows.count()).toBe(api.items.length);

  // A lead's name opens its page.
  await rows.first().getByRole('link', { name: 'Olga Offer' }).click();
  await owner.getByRole('heading', { name: 'Olga Offer' }).waitFor();
});

test('a manager sets working hours and days off; a bad range is named next to its field', { timeout: 60_000 }, async () => {
  const owner = await newPage(browser, server.baseUrl);
  await logIn(owner, OWNER.email);
  await owner.getByText(`Welcome, ${OWNER.name}!`).waitFor();
  await owner.goto('/settings/distribution?tab=availability');
  const card = owner.getByTestId(`availability-${ANN.name}`);
  await card.getByRole('button', { name: `Edit availability of ${ANN.name}` }).click();
  const dialog = owner.getByRole('dialog', { name: `Availability of ${ANN.name}` });
  await dialog.getByText('Set hours').click();
  // Monday to Friday 09:00–18:00 is proposed; Saturday is a day off. Monday ends before it starts: refused.
  await dialog.getByLabel('Monday until').fill('08:00');
  await dialog.getByRole('button', { name: 'Add days off' }).click();
  await dialog.getByLabel('First day').fill('2030-01-10');
  await dialog.getByLabel('Last day').fill('2030-01-05');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.getByText('The end is not after the start').waitFor();
  await dialog.getByText('The last day is before the first').waitFor();
  await dialog.getByLabel('Monday until').fill('17:00');
  await dialog.getByLabel('Last day').fill('2030-01-12');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await card.getByText(/Mon 09:00–17:00 · Tue–Fri 09:00–18:00/).waitFor();
  await card.getByText(/Away: /).waitFor();
  const saved = await apiAs<{ agents: { name: string; workingHours: Record<string, unknown> | null; outOfOffice: unknown[] }[] }>(owner, 'GET', '/distribution/availability');
  const annSaved = saved.agents.find((a) => a.name === ANN.name)!;
  expect(annSaved.workingHours?.['1']).toEqual([{ start: '09:00', end: '17:00' }]);
  expect(annSaved.workingHours?.['6']).toEqual([]);
  expect(annSaved.outOfOffice).toEqual([{ from: '2030-01-10', to: '2030-01-12' }]);
  // Back to any time, so the rest of the file does not depend on the clock.
  await card.getByRole('button', { name: `Edit availability of ${ANN.name}` }).click();
  await dialog.getByText('Any time').click();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await card.getByText('Any time', { exact: true }).waitFor();
});

test('a lead a manual rule leaves for a manager waits in their queue, and is assigned from there in two clicks', { timeout: 60_000 }, async () => {
  const owner = await newPage(browser, server.baseUrl);
  await logIn(owner, OWNER.email);
  await owner.getByText(`Welcome, ${OWNER.name}!`).waitFor();
  const rule = await apiAs<{ id: string }>(owner, 'POST', '/distribution/rules', {
    name: 'Walk-ins wait',
    priority: 1,
    strategy: 'manual',
    conditions: [{ field: 'source', op: 'eq', value: 'Walk-in' }],
  });
  try {
    await owner.goto('/my-leads');
    const queue = owner.getByTestId('unassigned-queue');
    await queue.getByRole('heading', { name: 'Waiting for a manager' }).waitFor();
    // Created while the page is open: it appears live.
    const lead = await apiAs<{ id: string; owner: unknown }>(owner, 'POST', '/leads', { firstName: 'Wanda', lastName: 'Walkin', source: 'Walk-in' });
    expect(lead.owner).toBeNull();
    const card = queue.getByTestId('waiting-lead-Wanda Walkin');
    await card.getByText('Left for a manager by rule “Walk-ins wait”').waitFor();
    await card.getByRole('combobox', { name: 'Assign Wanda Walkin to' }).click();
    await owner.getByRole('option', { name: ANN.name, exact: true }).click();
    await card.getByRole('button', { name: 'Assign Wanda Walkin' }).click();
    await owner.getByText(`Wanda Walkin assigned to ${ANN.name}`).waitFor();
    await card.waitFor({ state: 'detached' });
    expect((await apiAs<{ owner: { name: string } | null }>(owner, 'GET', `/leads/${lead.id}`)).owner?.name).toBe(ANN.name);
  } finally {
    await apiAs(owner, 'DELETE', `/distribution/rules/${rule.id}`);
  }
});

test('Settings › Distribution and My new leads fit a phone-sized screen', { timeout: 60_000 }, async () => {
  const page = await newPage(browser, server.baseUrl, { viewport: { width: 375, height: 740 } });
  await logIn(page, OWNER.email);
  await page.getByText(`Welcome, ${OWNER.name}!`).waitFor();
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  for (const path of ['/settings/distribution', '/settings/distribution?tab=availability', '/settings/distribution?tab=history', '/my-leads']) {
    await page.goto(path);
    if (path === '/settings/distribution') await page.getByTestId('rule-row-Buyers rotation').waitFor();
    if (path.includes('availability')) await page.getByTestId(`availability-${ANN.name}`).waitFor();
    if (path.includes('history')) {
      // One card per assignment, nothing to scroll sideways: the lead, why, to whom.
      const card = page.getByTestId('assignment-log-cards').getByTestId('assignment-log-row').first();
      await card.waitFor();
      expect(await card.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
      expect(await page.getByTestId('assignment-log-table').count()).toBe(0);
    }
    if (path === '/my-leads') await page.getByRole('heading', { name: 'My new leads', level: 2 }).waitFor();
    expect({ path, overflow: Math.max(0, await overflow()) }).toEqual({ path, overflow: 0 });
  }
  await page.goto('/settings/distribution');
  await page.getByRole('button', { name: 'Edit Buyers rotation' }).click();
  await page.getByRole('dialog', { name: 'Edit rule Buyers rotation' }).getByTestId(`rule-member-${ANN.name}`).waitFor();
  expect(Math.max(0, await overflow())).toBe(0);
});
