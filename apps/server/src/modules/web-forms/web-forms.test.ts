import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReceivedEvent } from '../../platform/events/event-bus.ts';
import { PASSWORD, addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { createWebFormsRepository } from './web-forms.repository.ts';

let t: TestApp;
let owner: TestClient;
let workspaceId: string;

beforeEach(async () => {
  t = await createTestApp();
  ({ owner, workspaceId } = await setUpOwner(t));
});
afterEach(async () => {
  await t.close();
});

type Form = { id: string; publicId: string; hostedUrl: string; embed: { script: string; iframe: string }; submissionCount: number; [k: string]: unknown };

const CONTACT_FORM = {
  name: 'Website contact',
  title: 'Talk to us',
  fields: [
    { key: 'fullName', label: 'Your name', required: true },
    { key: 'email', label: 'Email', required: true },
    { key: 'phone', label: 'Phone' },
  ],
  source: 'Website',
  tags: ['web'],
};

async function createForm(client: TestClient, body: Record<string, unknown> = CONTACT_FORM): Promise<Form> {
  const res = await client.post('/api/v1/web-forms', body);
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** What a browser gets: the page and the hidden inputs it would send back. */
async function openPage(publicId: string, query = '', headers: Record<string, string> = {}) {
  const res = await t.app.inject({ method: 'GET', url: `/f/${publicId}${query}`, headers });
  const hidden: Record<string, string> = {};
  for (const m of res.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) hidden[m[1]!] = m[2]!.replace(/&amp;/g, '&');
  return { res, html: res.body, hidden };
}

function postForm(publicId: string, fields: Record<string, string>, remoteAddress = '203.0.113.7') {
  return t.app.inject({
    method: 'POST',
    url: `/f/${publicId}`,
    remoteAddress,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    payload: new URLSearchParams(fields).toString(),
  });
}

function postJson(publicId: string, body: Record<string, unknown>, remoteAddress = '203.0.113.7') {
  return t.app.inject({ method: 'POST', url: `/f/${publicId}`, remoteAddress, payload: body });
}

/** A visitor who loads the page, takes their time, and sends it. */
async function submitAsVisitor(publicId: string, answers: Record<string, string>, query = '') {
  const { hidden } = await openPage(publicId, query);
  t.advanceClock(10_000);
  return postForm(publicId, { ...hidden, ...answers });
}

async function leadRows(ws = workspaceId) {
  const r = await t.deps.database.query<{ id: string; origin: string }>('SELECT id, origin FROM leads WHERE workspace_id = $1 ORDER BY created_at', [ws]);
  return r.rows;
}

async function webFormLog(client: TestClient = owner) {
  const res = await client.get('/api/v1/integrations/log?provider=web_form');
  expect(res.statusCode, res.body).toBe(200);
  return res.json().entries as { status: number | null; error: string | null; url: string }[];
}

function collectEvents(): ReceivedEvent[] {
  const events: ReceivedEvent[] = [];
  t.deps.events.subscribe((e) => events.push(e));
  return events;
}

describe('building web forms', () => {
  it('creates, lists, reads, changes and deletes a form, with its hosted link and embed snippets', async () => {
    const form = await createForm(owner);
    expect(form).toMatchObject({ name: 'Website contact', active: true, minSecondsToSubmit: 3, submissionCount: 0, lastSubmissionAt: null, allowedOrigins: [] });
    expect(form.publicId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(form.hostedUrl).toBe(`http://localhost:3000/f/${form.publicId}`);
    expect(form.embed.script).toBe(`<script src="http://localhost:3000/f/${form.publicId}/embed.js" async></script>`);
    expect(form.embed.iframe).toContain(`src="http://localhost:3000/f/${form.publicId}?embed=1"`);
    expect(form.embed.iframe).toContain('title="Talk to us"');
    expect((form.fields as unknown[])[0]).toEqual({ key: 'fullName', label: 'Your name', required: true, placeholder: null });

    const list = (await owner.get('/api/v1/web-forms')).json().webForms as Form[];
    expect(list.map((f) => f.id)).toEqual([form.id]);

    const patched = await owner.patch(`/api/v1/web-forms/${form.id}`, { active: false, title: '', redirectUrl: 'https://example.com/thanks', allowedOrigins: ['https://www.example.com/'] });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ active: false, title: null, redirectUrl: 'https://example.com/thanks', allowedOrigins: ['https://www.example.com'], name: 'Website contact', source: 'Website' });
    expect((await owner.get(`/api/v1/web-forms/${form.id}`)).json().active).toBe(false);

    const audit = (await owner.get(`/api/v1/audit?entityType=web_form`)).json().entries as { action: string }[];
    expect(audit.map((a) => a.action)).toEqual(['web_form.update', 'web_form.create']);

    expect((await owner.delete(`/api/v1/web-forms/${form.id}`)).statusCode).toBe(200);
    expect((await owner.get(`/api/v1/web-forms/${form.id}`)).statusCode).toBe(404);
    expect((await openPage(form.publicId)).res.statusCode).toBe(404);
  });

  it('names the wrong field and saves nothing', async () => {
    const field = await owner.post('/api/v1/custom-fields', { label: 'Account manager', type: 'user' });
    expect(field.statusCode, field.body).toBe(201);
    const cases: [Record<string, unknown>, string][] = [
      [{ ...CONTACT_FORM, name: ' ' }, 'name'],
      [{ ...CONTACT_FORM, fields: [] }, 'fields'],
      [{ ...CONTACT_FORM, fields: [{ key: 'email', label: 'Email' }, { key: 'email', label: 'Again' }] }, 'fields.1.key'],
      [{ ...CONTACT_FORM, fields: [{ key: 'fullName', label: 'Name' }, { key: 'firstName', label: 'First' }] }, 'fields.1.key'],
      [{ ...CONTACT_FORM, fields: [{ key: 'city', label: 'City' }] }, 'fields'],
      [{ ...CONTACT_FORM, fields: [{ key: 'password', label: 'x' }] }, 'fields.0.key'],
      [{ ...CONTACT_FORM, fields: [{ key: 'email', label: '' }] }, 'fields.0.label'],
      [{ ...CONTACT_FORM, fields: [{ key: 'email', label: 'E' }, { key: 'custom.budget', label: 'Budget' }] }, 'fields.1.key'],
      [{ ...CONTACT_FORM, fields: [{ key: 'custom.account_manager', label: 'Manager' }, { key: 'email', label: 'E' }] }, 'fields.0.key'],
      [{ ...CONTACT_FORM, stageId: '00000000-0000-4000-8000-000000000000' }, 'stageId'],
      [{ ...CONTACT_FORM, redirectUrl: 'javascript:alert(1)' }, 'redirectUrl'],
      [{ ...CONTACT_FORM, allowedOrigins: ['https://www.example.com/contact'] }, 'allowedOrigins.0'],
      [{ ...CONTACT_FORM, minSecondsToSubmit: -1 }, 'minSecondsToSubmit'],
      [{ ...CONTACT_FORM, color: 'red' }, ''],
    ];
    for (const [body, fieldName] of cases) {
      const res = await owner.post('/api/v1/web-forms', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      if (fieldName) expect(res.json().error.field, JSON.stringify(body)).toBe(fieldName);
    }
    expect((await owner.get('/api/v1/web-forms')).json().webForms).toEqual([]);
    const form = await createForm(owner);
    const bad = await owner.patch(`/api/v1/web-forms/${form.id}`, { fields: [{ key: 'email', label: 'E' }, { key: 'email', label: 'E2' }], name: 'Renamed' });
    expect(bad.json().error.field).toBe('fields.1.key');
    expect((await owner.get(`/api/v1/web-forms/${form.id}`)).json().name).toBe('Website contact');
  });

  it('is for roles with marketing.manage: marketing builds forms, agents may not', async () => {
    const marketing = await addMember(t, owner, 'mia@example.com', 'marketing');
    const agent = await addMember(t, owner, 'al@example.com', 'agent');
    const form = await createForm(marketing.client);
    expect((await marketing.client.get('/api/v1/web-forms')).json().webForms).toHaveLength(1);
    for (const res of [
      await agent.client.get('/api/v1/web-forms'),
      await agent.client.post('/api/v1/web-forms', CONTACT_FORM),
      await agent.client.patch(`/api/v1/web-forms/${form.id}`, { active: false }),
      await agent.client.delete(`/api/v1/web-forms/${form.id}`),
      await agent.client.get(`/api/v1/web-forms/${form.id}/submissions`),
    ]) {
      expect(res.statusCode).toBe(403);
    }
    expect((await owner.get(`/api/v1/web-forms/${form.id}`)).json().active).toBe(true);
  });

  it("answers 404 for another workspace's forms, submissions and leads, and changes nothing there", async () => {
    const bOwner = t.client();
    await bOwner.post('/api/v1/auth/signup', { name: 'Bea', email: 'bea@example.com', password: PASSWORD, workspaceSlug: 'acme-realty' });
    await bOwner.post('/api/v1/auth/login', { email: 'bea@example.com', password: PASSWORD });
    const ws = (await bOwner.post('/api/v1/workspaces', { name: 'Beta Insurance' })).json();
    bOwner.workspaceId = ws.id;
    const bForm = await createForm(bOwner);
    const submitted = await submitAsVisitor(bForm.publicId, { fullName: 'Bo Beta', email: 'bo@example.com' });
    expect(submitted.statusCode).toBe(200);
    const [bLead] = await leadRows(ws.id);

    for (const res of [
      await owner.get(`/api/v1/web-forms/${bForm.id}`),
      await owner.patch(`/api/v1/web-forms/${bForm.id}`, { name: 'Taken over', active: false }),
      await owner.delete(`/api/v1/web-forms/${bForm.id}`),
      await owner.get(`/api/v1/web-forms/${bForm.id}/submissions`),
      await owner.get(`/api/v1/leads/${bLead!.id}/web-form-submissions`),
    ]) {
      expect(res.statusCode, res.body).toBe(404);
    }
    expect((await owner.get('/api/v1/web-forms')).json().webForms).toEqual([]);
    const mine = (await bOwner.get(`/api/v1/web-forms/${bForm.id}`)).json();
    expect(mine).toMatchObject({ name: 'Website contact', active: true, submissionCount: 1 });
    expect(await leadRows()).toEqual([]);
    // The log of the spam check is B's too.
    await postJson(bForm.publicId, { fullName: 'Bot', website: 'http://spam.example', email: 'x@example.com' });
    expect(await webFormLog()).toEqual([]);
    expect(await webFormLog(bOwner)).toHaveLength(1);
  });
});

describe('the hosted page', () => {
  it('is plain accessible HTML in the workspace language, framable by any site or only the allowed ones', async () => {
    const form = await createForm(owner, { ...CONTACT_FORM, consentText: 'I agree to be contacted.', intro: 'We answer within a day.' });
    const { res, html, hidden } = await openPage(form.publicId);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(html).toContain('<html lang="en"');
    expect(html).toContain('<h1>Talk to us</h1>');
    expect(html).toContain('We answer within a day.');
    expect(html).toMatch(/<label for="f-fullName">Your name<span class="req" aria-hidden="true">\*<\/span><span class="sr"> \(required\)<\/span><\/label><input type="text" id="f-fullName" name="fullName"[^>]* autocomplete="name" required aria-required="true">/);
    expect(html).toMatch(/<input type="email" id="f-email" name="email"/);
    expect(html).toMatch(/<input type="tel" id="f-phone" name="phone"[^>]*autocomplete="tel">/);
    expect(html).toContain('I agree to be contacted.');
    expect(html).toMatch(/name="website" tabindex="-1"/);
    expect(html).toContain('>Send</button>');
    expect(html).toContain('prefers-color-scheme:dark');
    expect(hidden._token).toMatch(/^v1\./);
    expect(hidden._page).toBe(`http://localhost:3000/f/${form.publicId}`);
    // Every inline style and script carries this response's nonce, and nothing else may run.
    const nonce = /script-src 'nonce-([^']+)'/.exec(res.headers['content-security-policy'] as string)![1]!;
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect((await openPage(form.publicId)).hidden._token).not.toBe(hidden._token);

    expect((await owner.patch('/api/v1/workspace', { locale: 'pt-BR' })).statusCode).toBe(200);
    await owner.patch(`/api/v1/web-forms/${form.id}`, { allowedOrigins: ['https://www.example.com', 'https://landing.example.org'] });
    const pt = await openPage(form.publicId, '?embed=1&page=https%3A%2F%2Fwww.example.com%2Fcontato&ref=https%3A%2F%2Fwww.google.com%2F');
    expect(pt.html).toContain('<html lang="pt-BR"');
    expect(pt.html).toContain('>Enviar</button>');
    expect(pt.html).toContain('(obrigatório)');
    expect(pt.html).toContain('<body class="embed">');
    expect(pt.res.headers['content-security-policy']).toContain("frame-ancestors 'self' https://www.example.com https://landing.example.org");
    expect(pt.hidden).toMatchObject({ _embed: '1', _page: 'https://www.example.com/contato', _ref: 'https://www.google.com/' });
  });

  it('turns one submission into exactly one lead with its UTM tags, page address and referrer, and announces it', async () => {
    const budget = (await owner.post('/api/v1/custom-fields', { label: 'Budget', type: 'money' })).json();
    const kind = (await owner.post('/api/v1/custom-fields', { label: 'Property type', type: 'select', options: [{ value: 'house', label: 'House' }, { value: 'flat', label: 'Flat' }] })).json();
    const pipelines = (await owner.get('/api/v1/pipelines')).json().pipelines;
    const contacted = pipelines[0].stages.find((s: { name: string }) => s.name === 'Contacted');
    const form = await createForm(owner, {
      ...CONTACT_FORM,
      fields: [...CONTACT_FORM.fields, { key: `custom.${budget.key}`, label: 'Budget' }, { key: `custom.${kind.key}`, label: 'Looking for', required: true }, { key: 'country', label: 'Country' }],
      stageId: contacted.id,
    });
    const events = collectEvents();

    const { hidden } = await openPage(form.publicId, '?utm_source=google&utm_medium=cpc&utm_campaign=spring&utm_term=beach+house&utm_content=ad-1&fbclid=zzz', {
      referer: 'https://www.google.com/',
    });
    expect(hidden).toMatchObject({ utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'spring', utm_term: 'beach house', utm_content: 'ad-1', _ref: 'https://www.google.com/' });
    t.advanceClock(8_000);
    const answers = { fullName: 'Ana Maria Lima', email: 'Ana@Example.com', phone: '(11) 98765-4321', [`custom.${budget.key}`]: '1.500,50', [`custom.${kind.key}`]: 'flat', country: 'BR' };
    const res = await postForm(form.publicId, { ...hidden, ...answers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain('Thank you! We received your details');
    expect(res.body).toContain('role="status"');

    const rows = await leadRows();
    expect(rows).toHaveLength(1);
    const lead = (await owner.get(`/api/v1/leads/${rows[0]!.id}`)).json();
    expect(lead).toMatchObject({
      firstName: 'Ana',
      lastName: 'Maria Lima',
      emails: ['ana@example.com'],
      origin: 'web_form',
      source: 'Website',
      campaign: 'spring',
      country: 'BR',
      tags: ['web'],
      owner: null,
      custom: { [budget.key]: 1500.5, [kind.key]: 'flat' },
      stage: { id: contacted.id },
    });
    expect(lead.phones[0]).toMatchObject({ raw: '(11) 98765-4321', e164: '+5511987654321' });

    const timeline = (await owner.get(`/api/v1/leads/${lead.id}/timeline`)).json().items as { type: string; data: Record<string, unknown> }[];
    expect(timeline[0]).toMatchObject({
      type: 'created',
      data: {
        origin: 'web_form',
        formName: 'Website contact',
        utmSource: 'google',
        utmMedium: 'cpc',
        utmCampaign: 'spring',
        utmTerm: 'beach house',
        utmContent: 'ad-1',
        pageUrl: expect.stringContaining(`/f/${form.publicId}?utm_source=google`),
        referrer: 'https://www.google.com/',
        formAnswers: { 'Your name': 'Ana Maria Lima', Email: 'ana@example.com', 'Looking for': 'Flat', Budget: '1500.5', Country: 'BR', Phone: '(11) 98765-4321' },
      },
    });
    const submissions = (await owner.get(`/api/v1/leads/${lead.id}/web-form-submissions`)).json().submissions;
    expect(submissions).toEqual([
      expect.objectContaining({ formId: form.id, formName: 'Website contact', leadId: lead.id, outcome: 'created', utmSource: 'google', utmCampaign: 'spring', referrer: 'https://www.google.com/' }),
    ]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'lead.created', workspaceId, data: expect.objectContaining({ leadId: lead.id, ownerId: null, origin: 'web_form' }) }));

    // The same served page sent again (double click, back and resend), even all at once, changes nothing.
    const again = await Promise.all(Array.from({ length: 4 }, () => postForm(form.publicId, { ...hidden, ...answers })));
    expect(again.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
    expect(await leadRows()).toHaveLength(1);
    const stats = (await owner.get(`/api/v1/web-forms/${form.id}`)).json();
    expect(stats.submissionCount).toBe(1);
    expect(stats.lastSubmissionAt).not.toBeNull();
    const listed = (await owner.get(`/api/v1/web-forms/${form.id}/submissions`)).json();
    expect(listed.submissions).toHaveLength(1);
    expect(listed.nextCursor).toBeNull();
  });

  it('sends a known phone or email to the existing lead as came back, keeping its owner', async () => {
    const agent = await addMember(t, owner, 'al@example.com', 'agent');
    const existing = (await owner.post('/api/v1/leads', { firstName: 'Eva', emails: ['eva@example.com'], phones: [{ raw: '+1 202 555 0123' }], ownerId: agent.userId })).json();
    const form = await createForm(owner, { ...CONTACT_FORM, minSecondsToSubmit: 0 });
    const events = collectEvents();

    const byEmail = await postJson(form.publicId, { fullName: 'Eva Again', email: 'EVA@example.com' });
    expect(byEmail.statusCode, byEmail.body).toBe(200);
    expect(byEmail.json()).toEqual({ ok: true, message: 'Thank you! We received your details and will be in touch soon.', redirectUrl: null });
    const byPhone = await postJson(form.publicId, { fullName: 'Eva Third', email: 'other@example.com', phone: '(202) 555-0123' });
    expect(byPhone.statusCode).toBe(200);

    expect((await leadRows()).map((r) => r.id)).toEqual([existing.id]);
    const timeline = (await owner.get(`/api/v1/leads/${existing.id}/timeline`)).json().items as { type: string; data: Record<string, unknown> }[];
    expect(timeline.filter((i) => i.type === 'came_back')).toHaveLength(2);
    expect((await owner.get(`/api/v1/leads/${existing.id}`)).json().owner.id).toBe(agent.userId);
    const submissions = (await agent.client.get(`/api/v1/leads/${existing.id}/web-form-submissions`)).json().submissions;
    expect(submissions.map((s: { outcome: string }) => s.outcome)).toEqual(['came_back', 'came_back']);
    expect(events.filter((e) => e.type === 'lead.updated' && e.data.cameBack === true)).toHaveLength(2);
  });

  it('names every wrong field, in JSON and on the page again with what was typed, and makes no lead', async () => {
    const kind = (await owner.post('/api/v1/custom-fields', { label: 'Property type', type: 'select', options: [{ value: 'house', label: 'House' }] })).json();
    const form = await createForm(owner, {
      ...CONTACT_FORM,
      fields: [...CONTACT_FORM.fields, { key: `custom.${kind.key}`, label: 'Looking for' }],
      consentText: 'I agree to be contacted.',
      minSecondsToSubmit: 0,
    });

    const json = await postJson(form.publicId, { fullName: '', email: 'not-an-email', phone: '12', [`custom.${kind.key}`]: 'castle' });
    expect(json.statusCode).toBe(400);
    expect(json.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'fullName' });
    expect(json.json().error.issues).toEqual([
      { field: 'fullName', message: 'Your name is required' },
      { field: 'email', message: 'Enter a valid email address' },
      { field: 'phone', message: expect.stringContaining('Enter a valid phone number') },
      { field: `custom.${kind.key}`, message: 'Choose one of the options' },
      { field: 'consent', message: 'Please tick the box to continue' },
    ]);

    const { hidden } = await openPage(form.publicId, '?utm_source=news');
    const page = await postForm(form.publicId, { ...hidden, fullName: 'Rui <b>Costa</b>', email: 'rui@', consent: 'on' });
    expect(page.statusCode).toBe(400);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('role="alert"');
    expect(page.body).toContain('<a href="#f-email">Email: Enter a valid email address</a>');
    expect(page.body).toMatch(/id="f-email" name="email" value="rui@"[^>]*aria-invalid="true" aria-describedby="f-email-error"/);
    expect(page.body).toContain('<p class="error" id="f-email-error">Enter a valid email address</p>');
    expect(page.body).toContain('value="Rui &lt;b&gt;Costa&lt;/b&gt;"');
    expect(page.body).not.toContain('<b>Costa</b>');
    expect(page.body).toMatch(/id="f-consent" name="consent" value="on" required aria-required="true" checked/);
    // The page served again keeps its token and attribution, so the time check and the UTM tags carry over.
    expect(page.body).toContain(`name="_token" value="${hidden._token}"`);
    expect(page.body).toContain('name="utm_source" value="news"');

    expect(await leadRows()).toEqual([]);
    expect((await owner.get(`/api/v1/web-forms/${form.id}`)).json().submissionCount).toBe(0);
    expect((await webFormLog()).map((e) => [e.status, e.error])).toEqual([
      [400, 'Website contact: invalid: email'],
      [400, `Website contact: invalid: fullName, email, phone, custom.${kind.key}, consent`],
    ]);
  });
});

describe('spam protection', () => {
  it('a filled honeypot gets an ordinary thank-you, makes no lead and is logged', async () => {
    const form = await createForm(owner);
    const { hidden } = await openPage(form.publicId);
    t.advanceClock(10_000);
    const html = await postForm(form.publicId, { ...hidden, fullName: 'Bot', email: 'bot@example.com', website: 'http://cheap-pills.example' });
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain('Thank you! We received your details');
    const json = await postJson(form.publicId, { ...hidden, fullName: 'Bot', email: 'bot@example.com', website: 'x' });
    expect(json.json()).toEqual({ ok: true, message: 'Thank you! We received your details and will be in touch soon.', redirectUrl: null });
    expect(await leadRows()).toEqual([]);
    expect((await owner.get(`/api/v1/web-forms/${form.id}`)).json().submissionCount).toBe(0);
    const log = await webFormLog();
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({ status: 200, error: 'Website contact: spam: the hidden honeypot field was filled', url: `http://localhost:3000/f/${form.publicId}` });
  });

  it('a submission sooner than the minimum time, or without a genuine token, is spam; a patient visitor gets through', async () => {
    const form = await createForm(owner, { ...CONTACT_FORM, minSecondsToSubmit: 5 });
    const answers = { fullName: 'Quick Quinn', email: 'quinn@example.com' };
    const { hidden } = await openPage(form.publicId);

    // A person who hurries past an empty required field is told so, not thanked.
    const hurried = await postForm(form.publicId, { ...hidden, fullName: 'Quick Quinn' });
    expect(hurried.statusCode).toBe(400);
    expect(hurried.body).toContain('Email is required');
    t.advanceClock(2_000);
    expect((await postForm(form.publicId, { ...hidden, ...answers })).statusCode).toBe(200);
    const token = hidden._token!;
    const forged = `${token.slice(0, -10)}${token.at(-10) === 'A' ? 'B' : 'A'}${token.slice(-9)}`;
    expect((await postForm(form.publicId, { ...hidden, _token: forged, ...answers })).statusCode).toBe(200);
    expect((await postJson(form.publicId, answers)).statusCode).toBe(200);
    const other = await createForm(owner, { ...CONTACT_FORM, name: 'Other form' });
    const otherToken = (await openPage(other.publicId)).hidden._token!;
    t.advanceClock(10_000);
    // A token of another form does not open this one.
    expect((await postForm(form.publicId, { ...hidden, _token: otherToken, ...answers })).statusCode).toBe(200);
    expect(await leadRows()).toEqual([]);
    expect((await webFormLog()).map((e) => e.error)).toEqual([
      'Website contact: spam: no valid form token (the page was not loaded, or the token was altered)',
      'Website contact: spam: no valid form token (the page was not loaded, or the token was altered)',
      'Website contact: spam: no valid form token (the page was not loaded, or the token was altered)',
      // The test clock moves on with real time too: 2 s plus however long the requests took on a busy machine.
      expect.stringMatching(/^Website contact: spam: sent [234]\.\d s after the page loaded \(minimum 5 s\)$/),
      'Website contact: invalid: email',
    ]);

    // The first, too-early try did not use the page up: sent again later, it counts.
    expect((await postForm(form.publicId, { ...hidden, ...answers })).statusCode).toBe(200);
    expect(await leadRows()).toHaveLength(1);
  });

  it('refuses the 11th submission in a minute from one address to one form (429), not other addresses or forms, and opens again next minute', async () => {
    const form = await createForm(owner, { ...CONTACT_FORM, minSecondsToSubmit: 0 });
    const other = await createForm(owner, { ...CONTACT_FORM, name: 'Other', minSecondsToSubmit: 0 });
    for (let i = 0; i < 10; i++) {
      const res = await postJson(form.publicId, { fullName: `Person ${i}`, email: `p${i}@example.com` }, '198.51.100.1');
      expect(res.statusCode, res.body).toBe(200);
    }
    const refused = await postJson(form.publicId, { fullName: 'Person 10', email: 'p10@example.com' }, '198.51.100.1');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.json().error.code).toBe('RATE_LIMITED');
    const page = await postForm(form.publicId, { fullName: 'Person 11', email: 'p11@example.com' }, '198.51.100.1');
    expect(page.statusCode).toBe(429);
    expect(page.body).toContain('Too many submissions from your connection');
    expect((await postJson(form.publicId, { fullName: 'Neighbour', email: 'n@example.com' }, '198.51.100.2')).statusCode).toBe(200);
    expect((await postJson(other.publicId, { fullName: 'Elsewhere', email: 'e@example.com' }, '198.51.100.1')).statusCode).toBe(200);
    expect(await leadRows()).toHaveLength(12);
    // One log line per address and window, however long the flood.
    expect((await webFormLog()).filter((e) => e.status === 429)).toHaveLength(1);

    t.advanceClock(61_000);
    expect((await postJson(form.publicId, { fullName: 'Later', email: 'later@example.com' }, '198.51.100.1')).statusCode).toBe(200);
    expect(await leadRows()).toHaveLength(13);

    // Old windows are purged; only hashes of addresses were ever kept.
    const stored = await t.deps.database.query<{ client_key: string }>('SELECT client_key FROM web_form_throttle');
    expect(stored.rows.every((r) => /^[0-9a-f]{64}$/.test(r.client_key))).toBe(true);
    t.advanceClock(2 * 60 * 60 * 1000);
    expect(await createWebFormsRepository(t.deps.database.db).purgeThrottle(new Date(t.deps.now().getTime() - 60 * 60 * 1000))).toBe(3);
  });

  it('a turned-off form shows "not available" and takes nothing', async () => {
    const form = await createForm(owner, { ...CONTACT_FORM, minSecondsToSubmit: 0 });
    await owner.patch(`/api/v1/web-forms/${form.id}`, { active: false });
    const page = await openPage(form.publicId);
    expect(page.res.statusCode).toBe(404);
    expect(page.html).toContain('This form is not available');
    expect(page.html).not.toContain('<form');
    const json = await postJson(form.publicId, { fullName: 'Late', email: 'late@example.com' });
    expect(json.statusCode).toBe(404);
    expect(json.json().error.code).toBe('NOT_FOUND');
    expect((await postForm(form.publicId, { fullName: 'Late', email: 'late@example.com' })).statusCode).toBe(404);
    expect((await postJson('no-such-form', { email: 'x@example.com' })).statusCode).toBe(404);
    expect(await leadRows()).toEqual([]);
    expect((await webFormLog()).map((e) => e.error)).toEqual(['Website contact: rejected: the form is turned off', 'Website contact: rejected: the form is turned off']);
  });
});

describe('after sending, and embedding', () => {
  it('sends browsers to the thank-you address; a framed page passes it to the page around it', async () => {
    const form = await createForm(owner, { ...CONTACT_FORM, minSecondsToSubmit: 0, redirectUrl: 'https://www.example.com/thanks', successMessage: 'Talk soon!' });
    const direct = await postForm(form.publicId, { fullName: 'Ana', email: 'ana@example.com' });
    expect(direct.statusCode).toBe(303);
    expect(direct.headers.location).toBe('https://www.example.com/thanks');

    const { res, hidden } = await openPage(form.publicId, '?embed=1');
    expect(res.headers['content-security-policy']).toContain("form-action 'self' https://www.example.com");
    const framed = await postForm(form.publicId, { ...hidden, fullName: 'Bo', email: 'bo@example.com' });
    expect(framed.statusCode).toBe(200);
    expect(framed.body).toContain('data-redirect="https://www.example.com/thanks"');
    expect(framed.body).toContain('<a href="https://www.example.com/thanks" target="_top">Continue</a>');

    const json = await postJson(form.publicId, { fullName: 'Cy', email: 'cy@example.com' });
    expect(json.json()).toEqual({ ok: true, message: 'Talk soon!', redirectUrl: 'https://www.example.com/thanks' });

    await owner.patch(`/api/v1/web-forms/${form.id}`, { redirectUrl: null });
    const thanked = await postForm(form.publicId, { fullName: 'Di', email: 'di@example.com' });
    expect(thanked.statusCode).toBe(200);
    expect(thanked.body).toContain('<p>Talk soon!</p>');
    expect(await leadRows()).toHaveLength(4);
  });

  it('serves an embed script that any site may load, which frames the form with the page address and UTM tags', async () => {
    const form = await createForm(owner);
    const res = await t.app.inject({ method: 'GET', url: `/f/${form.publicId}/embed.js` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.body).toContain('base="http://localhost:3000",origin="http://localhost:3000"');
    expect(res.body).toContain(`id="${form.publicId}"`);
    expect(res.body).toContain('"utm_source","utm_medium","utm_campaign","utm_term","utm_content"');
    expect(res.body).toContain("p.set('page',window.location.href");
    expect((await t.app.inject({ method: 'GET', url: '/f/nope/embed.js' })).statusCode).toBe(404);
  });

  it('documents the admin and public routes in the OpenAPI spec', async () => {
    const spec = (await t.app.inject({ url: '/api/docs/json' })).json();
    const expected: Record<string, string[]> = {
      '/api/v1/web-forms': ['get', 'post'],
      '/api/v1/web-forms/{id}': ['get', 'patch', 'delete'],
      '/api/v1/web-forms/{id}/submissions': ['get'],
      '/api/v1/leads/{id}/web-form-submissions': ['get'],
      '/f/{publicId}': ['get', 'post'],
      '/f/{publicId}/embed.js': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      for (const method of methods) {
        const op = spec.paths[path]?.[method];
        expect(op, `${method} ${path}`).toBeDefined();
        expect(op.tags.length, `${method} ${path}`).toBeGreaterThan(0);
        expect(op.summary, `${method} ${path}`).toMatch(/\w/);
        expect(Object.keys(op.responses), `${method} ${path}`).toContainEqual(expect.stringMatching(/^20[01]$/));
      }
    }
    expect(Object.keys(spec.paths['/f/{publicId}'].post.requestBody.content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    expect(spec.paths['/f/{publicId}'].get.security).toEqual([]);
    expect(Object.keys(spec.paths['/f/{publicId}'].get.responses['200'].content)).toEqual(['text/html']);
  });
});
