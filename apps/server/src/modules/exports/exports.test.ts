import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import yauzl from 'yauzl';
import { exportManifest, type ExportManifest } from '@leadflow/shared/exports';
import { addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { createExportsService } from './exports.service.ts';
import { parseCsv } from '../../test/csv.ts';

let t: TestApp;
let owner: TestClient;
let workspaceId: string;
let dataDir: string;

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lf-export-test-'));
  t = await createTestApp({ JOBS_ENABLED: 'true', DATA_DIR: dataDir });
  await t.deps.jobs.start();
  const o = await setUpOwner(t);
  owner = o.owner;
  workspaceId = o.workspaceId;
  owner.workspaceId = workspaceId;
}, 180_000);

afterEach(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

type Detail = { id: string; status: string; downloadUrl: string | null; sizeBytes: number | null; files: { file: string; rows: number }[]; progress: { filesDone: number; filesTotal: number; rowsDone: number }; error: string | null };

async function exportToEnd(client: TestClient): Promise<Detail> {
  const res = await client.post('/api/v1/exports');
  expect(res.statusCode, res.body).toBe(202);
  const id = res.json().id as string;
  let last: Detail | undefined;
  await vi.waitFor(
    async () => {
      last = (await client.get(`/api/v1/exports/${id}`)).json();
      expect(last!.error).toBeNull();
      expect(last!.status).toBe('done');
    },
    { timeout: 30_000, interval: 100 },
  );
  return last!;
}

/** Every entry of a ZIP as text, read with yauzl (a reader independent of the writer). */
function unzip(buffer: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const files = new Map<string, string>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

function records(files: Map<string, string>, name: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(files.get(name) ?? '');
  return rows.map((r) => {
    expect(r.length, `${name}: row width`).toBe(header!.length);
    return Object.fromEntries(header!.map((h, i) => [h, r[i]!]));
  });
}

async function download(client: TestClient, url: string) {
  const res = await client.get(url);
  return res;
}

const TRICKY = '=HYPERLINK("http://evil.example","Clique"), "aspas" e\r\nsegunda linha: Conceição, naïve, 日本';
const TRICKY_CUSTOM = 'He said "olá", then\nleft; ação @ 50%';

describe('workspace export', () => {
  it('writes every entity as CSV with a manifest whose counts match, keeps tricky values and leaves other workspaces out', async () => {
    expect((await owner.post('/api/v1/custom-fields', { key: 'policy', label: 'Policy', type: 'text' })).statusCode).toBe(201);
    const created = await owner.post('/api/v1/leads', { firstName: 'João', lastName: 'Conceição', company: TRICKY, emails: ['joao@example.com'], custom: { policy: TRICKY_CUSTOM } });
    expect(created.statusCode, created.body).toBe(201);
    const lead = created.json();
    expect((await owner.post(`/api/v1/leads/${lead.id}/notes`, { body: '+55 call back "tomorrow", ok?' })).statusCode).toBe(201);
    expect((await owner.post(`/api/v1/leads/${lead.id}/contacts`, { name: 'Dra. Ângela', role: 'Doctor' })).statusCode).toBe(201);
    // Enough rows for several pages of the keyset reader (1,000 per page).
    await t.deps.database.query(`INSERT INTO leads (workspace_id, first_name, origin) SELECT $1, 'Bulk ' || g, 'import' FROM generate_series(1, 2345) g`, [workspaceId]);

    // Another workspace of the same owner, with a lead of its own.
    const wsB = (await owner.post('/api/v1/workspaces', { name: 'Beta' })).json().id as string;
    const other = t.client();
    for (const [k, v] of owner.cookies) other.cookies.set(k, v);
    other.workspaceId = wsB;
    const foreign = (await other.post('/api/v1/leads', { firstName: 'Foreign', company: 'Other Workspace Co' })).json();

    const done = await exportToEnd(owner);
    expect(done.downloadUrl).toMatch(new RegExp(`^/api/v1/exports/${done.id}/download\\?workspaceId=${workspaceId}$`));
    expect(done.progress.filesDone).toBe(done.progress.filesTotal);

    const res = await download(owner, done.downloadUrl!);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="leadflow-.+\.zip"/);
    expect(res.rawPayload.length).toBe(done.sizeBytes);
    const files = await unzip(res.rawPayload);

    const manifest: ExportManifest = exportManifest.parse(JSON.parse(files.get('manifest.json')!));
    expect(manifest.workspace.id).toBe(workspaceId);
    expect(manifest.exportId).toBe(done.id);
    expect(manifest.consistentSnapshot).toBe(t.deps.database.kind === 'postgres');
    // Every CSV is listed, and every listed file holds exactly the rows the manifest counts.
    expect([...files.keys()].sort()).toEqual([...manifest.files.map((f) => f.file), 'manifest.json'].sort());
    for (const f of manifest.files) {
      const rows = parseCsv(files.get(f.file)!);
      expect(rows[0], f.file).toEqual(f.columns.map((c) => c.name));
      expect(rows.length - 1, f.file).toBe(f.rows);
    }
    expect(done.files).toEqual(manifest.files);

    const count = async (table: string, where = 'workspace_id = $1') =>
      Number((await t.deps.database.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, [workspaceId])).rows[0]!.n);
    const rowsOf = (file: string) => manifest.files.find((f) => f.file === file)!.rows;
    expect(rowsOf('leads.csv')).toBe(2346);
    expect(rowsOf('leads.csv')).toBe(await count('leads'));
    expect(rowsOf('activities.csv')).toBe(await count('activities'));
    expect(rowsOf('notes.csv')).toBe(1);
    expect(rowsOf('contacts.csv')).toBe(1);
    expect(rowsOf('pipeline_stages.csv')).toBe(await count('pipeline_stages'));
    expect(rowsOf('custom_fields.csv')).toBe(1);
    expect(rowsOf('users.csv')).toBe(1);
    for (const name of ['clients.csv', 'tasks.csv', 'distribution_rules.csv', 'web_forms.csv', 'imports.csv', 'roles.csv', 'pipelines.csv']) expect(manifest.files.some((f) => f.file === name), name).toBe(true);
    // The audit trail goes along (this workspace's only), as do the tables of distribution, production and settings.
    // (the download itself is audited after the file was written, so the table may hold one entry more).
    const audit = records(files, 'audit_log.csv');
    expect(audit.length).toBe(rowsOf('audit_log.csv'));
    expect(audit.length).toBeGreaterThan(0);
    const ours = new Set((await t.deps.database.query<{ id: string }>('SELECT id::text AS id FROM audit_log WHERE workspace_id = $1', [workspaceId])).rows.map((r) => r.id));
    expect(audit.every((r) => ours.has(r.id!) && r.action && r.created_at)).toBe(true);
    for (const name of ['agent_availability.csv', 'lead_offers.csv', 'lead_speed.csv', 'import_templates.csv', 'production_task_files.csv', 'notification_preferences.csv']) {
      expect(manifest.files.some((f) => f.file === name), name).toBe(true);
    }

    const leads = records(files, 'leads.csv');
    expect(new Set(leads.map((l) => l.id)).size).toBe(leads.length);
    const joao = leads.find((l) => l.id === lead.id)!;
    // The formula is neutralised with a leading apostrophe; everything else comes back byte for byte.
    expect(joao.company).toBe(`'${TRICKY}`);
    expect(joao.company!.slice(1)).toBe(TRICKY);
    expect(joao['custom.policy']).toBe(TRICKY_CUSTOM);
    expect(joao.last_name).toBe('Conceição');
    expect(JSON.parse(joao.emails!)).toEqual(['joao@example.com']);
    expect(joao.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(records(files, 'notes.csv')[0]!.body).toBe(`'+55 call back "tomorrow", ok?`);
    expect(records(files, 'contacts.csv')[0]!.name).toBe('Dra. Ângela');

    // Nothing of the other workspace, and no secret.
    const all = [...files.values()].join('\n');
    expect(all).not.toContain(foreign.id);
    expect(all).not.toContain('Other Workspace Co');
    expect(all).not.toContain(wsB);
    const { rows: secrets } = await t.deps.database.query<{ password_hash: string }>('SELECT password_hash FROM users');
    for (const s of secrets) expect(all).not.toContain(s.password_hash);
    const usersCsv = records(files, 'users.csv');
    expect(Object.keys(usersCsv[0]!)).not.toContain('password_hash');
    expect(usersCsv[0]).toMatchObject({ email: 'owner@example.com', role_key: 'owner' });

    // The list shows it with its size and link.
    const list = (await owner.get('/api/v1/exports')).json().exports as Detail[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: done.id, status: 'done', sizeBytes: done.sizeBytes, downloadUrl: done.downloadUrl });
  }, 120_000);

  it('lets only the workspace’s members with workspace.export start, see and download exports, until they expire', async () => {
    const agent = await addMember(t, owner, 'agent@example.com', 'agent');
    agent.client.workspaceId = workspaceId;
    const admin = await addMember(t, owner, 'admin@example.com', 'admin');
    admin.client.workspaceId = workspaceId;

    const done = await exportToEnd(owner);

    // A member without the permission: 403 everywhere.
    expect((await agent.client.post('/api/v1/exports')).statusCode).toBe(403);
    expect((await agent.client.get('/api/v1/exports')).statusCode).toBe(403);
    expect((await agent.client.get(`/api/v1/exports/${done.id}`)).statusCode).toBe(403);
    expect((await agent.client.get(done.downloadUrl!)).statusCode).toBe(403);
    // An admin holds it.
    expect((await admin.client.get(done.downloadUrl!)).statusCode).toBe(200);

    // The same owner acting in another workspace does not find it.
    const wsB = (await owner.post('/api/v1/workspaces', { name: 'Beta' })).json().id as string;
    const other = t.client();
    for (const [k, v] of owner.cookies) other.cookies.set(k, v);
    other.workspaceId = wsB;
    expect((await other.get('/api/v1/exports')).json().exports).toEqual([]);
    expect((await other.get(`/api/v1/exports/${done.id}`)).statusCode).toBe(404);
    expect((await other.get(`/api/v1/exports/${done.id}/download`)).statusCode).toBe(404);

    // The admin of that other workspace cannot download it, by id or by naming the first workspace.
    const bob = await addMember(t, other, 'bob@example.com', 'admin');
    bob.client.workspaceId = wsB;
    expect((await bob.client.get(`/api/v1/exports/${done.id}/download`)).statusCode).toBe(404);
    const bobNaming = t.client();
    for (const [k, v] of bob.client.cookies) bobNaming.cookies.set(k, v);
    const named = await bobNaming.get(done.downloadUrl!);
    expect(named.statusCode).toBeGreaterThanOrEqual(400);
    expect(named.headers['content-type']).not.toBe('application/zip');

    // Signed out: 401.
    expect((await t.client().get(done.downloadUrl!)).statusCode).toBe(401);

    // Expired: 410, and the clean-up removes the file and marks it.
    const [{ file_path: filePath }] = (await t.deps.database.query<{ file_path: string }>('SELECT file_path FROM workspace_exports WHERE id = $1', [done.id])).rows as [{ file_path: string }];
    expect(fs.existsSync(path.join(dataDir, filePath))).toBe(true);
    // Seven days later (moved in the database: the app clock would also end the owner's session).
    await t.deps.database.query(`UPDATE workspace_exports SET expires_at = now() - interval '1 minute' WHERE id = $1`, [done.id]);
    expect((await owner.get(done.downloadUrl!)).statusCode).toBe(410);
    expect(await createExportsService(t.deps).expire()).toBe(1);
    expect(fs.existsSync(path.join(dataDir, filePath))).toBe(false);
    expect((await owner.get(`/api/v1/exports/${done.id}`)).json()).toMatchObject({ status: 'expired', downloadUrl: null });
    expect((await owner.get(done.downloadUrl!)).statusCode).toBe(410);
  }, 120_000);

  it('runs one export at a time per workspace', async () => {
    // Without a worker the first stays queued.
    await t.deps.database.query(`INSERT INTO workspace_exports (workspace_id, status) VALUES ($1, 'running')`, [workspaceId]);
    const res = await owner.post('/api/v1/exports');
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/already in progress/);
  });
});
