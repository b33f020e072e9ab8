import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReceivedEvent } from '../../platform/events/event-bus.ts';
import { createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { createCaptureRepository } from './capture.repository.ts';
import { leadgenWebhookPayload, signMetaWebhook, startFakeGraph, type FakeGraph, type FakeLead } from './fake-graph.ts';
import { META_REJECTIONS_PER_MINUTE } from './meta-webhook.routes.ts';
import { MAX_ATTEMPTS, createMetaService, type MetaService } from './meta.service.ts';

const PAGE = '138124712925158';
const FORM = '172036835026334';
const APP_SECRET = 'app-secret-of-acme';
const PAGE_TOKEN = 'EAAB-page-token-acme';
const VERIFY = 'verify-token-acme';

let t: TestApp;
let fake: FakeGraph;
let owner: TestClient;
let workspaceId: string;
let connectionId: string;
let meta: MetaService;
let seq = 0;

beforeEach(async () => {
  fake = await startFakeGraph();
  t = await createTestApp({ META_GRAPH_URL: fake.url });
  ({ owner, workspaceId } = await setUpOwner(t));
  fake.addPage({ id: PAGE, name: 'Acme Realty Page', accessToken: PAGE_TOKEN });
  fake.addForm({ id: FORM, pageId: PAGE, name: 'Buyers form' });
  connectionId = (await connect(owner, { pageId: PAGE, appSecret: APP_SECRET, pageAccessToken: PAGE_TOKEN, verifyToken: VERIFY })).id;
  meta = createMetaService(t.deps);
});
afterEach(async () => {
  await meta.stopInbox();
  await t.close();
  await fake.close();
});

async function connect(client: TestClient, body: { pageId: string; appSecret: string; pageAccessToken: string; verifyToken?: string }) {
  const res = await client.post('/api/v1/integrations/meta', { appId: '555000111', ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; verifyToken: string };
}

function fakeLead(overrides: Partial<FakeLead> = {}): FakeLead {
  seq++;
  return {
    id: `90000000000${seq}`,
    formId: FORM,
    createdTime: Math.floor(Date.now() / 1000) - 60 + seq,
    fieldData: [
      { name: 'full_name', values: [`Joe Example${seq}`] },
      { name: 'email', values: [`joe${seq}@example.com`] },
      { name: 'phone_number', values: [`+1202555${String(1000 + seq)}`] },
      { name: 'which_neighbourhood?', values: ['Downtown'] },
    ],
    adId: '6001',
    adName: 'Spring ad',
    adsetId: '6002',
    adsetName: 'Buyers 30-45',
    campaignId: '6003',
    campaignName: 'Spring campaign',
    ...overrides,
  };
}

function deliver(raw: string, signature?: string, remoteAddress?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/hooks/meta',
    headers: { 'content-type': 'application/json', ...(signature !== undefined ? { 'x-hub-signature-256': signature } : {}) },
    payload: raw,
    ...(remoteAddress ? { remoteAddress } : {}),
  });
}

function webhookFor(lead: FakeLead | FakeLead[], pageId = PAGE): string {
  const leads = Array.isArray(lead) ? lead : [lead];
  return JSON.stringify(leadgenWebhookPayload(leads.map((l) => ({ leadgenId: l.id, pageId, formId: l.formId, createdTime: l.createdTime, adId: l.adId }))));
}

async function deliverSigned(lead: FakeLead | FakeLead[], secret = APP_SECRET, pageId = PAGE) {
  const raw = webhookFor(lead, pageId);
  const res = await deliver(raw, signMetaWebhook(secret, raw));
  expect(res.statusCode, res.body).toBe(200);
  return res;
}

type EventRow = { id: string; workspace_id: string; leadgen_id: string; status: string; attempts: number; last_error: string | null; lead_id: string | null; form_id: string | null };

async function events(): Promise<EventRow[]> {
  const r = await t.deps.database.query<EventRow>('SELECT id, workspace_id, leadgen_id, status, attempts, last_error, lead_id, form_id FROM meta_lead_events ORDER BY received_at, leadgen_id');
  return r.rows;
}

async function leadsOf(ws: string) {
  const r = await t.deps.database.query<{ id: string; first_name: string | null; origin: string; external_id: string | null; source: string | null; campaign: string | null; owner_id: string | null; came_back_at: Date | null }>(
    'SELECT id, first_name, origin, external_id, source, campaign, owner_id, came_back_at FROM leads WHERE workspace_id = $1 ORDER BY created_at, external_id',
    [ws],
  );
  return r.rows;
}

async function activitiesOf(leadId: string) {
  const r = await t.deps.database.query<{ type: string; data: Record<string, unknown> }>('SELECT type, data FROM activities WHERE lead_id = $1 ORDER BY id', [leadId]);
  return r.rows;
}

/** A webhook delivery and the inbox drained to the end. */
async function deliverAndFetch(lead: FakeLead) {
  fake.addLead(lead);
  await deliverSigned(lead);
  await meta.drainInbox();
  return (await events()).find((e) => e.leadgen_id === lead.id)!;
}

async function connection() {
  const res = await owner.get(`/api/v1/integrations/meta/${connectionId}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('webhook handshake', () => {
  it('answers the challenge as plain text for our verify token, 403 otherwise', async () => {
    const ok = await t.app.inject({ method: 'GET', url: `/hooks/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${VERIFY}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    expect(ok.body).toBe('1158201444');
    const wrong = await t.app.inject({ method: 'GET', url: '/hooks/meta?hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope-nope' });
    expect(wrong.statusCode).toBe(403);
    const noMode = await t.app.inject({ method: 'GET', url: `/hooks/meta?hub.challenge=1&hub.verify_token=${VERIFY}` });
    expect(noMode.statusCode).toBe(403);
  });
});

describe('webhook signature and bad input', () => {
  it('rejects a missing or wrong signature with 401 (logged under the connection) and accepts the right one', async () => {
    const lead = fakeLead();
    const raw = webhookFor(lead);
    expect((await deliver(raw)).statusCode).toBe(401);
    expect((await deliver(raw, signMetaWebhook('another-secret', raw))).statusCode).toBe(401);
    expect((await deliver(raw, 'sha256=zz')).statusCode).toBe(401);
    expect(await events()).toHaveLength(0);
    expect((await deliver(raw, signMetaWebhook(APP_SECRET, raw))).statusCode).toBe(200);
    expect(await events()).toHaveLength(1);
    const log = (await owner.get(`/api/v1/integrations/log?direction=in&connectionId=${connectionId}`)).json().entries as { status: number; error: string | null }[];
    expect(log.map((e) => e.status).sort()).toEqual([200, 401, 401]);
    expect(log.find((e) => e.status === 401)!.error).toMatch(/X-Hub-Signature-256/);
  });

  it('checks the signature over the exact bytes received, not re-serialised JSON', async () => {
    const lead = fakeLead();
    const compact = webhookFor(lead);
    const pretty = JSON.stringify(JSON.parse(compact), null, 2);
    // Same JSON, other bytes: the compact signature does not fit the pretty body.
    expect((await deliver(pretty, signMetaWebhook(APP_SECRET, compact))).statusCode).toBe(401);
    expect((await deliver(pretty, signMetaWebhook(APP_SECRET, pretty))).statusCode).toBe(200);
    const unicode = compact.replace('"object"', '"obj\\u0065ct"');
    expect((await deliver(unicode, signMetaWebhook(APP_SECRET, unicode))).statusCode).toBe(200);
  });

  it('answers 400 to malformed JSON and to a body that is no notification, 200 (ignored) to a page nobody connected', async () => {
    expect((await deliver('{"object":"page",', signMetaWebhook(APP_SECRET, '{"object":"page",'))).statusCode).toBe(400);
    expect((await deliver('[1,2]', signMetaWebhook(APP_SECRET, '[1,2]'))).statusCode).toBe(400);
    const other = webhookFor(fakeLead(), '999999');
    const res = await deliver(other, signMetaWebhook('whatever', other));
    expect(res.statusCode).toBe(200);
    expect(await events()).toHaveLength(0);
  });

  it('keeps one event per lead of a delivery with several entries and changes, and ignores other fields', async () => {
    const a = fakeLead();
    const b = fakeLead();
    const body = leadgenWebhookPayload([
      { leadgenId: a.id, pageId: PAGE, formId: FORM, createdTime: a.createdTime },
      { leadgenId: b.id, pageId: PAGE, formId: FORM, createdTime: b.createdTime },
    ]) as { entry: { changes: unknown[] }[] };
    body.entry[0]!.changes.push({ field: 'feed', value: { item: 'status' } });
    const raw = JSON.stringify(body);
    const res = await deliver(raw, signMetaWebhook(APP_SECRET, raw));
    expect(res.json()).toEqual({ received: 2 });
    expect((await events()).map((e) => e.leadgen_id).sort()).toEqual([a.id, b.id].sort());
  });

  it('answers 429 to an address that keeps sending rejected deliveries for a page, never to valid ones, and not for other pages', async () => {
    // A burst of valid deliveries from one address is never refused.
    const burst = Array.from({ length: META_REJECTIONS_PER_MINUTE + 10 }, () => fakeLead());
    const answers = await Promise.all(burst.map((l) => deliver(webhookFor(l), signMetaWebhook(APP_SECRET, webhookFor(l)))));
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    expect(await events()).toHaveLength(burst.length);

    const raw = webhookFor(fakeLead());
    const bad = signMetaWebhook('wrong-secret', raw);
    for (let i = 0; i < META_REJECTIONS_PER_MINUTE; i++) expect((await deliver(raw, bad)).statusCode).toBe(401);
    const limited = await deliver(raw, bad);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address, or another page from the same address, is not held up.
    expect((await deliver(raw, signMetaWebhook(APP_SECRET, raw), '10.1.2.3')).statusCode).toBe(200);
    const otherPage = webhookFor(fakeLead(), '424242');
    expect((await deliver(otherPage, signMetaWebhook('x', otherPage))).statusCode).toBe(200);
  });
});

describe('lead ingestion', () => {
  it('fetches the lead from Graph and creates it once, with the ad and the form answers on its timeline', async () => {
    const lead = fakeLead();
    await deliverAndFetch(lead);
    const [created] = await leadsOf(workspaceId);
    expect(created).toMatchObject({ origin: 'meta', external_id: lead.id, source: 'Facebook Lead Ads', campaign: 'Spring campaign', first_name: 'Joe', owner_id: null });
    const [activity] = await activitiesOf(created!.id);
    expect(activity!.type).toBe('created');
    expect(activity!.data).toMatchObject({ origin: 'meta', adName: 'Spring ad', adsetName: 'Buyers 30-45', campaignName: 'Spring campaign', leadgenId: lead.id });
    expect((activity!.data.formAnswers as Record<string, string>)['which_neighbourhood?']).toBe('Downtown');
    expect((await events())[0]).toMatchObject({ status: 'done', lead_id: created!.id, attempts: 1 });
    const fetch = fake.requests.find((r) => r.path.endsWith(`/${lead.id}`))!;
    expect(fetch.query.access_token).toBe(PAGE_TOKEN);
    expect(fetch.query.fields).toContain('field_data');

    const detail = await owner.get(`/api/v1/leads/${created!.id}`);
    expect(detail.json().emails).toEqual([`joe${seq}@example.com`]);
    expect(detail.json().phones[0].e164).toMatch(/^\+1202555/);
  });

  it('raises lead.created (the new-lead event) for each new lead, which stays unassigned after the distribution step', async () => {
    const received: ReceivedEvent[] = [];
    const unsubscribe = t.deps.events.subscribe((e) => received.push(e));
    const leads = [fakeLead(), fakeLead(), fakeLead()];
    for (const l of leads) fake.addLead(l);
    await deliverSigned(leads);
    await meta.drainInbox();
    const stored = await leadsOf(workspaceId);
    expect(stored).toHaveLength(3);
    expect(stored.every((l) => l.owner_id === null)).toBe(true);
    await expect.poll(() => received.filter((e) => e.type === 'lead.created').length).toBe(3);
    unsubscribe();
    const created = received.filter((e) => e.type === 'lead.created');
    expect(new Set(created.map((e) => e.data.leadId))).toEqual(new Set(stored.map((l) => l.id)));
    expect(created[0]!.data).toMatchObject({ origin: 'meta', ownerId: null });
    expect(created[0]!.audience).toEqual({ userIds: [], permission: 'leads.view_all' });
  });

  it('applies a form mapping: custom fields, source, tags; "answer" keeps a standard question off the lead', async () => {
    const put = await owner.request('PUT', `/api/v1/integrations/meta/${connectionId}/forms/${FORM}`, {
      name: 'Buyers form',
      fieldMap: { 'which_neighbourhood?': 'custom.neighbourhood', city: 'answer' },
      source: 'FB buyers',
      tags: ['buyer'],
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ enabled: true, lastSyncedAt: null });
    const lead = fakeLead();
    lead.fieldData.push({ name: 'city', values: ['Springfield'] });
    await deliverAndFetch(lead);
    const [created] = await leadsOf(workspaceId);
    const detail = (await owner.get(`/api/v1/leads/${created!.id}`)).json();
    expect(detail).toMatchObject({ source: 'FB buyers', tags: ['buyer'], custom: { neighbourhood: 'Downtown' }, city: null });
    const data = (await activitiesOf(created!.id))[0]!.data;
    expect(data.formName).toBe('Buyers form');
    expect((data.formAnswers as Record<string, string>).city).toBe('Springfield');
  });

  it('creates a lead of a form nobody mapped with the automatic mapping', async () => {
    const OTHER_FORM = '5550001';
    fake.addForm({ id: OTHER_FORM, pageId: PAGE, name: 'Unmapped form' });
    await deliverAndFetch(fakeLead({ formId: OTHER_FORM, fieldData: [{ name: 'first_name', values: ['Nia'] }, { name: 'zip_code', values: ['90210'] }, { name: 'favourite_colour', values: ['teal'] }] }));
    const [created] = await leadsOf(workspaceId);
    expect((await owner.get(`/api/v1/leads/${created!.id}`)).json()).toMatchObject({ firstName: 'Nia', zip: '90210', source: 'Facebook Lead Ads' });
    expect(((await activitiesOf(created!.id))[0]!.data.formAnswers as Record<string, string>).favourite_colour).toBe('teal');
  });

  it('makes one lead of 10 concurrent deliveries of the same leadgen id, drained by 3 workers at once', async () => {
    const lead = fakeLead();
    fake.addLead(lead);
    const raw = webhookFor(lead);
    const answers = await Promise.all(Array.from({ length: 10 }, () => deliver(raw, signMetaWebhook(APP_SECRET, raw))));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(200));
    expect(await events()).toHaveLength(1);
    const others = [createMetaService(t.deps), createMetaService(t.deps)];
    await Promise.all([meta.drainInbox(), ...others.map((m) => m.drainInbox())]);
    expect(await leadsOf(workspaceId)).toHaveLength(1);
    expect((await events())[0]!.status).toBe('done');
  });

  it('makes one lead when the webhook and the poll see it at the same time', async () => {
    const lead = fakeLead();
    fake.addLead(lead);
    await deliverSigned(lead);
    const sync = owner.post(`/api/v1/integrations/meta/${connectionId}/sync?days=2`);
    await Promise.all([meta.drainInbox(), sync, meta.pollAll()]);
    expect((await sync).statusCode, (await sync).body).toBe(200);
    expect(await leadsOf(workspaceId)).toHaveLength(1);
    expect(await events()).toMatchObject([{ status: 'done' }]);
    const activities = await activitiesOf((await leadsOf(workspaceId))[0]!.id);
    expect(activities.map((a) => a.type)).toEqual(['created']);
  });

  it('creates one lead and one "came back" for the same new person twice in one batch', async () => {
    const first = fakeLead({ fieldData: [{ name: 'full_name', values: ['Ivy Twice'] }, { name: 'email', values: ['ivy@example.com'] }] });
    const second = fakeLead({ fieldData: [{ name: 'full_name', values: ['Ivy T.'] }, { name: 'email', values: ['IVY@example.com'] }] });
    fake.addLead(first);
    fake.addLead(second);
    await deliverSigned([first, second]);
    const result = await meta.drainInbox();
    expect(result).toMatchObject({ claimed: 2, created: 1, cameBack: 1 });
    const [lead] = await leadsOf(workspaceId);
    expect((await activitiesOf(lead!.id)).map((a) => a.type)).toEqual(['created', 'came_back']);
    expect((await events()).every((e) => e.lead_id === lead!.id)).toBe(true);
  });

  it('hands a person who comes back within the batch over as stored: a rule on "came back" sees the return', async () => {
    const me = (await owner.get('/api/v1/me')).json();
    const rule = await owner.post('/api/v1/distribution/rules', {
      name: 'Returning',
      priority: 10,
      strategy: 'round_robin',
      conditions: [{ field: 'cameBackAt', op: 'not_empty' }],
      members: [{ userId: me.user.id }],
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const first = fakeLead({ fieldData: [{ name: 'full_name', values: ['Ivy Twice'] }, { name: 'email', values: ['ivy.back@example.com'] }] });
    const second = fakeLead({ fieldData: [{ name: 'full_name', values: ['Ivy T.'] }, { name: 'email', values: ['ivy.back@example.com'] }] });
    const alone = fakeLead({ fieldData: [{ name: 'full_name', values: ['Una Once'] }, { name: 'email', values: ['una@example.com'] }] });
    for (const l of [first, second, alone]) fake.addLead(l);
    await deliverSigned([first, second, alone]);
    expect(await meta.drainInbox()).toMatchObject({ claimed: 3, created: 2, cameBack: 1 });
    const leads = await leadsOf(workspaceId);
    expect(leads.find((l) => l.external_id === first.id)).toMatchObject({ owner_id: me.user.id, came_back_at: expect.any(Date) });
    expect(leads.find((l) => l.external_id === alone.id)).toMatchObject({ owner_id: null, came_back_at: null });
  });
});

describe('polling', () => {
  it('polls every page of a form, following paging.next to the end, and shows the health', async () => {
    const paged = createMetaService(t.deps, { pollPageSize: 3 });
    for (let i = 0; i < 7; i++) fake.addLead(fakeLead());
    await paged.pollAll();
    expect(await leadsOf(workspaceId)).toHaveLength(7);
    const pageCalls = fake.requests.filter((r) => r.path.endsWith(`/${FORM}/leads`));
    expect(pageCalls).toHaveLength(3);
    expect(pageCalls[0]!.query.filtering).toContain('GREATER_THAN');
    expect(pageCalls[2]!.query.after).toBeTruthy();
    const conn = await connection();
    expect(conn).toMatchObject({ leadsToday: 7, pendingEvents: 0, failedEvents: 0, lastError: null });
    expect(conn.lastPolledAt).not.toBeNull();
    expect(conn.lastSuccessAt).not.toBeNull();
    const forms = (await owner.get(`/api/v1/integrations/meta/${connectionId}/forms`)).json().mappings;
    expect(forms).toMatchObject([{ formId: FORM, enabled: true }]);
    expect(forms[0].lastSyncedAt).not.toBeNull();
  });

  it('polls several pages and workspaces in one run; a failing page does not stop the others', async () => {
    const PAGE_2 = '222000111';
    const FORM_2 = '222000999';
    fake.addPage({ id: PAGE_2, name: 'Acme Rentals Page', accessToken: 'EAAB-page-token-rentals' });
    fake.addForm({ id: FORM_2, pageId: PAGE_2, name: 'Renters form' });
    await connect(owner, { pageId: PAGE_2, appSecret: 'rentals-app-secret', pageAccessToken: 'EAAB-page-token-rentals' });
    const wsB = (await owner.post('/api/v1/workspaces', { name: 'Beta Insurance' })).json().id as string;
    const b = t.client();
    for (const [k, v] of owner.cookies) b.cookies.set(k, v);
    b.workspaceId = wsB;
    owner.workspaceId = workspaceId;
    const PAGE_B = '333000111';
    fake.addPage({ id: PAGE_B, name: 'Beta Page', accessToken: 'EAAB-page-token-beta' });
    fake.addForm({ id: '333000999', pageId: PAGE_B, name: 'Beta form' });
    await connect(b, { pageId: PAGE_B, appSecret: 'beta-app-secret', pageAccessToken: 'EAAB-page-token-beta' });

    fake.addLead(fakeLead());
    fake.addLead(fakeLead({ formId: FORM_2 }));
    fake.addLead(fakeLead({ formId: '333000999' }));
    // The first Graph call of the run (page 1's forms) fails: pages 2 and B are still polled.
    fake.failNext({ kind: 'http', status: 502 });
    await meta.pollAll();
    expect(await leadsOf(workspaceId)).toHaveLength(1);
    expect(await leadsOf(wsB)).toHaveLength(1);
    const conns = (await owner.get('/api/v1/integrations/meta')).json().connections as { pageId: string; lastError: string | null; lastErrorAt: string | null }[];
    expect(conns.find((c) => c.pageId === PAGE)!.lastError).toMatch(/HTTP 502/);
    expect(conns.find((c) => c.pageId === PAGE)!.lastErrorAt).not.toBeNull();
    // The next run catches up.
    await meta.pollAll();
    expect(await leadsOf(workspaceId)).toHaveLength(2);
  });

  it('backfills the last N days, per form when asked', async () => {
    const old = fakeLead({ createdTime: Math.floor(Date.now() / 1000) - 5 * 86_400 });
    fake.addLead(old);
    const first = await owner.post(`/api/v1/integrations/meta/${connectionId}/sync`);
    expect(first.json()).toMatchObject({ fetched: 0, created: 0, error: null });
    const backfill = await owner.post(`/api/v1/integrations/meta/${connectionId}/sync?days=7&formId=${FORM}`);
    expect(backfill.json()).toMatchObject({ fetched: 1, created: 1, error: null });
    expect(fake.requests.filter((r) => r.path.endsWith('/leadgen_forms'))).toHaveLength(1);
    expect((await owner.post(`/api/v1/integrations/meta/${connectionId}/sync?days=0`)).statusCode).toBe(400);
  });
});

describe('Graph errors', () => {
  it('retries a rate limit (code 17) later, throttling the page; a 503 and a timeout are retried too', async () => {
    const leads = [fakeLead(), fakeLead(), fakeLead()];
    for (const l of leads) fake.addLead(l);
    await deliverSigned(leads);
    fake.failNext({ kind: 'graph', code: 17 });
    const slow = createMetaService(t.deps, { graphTimeoutMs: 100 });
    // The reads go out together: one hits the limit; those not yet sent then wait for the throttle.
    const first = await slow.drainOnce();
    expect(first.claimed).toBe(3);
    expect(first.retrying).toBeGreaterThanOrEqual(1);
    expect(first.created + first.retrying).toBe(3);
    expect((await events()).some((e) => e.status === 'pending' && /code 17/.test(e.last_error ?? ''))).toBe(true);
    const conn = await connection();
    expect(conn.throttledUntil).not.toBeNull();
    expect(conn.lastError).toMatch(/code 17/);
    // The page is throttled: new leads wait with the limited one, nothing is due before the throttle ends.
    const later = [fakeLead(), fakeLead()];
    for (const l of later) fake.addLead(l);
    await deliverSigned(later);
    const calls = fake.requests.length;
    expect(await slow.drainInbox()).toMatchObject({ created: 0, failed: 0 });
    expect(fake.requests.length).toBe(calls);
    expect((await connection()).pendingEvents).toBe(2 + first.retrying);
    t.advanceClock(2 * 60_000);
    fake.failNext({ kind: 'http', status: 503 });
    fake.failNext({ kind: 'slow', delayMs: 500 });
    const second = await slow.drainOnce();
    expect(second).toMatchObject({ claimed: 2 + first.retrying, retrying: 2 });
    expect(second.created).toBe(first.retrying);
    const errors = (await events()).map((e) => e.last_error ?? '');
    expect(errors.some((e) => /HTTP 503/.test(e))).toBe(true);
    expect(errors.some((e) => /did not answer within 100 ms/.test(e))).toBe(true);
    t.advanceClock(60_000);
    await slow.drainInbox();
    expect(await leadsOf(workspaceId)).toHaveLength(5);
    expect((await events()).every((e) => e.status === 'done')).toBe(true);
  });

  it('gives up on a temporary error after the last attempt: failed, visible, and retriable', async () => {
    const lead = fakeLead();
    fake.addLead(lead);
    await deliverSigned(lead);
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      fake.failNext({ kind: 'graph', code: 2 });
      expect((await meta.drainOnce()).claimed).toBe(1);
      // Past the longest backoff (30 min + jitter), keeping the owner's session alive.
      t.advanceClock(40 * 60_000);
      expect((await owner.get('/api/v1/me')).statusCode).toBe(200);
    }
    expect((await events())[0]).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    expect((await events())[0]!.last_error).toMatch(/Gave up after 10 attempts.*code 2/);
    const failedRes = await owner.get(`/api/v1/integrations/meta/${connectionId}/events?status=failed`);
    expect(failedRes.statusCode, failedRes.body).toBe(200);
    const failed = failedRes.json();
    expect(failed.events).toMatchObject([{ leadgenId: lead.id, status: 'failed', attempts: MAX_ATTEMPTS, nextAttemptAt: null }]);
    expect((await connection()).failedEvents).toBe(1);
    const retry = await owner.post(`/api/v1/integrations/meta/${connectionId}/events/retry`, { eventIds: [failed.events[0].id] });
    expect(retry.json()).toEqual({ requeued: 1 });
    await meta.drainInbox();
    expect(await leadsOf(workspaceId)).toHaveLength(1);
  });

  it('picks up events whose worker died (the server killed after the answer) once the lease runs out, and at boot', async () => {
    const lead = fakeLead();
    fake.addLead(lead);
    await deliverSigned(lead);
    // A worker claimed it and died: the lease holds it for two minutes.
    const now = t.deps.now();
    const claimed = await createCaptureRepository(t.deps.database.db).claimDueEvents(now, new Date(now.getTime() + 120_000), 10);
    expect(claimed).toHaveLength(1);
    expect((await meta.drainOnce()).claimed).toBe(0);
    t.advanceClock(121_000);
    expect(await meta.drainInbox()).toMatchObject({ claimed: 1, created: 1 });

    // An event received just before a crash: the workers of the next boot drain it on start.
    const next = fakeLead();
    fake.addLead(next);
    await deliverSigned(next);
    const booted = createMetaService(t.deps);
    booted.startInbox();
    try {
      await expect.poll(async () => (await leadsOf(workspaceId)).length, { timeout: 10_000 }).toBe(2);
    } finally {
      await booted.stopInbox();
    }
  });

  it('breaks the connection on an expired token (190): events failed, admins told and mailed, audited; a new token refetches them', async () => {
    const received: ReceivedEvent[] = [];
    const unsubscribe = t.deps.events.subscribe((e) => received.push(e));
    const leads = [fakeLead(), fakeLead()];
    for (const l of leads) fake.addLead(l);
    await deliverSigned(leads);
    fake.failNext({ kind: 'graph', code: 190, subcode: 463 }, 2);
    await meta.drainInbox();
    expect((await events()).map((e) => e.status)).toEqual(['failed', 'failed']);
    const conn = await connection();
    expect(conn).toMatchObject({ status: 'broken', failedEvents: 2 });
    expect(conn.lastError).toMatch(/code 190\/463/);
    await expect.poll(() => received.filter((e) => e.type === 'integration.broken').length).toBe(1);
    expect(received.find((e) => e.type === 'integration.broken')!.audience).toEqual({ permission: 'integrations.manage' });
    unsubscribe();
    const audit = (await owner.get('/api/v1/audit?action=integration.broken')).json();
    expect(audit.entries).toHaveLength(1);
    const mail = await t.deps.database.query<{ to_address: string; subject: string; text: string }>('SELECT to_address, subject, text FROM mail_outbox WHERE subject LIKE $1', ['%Lead Ads%']);
    expect(mail.rows).toHaveLength(1);
    expect(mail.rows[0]).toMatchObject({ to_address: 'owner@example.com', subject: `Facebook Lead Ads disconnected: ${PAGE}` });
    expect(mail.rows[0]!.text).toContain('code 190/463');
    expect(await leadsOf(workspaceId)).toHaveLength(0);

    // Another lead while broken: recorded, failed with the reason, not fetched.
    const during = fakeLead();
    fake.addLead(during);
    await deliverSigned(during);
    await meta.drainInbox();
    expect((await events()).find((e) => e.leadgen_id === during.id)!.last_error).toMatch(/needs reconnecting/);

    const fixed = await owner.patch(`/api/v1/integrations/meta/${connectionId}`, { pageAccessToken: PAGE_TOKEN });
    expect(fixed.json()).toMatchObject({ status: 'active', pendingEvents: 3, failedEvents: 0 });
    await meta.drainInbox();
    expect(await leadsOf(workspaceId)).toHaveLength(3);
    expect((await events()).every((e) => e.status === 'done')).toBe(true);
  });

  it('breaks the connection on a lost permission (code 200) as well', async () => {
    const lead = fakeLead();
    fake.addLead(lead);
    await deliverSigned(lead);
    fake.failNext({ kind: 'graph', code: 200, message: '(#200) Requires pages_manage_ads permission to manage the object' });
    await meta.drainInbox();
    expect(await connection()).toMatchObject({ status: 'broken' });
    expect((await events())[0]!.last_error).toMatch(/pages_manage_ads.*code 200/);
  });

  it('fails an unknown leadgen id where the admin sees it, in the log without the token; Sync now finds it once Graph does', async () => {
    const lead = fakeLead();
    await deliverSigned(lead);
    await meta.drainInbox();
    expect((await events())[0]).toMatchObject({ status: 'failed' });
    expect((await events())[0]!.last_error).toMatch(/code 100/);
    const log = (await owner.get('/api/v1/integrations/log?provider=meta&status=error')).json();
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]).toMatchObject({ direction: 'out', method: 'GET', status: 400, connectionId });
    expect(log.entries[0].url).toContain(lead.id);
    const all = (await owner.get('/api/v1/integrations/log')).json();
    expect(all.entries.some((e: { direction: string; url: string }) => e.direction === 'in' && e.url === '/hooks/meta')).toBe(true);
    expect(JSON.stringify(all)).not.toContain(PAGE_TOKEN);
    const search = (await owner.get(`/api/v1/integrations/log?q=${encodeURIComponent('code 100')}`)).json();
    expect(search.entries).toHaveLength(1);
    expect((await owner.get('/api/v1/integrations/log?q=100%25')).json().entries).toHaveLength(0);

    fake.addLead(lead);
    const sync = await owner.post(`/api/v1/integrations/meta/${connectionId}/sync`);
    expect(sync.json()).toMatchObject({ error: null, failed: 0 });
    expect(await leadsOf(workspaceId)).toHaveLength(1);
    expect((await events())[0]!.status).toBe('done');
  });

  it("shows the page, its forms and their questions on a connection test, and Meta's exact error when it fails", async () => {
    fake.addForm({ id: '777111', pageId: PAGE, name: 'Sellers form', questions: [{ key: 'full_name', label: 'Full name', type: 'FULL_NAME' }, { key: 'asking_price', label: 'Asking price?', type: 'CUSTOM' }] });
    const good = await owner.post(`/api/v1/integrations/meta/${connectionId}/test`);
    expect(good.json()).toMatchObject({ ok: true, pageName: 'Acme Realty Page' });
    const sellers = good.json().forms.find((f: { id: string }) => f.id === '777111');
    expect(sellers.questions).toEqual([
      { key: 'full_name', label: 'Full name', type: 'FULL_NAME' },
      { key: 'asking_price', label: 'Asking price?', type: 'CUSTOM' },
    ]);
    fake.failNext({ kind: 'graph', code: 4 });
    const limited = await owner.post(`/api/v1/integrations/meta/${connectionId}/test`);
    expect(limited.json()).toMatchObject({ ok: false, error: { code: 4, type: 'OAuthException', message: 'Application request limit reached' } });
    expect(limited.json().error.fbtraceId).toBeTruthy();
  });
});

describe('forms switched off', () => {
  it('records the leads of a disabled form as skipped, does not poll it, and creates them when it is enabled again', async () => {
    const off = await owner.request('PUT', `/api/v1/integrations/meta/${connectionId}/forms/${FORM}`, { enabled: false });
    expect(off.json()).toMatchObject({ enabled: false });
    const lead = fakeLead();
    await deliverAndFetch(lead);
    expect((await events())[0]).toMatchObject({ status: 'skipped', last_error: 'The form is disabled in LeadFlow' });
    expect(fake.requests.some((r) => r.path.endsWith(`/${lead.id}`))).toBe(false);
    await meta.pollAll();
    expect(fake.requests.some((r) => r.path.endsWith(`/${FORM}/leads`))).toBe(false);
    expect(await leadsOf(workspaceId)).toHaveLength(0);
    // One more while disabled, met by Sync now: counted as skipped.
    const second = fakeLead();
    fake.addLead(second);
    await deliverSigned(second);
    const sync = await owner.post(`/api/v1/integrations/meta/${connectionId}/sync`);
    expect(sync.json()).toMatchObject({ created: 0, skipped: 1, error: null });
    expect((await connection()).skippedEvents).toBe(2);

    const on = await owner.request('PUT', `/api/v1/integrations/meta/${connectionId}/forms/${FORM}`, { enabled: true });
    expect(on.json()).toMatchObject({ enabled: true });
    await meta.drainInbox();
    expect(await leadsOf(workspaceId)).toHaveLength(2);
  });
});

describe('duplicates', () => {
  async function existingLead(body: Record<string, unknown>) {
    const res = await owner.post('/api/v1/leads', { firstName: 'Known', ...body });
    expect(res.statusCode, res.body).toBe(201);
    const me = (await owner.get('/api/v1/me')).json();
    const set = await owner.patch(`/api/v1/leads/${res.json().id}`, { ownerId: me.user.id, version: res.json().version });
    expect(set.statusCode, set.body).toBe(200);
    return { id: res.json().id as string, ownerId: me.user.id as string };
  }

  it('sends a known phone to the existing lead as came_back, keeping its owner, and flags it', async () => {
    const known = await existingLead({ phones: [{ raw: '(415) 555-2671' }] });
    await deliverAndFetch(fakeLead({ fieldData: [{ name: 'full_name', values: ['Joe Again'] }, { name: 'phone_number', values: ['+14155552671'] }] }));
    const all = await leadsOf(workspaceId);
    expect(all).toHaveLength(1);
    expect(all[0]!.owner_id).toBe(known.ownerId);
    expect(all[0]!.came_back_at).not.toBeNull();
    const cameBack = (await activitiesOf(known.id)).find((a) => a.type === 'came_back');
    expect(cameBack?.data).toMatchObject({ origin: 'meta', campaignName: 'Spring campaign' });
    expect((await events())[0]!.lead_id).toBe(known.id);
    const timeline = (await owner.get(`/api/v1/leads/${known.id}/timeline`)).json().items as { type: string }[];
    expect(timeline.map((i) => i.type)).toContain('came_back');
    // Visible on the lead, and filterable in lists.
    expect((await owner.get(`/api/v1/leads/${known.id}`)).json().cameBackAt).not.toBeNull();
    await owner.post('/api/v1/leads', { firstName: 'Never came back' });
    const query = (filters: unknown[]) => encodeURIComponent(JSON.stringify({ filters, sort: { field: 'cameBackAt', dir: 'desc' } }));
    const list = await owner.get(`/api/v1/leads?query=${query([{ field: 'cameBackAt', op: 'not_empty' }])}`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().leads.map((l: { id: string }) => l.id)).toEqual([known.id]);
    const recent = await owner.get(`/api/v1/leads?query=${query([{ field: 'cameBackAt', op: 'last_days', value: 1 }])}`);
    expect(recent.json().leads).toHaveLength(1);
  });

  it('sends a known email to the existing lead, and creates a new lead when the workspace always creates', async () => {
    const known = await existingLead({ emails: ['ana@example.com'] });
    await deliverAndFetch(fakeLead({ fieldData: [{ name: 'email', values: ['ANA@example.com'] }] }));
    expect(await leadsOf(workspaceId)).toHaveLength(1);
    expect((await activitiesOf(known.id)).map((a) => a.type)).toContain('came_back');

    expect((await owner.request('PUT', '/api/v1/integrations/capture-settings', { duplicatePolicy: 'always_create' })).statusCode).toBe(200);
    await deliverAndFetch(fakeLead({ fieldData: [{ name: 'email', values: ['ana@example.com'] }] }));
    const all = await leadsOf(workspaceId);
    expect(all).toHaveLength(2);
    expect(all[1]!.came_back_at).toBeNull();
  });
});

describe('connections API', () => {
  it('never returns secrets and refuses a second connection of the same page', async () => {
    const list = await owner.get('/api/v1/integrations/meta');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(APP_SECRET);
    expect(list.body).not.toContain(PAGE_TOKEN);
    expect(list.json().connections[0]).toMatchObject({ pageId: PAGE, status: 'active', webhookUrl: 'http://localhost:3000/hooks/meta', verifyToken: VERIFY, pendingEvents: 0, failedEvents: 0 });
    const stored = await t.deps.database.query<Record<string, string>>('SELECT app_secret_sealed, page_token_sealed FROM meta_connections');
    expect(JSON.stringify(stored.rows)).not.toContain(APP_SECRET);
    const again = await owner.post('/api/v1/integrations/meta', { appId: '1', pageId: PAGE, appSecret: 'x'.repeat(10), pageAccessToken: 'y'.repeat(12) });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.field).toBe('pageId');
    const bad = await owner.post('/api/v1/integrations/meta', { appId: '1', pageId: 'abc', appSecret: 'x', pageAccessToken: 'y' });
    expect(bad.statusCode).toBe(400);
  });

  it('keeps workspaces apart: connections, events, log and webhooks of B are invisible to A', async () => {
    const wsB = (await owner.post('/api/v1/workspaces', { name: 'Beta Insurance' })).json().id as string;
    const b = t.client();
    for (const [k, v] of owner.cookies) b.cookies.set(k, v);
    b.workspaceId = wsB;
    owner.workspaceId = workspaceId;
    const PAGE_B = '222333444';
    fake.addPage({ id: PAGE_B, name: 'Beta Page', accessToken: 'EAAB-page-token-beta' });
    fake.addForm({ id: '777', pageId: PAGE_B, name: 'Beta form' });
    const connB = await connect(b, { pageId: PAGE_B, appSecret: 'beta-app-secret', pageAccessToken: 'EAAB-page-token-beta' });

    expect((await owner.get(`/api/v1/integrations/meta/${connB.id}`)).statusCode).toBe(404);
    expect((await owner.post(`/api/v1/integrations/meta/${connB.id}/test`)).statusCode).toBe(404);
    expect((await owner.post(`/api/v1/integrations/meta/${connB.id}/sync`)).statusCode).toBe(404);
    expect((await owner.get(`/api/v1/integrations/meta/${connB.id}/events`)).statusCode).toBe(404);
    expect((await owner.post(`/api/v1/integrations/meta/${connB.id}/events/retry`, {})).statusCode).toBe(404);
    expect((await owner.request('PUT', `/api/v1/integrations/meta/${connB.id}/forms/777`, { enabled: false })).statusCode).toBe(404);
    expect((await owner.delete(`/api/v1/integrations/meta/${connB.id}`)).statusCode).toBe(404);
    expect((await owner.get('/api/v1/integrations/meta')).json().connections).toHaveLength(1);

    const leadB = fakeLead({ formId: '777' });
    fake.addLead(leadB);
    const raw = webhookFor(leadB, PAGE_B);
    // Signed with A's secret: B's page does not accept it.
    expect((await deliver(raw, signMetaWebhook(APP_SECRET, raw))).statusCode).toBe(401);
    expect((await deliver(raw, signMetaWebhook('beta-app-secret', raw))).statusCode).toBe(200);
    await meta.drainInbox();
    expect(await leadsOf(workspaceId)).toHaveLength(0);
    expect(await leadsOf(wsB)).toHaveLength(1);
    const logA = (await owner.get('/api/v1/integrations/log')).json().entries as { url: string }[];
    expect(logA.some((e) => e.url.includes(leadB.id))).toBe(false);
    expect((await owner.get(`/api/v1/integrations/log?connectionId=${connB.id}`)).json().entries).toHaveLength(0);
    expect((await b.get('/api/v1/integrations/log')).json().entries.some((e: { url: string }) => e.url.includes(leadB.id))).toBe(true);
    expect((await b.get(`/api/v1/integrations/meta/${connB.id}/events`)).json().events).toHaveLength(1);
  });

  it('requires integrations.manage', async () => {
    const anon = t.client();
    expect((await anon.get('/api/v1/integrations/meta')).statusCode).toBe(401);
    expect((await anon.get(`/api/v1/integrations/meta/${connectionId}/events`)).statusCode).toBe(401);
  });

  it('pages the events of a connection with a cursor, newest first', async () => {
    const leads = Array.from({ length: 5 }, () => fakeLead());
    await deliverSigned(leads);
    const first = (await owner.get(`/api/v1/integrations/meta/${connectionId}/events?limit=3`)).json();
    expect(first.events).toHaveLength(3);
    const second = (await owner.get(`/api/v1/integrations/meta/${connectionId}/events?limit=3&cursor=${encodeURIComponent(first.nextCursor)}`)).json();
    expect(second.events).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.events, ...second.events].map((e: { leadgenId: string }) => e.leadgenId))).toEqual(new Set(leads.map((l) => l.id)));
    expect((await owner.get(`/api/v1/integrations/meta/${connectionId}/events?cursor=nope`)).statusCode).toBe(400);
  });
});
