import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImportSettings } from '@leadflow/shared/imports';
import { addMember, createTestApp, PASSWORD, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { createImportsService, resumeInterruptedImports } from './imports.service.ts';

let t: TestApp;
let owner: TestClient;
let workspaceId: string;
let ownerId: string;

beforeEach(async () => {
  t = await createTestApp({ JOBS_ENABLED: 'true' });
  await t.deps.jobs.start();
  const o = await setUpOwner(t);
  owner = o.owner;
  workspaceId = o.workspaceId;
  ownerId = o.userId;
  owner.workspaceId = workspaceId;
  // The first app of the file migrates a fresh database, which takes over a minute on a busy 2-core machine.
}, 180_000);

afterEach(async () => {
  await t.close();
});

const BOUNDARY = '----leadflow-import-test';

async function upload(client: TestClient, fileName: string, content: Buffer | string, query = '') {
  const body = Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    typeof content === 'string' ? Buffer.from(content) : content,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
  return client.post(`/api/v1/imports${query}`, body, { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` });
}

async function uploadOk(client: TestClient, fileName: string, content: Buffer | string, query = '') {
  const res = await upload(client, fileName, content, query);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function waitForStatus(client: TestClient, id: string, status: string) {
  let last: Record<string, unknown> = {};
  await vi.waitFor(
    async () => {
      last = (await client.get(`/api/v1/imports/${id}`)).json();
      expect(last.status).toBe(status);
    },
    { timeout: 90_000, interval: 100 },
  );
  return last as { summary: Record<string, number>; progress: Record<string, number | null>; [k: string]: unknown };
}

function settings(over: Partial<ImportSettings> & Pick<ImportSettings, 'columns'>): ImportSettings {
  return { mode: 'create', matchOn: null, assignment: { kind: 'none' }, defaults: {}, dateFormat: 'DMY', defaultCountry: 'BR', ...over };
}

async function dryRun(client: TestClient, id: string, s: ImportSettings) {
  const res = await client.post(`/api/v1/imports/${id}/dry-run`, s);
  expect(res.statusCode, res.body).toBe(202);
  return waitForStatus(client, id, 'validated');
}

async function runToEnd(client: TestClient, id: string, skipRejected = true) {
  const res = await client.post(`/api/v1/imports/${id}/run`, { skipRejected });
  expect(res.statusCode, res.body).toBe(202);
  return waitForStatus(client, id, 'done');
}

async function leadRows() {
  const { rows } = await t.deps.database.query<{ id: string; first_name: string | null; last_name: string | null; emails: string[]; phone_e164: string[]; origin: string; owner_id: string | null; custom: Record<string, unknown>; tags: string[]; company: string | null; version: number }>(
    'SELECT id, first_name, last_name, emails, phone_e164, origin, owner_id, custom, tags, company, version FROM leads WHERE workspace_id = $1 ORDER BY first_name',
    [workspaceId],
  );
  return rows;
}

async function createLead(body: Record<string, unknown>) {
  const res = await owner.post('/api/v1/leads', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const timelineTypes = (res: { json(): { items: { type: string }[] } }) => res.json().items.map((i) => i.type);

const BASIC_COLUMNS: ImportSettings['columns'] = [
  { column: 'Nome', target: 'name' },
  { column: 'E-mail', target: 'email' },
  { column: 'Telefone', target: 'phone' },
  { column: 'Empresa', target: 'company' },
];

describe('upload', () => {
  it('reads a Latin-1 CSV with semicolons and suggests a mapping from the Portuguese headers and the content', async () => {
    const csv = Buffer.from('Nome;E-mail;Telefone;Empresa;Coluna X\r\nJoão Conceição;joao@x.com;(11) 99999-8888;Açaí Ltda;a@b.com\r\nMaria;maria@x.com;11 98888-7777;;c@d.com\r\n', 'latin1');
    const body = await uploadOk(owner, 'contatos.csv', csv);
    expect(body).toMatchObject({ format: 'csv', encoding: 'windows-1252', delimiter: ';', rowCount: 2, status: 'uploaded' });
    expect(body.columns.map((c: { header: string; suggested: string | null; reason: string | null }) => [c.header, c.suggested, c.reason])).toEqual([
      ['Nome', 'name', 'name'],
      ['E-mail', 'email', 'name'],
      ['Telefone', 'phone', 'name'],
      ['Empresa', 'company', 'name'],
      ['Coluna X', 'email', 'content'],
    ]);
    expect(body.columns[0].samples).toEqual(['João Conceição', 'Maria']);
  });

  it('refuses bad files with a clear message naming the file field', async () => {
    const cases: [string, Buffer | string, RegExp][] = [
      ['empty.csv', '', /The file is empty/],
      ['junk.csv', Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 31 + 7) % 256)), /not a text CSV/],
      ['header-only.csv', 'name,email\n', /header row but no data rows/],
      ['quotes.csv', 'name,email\nAna,a@x.com\n"Bob,b@x.com\nCarl,c@x.com\n', /opened on row 3 \(column 1\) is never closed/],
      ['fake.xlsx', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 3)]), /could not be read as an XLSX/],
    ];
    for (const [name, content, message] of cases) {
      const res = await upload(owner, name, content);
      expect(res.statusCode, name).toBe(400);
      expect(res.json().error.field).toBe('file');
      expect(res.json().error.message).toMatch(message);
    }
    expect((await owner.get('/api/v1/imports')).json().imports).toEqual([]);
    const notMultipart = await owner.post('/api/v1/imports', { file: 'x' });
    expect(notMultipart.statusCode).toBe(400);
  });

  it('reads the chosen worksheet of an XLSX', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Notes').addRow(['nothing']);
    const sheet = wb.addWorksheet('Leads');
    sheet.addRow(['First Name', 'Email']);
    sheet.addRow(['Ana', 'ana@x.com']);
    const body = await uploadOk(owner, 'leads.xlsx', Buffer.from(await wb.xlsx.writeBuffer()), '?sheet=Leads');
    expect(body).toMatchObject({ format: 'xlsx', sheet: 'Leads', rowCount: 1 });
    expect(body.columns.map((c: { suggested: string }) => c.suggested)).toEqual(['firstName', 'email']);
  });

  it('needs leads.import, and keeps imports and templates inside their workspace', async () => {
    const body = await uploadOk(owner, 'a.csv', 'Nome,E-mail\nAna,ana@x.com\n');
    const tpl = (await owner.post('/api/v1/import-templates', { name: 'Basic', settings: settings({ columns: BASIC_COLUMNS.slice(0, 2) }) })).json();

    const agent = await addMember(t, owner, 'agent@example.com', 'agent');
    agent.client.workspaceId = workspaceId;
    expect((await agent.client.get('/api/v1/imports')).statusCode).toBe(403);
    expect((await upload(agent.client, 'a.csv', 'a\nb\n')).statusCode).toBe(403);

    const wsB = (await owner.post('/api/v1/workspaces', { name: 'Beta' })).json().id as string;
    const other = t.client();
    for (const [k, v] of owner.cookies) other.cookies.set(k, v);
    other.workspaceId = wsB;
    expect((await other.get('/api/v1/imports')).json().imports).toEqual([]);
    expect((await other.get('/api/v1/import-templates')).json().templates).toEqual([]);
    expect((await other.get(`/api/v1/imports/${body.id}`)).statusCode).toBe(404);
    expect((await other.post(`/api/v1/imports/${body.id}/dry-run`, settings({ columns: BASIC_COLUMNS.slice(0, 2) }))).statusCode).toBe(404);
    expect((await other.post(`/api/v1/imports/${body.id}/run`, {})).statusCode).toBe(404);
    expect((await other.post(`/api/v1/imports/${body.id}/cancel`)).statusCode).toBe(404);
    expect((await other.post(`/api/v1/imports/${body.id}/undo`)).statusCode).toBe(404);
    expect((await other.get(`/api/v1/imports/${body.id}/errors`)).statusCode).toBe(404);
    expect((await other.get(`/api/v1/imports/${body.id}/rejected.csv`)).statusCode).toBe(404);
    expect((await other.delete(`/api/v1/import-templates/${tpl.id}`)).statusCode).toBe(404);
    expect((await owner.get('/api/v1/import-templates')).json().templates).toHaveLength(1);
  });
});

describe('dry run and create mode', () => {
  it('a dry run interrupted by an upgrade finishes with rows an older version saved as valid; its rejected rows skip not-found ones while it runs', async () => {
    await createLead({ firstName: 'Known', emails: ['known@x.com'] });
    const up = await uploadOk(owner, 'upgrade.csv', 'Nome,E-mail\nKnown,known@x.com\nNew,new@x.com\nBad,nope\n');
    const s = settings({ columns: BASIC_COLUMNS.filter((c) => ['Nome', 'E-mail'].includes(c.column)), mode: 'update', matchOn: 'email' });
    await dryRun(owner, up.id, s);
    // As an older version left it mid-dry-run: valid rows waiting as 'valid', the import still validating.
    await t.deps.database.query("UPDATE import_rows SET status = 'valid' WHERE import_id = $1 AND status <> 'error'", [up.id]);
    await t.deps.database.query("UPDATE imports SET status = 'validating', summary = '{}' WHERE id = $1", [up.id]);
    await t.deps.database.query("UPDATE import_rows SET status = 'not_found' WHERE import_id = $1 AND row_no = 3", [up.id]);
    const during = (await owner.get(`/api/v1/imports/${up.id}/rejected.csv`)).body;
    expect(during).toContain('nope');
    expect(during).not.toContain('No lead with this key');
    await createImportsService(t.deps).validateRows(up.id);
    const after = (await owner.get(`/api/v1/imports/${up.id}`)).json();
    expect(after).toMatchObject({ status: 'validated', summary: { total: 3, update: 1, notFound: 1, errors: 1 } });
    expect((await owner.get(`/api/v1/imports/${up.id}/rejected.csv`)).body).toContain('No lead with this key to update');
  });

  it('counts creates, duplicates in the file and of existing leads, and errors with row, column, value and reason', async () => {
    await createLead({ firstName: 'Existing', emails: ['old@x.com'] });
    const long = 'y'.repeat(40_000);
    const csv = [
      'Nome,E-mail,Telefone,Empresa',
      'Ana Lima,ana@x.com,(11) 99999-8888,Acme', // 2 create
      'Bia,BIA@x.com,,', // 3 create
      'Ana Again,ana@x.com,,', // 4 duplicate of row 2
      'Old Person,old@x.com,,', // 5 existing
      '=HYPERLINK("http://evil.example"),eve@x.com,,', // 6 formula
      'Carl,not-an-email,,', // 7 bad email
      `Dan,dan@x.com,,"${long}"`, // 8 cell too long
      'Eve,eve2@x.com,,Co,extra,values', // 9 longer than header
      'Fay,fay@x.com,12,', // 10 bad phone
      ',,,', // 11 nothing to identify
    ].join('\n');
    const up = await uploadOk(owner, 'leads.csv', csv);
    expect(up.rowCount).toBe(10);
    const s = settings({ columns: BASIC_COLUMNS, matchOn: 'email' });
    const validated = await dryRun(owner, up.id, s);
    expect(validated.summary).toEqual({ total: 10, create: 2, update: 0, duplicateInFile: 1, existing: 1, notFound: 0, errors: 6 });

    const errors = (await owner.get(`/api/v1/imports/${up.id}/errors?limit=100`)).json().errors;
    expect(errors.map((e: { row: number; column: string | null; reason: string }) => [e.row, e.column, e.reason.slice(0, 30)])).toEqual([
      [6, 'Nome', 'Starts like a spreadsheet form'],
      [7, 'E-mail', 'Not a valid email address'],
      [8, 'Empresa', 'A value longer than 32768 chara'.slice(0, 30)],
      [9, null, 'The row has 6 values but the h'],
      [10, 'Telefone', 'Not a valid phone number for B'],
      [11, null, 'The row has no name, company, '],
    ]);
    expect(errors[0].value).toBe('=HYPERLINK("http://evil.example")');
    const page = (await owner.get(`/api/v1/imports/${up.id}/errors?limit=2`)).json();
    expect(page.errors.map((e: { row: number }) => e.row)).toEqual([6, 7]);
    expect(page.nextCursor).toBe(7);

    const rejected = await owner.get(`/api/v1/imports/${up.id}/rejected.csv`);
    expect(rejected.headers['content-type']).toContain('text/csv');
    const lines = rejected.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Nome,E-mail,Telefone,Empresa,Row,Reason');
    expect(lines).toHaveLength(9);
    expect(lines[1]).toBe('Ana Again,ana@x.com,,,4,Duplicate of an earlier row in the file');
    expect(lines[2]).toBe('Old Person,old@x.com,,,5,A lead with this key already exists');
    // The formula is neutralised for whoever opens the file in a spreadsheet.
    expect(lines[3]).toMatch(/^"'=HYPERLINK\(""http:\/\/evil.example""\)",eve@x.com,,,6,/);

    const refused = await owner.post(`/api/v1/imports/${up.id}/run`, {});
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.field).toBe('skipRejected');

    const done = await runToEnd(owner, up.id);
    expect(done.progress).toMatchObject({ rowsDone: 2, rowsTotal: 2, created: 2, updated: 0 });
    const leads = await leadRows();
    expect(leads.map((l) => [l.first_name, l.last_name, l.emails, l.origin])).toEqual([
      ['Ana', 'Lima', ['ana@x.com'], 'import'],
      ['Bia', null, ['bia@x.com'], 'import'],
      ['Existing', null, ['old@x.com'], 'manual'],
    ]);
    const ana = leads[0]!;
    expect(ana.phone_e164).toEqual(['+5511999998888']);
    const timeline = (await owner.get(`/api/v1/leads/${ana.id}/timeline`)).json().items;
    expect(timeline[0]).toMatchObject({ type: 'imported', data: { importId: up.id, fileName: 'leads.csv', row: 2, action: 'created' } });
    const { rows: audit } = await t.deps.database.query<{ action: string }>("SELECT action FROM audit_log WHERE entity_type = 'import' ORDER BY created_at", []);
    expect(audit.map((a) => a.action)).toEqual(['import.upload', 'import.run']);
    // A finished import cannot run or be validated again.
    expect((await owner.post(`/api/v1/imports/${up.id}/run`, { skipRejected: true })).statusCode).toBe(409);
    expect((await owner.post(`/api/v1/imports/${up.id}/dry-run`, s)).statusCode).toBe(409);
  });

  it('validates the mapping itself: unknown columns and fields, a match field without a column, members and stages', async () => {
    const up = await uploadOk(owner, 'a.csv', 'Nome,E-mail\nAna,ana@x.com\n');
    const bad: [Partial<ImportSettings>, string][] = [
      [{ columns: [{ column: 'Nope', target: 'name' }] }, 'settings.columns.0.column'],
      [{ columns: [{ column: 'Nome', target: 'custom.nothing' }] }, 'settings.columns.0.target'],
      [{ columns: [{ column: 'Nome', target: 'name' }], mode: 'upsert', matchOn: 'email' }, 'settings.matchOn'],
      [{ columns: [{ column: 'Nome', target: 'name' }], assignment: { kind: 'user', userId: '00000000-0000-4000-8000-000000000000' } }, 'settings.assignment.userId'],
      [{ columns: [{ column: 'Nome', target: 'name' }], defaults: { stageId: '00000000-0000-4000-8000-000000000000' } }, 'settings.defaults.stageId'],
    ];
    for (const [over, field] of bad) {
      const res = await owner.post(`/api/v1/imports/${up.id}/dry-run`, settings({ columns: [], ...over }));
      expect(res.statusCode, field).toBe(400);
      expect(res.json().error.field).toBe(field);
    }
    const noMatch = await owner.post(`/api/v1/imports/${up.id}/dry-run`, { ...settings({ columns: BASIC_COLUMNS.slice(0, 2) }), mode: 'update' });
    expect(noMatch.statusCode).toBe(400);
    expect(JSON.stringify(noMatch.json())).toContain('matchOn');
  });
});

describe('update and update-or-create', () => {
  it('update mode changes matched leads only, merges phones and tags, and undo restores them', async () => {
    const a = await createLead({ firstName: 'Ana', company: 'Old Co', emails: ['ana@x.com'], phones: [{ raw: '+55 11 97777-6666' }], tags: ['vip'] });
    const csv = 'Email,Company,Phone,Tags\nANA@x.com,New Co,(11) 99999-8888,imported\nnobody@x.com,X,,\n';
    const up = await uploadOk(owner, 'u.csv', csv);
    const s = settings({
      columns: [
        { column: 'Email', target: 'email' },
        { column: 'Company', target: 'company' },
        { column: 'Phone', target: 'phone' },
        { column: 'Tags', target: 'tags' },
      ],
      mode: 'update',
      matchOn: 'email',
    });
    expect((await dryRun(owner, up.id, s)).summary).toMatchObject({ create: 0, update: 1, notFound: 1, errors: 0 });
    const done = await runToEnd(owner, up.id, false);
    expect(done.progress).toMatchObject({ created: 0, updated: 1 });
    let lead = (await owner.get(`/api/v1/leads/${a.id}`)).json();
    expect(lead.company).toBe('New Co');
    expect(lead.phones.map((p: { e164: string }) => p.e164)).toEqual(['+5511977776666', '+5511999998888']);
    expect(lead.tags).toEqual(['vip', 'imported']);
    expect(lead.version).toBe(2);
    const timeline = (await owner.get(`/api/v1/leads/${a.id}/timeline`)).json().items;
    expect(timeline[0]).toMatchObject({ type: 'imported', data: { action: 'updated', fields: expect.arrayContaining(['company', 'phones', 'tags']) } });
    expect((await leadRows()).length).toBe(1);

    expect((await owner.post(`/api/v1/imports/${up.id}/undo`)).statusCode).toBe(202);
    await waitForStatus(owner, up.id, 'undone');
    lead = (await owner.get(`/api/v1/leads/${a.id}`)).json();
    expect(lead.company).toBe('Old Co');
    expect(lead.phones.map((p: { e164: string }) => p.e164)).toEqual(['+5511977776666']);
    expect(lead.tags).toEqual(['vip']);
    // The derived search and duplicate-detection columns are restored too.
    const { rows: derived } = await t.deps.database.query<{ phone_search: string; phone_e164: string[]; version: number }>('SELECT phone_search, phone_e164, version FROM leads WHERE id = $1', [a.id]);
    expect(derived).toEqual([{ phone_search: '5511977776666 11977776666', phone_e164: ['+5511977776666'], version: 3 }]);
    expect(timelineTypes(await owner.get(`/api/v1/leads/${a.id}/timeline`))).toEqual(['import_undone', 'imported', 'created']);
    expect((await owner.post(`/api/v1/imports/${up.id}/undo`)).statusCode).toBe(409);
  });

  it('update-or-create on phone: any format of a known number updates, new numbers create; undo deletes only what it created', async () => {
    const b = await createLead({ firstName: 'Bruno', phones: [{ raw: '+55 21 98888-7777' }] });
    const csv = 'Nome,Telefone,Cidade\nBruno Souza,(21) 98888-7777,Rio\nCarla,11 96666-5555,SP\nCarla Dup,+55 11 96666-5555,SP\n';
    const up = await uploadOk(owner, 'p.csv', csv);
    const s = settings({
      columns: [
        { column: 'Nome', target: 'name' },
        { column: 'Telefone', target: 'phone' },
        { column: 'Cidade', target: 'city' },
      ],
      mode: 'upsert',
      matchOn: 'phone',
    });
    expect((await dryRun(owner, up.id, s)).summary).toMatchObject({ create: 1, update: 1, duplicateInFile: 1 });
    await runToEnd(owner, up.id);
    const leads = await leadRows();
    expect(leads.map((l) => [l.first_name, l.last_name, l.phone_e164])).toEqual([
      ['Bruno', 'Souza', ['+5521988887777']],
      ['Carla', null, ['+5511966665555']],
    ]);
    const bruno = (await owner.get(`/api/v1/leads/${b.id}`)).json();
    expect(bruno.city).toBe('Rio');

    // After 30 days the import can no longer be undone.
    t.advanceClock(31 * 86_400_000);
    // Sessions end too over a month: sign in again.
    expect((await owner.post('/api/v1/auth/login', { email: 'owner@example.com', password: PASSWORD })).statusCode).toBe(200);
    const late = await owner.post(`/api/v1/imports/${up.id}/undo`);
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toMatch(/30 days/);
    t.advanceClock(-31 * 86_400_000);
    expect((await owner.post('/api/v1/auth/login', { email: 'owner@example.com', password: PASSWORD })).statusCode).toBe(200);

    expect((await owner.post(`/api/v1/imports/${up.id}/undo`)).statusCode).toBe(202);
    await waitForStatus(owner, up.id, 'undone');
    const after = await leadRows();
    expect(after.map((l) => [l.first_name, l.last_name])).toEqual([['Bruno', null]]);
    expect((await owner.get(`/api/v1/leads/${b.id}`)).json().city).toBeNull();
  });

  it('matches on a chosen custom field and on external ids', async () => {
    const field = await owner.post('/api/v1/custom-fields', { label: 'CPF', type: 'text' });
    expect(field.statusCode, field.body).toBe(201);
    const key = field.json().key as string;
    await createLead({ firstName: 'Dora', custom: { [key]: '123' } });
    const up = await uploadOk(owner, 'c.csv', 'CPF,Nome,ID\n123,Dora Dias,ext-1\n456,Edu,ext-2\n');
    const s = settings({
      columns: [
        { column: 'CPF', target: `custom.${key}` },
        { column: 'Nome', target: 'name' },
        { column: 'ID', target: 'externalId' },
      ],
      mode: 'upsert',
      matchOn: `custom.${key}`,
    });
    expect((await dryRun(owner, up.id, s)).summary).toMatchObject({ create: 1, update: 1 });
    await runToEnd(owner, up.id);
    expect((await leadRows()).map((l) => [l.first_name, l.last_name, l.custom[key]])).toEqual([
      ['Dora', 'Dias', '123'],
      ['Edu', null, '456'],
    ]);

    // A second file matched on external id updates the lead the first one created.
    const up2 = await uploadOk(owner, 'd.csv', 'ID,Empresa\next-2,Edu SA\next-9,New\n');
    const s2 = settings({ columns: [{ column: 'ID', target: 'externalId' }, { column: 'Empresa', target: 'company' }], mode: 'upsert', matchOn: 'externalId' });
    expect((await dryRun(owner, up2.id, s2)).summary).toMatchObject({ create: 1, update: 1 });
    await runToEnd(owner, up2.id);
    expect((await leadRows()).map((l) => l.company).sort()).toEqual(['Edu SA', 'New', null]);
  });
});

describe('assignment', () => {
  it('takes the owner column by email or name, or gives every new lead to one user, or to distribution', async () => {
    const agent = await addMember(t, owner, 'agent@example.com', 'agent');
    const up = await uploadOk(owner, 'o.csv', 'Nome,Dono\nAna,agent@example.com\nBia,Olivia Owner\nCid,ghost@x.com\n');
    const s = settings({ columns: [{ column: 'Nome', target: 'name' }, { column: 'Dono', target: 'owner' }], assignment: { kind: 'column' } });
    const v = await dryRun(owner, up.id, s);
    expect(v.summary).toMatchObject({ create: 2, errors: 1 });
    expect((await owner.get(`/api/v1/imports/${up.id}/errors`)).json().errors).toEqual([{ row: 4, column: 'Dono', value: 'ghost@x.com', reason: 'No active member with this email or name' }]);
    await runToEnd(owner, up.id);
    expect((await leadRows()).map((l) => [l.first_name, l.owner_id])).toEqual([
      ['Ana', agent.userId],
      ['Bia', ownerId],
    ]);

    const up2 = await uploadOk(owner, 'u.csv', 'Nome\nDan\nEva\n');
    await dryRun(owner, up2.id, settings({ columns: [{ column: 'Nome', target: 'name' }], assignment: { kind: 'user', userId: agent.userId } }));
    await runToEnd(owner, up2.id);
    expect((await leadRows()).filter((l) => ['Dan', 'Eva'].includes(l.first_name!)).map((l) => l.owner_id)).toEqual([agent.userId, agent.userId]);

    const rule = await owner.post('/api/v1/distribution/rules', {
      name: 'Everyone to the agent',
      priority: 10,
      conditions: [],
      strategy: 'round_robin',
      members: [{ userId: agent.userId }],
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const up3 = await uploadOk(owner, 'd.csv', 'Nome\nFabio\n');
    await dryRun(owner, up3.id, settings({ columns: [{ column: 'Nome', target: 'name' }], assignment: { kind: 'distribution' } }));
    await runToEnd(owner, up3.id);
    const fabio = (await leadRows()).find((l) => l.first_name === 'Fabio')!;
    expect(fabio.owner_id).toBe(agent.userId);
    const { rows } = await t.deps.database.query<{ reason: string }>('SELECT reason FROM assignments WHERE lead_id = $1', [fabio.id]);
    expect(rows.map((r) => r.reason)).toEqual(['rule']);
  });
});

describe('assignment across batches', () => {
  it('distribution over batches written together keeps round-robin in file order, one record per lead', async () => {
    const a = await addMember(t, owner, 'a@example.com', 'agent');
    const b = await addMember(t, owner, 'b@example.com', 'agent');
    const rule = await owner.post('/api/v1/distribution/rules', {
      name: 'Round robin',
      priority: 10,
      conditions: [],
      strategy: 'round_robin',
      members: [{ userId: a.userId }, { userId: b.userId }],
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const names = Array.from({ length: 9 }, (_, i) => `L${i}`);
    const up = await uploadOk(owner, 'rr.csv', `Nome\n${names.join('\n')}\n`);
    await dryRun(owner, up.id, settings({ columns: [{ column: 'Nome', target: 'name' }], assignment: { kind: 'distribution' } }));
    await t.deps.database.query("UPDATE imports SET status = 'running', started_at = now() WHERE id = $1", [up.id]);
    await createImportsService(t.deps).runImport(up.id, { batchSize: 2 });
    const { rows } = await t.deps.database.query<{ first_name: string; owner_id: string; records: number }>(
      `SELECT l.first_name, l.owner_id, (SELECT count(*)::int FROM assignments s WHERE s.lead_id = l.id) AS records
         FROM leads l WHERE l.workspace_id = $1 ORDER BY l.first_name`,
      [workspaceId],
    );
    expect(rows.map((r) => r.first_name)).toEqual(names);
    expect(rows.every((r) => r.records === 1)).toBe(true);
    const first = rows[0]!.owner_id;
    const second = first === a.userId ? b.userId : a.userId;
    expect(rows.map((r) => r.owner_id)).toEqual(names.map((_, i) => (i % 2 === 0 ? first : second)));

    // A few leads per batch: one notification each. Many (over ten to one agent in a batch): one with the count.
    type Item = { type: string; data: Record<string, unknown> };
    const items = async (c: typeof a.client): Promise<Item[]> => (await c.get('/api/v1/notifications?limit=50')).json().items;
    const mine = rows.filter((r) => r.owner_id === a.userId).length;
    await vi.waitFor(async () => expect(await items(a.client)).toHaveLength(mine), { timeout: 10_000 });
    expect((await items(a.client)).every((i) => i.type === 'lead_assigned' && typeof i.data.leadName === 'string')).toBe(true);
    const many = Array.from({ length: 30 }, (_, i) => `M${i}`);
    const up2 = await uploadOk(owner, 'many.csv', `Nome\n${many.join('\n')}\n`);
    await dryRun(owner, up2.id, settings({ columns: [{ column: 'Nome', target: 'name' }], assignment: { kind: 'distribution' } }));
    await runToEnd(owner, up2.id);
    await vi.waitFor(async () => expect(await items(a.client)).toHaveLength(mine + 1), { timeout: 10_000 });
    expect((await items(a.client))[0]).toMatchObject({ type: 'lead_assigned', data: { count: 15, actorName: 'Olivia Owner' } });
  });
});

describe('background run: crash, resume, cancel', () => {
  const N = 23;
  const csv = ['Nome,E-mail', ...Array.from({ length: N }, (_, i) => `Lead ${String(i).padStart(2, '0')},l${i}@x.com`), 'Lead 05 again,l5@x.com'].join('\n');

  /** Validated through the API, then marked running without a job, so the test drives the worker itself. */
  async function runningImport() {
    const up = await uploadOk(owner, 'big.csv', csv);
    await dryRun(owner, up.id, settings({ columns: BASIC_COLUMNS.slice(0, 2), mode: 'upsert', matchOn: 'email' }));
    await t.deps.database.query("UPDATE imports SET status = 'running', started_at = now() WHERE id = $1", [up.id]);
    return up.id as string;
  }

  async function countAndDuplicates() {
    const { rows } = await t.deps.database.query<{ n: number; distinct_emails: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT emails[1])::int AS distinct_emails FROM leads WHERE workspace_id = $1',
      [workspaceId],
    );
    return rows[0]!;
  }

  it('an upload a stopped process left half-read is removed with its rows after an hour; a fresh one stays', async () => {
    const old = await uploadOk(owner, 'old.csv', 'Nome,E-mail\nAna,ana@x.com\n');
    const fresh = await uploadOk(owner, 'fresh.csv', 'Nome,E-mail\nBia,bia@x.com\n');
    const now = t.deps.now().getTime();
    await t.deps.database.query("UPDATE imports SET status = 'uploading', created_at = $2 WHERE id = $1", [old.id, new Date(now - 61 * 60_000)]);
    await t.deps.database.query("UPDATE imports SET status = 'uploading', created_at = $2 WHERE id = $1", [fresh.id, new Date(now - 30 * 60_000)]);
    expect(await createImportsService(t.deps).tidy()).toBe(1);
    expect((await owner.get(`/api/v1/imports/${old.id}`)).statusCode).toBe(404);
    expect((await owner.get(`/api/v1/imports/${fresh.id}`)).json()).toMatchObject({ status: 'uploading' });
    const { rows } = await t.deps.database.query<{ import_id: string }>('SELECT DISTINCT import_id FROM import_rows WHERE import_id = ANY($1::uuid[])', [[old.id, fresh.id]]);
    expect(rows.map((r) => r.import_id)).toEqual([fresh.id]);
  });

  it('resumes after a crash between batches and after a failure inside one: same final count, no duplicates', async () => {
    const id = await runningImport();
    const worker = createImportsService(t.deps);
    await worker.runImport(id, { batchSize: 5, haltAfterBatches: 2 });
    expect(await countAndDuplicates()).toEqual({ n: 10, distinct_emails: 10 });
    let row = (await owner.get(`/api/v1/imports/${id}`)).json();
    expect(row).toMatchObject({ status: 'running', progress: { rowsDone: 10, rowsTotal: N, created: 10 } });
    expect(row.progress.etaSeconds).not.toBeNull();

    // The third batch fails before its commit: none of its leads, changes or timeline entries stay.
    await expect(worker.runImport(id, { batchSize: 5, failInBatch: 1 })).rejects.toThrow('Simulated failure');
    expect(await countAndDuplicates()).toEqual({ n: 10, distinct_emails: 10 });
    const { rows: changes } = await t.deps.database.query<{ n: number }>('SELECT count(*)::int AS n FROM import_changes WHERE import_id = $1', [id]);
    expect(changes[0]!.n).toBe(10);

    // A restarted instance sends the job again; the worker carries on from the checkpoint.
    expect(await resumeInterruptedImports(t.deps, worker)).toBe(1);
    row = await waitForStatus(owner, id, 'done');
    expect(row.progress).toMatchObject({ rowsDone: N, created: N });
    expect(await countAndDuplicates()).toEqual({ n: N, distinct_emails: N });
    const { rows: acts } = await t.deps.database.query<{ n: number }>("SELECT count(*)::int AS n FROM activities WHERE type = 'imported' AND workspace_id = $1", [workspaceId]);
    expect(acts[0]!.n).toBe(N);
  });

  it('two workers on one import never do a batch twice', async () => {
    const id = await runningImport();
    const a = createImportsService(t.deps);
    const b = createImportsService(t.deps);
    await Promise.all([a.runImport(id, { batchSize: 3 }), b.runImport(id, { batchSize: 4 })]);
    expect(await countAndDuplicates()).toEqual({ n: N, distinct_emails: N });
    expect((await owner.get(`/api/v1/imports/${id}`)).json()).toMatchObject({ status: 'done', progress: { created: N } });
  });

  it('cancel stops after the batch in flight, keeps whole batches only, and the rest can be undone', async () => {
    const id = await runningImport();
    const worker = createImportsService(t.deps);
    await worker.runImport(id, { batchSize: 4, haltAfterBatches: 2 });
    const res = await owner.post(`/api/v1/imports/${id}/cancel`);
    expect(res.statusCode).toBe(200);
    await worker.runImport(id, { batchSize: 4 });
    const row = (await owner.get(`/api/v1/imports/${id}`)).json();
    expect(row).toMatchObject({ status: 'cancelled', progress: { created: 8 } });
    expect(row.undoUntil).not.toBeNull();
    expect((await countAndDuplicates()).n).toBe(8);
    expect((await owner.post(`/api/v1/imports/${id}/cancel`)).statusCode).toBe(409);

    expect((await owner.post(`/api/v1/imports/${id}/undo`)).statusCode).toBe(202);
    await waitForStatus(owner, id, 'undone');
    expect((await countAndDuplicates()).n).toBe(0);
  });

  it('a lead created by one batch and matched by a later one (by its second email) is updated, and undo still removes it', async () => {
    const up = await uploadOk(owner, 'two.csv', 'Nome,E-mail,Empresa\nAna,"ana@x.com; ana.work@x.com",\nAna Lima,ana.work@x.com,Acme\n');
    await dryRun(owner, up.id, settings({ columns: BASIC_COLUMNS.filter((c) => c.column !== 'Telefone'), mode: 'upsert', matchOn: 'email' }));
    await t.deps.database.query("UPDATE imports SET status = 'running', started_at = now() WHERE id = $1", [up.id]);
    await createImportsService(t.deps).runImport(up.id, { batchSize: 1 });
    const leads = await leadRows();
    expect(leads.map((l) => [l.first_name, l.last_name, l.company, l.emails])).toEqual([['Ana', 'Lima', 'Acme', ['ana@x.com', 'ana.work@x.com']]]);
    expect((await owner.get(`/api/v1/imports/${up.id}`)).json().progress).toMatchObject({ created: 1, updated: 1 });
    expect((await owner.post(`/api/v1/imports/${up.id}/undo`)).statusCode).toBe(202);
    await waitForStatus(owner, up.id, 'undone');
    expect(await leadRows()).toEqual([]);
  });

  it('places new leads on top of their column in file order, as one-by-one creation would', async () => {
    await createLead({ firstName: 'Zé', emails: ['ze@x.com'] });
    const up = await uploadOk(owner, 'order.csv', 'Nome,E-mail\nAna,ana@x.com\nBia,bia@x.com\nCid,cid@x.com\n');
    await dryRun(owner, up.id, settings({ columns: BASIC_COLUMNS.filter((c) => ['Nome', 'E-mail'].includes(c.column)) }));
    await runToEnd(owner, up.id);
    const { rows } = await t.deps.database.query<{ first_name: string; stage_position: number; stage_id: string }>(
      'SELECT first_name, stage_position, stage_id FROM leads WHERE workspace_id = $1 ORDER BY stage_position',
      [workspaceId],
    );
    const top = rows.find((r) => r.first_name === 'Zé')!;
    expect(rows.map((r) => r.first_name)).toEqual(['Cid', 'Bia', 'Ana', 'Zé']);
    expect(rows.map((r) => r.stage_position - top.stage_position)).toEqual([-3072, -2048, -1024, 0]);
    expect(new Set(rows.map((r) => r.stage_id)).size).toBe(1);
  });

  it('batches in flight together (PostgreSQL) commit in file order: a lead two batches change, an external id two batches carry, board order', async () => {
    const zé = await createLead({ firstName: 'Zé', emails: ['ze@x.com'] });
    const bia = await createLead({ firstName: 'Bia', emails: ['bia@x.com', 'bia.work@x.com'], company: 'Orig' });
    const csv = [
      'Nome,E-mail,Empresa,ID',
      'Ana,ana@x.com,A1,e1', // batch 1
      'Bia,bia.work@x.com,B1,e2', // batch 1: updates Bia by her second email
      'Cid,cid@x.com,C1,e3', // batch 2
      'Bia L,bia@x.com,B2,e4', // batch 2: Bia again by her first email — waits for batch 1's lock, then wins
      'Dan,dan@x.com,D1,e1', // batch 3: external id of Ana (batch 1, committed by then): not created
      'Fay,fay@x.com,F1,e3', // batch 3: external id of Cid in the batch before: waits for it, not created
      'Eva,eva@x.com,E1,e5', // batch 4
    ].join('\n');
    const up = await uploadOk(owner, 'flight.csv', `${csv}\n`);
    const columns = [...BASIC_COLUMNS.filter((c) => c.column !== 'Telefone'), { column: 'ID', target: 'externalId' as const }];
    const dry = await dryRun(owner, up.id, settings({ columns, mode: 'upsert', matchOn: 'email' }));
    expect(dry.summary).toMatchObject({ total: 7, create: 5, update: 2 });
    await t.deps.database.query("UPDATE imports SET status = 'running', started_at = now() WHERE id = $1", [up.id]);
    await createImportsService(t.deps).runImport(up.id, { batchSize: 2 });

    const done = (await owner.get(`/api/v1/imports/${up.id}`)).json();
    expect(done).toMatchObject({ status: 'done', progress: { rowsDone: 7, created: 3, updated: 2 } });
    const leads = await leadRows();
    expect(leads.map((l) => l.first_name)).toEqual(['Ana', 'Bia', 'Cid', 'Eva', 'Zé']);
    expect(leads.find((l) => l.id === bia.id)).toMatchObject({ company: 'B2', version: 3 });
    const { rows: board } = await t.deps.database.query<{ first_name: string; stage_position: number }>(
      'SELECT first_name, stage_position FROM leads WHERE workspace_id = $1 AND id <> $2 ORDER BY stage_position',
      [workspaceId, bia.id],
    );
    const top = board.find((r) => r.first_name === 'Zé')!.stage_position;
    // Bia, created after Zé, is on top of him at -1024; each new card goes on top, across batches.
    expect(board.map((r) => [r.first_name, r.stage_position - top])).toEqual([
      ['Eva', -4096],
      ['Cid', -3072],
      ['Ana', -2048],
      ['Zé', 0],
    ]);
    expect(zé.id).toBeTruthy();

    expect((await owner.post(`/api/v1/imports/${up.id}/undo`)).statusCode).toBe(202);
    await waitForStatus(owner, up.id, 'undone');
    const after = await leadRows();
    expect(after.map((l) => [l.first_name, l.company])).toEqual([
      ['Bia', 'Orig'],
      ['Zé', null],
    ]);
  });

  it('a file larger than one batch: duplicates across batches, existing leads updated, undo across batches', async () => {
    // Default batch sizes (2,000): the file spans two batches of every phase.
    await createLead({ firstName: 'Old', emails: ['p2100@x.com'], company: 'Before' });
    const lines = ['Nome,E-mail,Empresa'];
    for (let i = 0; i < 2500; i++) lines.push(`P${i},p${i}@x.com,Co ${i}`);
    lines.push('Again,p5@x.com,Dup'); // a repeat of row 7, after the first batch
    const up = await uploadOk(owner, 'big.csv', `${lines.join('\n')}\n`);
    const dry = await dryRun(owner, up.id, settings({ columns: BASIC_COLUMNS.filter((c) => c.column !== 'Telefone'), mode: 'upsert', matchOn: 'email' }));
    expect(dry.summary).toMatchObject({ total: 2501, create: 2499, update: 1, duplicateInFile: 1, errors: 0 });
    const done = await runToEnd(owner, up.id);
    expect(done.progress).toMatchObject({ rowsDone: 2500, created: 2499, updated: 1 });
    const { rows } = await t.deps.database.query<{ n: number; e: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT emails[1])::int AS e FROM leads WHERE workspace_id = $1',
      [workspaceId],
    );
    expect(rows[0]).toEqual({ n: 2500, e: 2500 });
    const { rows: updated } = await t.deps.database.query<{ first_name: string; company: string }>("SELECT first_name, company FROM leads WHERE workspace_id = $1 AND emails @> ARRAY['p2100@x.com']", [workspaceId]);
    expect(updated).toEqual([{ first_name: 'P2100', company: 'Co 2100' }]);
    expect((await owner.post(`/api/v1/imports/${up.id}/undo`)).statusCode).toBe(202);
    await waitForStatus(owner, up.id, 'undone');
    const after = await leadRows();
    expect(after.map((l) => [l.first_name, l.company])).toEqual([['Old', 'Before']]);
  }, 120_000);

  it('a validated import that is cancelled before it runs is discarded', async () => {
    const up = await uploadOk(owner, 'x.csv', 'Nome\nAna\n');
    await dryRun(owner, up.id, settings({ columns: [{ column: 'Nome', target: 'name' }] }));
    expect((await owner.post(`/api/v1/imports/${up.id}/cancel`)).json().status).toBe('cancelled');
    expect((await owner.post(`/api/v1/imports/${up.id}/run`, {})).statusCode).toBe(409);
    expect((await owner.post(`/api/v1/imports/${up.id}/undo`)).statusCode).toBe(409);
  });

  it('publishes progress on the bus', async () => {
    const seen: { type: string; data: Record<string, unknown> }[] = [];
    const off = t.deps.events.subscribe((e) => {
      if (e.type === 'import.progress') seen.push(e);
    });
    const up = await uploadOk(owner, 'x.csv', 'Nome\nAna\nBia\n');
    await dryRun(owner, up.id, settings({ columns: [{ column: 'Nome', target: 'name' }] }));
    await runToEnd(owner, up.id);
    await vi.waitFor(() => expect(seen.some((e) => e.data.status === 'done')).toBe(true));
    off();
    expect(seen.map((e) => e.data.status)).toEqual(expect.arrayContaining(['validated', 'running', 'done']));
    expect(seen.find((e) => e.data.status === 'done')!.data).toMatchObject({ importId: up.id, rowsDone: 2, created: 2 });
  });
});

describe('templates', () => {
  it('saves, lists and deletes mappings; a template is checked like a dry run', async () => {
    const s = settings({ columns: BASIC_COLUMNS, mode: 'upsert', matchOn: 'email' });
    const created = await owner.post('/api/v1/import-templates', { name: 'RD Station', settings: s });
    expect(created.statusCode, created.body).toBe(201);
    expect((await owner.get('/api/v1/import-templates')).json().templates).toEqual([expect.objectContaining({ name: 'RD Station', settings: s })]);
    const bad = await owner.post('/api/v1/import-templates', { name: 'x', settings: { ...s, matchOn: null, mode: 'update' } });
    expect(bad.statusCode).toBe(400);
    expect((await owner.delete(`/api/v1/import-templates/${created.json().id}`)).statusCode).toBe(200);
    expect((await owner.get('/api/v1/import-templates')).json().templates).toEqual([]);
  });
});

describe('API documentation', () => {
  it('documents every import route in the OpenAPI spec under Imports', async () => {
    const spec = (await t.app.inject({ url: '/api/docs/json' })).json() as { paths: Record<string, Record<string, { summary?: string; tags?: string[] }>> };
    const routes: [string, string][] = [
      ['/api/v1/imports', 'post'],
      ['/api/v1/imports', 'get'],
      ['/api/v1/imports/{id}', 'get'],
      ['/api/v1/imports/{id}/dry-run', 'post'],
      ['/api/v1/imports/{id}/run', 'post'],
      ['/api/v1/imports/{id}/cancel', 'post'],
      ['/api/v1/imports/{id}/undo', 'post'],
      ['/api/v1/imports/{id}/errors', 'get'],
      ['/api/v1/imports/{id}/rejected.csv', 'get'],
      ['/api/v1/import-templates', 'get'],
      ['/api/v1/import-templates', 'post'],
      ['/api/v1/import-templates/{id}', 'delete'],
    ];
    for (const [path, method] of routes) {
      expect(spec.paths[path]?.[method]?.summary, `${method} ${path}`).toBeTruthy();
      expect(spec.paths[path]?.[method]?.tags).toEqual(['Imports']);
    }
  });
});
