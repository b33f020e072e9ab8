import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { createLostReasons, createPipelineWithStages } from './pipelines.repository.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

type Stage = { id: string; name: string; kind: string; status: string; position: number; archivedAt: string | null; leadCount?: number };
type PipelineBody = { id: string; name: string; position: number; archivedAt: string | null; stages: Stage[] };

const put = (client: TestClient, url: string, body: unknown) => client.request('PUT', url, body);

async function pipelines(client: TestClient, query = ''): Promise<PipelineBody[]> {
  const res = await client.get(`/api/v1/pipelines${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().pipelines;
}

async function createLead(client: TestClient, body: Record<string, unknown>): Promise<{ id: string; version: number }> {
  const res = await client.post('/api/v1/leads', body);
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

async function secondWorkspace() {
  const b = t.client();
  await b.post('/api/v1/auth/signup', { name: 'Bea', email: 'bea@example.com', password: PASSWORD, workspaceSlug: 'acme-realty' });
  await b.post('/api/v1/auth/login', { email: 'bea@example.com', password: PASSWORD });
  b.workspaceId = (await b.post('/api/v1/workspaces', { name: 'Beta' })).json().id;
  return b;
}

describe('pipelines and stages', () => {
  it('creates, renames, reorders, archives and restores pipelines, keeping one active', async () => {
    const { owner } = await setUpOwner(t);
    const [sales] = await pipelines(owner);
    const created = await owner.post('/api/v1/pipelines', {
      name: 'Rentals',
      stages: [
        { name: 'Enquiry', kind: 'open' },
        { name: 'Viewing', kind: 'open', status: 'qualified', color: 'teal', rottingDays: 7 },
        { name: 'Signed', kind: 'won' },
        { name: 'Dropped', kind: 'lost' },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    const rentals = created.json() as PipelineBody;
    expect(rentals.stages.map((s) => [s.name, s.kind, s.status, s.position])).toEqual([
      ['Enquiry', 'open', 'new', 0],
      ['Viewing', 'open', 'qualified', 1],
      ['Signed', 'won', 'converted', 2],
      ['Dropped', 'lost', 'lost', 3],
    ]);
    expect((await owner.patch(`/api/v1/pipelines/${rentals.id}`, { name: 'Lettings' })).json().name).toBe('Lettings');
    const order = await put(owner, '/api/v1/pipelines/order', { pipelineIds: [rentals.id, sales!.id] });
    expect(order.statusCode, order.body).toBe(200);
    expect((await pipelines(owner)).map((p) => p.name)).toEqual(['Lettings', 'Sales']);
    const partial = await put(owner, '/api/v1/pipelines/order', { pipelineIds: [rentals.id] });
    expect(partial.statusCode).toBe(400);
    expect(partial.json().error.field).toBe('pipelineIds');

    expect((await owner.post(`/api/v1/pipelines/${rentals.id}/archive`)).statusCode).toBe(200);
    const last = await owner.post(`/api/v1/pipelines/${sales!.id}/archive`);
    expect(last.statusCode).toBe(409);
    expect((await pipelines(owner)).map((p) => p.name)).toEqual(['Sales']);
    expect((await pipelines(owner, '?includeArchived=true')).find((p) => p.id === rentals.id)?.archivedAt).toBeTruthy();
    expect((await owner.post(`/api/v1/pipelines/${rentals.id}/restore`)).statusCode).toBe(200);
    expect((await pipelines(owner)).map((p) => p.name)).toEqual(['Sales', 'Lettings']);

    const noOpen = await owner.post('/api/v1/pipelines', { name: 'Bad', stages: [{ name: 'Won', kind: 'won' }] });
    expect(noOpen.statusCode).toBe(400);
    expect(noOpen.json().error.field).toBe('stages');
    const dup = await owner.post('/api/v1/pipelines', { name: 'Bad', stages: [{ name: 'A' }, { name: ' a ' }] });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().error.field).toBe('stages.1.name');
    const badStatus = await owner.post('/api/v1/pipelines', { name: 'Bad', stages: [{ name: 'A', kind: 'won', status: 'new' }, { name: 'B' }] });
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json().error.field).toBe('stages.0.status');
    expect((await pipelines(owner)).map((p) => p.name)).toEqual(['Sales', 'Lettings']);
  });

  it('adds, edits and reorders stages, refusing duplicate names, foreign ids and kind changes of stages with leads', async () => {
    const { owner } = await setUpOwner(t);
    const [p] = await pipelines(owner);
    const byName = (name: string) => p!.stages.find((s) => s.name === name)!.id;
    const added = await owner.post(`/api/v1/pipelines/${p!.id}/stages`, { name: 'Proposal', color: 'orange', position: 3 });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ name: 'Proposal', kind: 'open', status: 'in_contact', position: 3, color: 'orange', rottingDays: null });
    expect((await pipelines(owner))[0]!.stages.map((s) => s.name)).toEqual(['New', 'Contacted', 'Qualified', 'Proposal', 'Won', 'Lost']);

    const dup = await owner.post(`/api/v1/pipelines/${p!.id}/stages`, { name: 'contacted' });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'name' });
    const rename = await owner.patch(`/api/v1/pipelines/${p!.id}/stages/${byName('New')}`, { name: 'QUALIFIED' });
    expect(rename.statusCode).toBe(400);
    expect(rename.json().error.field).toBe('name');
    const badColor = await owner.post(`/api/v1/pipelines/${p!.id}/stages`, { name: 'X', color: 'chartreuse' });
    expect(badColor.statusCode).toBe(400);
    expect(badColor.json().error.field).toBe('color');

    const edited = await owner.patch(`/api/v1/pipelines/${p!.id}/stages/${byName('Contacted')}`, { name: 'In contact', rottingDays: 5, status: 'in_contact' });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ name: 'In contact', rottingDays: 5 });
    const wrongStatus = await owner.patch(`/api/v1/pipelines/${p!.id}/stages/${byName('Won')}`, { status: 'qualified' });
    expect(wrongStatus.statusCode).toBe(400);
    expect(wrongStatus.json().error.field).toBe('status');

    await createLead(owner, { firstName: 'Ana', stageId: byName('Qualified') });
    const kind = await owner.patch(`/api/v1/pipelines/${p!.id}/stages/${byName('Qualified')}`, { kind: 'won' });
    expect(kind.statusCode).toBe(409);
    expect(kind.json().error.field).toBe('kind');
    const emptyKind = await owner.patch(`/api/v1/pipelines/${p!.id}/stages/${added.json().id}`, { kind: 'won' });
    expect(emptyKind.statusCode, emptyKind.body).toBe(200);
    expect(emptyKind.json()).toMatchObject({ kind: 'won', status: 'converted' });

    const ids = (await pipelines(owner))[0]!.stages.map((s) => s.id);
    const reversed = [...ids].reverse();
    const order = await put(owner, `/api/v1/pipelines/${p!.id}/stages/order`, { stageIds: reversed });
    expect(order.statusCode, order.body).toBe(200);
    expect(order.json().stages.map((s: Stage) => s.id)).toEqual(reversed);

    // Another pipeline's or workspace's stage in the list: refused, order unchanged.
    const other = (await owner.post('/api/v1/pipelines', { name: 'Other' })).json() as PipelineBody;
    const mixed = await put(owner, `/api/v1/pipelines/${p!.id}/stages/order`, { stageIds: [...reversed.slice(1), other.stages[0]!.id] });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().error.field).toBe(`stageIds.${reversed.length - 1}`);
    const b = await secondWorkspace();
    const theirs = (await pipelines(b))[0]!;
    const foreign = await put(owner, `/api/v1/pipelines/${p!.id}/stages/order`, { stageIds: [...reversed.slice(1), theirs.stages[0]!.id] });
    expect(foreign.statusCode).toBe(400);
    expect((await pipelines(owner))[0]!.stages.map((s) => s.id)).toEqual(reversed);
    // Nor can anyone change another workspace's pipeline.
    expect((await owner.patch(`/api/v1/pipelines/${theirs.id}`, { name: 'Mine' })).statusCode).toBe(404);
    expect((await owner.patch(`/api/v1/pipelines/${theirs.id}/stages/${theirs.stages[0]!.id}`, { name: 'Mine' })).statusCode).toBe(404);
    expect((await owner.post(`/api/v1/pipelines/${theirs.id}/stages/${theirs.stages[0]!.id}/archive`, {})).statusCode).toBe(404);
    expect((await pipelines(b))[0]!.stages[0]!.name).toBe('New');
  });

  it('archives a stage with leads only with a target, moving them in one transaction with timeline entries, and restores it', async () => {
    const { owner } = await setUpOwner(t);
    const [p] = await pipelines(owner);
    const byName = (name: string) => p!.stages.find((s) => s.name === name)!.id;
    const a = await createLead(owner, { firstName: 'Ana', stageId: byName('Contacted') });
    const b = await createLead(owner, { firstName: 'Bea', stageId: byName('Contacted') });
    expect((await pipelines(owner, '?withCounts=true'))[0]!.stages.find((s) => s.name === 'Contacted')!.leadCount).toBe(2);

    let res = await owner.post(`/api/v1/pipelines/${p!.id}/stages/${byName('Contacted')}/archive`, {});
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ field: 'moveToStageId' });
    res = await owner.post(`/api/v1/pipelines/${p!.id}/stages/${byName('Contacted')}/archive`, { moveToStageId: byName('Contacted') });
    expect(res.statusCode).toBe(400);
    const other = (await owner.post('/api/v1/pipelines', { name: 'Other' })).json() as PipelineBody;
    res = await owner.post(`/api/v1/pipelines/${p!.id}/stages/${byName('Contacted')}/archive`, { moveToStageId: other.stages[0]!.id });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('moveToStageId');
    await owner.post('/api/v1/lost-reasons', { name: 'Price' });
    res = await owner.post(`/api/v1/pipelines/${p!.id}/stages/${byName('Contacted')}/archive`, { moveToStageId: byName('Lost') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('lostReason');
    // Nothing changed by the refusals.
    expect((await pipelines(owner))[0]!.stages.map((s) => s.name)).toContain('Contacted');
    expect((await owner.get(`/api/v1/leads/${a.id}`)).json()).toMatchObject({ version: 1, stage: { name: 'Contacted' } });

    res = await owner.post(`/api/v1/pipelines/${p!.id}/stages/${byName('Contacted')}/archive`, { moveToStageId: byName('Won') });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ moved: 2, stage: { name: 'Contacted' } });
    expect(res.json().stage.archivedAt).toBeTruthy();
    for (const id of [a.id, b.id]) {
      const lead = (await owner.get(`/api/v1/leads/${id}`)).json();
      expect(lead).toMatchObject({ version: 2, stage: { name: 'Won' } });
      expect(lead.clientSince).toBeTruthy();
      const items = (await owner.get(`/api/v1/leads/${id}/timeline`)).json().items;
      expect(items[0]).toMatchObject({ type: 'stage_changed', data: { from: { name: 'Contacted' }, to: { name: 'Won' }, stageArchived: true } });
    }
    expect((await pipelines(owner))[0]!.stages.map((s) => [s.name, s.position])).toEqual([
      ['New', 0],
      ['Qualified', 1],
      ['Won', 2],
      ['Lost', 3],
    ]);

    // An empty stage archives without a target; the last open stages cannot all go.
    expect((await owner.post(`/api/v1/pipelines/${p!.id}/stages/${byName('Qualified')}/archive`, {})).statusCode).toBe(200);
    const lastOpen = await owner.post(`/api/v1/pipelines/${p!.id}/stages/${byName('New')}/archive`, {});
    expect(lastOpen.statusCode).toBe(409);

    // A new active stage took the name: restoring is refused until one is renamed.
    expect((await owner.post(`/api/v1/pipelines/${p!.id}/stages`, { name: 'Contacted' })).statusCode).toBe(201);
    res = await owner.post(`/api/v1/pipelines/${p!.id}/stages/${byName('Contacted')}/restore`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('name');
    res = await owner.post(`/api/v1/pipelines/${p!.id}/stages/${byName('Qualified')}/restore`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Qualified', archivedAt: null, position: 4 });
  });

  it('lets members read pipelines and lost reasons but only pipelines.manage change them', async () => {
    const { owner } = await setUpOwner(t);
    const agent = await addMember(t, owner, 'agent@example.com', 'agent');
    const [p] = await pipelines(agent.client);
    expect(p!.stages).toHaveLength(5);
    expect((await agent.client.get('/api/v1/lost-reasons')).statusCode).toBe(200);
    expect((await agent.client.post('/api/v1/pipelines', { name: 'Mine' })).statusCode).toBe(403);
    expect((await agent.client.patch(`/api/v1/pipelines/${p!.id}/stages/${p!.stages[0]!.id}`, { name: 'X' })).statusCode).toBe(403);
    expect((await agent.client.post('/api/v1/lost-reasons', { name: 'Price' })).statusCode).toBe(403);
  });
});

describe('lost reasons', () => {
  it('adds, renames, reorders, archives and restores reasons, unique by name per workspace', async () => {
    const { owner } = await setUpOwner(t);
    const ids: string[] = [];
    for (const name of ['Price', 'Timing', 'Competitor']) {
      const res = await owner.post('/api/v1/lost-reasons', { name });
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().id);
    }
    const dup = await owner.post('/api/v1/lost-reasons', { name: 'price' });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().error.field).toBe('name');
    expect((await owner.post('/api/v1/lost-reasons', { name: '  ' })).json().error.field).toBe('name');
    expect((await owner.patch(`/api/v1/lost-reasons/${ids[1]}`, { name: 'Bad timing' })).json().name).toBe('Bad timing');
    const order = await put(owner, '/api/v1/lost-reasons/order', { reasonIds: [ids[2], ids[0], ids[1]] });
    expect(order.statusCode, order.body).toBe(200);
    expect(order.json().reasons.map((r: { name: string }) => r.name)).toEqual(['Competitor', 'Price', 'Bad timing']);
    expect((await owner.patch(`/api/v1/lost-reasons/${ids[0]}`, { archived: true })).json().archivedAt).toBeTruthy();
    expect((await owner.get('/api/v1/lost-reasons')).json().reasons.map((r: { name: string }) => r.name)).toEqual(['Competitor', 'Bad timing']);
    expect((await owner.get('/api/v1/lost-reasons?includeArchived=true')).json().reasons).toHaveLength(3);
    expect((await owner.post('/api/v1/lost-reasons', { name: 'Price' })).statusCode).toBe(201);
    const clash = await owner.patch(`/api/v1/lost-reasons/${ids[0]}`, { archived: false });
    expect(clash.statusCode).toBe(400);
    expect(clash.json().error.field).toBe('name');

    const b = await secondWorkspace();
    expect((await b.get('/api/v1/lost-reasons')).json().reasons).toEqual([]);
    expect((await b.patch(`/api/v1/lost-reasons/${ids[2]}`, { name: 'Mine' })).statusCode).toBe(404);
    expect((await put(b, '/api/v1/lost-reasons/order', { reasonIds: [ids[2]] })).statusCode).toBe(400);
  });

  it('exposes repository functions presets call inside a transaction', async () => {
    const { owner, workspaceId } = await setUpOwner(t);
    await t.deps.database.db.transaction(async (tx) => {
      const { pipeline, stages } = await createPipelineWithStages(tx, workspaceId, {
        name: 'Home care',
        stages: [
          { name: 'Referral received', kind: 'open' },
          { name: 'Assessment', kind: 'open', status: 'qualified', rottingDays: 3 },
          { name: 'Start of care', kind: 'won', color: 'green' },
          { name: 'Not admitted', kind: 'lost' },
        ],
      });
      expect(pipeline.position).toBe(1);
      expect(stages.map((s) => s.status)).toEqual(['new', 'qualified', 'converted', 'lost']);
      expect((await createLostReasons(tx, workspaceId, ['Chose another agency', 'No coverage', 'no coverage'])).map((r) => r.name)).toEqual([
        'Chose another agency',
        'No coverage',
      ]);
      expect(await createLostReasons(tx, workspaceId, ['No coverage'])).toEqual([]);
    });
    expect((await pipelines(owner)).map((p) => p.name)).toEqual(['Sales', 'Home care']);
    expect((await owner.get('/api/v1/lost-reasons')).json().reasons.map((r: { position: number }) => r.position)).toEqual([0, 1]);
  });

  it('documents every pipelines route in OpenAPI', async () => {
    const res = await t.client().get('/api/docs/json');
    expect(res.statusCode).toBe(200);
    const paths = res.json().paths as Record<string, Record<string, { tags?: string[]; summary?: string }>>;
    const expected: [string, string][] = [
      ['/api/v1/pipelines', 'get'],
      ['/api/v1/pipelines', 'post'],
      ['/api/v1/pipelines/order', 'put'],
      ['/api/v1/pipelines/{id}', 'patch'],
      ['/api/v1/pipelines/{id}/archive', 'post'],
      ['/api/v1/pipelines/{id}/restore', 'post'],
      ['/api/v1/pipelines/{id}/stages', 'post'],
      ['/api/v1/pipelines/{id}/stages/order', 'put'],
      ['/api/v1/pipelines/{id}/stages/{stageId}', 'patch'],
      ['/api/v1/pipelines/{id}/stages/{stageId}/archive', 'post'],
      ['/api/v1/pipelines/{id}/stages/{stageId}/restore', 'post'],
      ['/api/v1/pipelines/{id}/board', 'get'],
      ['/api/v1/pipelines/{id}/board/stages/{stageId}', 'get'],
      ['/api/v1/leads/{id}/move', 'post'],
      ['/api/v1/lost-reasons', 'get'],
      ['/api/v1/lost-reasons', 'post'],
      ['/api/v1/lost-reasons/order', 'put'],
      ['/api/v1/lost-reasons/{id}', 'patch'],
    ];
    for (const [path, method] of expected) {
      const op = paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op!.tags).toContain('Pipelines');
      expect(op!.summary).toBeTruthy();
    }
  });
});
