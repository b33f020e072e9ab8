import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app.ts';
import { loadConfig } from '../platform/config.ts';
import { createDeps } from '../platform/deps.ts';
import type { AppDeps } from '../platform/http/types.ts';
import { createTestDatabase } from './database.ts';

export type TestApp = {
  app: FastifyInstance;
  deps: AppDeps;
  /** Moves the app's clock (sessions, links, lockouts) without waiting. */
  advanceClock(ms: number): void;
  client(): TestClient;
  close(): Promise<void>;
};

/** The real app on a fresh database (PGlite, or PostgreSQL when TEST_DATABASE_URL is set). Nothing is mocked. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const testDb = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost:3000', JOBS_ENABLED: 'false', ...env });
  const silent = { error: () => undefined, info: () => undefined };
  const deps = await createDeps({ ...config, databaseUrl: testDb.databaseUrl }, silent, testDb.database);
  let offset = 0;
  deps.now = () => new Date(Date.now() + offset);
  await deps.events.start();
  const app = await buildApp(deps, { rateLimitPerMinute: false, webDistDir: '/nonexistent' });
  await app.ready();
  return {
    app,
    deps,
    advanceClock: (ms) => {
      offset += ms;
    },
    client: () => new TestClient(app),
    async close() {
      await app.close();
      await deps.events.stop();
      await deps.jobs.stop();
      await testDb.dispose();
    },
  };
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** A browser-like client: keeps cookies between requests and sends the CSRF header on writes. */
export class TestClient {
  readonly cookies = new Map<string, string>();
  workspaceId: string | undefined;

  constructor(private readonly app: FastifyInstance) {
    this.cookies.set('lf_csrf', 'test-csrf-token');
  }

  async request(method: Method, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method,
      url,
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(method !== 'GET' ? { 'x-csrf-token': this.cookies.get('lf_csrf') ?? '' } : {}),
        ...(this.workspaceId ? { 'x-workspace-id': this.workspaceId } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    for (const c of res.cookies) {
      if (c.maxAge === 0 || c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  get = (url: string, headers?: Record<string, string>) => this.request('GET', url, undefined, headers);
  post = (url: string, body?: unknown, headers?: Record<string, string>) => this.request('POST', url, body ?? {}, headers);
  patch = (url: string, body?: unknown) => this.request('PATCH', url, body ?? {});
  delete = (url: string) => this.request('DELETE', url);
}

export const PASSWORD = 'correct horse battery';

/** Sets up the installation with an owner and returns the signed-in owner client and workspace id. */
export async function setUpOwner(t: TestApp, email = 'owner@example.com', workspaceName = 'Acme Realty') {
  const owner = t.client();
  const res = await owner.post('/api/v1/setup', { name: 'Olivia Owner', email, password: PASSWORD, workspaceName });
  if (res.statusCode !== 201) throw new Error(`setup failed: ${res.body}`);
  const me = (await owner.get('/api/v1/me')).json();
  return { owner, workspaceId: me.currentWorkspaceId as string, userId: me.user.id as string };
}

/**
 * Moves a test app's clock past the next midnight of `timeZone` when that midnight is less than `withinMs` away: a test
 * that advances the clock by up to `withinMs` and reads "today" then never straddles two days, whatever the hour it
 * runs at. Returns how far the clock moved (0 when midnight is far enough).
 */
export function clearOfMidnight(t: TestApp, timeZone: string, withinMs: number): number {
  const now = t.deps.now();
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const sinceMidnight = ((part('hour') * 60 + part('minute')) * 60 + part('second')) * 1000 + now.getMilliseconds();
  const toMidnight = 24 * 3_600_000 - sinceMidnight;
  if (toMidnight >= withinMs) return 0;
  const step = toMidnight + 60_000;
  t.advanceClock(step);
  return step;
}

/** Invites and admits a member with the given built-in role; returns their signed-in client. */
export async function addMember(t: TestApp, admin: TestClient, email: string, roleKey: string) {
  const roles = (await admin.get('/api/v1/roles')).json().roles as { id: string; key: string }[];
  const role = roles.find((r) => r.key === roleKey);
  if (!role) throw new Error(`no role ${roleKey}`);
  const inv = await admin.post('/api/v1/invitations', { email, roleId: role.id });
  if (inv.statusCode !== 201) throw new Error(`invite failed: ${inv.body}`);
  const token = new URL(inv.json().acceptUrl).searchParams.get('token')!;
  const member = t.client();
  const acc = await member.post(`/api/v1/invitations/${token}/accept`, { name: email.split('@')[0], password: PASSWORD });
  if (acc.statusCode !== 200) throw new Error(`accept failed: ${acc.body}`);
  const me = (await member.get('/api/v1/me')).json();
  return { client: member, userId: me.user.id as string };
}
