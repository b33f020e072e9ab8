import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { createHookLimiter } from './hook-limits.ts';
import { INTAKE_UNAUTHENTICATED_PER_MINUTE } from './intake.routes.ts';

let t: TestApp;
let owner: TestClient;
let workspaceId: string;
let key: string;

beforeEach(async () => {
  t = await createTestApp();
  ({ owner, workspaceId } = await setUpOwner(t));
  const res = await owner.post('/api/v1/api-keys', { name: 'Website form' });
  expect(res.statusCode, res.body).toBe(201);
  key = res.json().key;
});
afterEach(async () => {
  await t.close();
});

function push(body: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: '/hooks/intake', headers: { authorization: `Bearer ${key}`, ...headers }, payload: body as object });
}

async function leadCount(ws = workspaceId): Promise<number> {
  const r = await t.deps.database.query<{ n: number }>('SELECT count(*)::int AS n FROM leads WHERE workspace_id = $1', [ws]);
  return Number(r.rows[0]!.n);
}

describe('intake API', () => {
  it('creates a lead with a valid key, and shows the key only once', async () => {
    const res = await push({ firstName: 'Ana', lastName: 'Lima', phone: '+1 202 555 0123', email: 'ana@example.com', source: 'Website', custom: { budget: 500000 } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ outcome: 'created', replayed: false });
    const lead = (await owner.get(`/api/v1/leads/${res.json().id}`)).json();
    expect(lead).toMatchObject({ firstName: 'Ana', origin: 'api', source: 'Website', emails: ['ana@example.com'], custom: { budget: 500000 } });
    expect(lead.phones[0].e164).toBe('+12025550123');
    const list = await owner.get('/api/v1/api-keys');
    expect(list.body).not.toContain(key);
    expect(list.json().apiKeys[0]).toMatchObject({ name: 'Website form', prefix: key.slice(0, 9), revokedAt: null });
    expect(list.json().apiKeys[0].lastUsedAt).not.toBeNull();
  });

  it('answers 401 without a key, with a wrong one and with a revoked one', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/hooks/intake', payload: { firstName: 'X' } })).statusCode).toBe(401);
    expect((await push({ firstName: 'X' }, { authorization: 'Bearer lf_wrong' })).statusCode).toBe(401);
    const id = (await owner.get('/api/v1/api-keys')).json().apiKeys[0].id;
    expect((await owner.delete(`/api/v1/api-keys/${id}`)).statusCode).toBe(200);
    expect((await push({ firstName: 'X' })).statusCode).toBe(401);
    expect(await leadCount()).toBe(0);
  });

  it('names the wrong field, and wants something to identify the lead', async () => {
    const bad = await push({ firstName: 'Ana', email: 'not-an-email' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('email');
    const empty = await push({ source: 'Website' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.field).toBe('firstName');
  });

  it('makes one lead per idempotency key: a replay answers 200 with the same id, also under concurrency', async () => {
    const first = await push({ firstName: 'Bo' }, { 'idempotency-key': 'form-123' });
    expect(first.statusCode).toBe(201);
    const again = await push({ firstName: 'Bo' }, { 'idempotency-key': 'form-123' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: first.json().id, replayed: true });
    const burst = await Promise.all(Array.from({ length: 8 }, () => push({ firstName: 'Cy' }, { 'idempotency-key': 'form-456' })));
    expect(new Set(burst.map((r) => r.json().id)).size).toBe(1);
    expect(burst.filter((r) => r.statusCode === 201)).toHaveLength(1);
    const byExternal = await push({ firstName: 'Di', externalId: 'crm-9' });
    expect((await push({ firstName: 'Di', externalId: 'crm-9' })).json().id).toBe(byExternal.json().id);
    expect(await leadCount()).toBe(3);
  });

  it('sends a known person to the existing lead as came_back', async () => {
    const first = await push({ firstName: 'Eva', email: 'eva@example.com' });
    const second = await push({ firstName: 'Eva', email: 'EVA@example.com' }, { 'idempotency-key': 'k2' });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ id: first.json().id, outcome: 'came_back', replayed: false });
    const replay = await push({ firstName: 'Eva', email: 'eva@example.com' }, { 'idempotency-key': 'k2' });
    expect(replay.json()).toMatchObject({ id: first.json().id, outcome: 'came_back', replayed: true });
    const timeline = (await owner.get(`/api/v1/leads/${first.json().id}/timeline`)).json().items as { type: string }[];
    expect(timeline.filter((i) => i.type === 'came_back')).toHaveLength(1);
    expect(await leadCount()).toBe(1);
  });

  it("keeps a workspace's keys to itself", async () => {
    const wsB = (await owner.post('/api/v1/workspaces', { name: 'Beta Insurance' })).json().id as string;
    const b = t.client();
    for (const [k, v] of owner.cookies) b.cookies.set(k, v);
    b.workspaceId = wsB;
    owner.workspaceId = workspaceId;
    const keyB = (await b.post('/api/v1/api-keys', { name: 'B form' })).json();
    expect((await owner.delete(`/api/v1/api-keys/${keyB.id}`)).statusCode).toBe(404);
    expect((await owner.get('/api/v1/api-keys')).json().apiKeys).toHaveLength(1);
    const res = await push({ firstName: 'Fay' }, { authorization: `Bearer ${keyB.key}` });
    expect(res.statusCode).toBe(201);
    expect(await leadCount(wsB)).toBe(1);
    expect(await leadCount(workspaceId)).toBe(0);
  });

  it('logs every call with a valid key in the integration log (status, error naming the field), never the key', async () => {
    expect((await push({ firstName: 'Gil' })).statusCode).toBe(201);
    expect((await push({ firstName: 'Gil', email: 'nope' })).statusCode).toBe(400);
    // The log line is written once the answer has gone out (onResponse), so it can land just after inject returns.
    await expect.poll(async () => (await owner.get('/api/v1/integrations/log?provider=intake')).json().entries?.length).toBe(2);
    const log = await owner.get('/api/v1/integrations/log?provider=intake');
    expect(log.statusCode, log.body).toBe(200);
    const entries = log.json().entries as { direction: string; method: string; url: string; status: number; error: string | null; durationMs: number | null }[];
    expect(entries.map((e) => e.status)).toEqual([400, 201]);
    expect(entries[0]).toMatchObject({ direction: 'in', method: 'POST', url: `/hooks/intake (key ${key.slice(0, 9)})` });
    expect(entries[0]!.error).toMatch(/email/);
    expect(entries[1]!.error).toBeNull();
    expect(log.body).not.toContain(key);
    expect((await owner.get('/api/v1/integrations/log?provider=intake&status=error')).json().entries).toHaveLength(1);
  });

  it('answers 429 to an address that keeps sending bad keys, while a valid key from it still works', async () => {
    for (let i = 0; i < INTAKE_UNAUTHENTICATED_PER_MINUTE; i++) {
      expect((await push({ firstName: 'X' }, { authorization: 'Bearer lf_guess' })).statusCode).toBe(401);
    }
    const limited = await push({ firstName: 'X' }, { authorization: 'Bearer lf_guess' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await push({ firstName: 'Valid' })).statusCode).toBe(201);
  });

  it('counts a budget per key in a one-minute window (the per-key intake limit)', () => {
    let now = 1_000_000;
    const limiter = createHookLimiter({ perMinute: 3, now: () => now });
    expect([limiter.spend('k1'), limiter.spend('k1'), limiter.spend('k1')]).toEqual([false, false, false]);
    expect(limiter.exhausted('k1')).toBe(true);
    expect(limiter.spend('k1')).toBe(true);
    expect(limiter.spend('k2')).toBe(false);
    now += 30_000;
    expect(limiter.retryAfterSeconds()).toBe(30);
    now += 30_000;
    expect(limiter.exhausted('k1')).toBe(false);
    expect(limiter.spend('k1')).toBe(false);
  });

  it('documents capture in the OpenAPI spec', async () => {
    const spec = (await t.app.inject({ url: '/api/docs/json' })).json();
    for (const path of ['/hooks/intake', '/hooks/meta', '/api/v1/api-keys', '/api/v1/integrations/meta', '/api/v1/integrations/meta/{id}/sync', '/api/v1/integrations/log']) {
      expect(spec.paths[path], path).toBeTruthy();
    }
  });
});
