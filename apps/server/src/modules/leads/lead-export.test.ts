import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../../platform/audit/audit.table.ts';
import { addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { csvField, neutralizeFormula } from './lead-export.ts';
import { queryParam, seedCustomField, seedLeads, stagesOf } from './lead-list.fixtures.ts';
import { dayInZone } from './lead-query.ts';
import { parseCsv } from '../../test/csv.ts';

/** Sign-ups, invitations and seeding through the API: generous on a busy 2-core machine (tests assert no timings). */
const SETUP_TIMEOUT = 180_000;

describe('formula neutralising and CSV quoting', () => {
  it('prefixes an apostrophe to text a spreadsheet would run, and nothing else', () => {
    for (const danger of ['=1+1', '+55 11 99999-8888', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd']) expect(neutralizeFormula(danger)).toBe(`'${danger}`);
    for (const safe of ['Ana', ' =not first', "'quoted", '1=1', '']) expect(neutralizeFormula(safe)).toBe(safe);
  });

  it('quotes fields with quotes, commas or line breaks, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
  });
});

describe('GET /leads/export', () => {
  let t: TestApp;
  let owner: TestClient;
  let exporter: TestClient;
  let agent: TestClient;
  let workspaceId: string;
  let ownerId: string;
  let exporterId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    ownerId = o.userId;
    workspaceId = o.workspaceId;
    expect((await owner.patch('/api/v1/workspace', { timeZone: 'America/Sao_Paulo' })).statusCode).toBe(200);
    const role = await owner.post('/api/v1/roles', { name: 'Exporters', permissions: ['leads.export', 'leads.edit'] });
    expect(role.statusCode).toBe(201);
    const e = await addMember(t, owner, 'exporter@example.com', role.json().key);
    exporter = e.client;
    exporterId = e.userId;
    agent = (await addMember(t, owner, 'agent@example.com', 'agent')).client;
    const [newStage] = await stagesOf(t, workspaceId);
    await seedCustomField(t, workspaceId, { key: 'budget', label: 'Budget (R$)', type: 'money' });
    await seedCustomField(t, workspaceId, { key: 'interests', label: 'Interests', type: 'multi_select', options: ['buy', 'rent'] });
    await seedCustomField(t, workspaceId, { key: 'vip', label: 'VIP', type: 'boolean' });
    await seedCustomField(t, workspaceId, { key: 'manager', label: 'Manager', type: 'user' });
    await seedCustomField(t, workspaceId, { key: 'callback', label: 'Call back', type: 'datetime' });
    await seedCustomField(t, workspaceId, { key: 'danger', label: '=Danger', type: 'text' });
    await seedLeads(t, workspaceId, [
      {
        firstName: 'José',
        lastName: 'Conceição',
        company: 'Ações, "Vendas" & Cia',
        phones: ['(11) 99999-8888', '+1 415 555 2671'],
        emails: ['jose@acoes.com.br', 'j@x.com'],
        source: 'Facebook',
        tags: ['hot', 'vip'],
        ownerId,
        pipelineId: newStage!.pipelineId,
        stageId: newStage!.id,
        score: 80,
        createdAt: new Date('2025-03-01T15:30:00.000Z'),
        nextFollowUpAt: new Date('2025-03-02T02:00:00.000Z'),
        custom: {
          budget: 1500.5,
          interests: ['buy', 'rent'],
          vip: true,
          manager: exporterId,
          callback: '2025-03-05T13:00:00.000Z',
          danger: '=HYPERLINK("http://evil","click")',
        },
      },
      { firstName: '@mention', lastName: '-minus', company: '+plus', source: '\ttab', city: 'multi\nline', ownerId: exporterId, createdAt: new Date('2025-02-01T12:00:00.000Z') },
      { firstName: 'Zoe', ownerId: exporterId, createdAt: new Date('2025-01-01T12:00:00.000Z') },
    ]);
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t.close();
  });

  const exportUrl = (params: Record<string, string>) => `/api/v1/leads/export?${new URLSearchParams(params).toString()}`;

  it('streams a UTF-8 CSV with BOM, labelled headers, RFC 4180 quoting, workspace-time dates and neutralised formulas', async () => {
    const columns = 'name,company,phone,email,source,city,tags,ownerId,stageId,score,createdAt,nextFollowUpAt,custom.budget,custom.interests,custom.vip,custom.manager,custom.callback,custom.danger';
    const res = await owner.get(exportUrl({ columns, query: JSON.stringify({ sort: { field: 'createdAt', dir: 'desc' } }) }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const today = dayInZone(new Date(), 'America/Sao_Paulo');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="leads-${today}.csv"`);
    const bytes = res.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([
      'Name',
      'Company',
      'Phone',
      'Email',
      'Source',
      'City',
      'Tags',
      'Owner',
      'Stage',
      'Score',
      'Created at',
      'Next follow-up',
      'Budget (R$)',
      'Interests',
      'VIP',
      'Manager',
      'Call back',
      "'=Danger",
    ]);
    expect(rows).toHaveLength(4);
    expect(rows[1]).toEqual([
      'José Conceição',
      'Ações, "Vendas" & Cia',
      "'+5511999998888, +14155552671",
      'jose@acoes.com.br, j@x.com',
      'Facebook',
      '',
      'hot, vip',
      'Olivia Owner',
      'New',
      '80',
      '2025-03-01T12:30:00-03:00',
      '2025-03-01T23:00:00-03:00',
      '1500.5',
      'BUY, RENT',
      'true',
      'exporter',
      '2025-03-05T10:00:00-03:00',
      `'=HYPERLINK("http://evil","click")`,
    ]);
    expect(rows[2]!.slice(0, 6)).toEqual(["'@mention -minus", "'+plus", '', '', "'\ttab", 'multi\nline']);
    expect(text).toContain('"Ações, ""Vendas"" & Cia"');
    expect(rows[3]![0]).toBe('Zoe');
  });

  it('writes an XLSX that exceljs reads back, with date cells in workspace time', async () => {
    const res = await owner.get(
      exportUrl({
        format: 'xlsx',
        columns: 'name,company,score,createdAt,custom.budget,custom.vip,custom.danger',
        query: JSON.stringify({ filters: [{ field: 'firstName', op: 'in', value: ['José', '@mention'] }], sort: { field: 'createdAt', dir: 'asc' } }),
      }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="leads-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Leads')!;
    expect(sheet.rowCount).toBe(3);
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(values(1)).toEqual(['Name', 'Company', 'Score', 'Created at (America/Sao_Paulo)', 'Budget (R$)', 'VIP', "'=Danger"]);
    expect(values(2).slice(0, 2)).toEqual(["'@mention -minus", "'+plus"]);
    const jose = values(3);
    expect(jose[0]).toBe('José Conceição');
    expect(jose[1]).toBe('Ações, "Vendas" & Cia');
    expect(jose[2]).toBe(80);
    expect(jose[3]).toEqual(new Date('2025-03-01T12:30:00.000Z'));
    expect(sheet.getRow(3).getCell(4).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(jose.slice(4)).toEqual([1500.5, true, `'=HYPERLINK("http://evil","click")`]);
  });

  it('applies the record-level rule and the leads.export permission, and audits the export', async () => {
    const res = await exporter.get(exportUrl({ columns: 'name' }));
    expect(res.statusCode).toBe(200);
    const names = parseCsv(res.rawPayload.toString('utf8').slice(1)).slice(1).map((r) => r[0]);
    expect(names.sort()).toEqual(["'@mention -minus", 'Zoe']);
    expect((await agent.get(exportUrl({}))).statusCode).toBe(403);
    const [entry] = await t.deps.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.action, 'leads.export'), eq(auditLog.actorId, exporterId)));
    expect(entry).toMatchObject({ entityType: 'lead', newValues: { columns: ['name'], format: 'csv', rows: 2, completed: true, query: { filters: [] } } });
  });

  it('exports every column by default and refuses unknown columns and formats', async () => {
    const res = await owner.get(exportUrl({}));
    const header = parseCsv(res.rawPayload.toString('utf8').slice(1))[0];
    expect(header).toEqual([
      'Name',
      'Company',
      'Phone',
      'Email',
      'Source',
      'Campaign',
      'City',
      'State',
      'Country',
      'Tags',
      'Owner',
      'Stage',
      'Score',
      'Next follow-up',
      'Created at',
      'Budget (R$)',
      'Interests',
      'VIP',
      'Manager',
      'Call back',
      "'=Danger",
    ]);
    const bad = await owner.get(exportUrl({ columns: 'name,password' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'columns.1' });
    expect((await owner.get(exportUrl({ format: 'pdf' }))).statusCode).toBe(400);
    const badQuery = await owner.get(`/api/v1/leads/export?query=${queryParam({ filters: [{ field: 'score', op: 'gt', value: 'x' }] })}`);
    expect(badQuery.json().error.field).toBe('query.filters.0.value');
  });

  it('reads past one batch of 2,000 without skipping or repeating a lead', async () => {
    const many = Array.from({ length: 4500 }, (_, i) => ({ firstName: `bulk${i}`, source: 'many', createdAt: new Date(Date.UTC(2024, 0, 1) + i * 1000) }));
    await seedLeads(t, workspaceId, many);
    const query = JSON.stringify({ filters: [{ field: 'source', op: 'eq', value: 'many' }] });
    for (const format of ['csv', 'xlsx'] as const) {
      const res = await owner.get(exportUrl({ format, columns: 'firstName', query }));
      expect(res.statusCode).toBe(200);
      let names: string[];
      if (format === 'csv') {
        names = parseCsv(res.rawPayload.toString('utf8').slice(1)).slice(1).map((r) => r[0]!);
      } else {
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
        names = [];
        workbook.getWorksheet('Leads')!.eachRow((row, n) => {
          if (n > 1) names.push(String(row.getCell(1).value));
        });
      }
      expect(names).toHaveLength(4500);
      expect(new Set(names).size).toBe(4500);
      expect(names[0]).toBe('bulk4499');
    }
  });

  // Last: creating a workspace makes it the session's current one.
  it('takes the workspace from a workspaceId parameter, for download links that cannot send headers', async () => {
    const other = await owner.post('/api/v1/workspaces', { name: 'Second Office' });
    expect(other.statusCode, other.body).toBe(201);
    const otherId = other.json().id as string;
    const rowsOf = (body: Buffer) => parseCsv(body.toString('utf8').slice(1)).slice(1);
    const first = rowsOf((await owner.get(exportUrl({ columns: 'name', workspaceId }))).rawPayload);
    expect(first.length).toBeGreaterThan(3);
    expect(rowsOf((await owner.get(exportUrl({ columns: 'name', workspaceId: otherId }))).rawPayload)).toHaveLength(0);
    // A workspace the user is not in is not found.
    expect((await exporter.get(exportUrl({ columns: 'name', workspaceId: otherId }))).statusCode).toBe(404);
    // The parameter never picks the workspace of a write: this lead lands in the session's current one (the new one).
    const write = await owner.post(`/api/v1/leads?workspaceId=${workspaceId}`, { firstName: 'Nobody' });
    expect(write.statusCode, write.body).toBe(201);
    expect(rowsOf((await owner.get(exportUrl({ columns: 'name', workspaceId }))).rawPayload)).toHaveLength(first.length);
    expect(rowsOf((await owner.get(exportUrl({ columns: 'name', workspaceId: otherId }))).rawPayload)).toEqual([['Nobody']]);
    expect((await owner.delete(`/api/v1/leads/${write.json().id as string}`)).statusCode).toBeLessThan(300);
  });
});
