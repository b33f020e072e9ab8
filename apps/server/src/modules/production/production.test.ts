import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTION_FILE_MAX_BYTES } from '@leadflow/shared/production';
import { addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';

const SETUP_TIMEOUT = 180_000;
const BOUNDARY = '----leadflow-production-test';
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('rest of a tiny png')]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n');

type Card = { id: string; title: string; column: string; openColumn: string; position: number; version: number; fileCount: number; lead: { id: string } | null; assignee: { id: string } | null; completedAt: string | null };
type Board = { columns: { column: string; count: number; items: Card[]; nextCursor: string | null }[] };
type Member = { client: TestClient; userId: string };

function multipart(fileName: string, contentType: string, content: Buffer) {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

describe('production board', () => {
  let t: TestApp;
  let dataDir: string;
  let owner: TestClient;
  let workspaceId: string;
  let producer: Member;
  let agent: Member;
  let clientId: string;
  let otherClientId: string;
  let openLeadId: string;
  let otherWorkspace: TestClient;
  let o: Awaited<ReturnType<typeof setUpOwner>>;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lf-production-'));
    t = await createTestApp({ DATA_DIR: dataDir });
    o = await setUpOwner(t);
    owner = o.owner;
    workspaceId = o.workspaceId;
    owner.workspaceId = workspaceId;
    producer = await addMember(t, owner, 'producer@example.com', 'production');
    agent = await addMember(t, owner, 'agent@example.com', 'agent');
    const p = (await owner.get('/api/v1/pipelines')).json().pipelines[0] as { stages: { id: string; kind: string }[] };
    const won = p.stages.find((s) => s.kind === 'won')!.id;
    clientId = (await owner.post('/api/v1/leads', { firstName: 'Carla', lastName: 'Client', stageId: won })).json().id;
    otherClientId = (await owner.post('/api/v1/leads', { company: 'Other Co', stageId: won })).json().id;
    openLeadId = (await owner.post('/api/v1/leads', { firstName: 'Still', lastName: 'Open' })).json().id;
    const wsB = (await owner.post('/api/v1/workspaces', { name: 'Beta Works' })).json().id;
    owner.workspaceId = wsB;
    otherWorkspace = (await addMember(t, owner, 'beta-producer@example.com', 'production')).client;
    owner.workspaceId = workspaceId;
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await t.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const inDays = (d: number) => new Date(t.deps.now().getTime() + d * 86_400_000).toISOString();
  async function create(client: TestClient, body: Record<string, unknown>): Promise<Card> {
    const res = await client.post('/api/v1/production/tasks', { title: 'Deliver', dueAt: inDays(3), ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }
  async function board(client: TestClient, query = ''): Promise<Board> {
    const res = await client.get(`/api/v1/production/board${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }
  const titles = (b: Board, column: string) => b.columns.find((c) => c.column === column)!.items.map((c) => c.title);
  async function move(client: TestClient, card: Card, body: Record<string, unknown>) {
    return client.post(`/api/v1/production/tasks/${card.id}/move`, { version: card.version, ...body });
  }
  async function auditCount(action: string, entityId: string): Promise<number> {
    const { rows } = await t.deps.database.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE workspace_id = $1 AND action = $2 AND entity_id = $3', [workspaceId, action, entityId]);
    return Number(rows[0]!.n);
  }
  async function timelineTypes(leadId: string): Promise<string[]> {
    const { rows } = await t.deps.database.query<{ type: string }>('SELECT type FROM activities WHERE lead_id = $1 ORDER BY created_at DESC, id DESC', [leadId]);
    return rows.map((r) => r.type);
  }

  it('creates cards on top of their column for a client, filters by client, assignee and priority, and refuses bad input naming the field', async () => {
    const a = await create(producer.client, { title: 'Kick-off', leadId: clientId });
    const b = await create(producer.client, { title: 'Design', leadId: clientId, priority: 'high', assigneeId: agent.userId });
    await create(producer.client, { title: 'Other client work', leadId: otherClientId, column: 'doing' });
    expect(a).toMatchObject({ column: 'todo', openColumn: 'todo', lead: { id: clientId }, assignee: { id: producer.userId }, fileCount: 0 });
    expect(titles(await board(producer.client, `?leadId=${clientId}`), 'todo')).toEqual(['Design', 'Kick-off']);
    const all = await board(producer.client);
    expect(all.columns.map((c) => [c.column, c.count])).toEqual([['todo', 2], ['doing', 1], ['review', 0], ['done', 0]]);
    expect(titles(await board(producer.client, `?assigneeId=${agent.userId}`), 'todo')).toEqual(['Design']);
    expect(titles(await board(producer.client, '?priority=high'), 'todo')).toEqual(['Design']);
    expect(await auditCount('task.create', b.id)).toBe(1);
    expect(await timelineTypes(clientId)).toContain('task_created');
    // Tasks of type production made through /tasks show on the board too.
    const viaTasks = await owner.post('/api/v1/tasks', { title: 'From the task list', type: 'production', dueAt: inDays(1), leadId: clientId });
    expect(viaTasks.statusCode, viaTasks.body).toBe(201);
    expect(titles(await board(producer.client, `?leadId=${clientId}`), 'todo')[0]).toBe('From the task list');
    // Clients list for the picker: those with open production tasks first.
    const clients = (await producer.client.get('/api/v1/production/clients')).json().items as { id: string; name: string; openTasks: number }[];
    expect(clients[0]).toMatchObject({ id: clientId, name: 'Carla Client', openTasks: 3 });
    const members = (await producer.client.get('/api/v1/production/members')).json().items as { id: string }[];
    expect(members.map((m) => m.id).sort()).toEqual([o.userId, producer.userId, agent.userId].sort());
    expect((await producer.client.get('/api/v1/production/clients?q=other')).json().items.map((c: { id: string }) => c.id)).toEqual([otherClientId]);

    const bad = async (body: Record<string, unknown>, field: string) => {
      const res = await producer.client.post('/api/v1/production/tasks', { title: 'X', dueAt: inDays(1), ...body });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.field).toBe(field);
    };
    await bad({ dueAt: '31/12/2026' }, 'dueAt');
    await bad({ title: '  ' }, 'title');
    await bad({ column: 'done' }, 'column');
    await bad({ leadId: openLeadId }, 'leadId');
    await bad({ priority: 'asap' }, 'priority');
    const outsider = (await otherWorkspace.get('/api/v1/me')).json().user.id as string;
    await bad({ assigneeId: outsider }, 'assigneeId');
  });

  it('moves cards between and within columns; done completes the task, out of done reopens it; a stale version gets 409', async () => {
    const x = await create(producer.client, { title: 'X', leadId: otherClientId });
    const y = await create(producer.client, { title: 'Y', leadId: otherClientId });
    const z = await create(producer.client, { title: 'Z', leadId: otherClientId });
    const q = `?leadId=${otherClientId}`;
    expect(titles(await board(producer.client, q), 'todo')).toEqual(['Z', 'Y', 'X']);

    // Within the column: X between Z and Y.
    let res = await move(producer.client, x, { column: 'todo', afterId: z.id, beforeId: y.id });
    expect(res.statusCode, res.body).toBe(200);
    let xNow: Card = res.json().card;
    expect(titles(await board(producer.client, q), 'todo')).toEqual(['Z', 'X', 'Y']);
    expect(await timelineTypes(otherClientId)).not.toContain('task_moved');

    // To doing, then to review, then done.
    res = await move(producer.client, xNow, { column: 'doing' });
    expect(res.statusCode, res.body).toBe(200);
    xNow = res.json().card;
    expect(xNow).toMatchObject({ column: 'doing', openColumn: 'doing' });
    expect(titles(await board(producer.client, q), 'doing')).toEqual(['X', 'Other client work']);
    res = await move(producer.client, xNow, { column: 'review', afterId: null, beforeId: null });
    xNow = res.json().card;
    res = await move(producer.client, xNow, { column: 'done' });
    expect(res.statusCode, res.body).toBe(200);
    xNow = res.json().card;
    expect(xNow).toMatchObject({ column: 'done', openColumn: 'review' });
    expect(xNow.completedAt).toBeTruthy();
    const asTask = (await owner.get(`/api/v1/tasks/${x.id}`)).json();
    expect(asTask).toMatchObject({ status: 'done' });
    expect(asTask.completedAt).toBeTruthy();
    expect((await timelineTypes(otherClientId)).slice(0, 3)).toEqual(['task_completed', 'task_moved', 'task_moved']);
    expect(await auditCount('task.move', x.id)).toBe(4);

    // Reopened through the task list: back in the column it left.
    res = await owner.post(`/api/v1/tasks/${x.id}/reopen`);
    expect(res.statusCode, res.body).toBe(200);
    xNow = (await producer.client.get(`/api/v1/production/tasks/${x.id}`)).json();
    expect(xNow).toMatchObject({ column: 'review', completedAt: null });
    // Completed through the task list: in done.
    expect((await owner.post(`/api/v1/tasks/${x.id}/complete`, { outcome: 'Delivered' })).statusCode).toBe(200);
    xNow = (await producer.client.get(`/api/v1/production/tasks/${x.id}`)).json();
    expect(xNow.column).toBe('done');
    // Out of done on the board: reopened, in the target column.
    res = await move(producer.client, xNow, { column: 'todo', afterId: z.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().card).toMatchObject({ column: 'todo', openColumn: 'todo', completedAt: null });
    expect((await owner.get(`/api/v1/tasks/${x.id}`)).json()).toMatchObject({ status: 'open', outcome: null });
    expect(await timelineTypes(otherClientId)).toContain('task_reopened');

    // Two people move the same card from the same board: the second move is refused and changes nothing.
    const yCard = (await producer.client.get(`/api/v1/production/tasks/${y.id}`)).json() as Card;
    const first = await move(producer.client, yCard, { column: 'doing' });
    expect(first.statusCode, first.body).toBe(200);
    const second = await move(owner, yCard, { column: 'review' });
    expect(second.statusCode).toBe(409);
    expect(second.json().error).toMatchObject({ code: 'CONFLICT', field: 'version' });
    expect((await producer.client.get(`/api/v1/production/tasks/${y.id}`)).json()).toMatchObject({ column: 'doing', version: yCard.version + 1 });
    expect(await auditCount('task.move', y.id)).toBe(1);
    // Concurrently: exactly one of two moves with the same version wins.
    const yNow = (await producer.client.get(`/api/v1/production/tasks/${y.id}`)).json() as Card;
    const both = await Promise.all([move(producer.client, yNow, { column: 'review' }), move(owner, yNow, { column: 'todo' })]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);

    // Neighbours must be in the target column; a card cannot be its own neighbour.
    const zCard = (await producer.client.get(`/api/v1/production/tasks/${z.id}`)).json() as Card;
    res = await move(producer.client, zCard, { column: 'done', afterId: y.id });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('afterId');
    res = await move(producer.client, zCard, { column: 'todo', beforeId: z.id });
    expect(res.json().error.field).toBe('beforeId');
    res = await move(producer.client, zCard, { column: 'sideways' });
    expect(res.json().error.field).toBe('column');
  });

  it('renumbers a column when there is no room left between two cards', async () => {
    const cards: Card[] = [];
    for (const title of ['R1', 'R2', 'R3']) cards.push(await create(producer.client, { title, column: 'review', priority: 'urgent' }));
    // R3 R2 R1 on top; place cards repeatedly right below R3 until the gap is used up.
    let renumbered = false;
    let moving = cards[0]!;
    for (let i = 0; i < 40 && !renumbered; i++) {
      const target = i % 2 === 0 ? cards[0]! : cards[1]!;
      const current = (await producer.client.get(`/api/v1/production/tasks/${target.id}`)).json() as Card;
      const res = await move(producer.client, current, { column: 'review', afterId: cards[2]!.id });
      expect(res.statusCode, res.body).toBe(200);
      renumbered = res.json().renumbered;
      moving = res.json().card;
    }
    expect(renumbered).toBe(true);
    const order = titles(await board(producer.client, '?priority=urgent'), 'review');
    expect(order[0]).toBe('R3');
    expect(order[1]).toBe(moving.title);
  });

  it('edits a card with a version check, writing the changes to the audit log', async () => {
    const c = await create(producer.client, { title: 'Edit me', leadId: clientId });
    let res = await producer.client.patch(`/api/v1/production/tasks/${c.id}`, { version: c.version, title: 'Edited', priority: 'urgent', assigneeId: agent.userId });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ title: 'Edited', priority: 'urgent', assignee: { id: agent.userId } });
    res = await producer.client.patch(`/api/v1/production/tasks/${c.id}`, { version: c.version, title: 'Stale' });
    expect(res.statusCode).toBe(409);
    res = await producer.client.patch(`/api/v1/production/tasks/${c.id}`, { version: c.version + 1, leadId: openLeadId });
    expect(res.json().error.field).toBe('leadId');
    const { rows } = await t.deps.database.query<{ old_values: Record<string, unknown>; new_values: Record<string, unknown> }>(
      `SELECT old_values, new_values FROM audit_log WHERE action = 'task.update' AND entity_id = $1`,
      [c.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.old_values).toMatchObject({ title: 'Edit me', priority: 'normal' });
    expect(rows[0]!.new_values).toMatchObject({ title: 'Edited', priority: 'urgent', assigneeId: agent.userId });
  });

  it('attaches, downloads and removes files with a size limit and a type check; other workspaces get 404', async () => {
    const c = await create(producer.client, { title: 'With files', leadId: clientId });
    const up = (name: string, type: string, content: Buffer, client = producer.client, id = c.id) =>
      client.post(`/api/v1/production/tasks/${id}/files`, multipart(name, type, content), { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` });

    let res = await up('brief.pdf', 'application/pdf', PDF);
    expect(res.statusCode, res.body).toBe(201);
    const pdf = res.json();
    expect(pdf).toMatchObject({ fileName: 'brief.pdf', contentType: 'application/pdf', sizeBytes: PDF.length, uploadedBy: { id: producer.userId } });
    res = await up('../../etc/mockup ção.png', 'image/png', PNG);
    expect(res.statusCode, res.body).toBe(201);
    const png = res.json();
    expect(png.fileName).toBe('mockup ção.png');
    expect((await producer.client.get(`/api/v1/production/tasks/${c.id}`)).json().fileCount).toBe(2);

    res = await producer.client.get(`/api/v1/production/tasks/${c.id}/files/${pdf.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.equals(PDF)).toBe(true);
    res = await producer.client.get(`/api/v1/production/tasks/${c.id}/files/${png.id}`);
    expect(res.headers['content-disposition']).toContain("filename*=UTF-8''mockup%20%C3%A7%C3%A3o.png");
    expect(res.rawPayload.equals(PNG)).toBe(true);
    // The bytes are under the data folder, keyed by workspace.
    expect((await fs.readFile(path.join(dataDir, 'files', workspaceId, 'production', pdf.id))).equals(PDF)).toBe(true);

    // Too large, a type not accepted, bytes that do not match the type, an empty file: refused, nothing kept.
    res = await up('big.pdf', 'application/pdf', Buffer.concat([PDF, Buffer.alloc(PRODUCTION_FILE_MAX_BYTES)]));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ field: 'file' });
    expect(res.json().error.message).toContain('20 MB');
    res = await up('run.exe', 'application/x-msdownload', Buffer.from('MZ....'));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('file');
    res = await up('fake.pdf', 'application/pdf', Buffer.from('MZ not a pdf'));
    expect(res.statusCode).toBe(400);
    res = await up('notes.txt', 'text/plain', PNG);
    expect(res.statusCode).toBe(400);
    res = await up('empty.txt', 'text/plain', Buffer.alloc(0));
    expect(res.statusCode).toBe(400);
    expect((await producer.client.get(`/api/v1/production/tasks/${c.id}/files`)).json().items).toHaveLength(2);
    expect(await fs.readdir(path.join(dataDir, 'files', workspaceId, 'production'))).toHaveLength(2);

    // Another workspace's member: 404 for the task, the list, the download and the delete.
    expect((await otherWorkspace.get(`/api/v1/production/tasks/${c.id}/files/${pdf.id}`)).statusCode).toBe(404);
    expect((await otherWorkspace.get(`/api/v1/production/tasks/${c.id}/files`)).statusCode).toBe(404);
    expect((await otherWorkspace.delete(`/api/v1/production/tasks/${c.id}/files/${pdf.id}`)).statusCode).toBe(404);
    expect((await up('x.pdf', 'application/pdf', PDF, otherWorkspace)).statusCode).toBe(404);
    expect((await otherWorkspace.get(`/api/v1/production/tasks/${c.id}`)).statusCode).toBe(404);
    expect((await move(otherWorkspace, c, { column: 'doing' })).statusCode).toBe(404);
    expect((await otherWorkspace.get('/api/v1/production/board')).json().columns.every((col: { count: number }) => col.count === 0)).toBe(true);
    // A file id of another task: 404.
    const other = await create(producer.client, { title: 'No files' });
    expect((await producer.client.get(`/api/v1/production/tasks/${other.id}/files/${pdf.id}`)).statusCode).toBe(404);

    res = await producer.client.delete(`/api/v1/production/tasks/${c.id}/files/${pdf.id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect((await producer.client.get(`/api/v1/production/tasks/${c.id}/files/${pdf.id}`)).statusCode).toBe(404);
    await expect(fs.stat(path.join(dataDir, 'files', workspaceId, 'production', pdf.id))).rejects.toThrow();
    expect(await auditCount('task.file_add', c.id)).toBe(2);
    expect(await auditCount('task.file_remove', c.id)).toBe(1);
    const types = await timelineTypes(clientId);
    expect(types[0]).toBe('task_file_removed');
    expect(types).toContain('task_file_added');

    // Deleting the task removes its remaining files.
    res = await producer.client.delete(`/api/v1/production/tasks/${c.id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(await fs.readdir(path.join(dataDir, 'files', workspaceId, 'production'))).toHaveLength(0);
    expect(await auditCount('task.delete', c.id)).toBe(1);
  });

  it('needs production.manage: an agent gets 403 everywhere', async () => {
    const c = await create(producer.client, { title: 'Secret plan' });
    expect((await agent.client.get('/api/v1/production/board')).statusCode).toBe(403);
    expect((await agent.client.get('/api/v1/production/clients')).statusCode).toBe(403);
    expect((await agent.client.post('/api/v1/production/tasks', { title: 'X', dueAt: inDays(1) })).statusCode).toBe(403);
    expect((await move(agent.client, c, { column: 'doing' })).statusCode).toBe(403);
    expect((await agent.client.get(`/api/v1/production/tasks/${c.id}/files`)).statusCode).toBe(403);
    expect((await agent.client.delete(`/api/v1/production/tasks/${c.id}`)).statusCode).toBe(403);
    // Documented in the OpenAPI spec.
    const spec = (await t.app.inject({ url: '/api/docs/json' })).json();
    for (const p of ['/api/v1/production/board', '/api/v1/production/tasks/{id}/move', '/api/v1/production/tasks/{id}/files/{fileId}']) expect(Object.keys(spec.paths)).toContain(p);
    expect(spec.paths['/api/v1/production/tasks/{id}/move'].post.tags).toEqual(['Production']);
    // Tasks of other types are not on the board.
    const call = (await owner.post('/api/v1/tasks', { title: 'A call', type: 'call', dueAt: inDays(1) })).json();
    expect((await producer.client.get(`/api/v1/production/tasks/${call.id}`)).statusCode).toBe(404);
  });
});
