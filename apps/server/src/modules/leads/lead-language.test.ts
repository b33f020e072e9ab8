import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseLanguage } from '@leadflow/shared/language';
import { mapFormAnswers } from '../capture/meta-field-map.ts';
import { addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';

/**
 * A lead's language (ADR 033): read from a code or a name wherever it comes in (API, intake, forms, imports),
 * stored as a tag, and matched by list filters and distribution rules, regional forms included.
 */

/** Sign-ups and invitations through the API: generous on a busy 2-core machine (tests assert no timings). */
const SETUP_TIMEOUT = 180_000;

describe('parseLanguage', () => {
  it('reads codes in any case and separator, and names in several languages, as a tag', () => {
    const cases: [string, string | null | undefined][] = [
      ['es', 'es'],
      ['ES', 'es'],
      ['es_mx', 'es-MX'],
      ['PT-br', 'pt-BR'],
      ['Spanish', 'es'],
      ['Español', 'es'],
      ['espanhol', 'es'],
      ['  inglês ', 'en'],
      ['Portuguese', 'pt'],
      ['Brazilian Portuguese', 'pt-BR'],
      ['português (Brasil)', 'pt-BR'],
      ['Deutsch', 'de'],
      ['fil', 'fil'],
      ['', null],
      ['   ', null],
      ['Klingon', undefined],
      ['zz', undefined],
      ['en-x', undefined],
      ['english please', undefined],
    ];
    for (const [raw, tag] of cases) expect(parseLanguage(raw), raw).toBe(tag);
  });

  it("reads Meta's language questions without set-up, and keeps an answer that names no language as an answer only", () => {
    const known = mapFormAnswers([{ name: 'full_name', values: ['Ana Ruiz'] }, { name: 'preferred_language', values: ['Español'] }], {});
    expect(known.person.language).toBe('es');
    const mapped = mapFormAnswers([{ name: 'which_language_do_you_speak', values: ['pt_BR'] }], { which_language_do_you_speak: 'language' });
    expect(mapped.person.language).toBe('pt-BR');
    const unknown = mapFormAnswers([{ name: 'language', values: ['Sindarin'] }], {});
    expect(unknown.person.language).toBeNull();
    expect(unknown.answers).toEqual({ language: 'Sindarin' });
  });
});

describe('lead language (API and database)', () => {
  let t: TestApp;
  let owner: TestClient;
  let workspaceId: string;
  let wsB: string;
  let agents: { client: TestClient; userId: string }[];

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    workspaceId = o.workspaceId;
    owner.workspaceId = workspaceId;
    agents = [await addMember(t, owner, 'ana@example.com', 'agent'), await addMember(t, owner, 'bruno@example.com', 'agent')];
    wsB = (await owner.post('/api/v1/workspaces', { name: 'Beta Insurance' })).json().id;
    owner.workspaceId = workspaceId;
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t?.close();
  });

  function ownerIn(ws: string): TestClient {
    const c = t.client();
    for (const [k, v] of owner.cookies) c.cookies.set(k, v);
    c.workspaceId = ws;
    return c;
  }
  async function newLead(body: Record<string, unknown>, client = owner) {
    const res = await client.post('/api/v1/leads', { firstName: 'Lead', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; version: number; language: string | null; owner: { id: string } | null };
  }
  async function list(filters: unknown[], extra: Record<string, unknown> = {}, client = owner) {
    const query = encodeURIComponent(JSON.stringify({ filters, ...extra }));
    return client.get(`/api/v1/leads?query=${query}&limit=100`);
  }
  const names = (res: { body: string; json(): { leads?: { firstName: string }[] } }) => {
    expect(res.json().leads, res.body).toBeDefined();
    return res.json().leads!.map((i) => i.firstName).sort();
  };

  it('is set from a code or a name, cleared by an empty value, and a bad value is refused naming the field with nothing written', async () => {
    const lead = await newLead({ firstName: 'Sofía', language: 'Español' });
    expect(lead.language).toBe('es');
    let res = await owner.patch(`/api/v1/leads/${lead.id}`, { version: lead.version, language: 'pt_br' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().language).toBe('pt-BR');
    const version = res.json().version;

    res = await owner.patch(`/api/v1/leads/${lead.id}`, { version, language: 'Klingon' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ field: 'language', message: expect.stringContaining('Not a language') });
    const stored = (await owner.get(`/api/v1/leads/${lead.id}`)).json();
    expect(stored).toMatchObject({ language: 'pt-BR', version });

    res = await owner.post('/api/v1/leads', { firstName: 'Nobody', language: 'x'.repeat(101) });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain('language');

    // The change is on the timeline like any tracked field.
    const timeline = (await owner.get(`/api/v1/leads/${lead.id}/timeline`)).json().items as { type: string; data: Record<string, unknown> }[];
    expect(JSON.stringify(timeline.filter((i) => i.type === 'field_changed'))).toContain('language');

    res = await owner.patch(`/api/v1/leads/${lead.id}`, { version, language: '' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().language).toBeNull();
  });

  it('list filters read names and codes, a language without a region matches its regional forms, and the list sorts by it', async () => {
    await newLead({ firstName: 'F-es', language: 'es' });
    await newLead({ firstName: 'F-esMX', language: 'es-MX' });
    await newLead({ firstName: 'F-pt', language: 'pt-BR' });
    await newLead({ firstName: 'F-none' });
    const only = { field: 'firstName', op: 'starts_with', value: 'F-' };

    expect(names(await list([only, { field: 'language', op: 'eq', value: 'Spanish' }]))).toEqual(['F-es', 'F-esMX']);
    expect(names(await list([only, { field: 'language', op: 'eq', value: 'es_MX' }]))).toEqual(['F-esMX']);
    expect(names(await list([only, { field: 'language', op: 'in', value: ['Português', 'es-MX'] }]))).toEqual(['F-esMX', 'F-pt']);
    // "Not Spanish" includes the leads whose language nobody knows.
    expect(names(await list([only, { field: 'language', op: 'neq', value: 'es' }]))).toEqual(['F-none', 'F-pt']);
    expect(names(await list([only, { field: 'language', op: 'not_in', value: ['pt', 'es'] }]))).toEqual(['F-none']);
    expect(names(await list([only, { field: 'language', op: 'empty' }]))).toEqual(['F-none']);
    expect(names(await list([only, { field: 'language', op: 'not_empty' }]))).toEqual(['F-es', 'F-esMX', 'F-pt']);

    const sorted = (await list([only, { field: 'language', op: 'not_empty' }], { sort: { field: 'language', dir: 'desc' } })).json().leads.map((i: { language: string }) => i.language);
    expect(sorted).toEqual(['pt-BR', 'es-MX', 'es']);

    const bad = await list([only, { field: 'language', op: 'eq', value: 'Klingon' }]);
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('filters.1.value');
    const badOp = await list([{ field: 'language', op: 'contains', value: 'es' }]);
    expect(badOp.statusCode).toBe(400);
    expect(JSON.stringify(badOp.json())).toContain('the language');
  });

  it('is not readable or changeable from another workspace', async () => {
    const lead = await newLead({ firstName: 'Private', language: 'fr' });
    const b = ownerIn(wsB);
    expect((await b.get(`/api/v1/leads/${lead.id}`)).statusCode).toBe(404);
    expect((await b.patch(`/api/v1/leads/${lead.id}`, { version: lead.version, language: 'de' })).statusCode).toBe(404);
    expect(names(await list([{ field: 'language', op: 'eq', value: 'fr' }], {}, b))).toEqual([]);
    expect((await owner.get(`/api/v1/leads/${lead.id}`)).json().language).toBe('fr');
  });

  it('distribution rules match on it (a base language takes its regional forms), for leads made by hand, captured ones and the simulator', async () => {
    const [ana, bruno] = agents;
    const rules = (await owner.get('/api/v1/distribution/rules')).json().rules as { id: string }[];
    for (const r of rules) await owner.delete(`/api/v1/distribution/rules/${r.id}`);
    let res = await owner.post('/api/v1/distribution/rules', {
      name: 'Spanish speakers',
      priority: 10,
      strategy: 'round_robin',
      conditions: [{ field: 'language', op: 'in', value: ['Spanish'] }],
      members: [{ userId: ana!.userId }],
    });
    expect(res.statusCode, res.body).toBe(201);
    res = await owner.post('/api/v1/distribution/rules', { name: 'Everyone else', priority: 20, strategy: 'round_robin', conditions: [], members: [{ userId: bruno!.userId }] });
    expect(res.statusCode, res.body).toBe(201);
    const bad = await owner.post('/api/v1/distribution/rules', { name: 'Bad', priority: 30, strategy: 'round_robin', conditions: [{ field: 'language', op: 'eq', value: 'Elvish' }], members: [{ userId: bruno!.userId }] });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('conditions.0.value');

    expect((await newLead({ firstName: 'Hand', language: 'es-MX' })).owner?.id).toBe(ana!.userId);
    expect((await newLead({ firstName: 'Hand2', language: 'en' })).owner?.id).toBe(bruno!.userId);

    // Captured through the intake API: the same rules, decided before the row is stored (ADR 026).
    const key = (await owner.post('/api/v1/api-keys', { name: 'Site' })).json().key as string;
    const intake = (body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/hooks/intake', headers: { authorization: `Bearer ${key}` }, payload: body });
    res = await intake({ firstName: 'Captured', email: 'captured@example.com', language: 'Espanhol' });
    expect(res.statusCode, res.body).toBe(201);
    const captured = (await owner.get(`/api/v1/leads/${res.json().id}`)).json();
    expect(captured).toMatchObject({ language: 'es', owner: { id: ana!.userId } });
    res = await intake({ firstName: 'Elf', email: 'elf@example.com', language: 'Elvish' });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain('language');

    const sim = await owner.post('/api/v1/distribution/simulate', { language: 'Mexican Spanish' });
    expect(sim.statusCode, sim.body).toBe(200);
    expect(sim.json()).toMatchObject({ rule: { name: 'Spanish speakers' }, agent: { id: ana!.userId } });
    expect((await owner.post('/api/v1/distribution/simulate', { language: 'Elvish' })).statusCode).toBe(400);
  });

  it('a web form answer names the language; one that names none stays only in the answers and the lead is still stored', async () => {
    const form = await owner.post('/api/v1/web-forms', {
      name: 'Contact',
      fields: [
        { key: 'fullName', label: 'Your name', required: true },
        { key: 'email', label: 'Email', required: true },
        { key: 'language', label: 'Preferred language' },
      ],
    });
    expect(form.statusCode, form.body).toBe(201);
    const { publicId } = form.json();
    // As a browser does: the page's hidden inputs back, after a human's pause.
    const submit = async (language: string, email: string) => {
      const page = await t.app.inject({ method: 'GET', url: `/f/${publicId}` });
      expect(page.body).toContain('autocomplete="language"');
      const hidden: Record<string, string> = {};
      for (const m of page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) hidden[m[1]!] = m[2]!.replace(/&amp;/g, '&');
      t.advanceClock(10_000);
      return t.app.inject({
        method: 'POST',
        url: `/f/${publicId}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        payload: new URLSearchParams({ ...hidden, fullName: 'Web Visitor', email, language }).toString(),
      });
    };
    let res = await submit('Deutsch', 'web1@example.com');
    expect(res.statusCode, res.body).toBeLessThan(400);
    res = await submit('Sindarin', 'web2@example.com');
    expect(res.statusCode, res.body).toBeLessThan(400);
    await vi.waitFor(async () => {
      const items = (await list([{ field: 'email', op: 'starts_with', value: 'web' }])).json().leads as { emails: string[]; language: string | null }[];
      expect(items.map((i) => [i.emails[0], i.language]).sort()).toEqual([
        ['web1@example.com', 'de'],
        ['web2@example.com', null],
      ]);
    });
    const unread = (await list([{ field: 'email', op: 'eq', value: 'web2@example.com' }])).json().leads[0];
    expect(JSON.stringify((await owner.get(`/api/v1/leads/${unread.id}/timeline`)).json())).toContain('Sindarin');
  });
});

describe('lead language in imports', () => {
  let t: TestApp;
  let owner: TestClient;

  beforeAll(async () => {
    t = await createTestApp({ JOBS_ENABLED: 'true' });
    await t.deps.jobs.start();
    const o = await setUpOwner(t);
    owner = o.owner;
    owner.workspaceId = o.workspaceId;
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t?.close();
  });

  async function waitForStatus(id: string, status: string) {
    let last: Record<string, unknown> = {};
    await vi.waitFor(
      async () => {
        last = (await owner.get(`/api/v1/imports/${id}`)).json();
        expect(last.status).toBe(status);
      },
      { timeout: 90_000, interval: 100 },
    );
    return last as { summary: Record<string, number> };
  }

  it('suggests the column from its header, reads codes and names, and rejects a row whose language is unknown, naming the column', async () => {
    const boundary = '----leadflow-language-test';
    const csv = ['Nome,Idioma', 'Ana,Spanish', 'Bia,Klingon', 'Cau,pt_BR', 'Duda,'].join('\n');
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="leads.csv"\r\nContent-Type: text/csv\r\n\r\n`),
      Buffer.from(csv),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const up = await owner.post('/api/v1/imports', body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
    expect(up.statusCode, up.body).toBe(201);
    const { id, columns } = up.json() as { id: string; columns: { header: string; suggested: string | null }[] };
    expect(columns.map((c) => [c.header, c.suggested])).toEqual([
      ['Nome', 'name'],
      ['Idioma', 'language'],
    ]);
    const settings = {
      mode: 'create',
      matchOn: null,
      assignment: { kind: 'none' },
      defaults: {},
      dateFormat: 'DMY',
      defaultCountry: 'BR',
      columns: [
        { column: 'Nome', target: 'name' },
        { column: 'Idioma', target: 'language' },
      ],
    };
    expect((await owner.post(`/api/v1/imports/${id}/dry-run`, settings)).statusCode).toBe(202);
    expect((await waitForStatus(id, 'validated')).summary).toMatchObject({ total: 4, create: 3, errors: 1 });
    const errors = (await owner.get(`/api/v1/imports/${id}/errors?limit=10`)).json().errors as { row: number; column: string; value: string; reason: string }[];
    expect(errors.map((e) => [e.row, e.column, e.value])).toEqual([[3, 'Idioma', 'Klingon']]);
    expect(errors[0]!.reason).toMatch(/Unknown language/);

    expect((await owner.post(`/api/v1/imports/${id}/run`, { skipRejected: true })).statusCode).toBe(202);
    await waitForStatus(id, 'done');
    const { rows } = await t.deps.database.query<{ first_name: string; language: string | null }>(
      'SELECT first_name, language FROM leads WHERE deleted_at IS NULL ORDER BY first_name',
    );
    expect(rows.map((r) => [r.first_name, r.language])).toEqual([
      ['Ana', 'es'],
      ['Cau', 'pt-BR'],
      ['Duda', null],
    ]);
  });
});
