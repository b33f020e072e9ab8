import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES } from '@leadflow/shared/permissions';
import { PASSWORD, addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

/** Two workspaces owned by two different people, each with an agent and a pending sign-up. */
async function twoTenants() {
  const a = await setUpOwner(t);
  const bOwner = t.client();
  await bOwner.post('/api/v1/auth/signup', { name: 'Bea', email: 'bea@example.com', password: PASSWORD, workspaceSlug: 'acme-realty' });
  // Bea creates her own workspace B (she stays pending in A, which gives her nothing there).
  await bOwner.post('/api/v1/auth/login', { email: 'bea@example.com', password: PASSWORD });
  const wsB = (await bOwner.post('/api/v1/workspaces', { name: 'Beta Insurance' })).json();
  bOwner.workspaceId = wsB.id;
  const bAgent = await addMember(t, bOwner, 'b-agent@example.com', 'agent');
  const bRoles = (await bOwner.get('/api/v1/roles')).json().roles as { id: string; key: string }[];
  const bInvite = (await bOwner.post('/api/v1/invitations', { email: 'later@example.com', roleId: bRoles[3]!.id })).json();
  await t.client().post('/api/v1/auth/password/forgot', { email: 'b-agent@example.com', askAdmin: true });
  const bReset = (await bOwner.get('/api/v1/password-reset-requests')).json().requests[0];
  return { a, bOwner, wsB, bAgent, bRoles, bInvite, bReset };
}

describe('tenant isolation', () => {
  it('answers 404 for every member, role, invitation and reset-request id of another workspace', async () => {
    const { a, bAgent, bRoles, bInvite, bReset } = await twoTenants();
    const owner: TestClient = a.owner;
    const ownerRole = bRoles.find((r) => r.key === 'owner')!;
    const custom = (await t.client().get('/api/v1/roles')).statusCode; // anonymous: 401, not data
    expect(custom).toBe(401);
    const attempts = [
      owner.patch(`/api/v1/members/${bAgent.userId}`, { status: 'disabled' }),
      owner.delete(`/api/v1/members/${bAgent.userId}`),
      owner.post(`/api/v1/members/${bAgent.userId}/reset-link`),
      owner.patch(`/api/v1/roles/${ownerRole.id}`, { name: 'Hacked' }),
      owner.patch(`/api/v1/roles/${bRoles[3]!.id}`, { permissions: [] }),
      owner.delete(`/api/v1/roles/${bRoles[3]!.id}`),
      owner.delete(`/api/v1/invitations/${bInvite.id}`),
      owner.post(`/api/v1/password-reset-requests/${bReset.id}/resolve`),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.statusCode, res.body).toBe(404);
    }
    // A role id of B cannot be granted in A either.
    const grant = await owner.post('/api/v1/invitations', { email: 'x@example.com', roleId: bRoles[3]!.id });
    expect(grant.statusCode).toBe(400);
    expect(grant.json().error.field).toBe('roleId');
    // Nothing of B shows in A's lists, and nothing changed in B.
    const members = (await owner.get('/api/v1/members')).json().members.map((m: { email: string }) => m.email);
    expect(members).not.toContain('b-agent@example.com');
    expect((await owner.get('/api/v1/invitations')).json().invitations).toEqual([]);
    expect(JSON.stringify((await owner.get('/api/v1/audit')).json())).not.toContain('Beta Insurance');
    expect(JSON.stringify((await owner.get('/api/v1/outbox')).json())).not.toContain('later@example.com');
  });

  it('refuses a workspace header for a workspace the user is not in', async () => {
    const { a, wsB } = await twoTenants();
    a.owner.workspaceId = wsB.id;
    const res = await a.owner.get('/api/v1/members');
    expect(res.statusCode).toBe(404);
    a.owner.workspaceId = undefined;
    expect((await a.owner.post('/api/v1/workspaces/switch', { workspaceId: wsB.id })).statusCode).toBe(404);
  });
});

describe('roles and permissions', () => {
  const adminRoutes: [string, (c: TestClient, ids: { roleId: string; userId: string }) => Promise<{ statusCode: number }>][] = [
    ['PATCH /workspace', (c) => c.patch('/api/v1/workspace', { name: 'Renamed' })],
    ['GET /members', (c) => c.get('/api/v1/members')],
    ['PATCH /members/:id', (c, ids) => c.patch(`/api/v1/members/${ids.userId}`, { status: 'disabled' })],
    ['POST /invitations', (c, ids) => c.post('/api/v1/invitations', { email: 'new@example.com', roleId: ids.roleId })],
    ['POST /roles', (c) => c.post('/api/v1/roles', { name: `Interns ${Math.random().toString(36).slice(2, 8)}`, permissions: [] })],
    ['GET /audit', (c) => c.get('/api/v1/audit')],
    ['GET /outbox', (c) => c.get('/api/v1/outbox')],
  ];
  const allowed: Record<string, string[]> = {
    'PATCH /workspace': ['owner', 'admin'],
    'GET /members': ['owner', 'admin', 'manager'],
    'PATCH /members/:id': ['owner', 'admin'],
    'POST /invitations': ['owner', 'admin'],
    'POST /roles': ['owner', 'admin'],
    'GET /audit': ['owner', 'admin', 'manager'],
    'GET /outbox': ['owner', 'admin'],
  };

  it('gives each built-in role 403 where it must', async () => {
    const { owner } = await setUpOwner(t);
    const target = await addMember(t, owner, 'target@example.com', 'viewer');
    const agentRoleId = (await owner.get('/api/v1/roles')).json().roles.find((r: { key: string }) => r.key === 'agent').id;
    for (const role of BUILT_IN_ROLES) {
      const member = role === 'owner' ? { client: owner } : await addMember(t, owner, `${role}@example.com`, role);
      for (const [name, call] of adminRoutes) {
        const res = await call(member.client, { roleId: agentRoleId, userId: target.userId });
        const expected = allowed[name]!.includes(role);
        expect(res.statusCode < 400, `${role} ${name} → ${res.statusCode}`).toBe(expected);
        if (!expected) expect(res.statusCode, `${role} ${name}`).toBe(403);
        if (name === 'PATCH /members/:id' && expected) await owner.patch(`/api/v1/members/${target.userId}`, { status: 'active' });
      }
    }
  });

  it('lets admins create and edit roles, never the owner role, and not delete a role in use', async () => {
    const { owner } = await setUpOwner(t);
    const created = await owner.post('/api/v1/roles', { name: 'Team lead', permissions: ['leads.view_all', 'leads.assign'] });
    expect(created.statusCode).toBe(201);
    const role = created.json();
    expect((await owner.post('/api/v1/roles', { name: 'team LEAD', permissions: [] })).json().error.field).toBe('name');
    const bad = await owner.post('/api/v1/roles', { name: 'Bad', permissions: ['launch.missiles'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('permissions.0');
    const roles = (await owner.get('/api/v1/roles')).json().roles;
    const ownerRole = roles.find((r: { key: string }) => r.key === 'owner');
    expect((await owner.patch(`/api/v1/roles/${ownerRole.id}`, { permissions: [] })).statusCode).toBe(403);
    const edited = (await owner.patch(`/api/v1/roles/${role.id}`, { permissions: ['leads.view_all'] })).json();
    expect(edited.permissions).toEqual(['leads.view_all']);

    const lead = await addMember(t, owner, 'lead@example.com', 'agent');
    await owner.patch(`/api/v1/members/${lead.userId}`, { roleId: role.id });
    expect((await lead.client.get('/api/v1/me')).json().permissions).toEqual(['leads.view_all']);
    expect((await owner.delete(`/api/v1/roles/${role.id}`)).statusCode).toBe(409);
    const builtIn = roles.find((r: { key: string }) => r.key === 'viewer');
    expect((await owner.delete(`/api/v1/roles/${builtIn.id}`)).statusCode).toBe(403);
  });

  it('keeps owners in control: no self-demotion, only owners grant owner', async () => {
    const { owner, userId } = await setUpOwner(t);
    const admin = await addMember(t, owner, 'admin@example.com', 'admin');
    const roles = (await owner.get('/api/v1/roles')).json().roles;
    const ownerRole = roles.find((r: { key: string }) => r.key === 'owner');
    expect((await owner.patch(`/api/v1/members/${userId}`, { status: 'disabled' })).statusCode).toBe(403);
    expect((await admin.client.patch(`/api/v1/members/${userId}`, { status: 'disabled' })).statusCode).toBe(403);
    expect((await admin.client.post('/api/v1/invitations', { email: 'o2@example.com', roleId: ownerRole.id })).statusCode).toBe(403);
    expect((await owner.post('/api/v1/invitations', { email: 'o2@example.com', roleId: ownerRole.id })).statusCode).toBe(201);
  });
});

describe('audit log', () => {
  it('records who changed what, with old and new values, and cannot be rewritten', async () => {
    const { owner } = await setUpOwner(t);
    await owner.patch('/api/v1/workspace', { name: 'Acme Homes', currency: 'BRL' });
    const bad = await owner.patch('/api/v1/workspace', { currency: 'reais' });
    expect(bad.json().error.field).toBe('currency');
    const entries = (await owner.get('/api/v1/audit?action=workspace.update')).json().entries;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: { name: 'Olivia Owner' },
      entityType: 'workspace',
      oldValues: { name: 'Acme Realty', currency: 'USD' },
      newValues: { name: 'Acme Homes', currency: 'BRL' },
    });
    await expect(t.deps.database.exec('UPDATE audit_log SET action = $$x$$')).rejects.toThrow(/append-only/);
    await expect(t.deps.database.exec('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    const page1 = (await owner.get('/api/v1/audit?limit=1')).json();
    expect(page1.entries).toHaveLength(1);
    const page2 = (await owner.get(`/api/v1/audit?limit=1&cursor=${page1.nextCursor}`)).json();
    expect(page2.entries[0].id).not.toBe(page1.entries[0].id);
    expect((await owner.get('/api/v1/audit?cursor=abc')).json().error.field).toBe('cursor');
  });
});

describe('platform endpoints', () => {
  it('serves health, readiness and an OpenAPI document covering every API route', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ url: '/readyz' })).json()).toMatchObject({ status: 'ready' });
    const spec = (await t.app.inject({ url: '/api/docs/json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    const paths = Object.keys(spec.paths);
    for (const p of ['/api/v1/auth/login', '/api/v1/members/{userId}', '/api/v1/roles/{id}', '/api/v1/audit']) {
      expect(paths).toContain(p);
    }
    const res = await t.app.inject({ url: '/api/v1/me' });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
