import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { base32Decode, totpAt } from '../../platform/auth/totp.ts';
import { PASSWORD, addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

function currentCode(secret: string): string {
  return totpAt(base32Decode(secret), Math.floor(t.deps.now().getTime() / 1000));
}

async function outbox(owner: TestClient) {
  return (await owner.get('/api/v1/outbox')).json().messages as { to: string; subject: string; text: string }[];
}

function linkToken(text: string, path: string): string {
  const m = text.match(new RegExp(`${path}\\?token=([A-Za-z0-9_-]+)`));
  if (!m) throw new Error(`no ${path} link in: ${text}`);
  return m[1]!;
}

describe('set-up', () => {
  it('creates the first owner once, with no default account', async () => {
    const c = t.client();
    expect((await c.get('/api/v1/setup/status')).json()).toEqual({ setUp: false });
    expect((await c.post('/api/v1/auth/login', { email: 'admin@example.com', password: 'admin' })).statusCode).toBe(401);
    const { owner } = await setUpOwner(t);
    expect((await c.get('/api/v1/setup/status')).json()).toEqual({ setUp: true });
    const me = (await owner.get('/api/v1/me')).json();
    expect(me.user.email).toBe('owner@example.com');
    expect(me.workspaces).toHaveLength(1);
    expect(me.workspaces[0].role.key).toBe('owner');
    expect(me.permissions).toContain('roles.manage');
    const again = await t.client().post('/api/v1/setup', { name: 'X', email: 'x@example.com', password: PASSWORD, workspaceName: 'Other' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('ALREADY_SET_UP');
  });

  it('names the field at fault and writes nothing', async () => {
    const c = t.client();
    const res = await c.post('/api/v1/setup', { name: 'Ana', email: 'not-an-email', password: 'short', workspaceName: 'W' });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.issues.map((i: { field: string }) => i.field)).toEqual(expect.arrayContaining(['email', 'password', 'workspaceName']));
    expect((await c.get('/api/v1/setup/status')).json()).toEqual({ setUp: false });
  });

  it('refuses cookie-authenticated writes without the CSRF token', async () => {
    const c = t.client();
    const res = await c.post('/api/v1/setup', { name: 'Ana', email: 'a@example.com', password: PASSWORD, workspaceName: 'Acme' }, { 'x-csrf-token': 'wrong' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('CSRF_FAILED');
  });
});

describe('sign-in', () => {
  it('rotates the session on every sign-in and signs out', async () => {
    const { owner } = await setUpOwner(t);
    const first = owner.cookies.get('lf_session');
    await owner.post('/api/v1/auth/login', { email: 'owner@example.com', password: PASSWORD });
    const second = owner.cookies.get('lf_session');
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    expect((await owner.post('/api/v1/auth/logout')).statusCode).toBe(200);
    expect((await owner.get('/api/v1/me')).statusCode).toBe(401);
  });

  it('sets a persistent cookie only with remember me, HttpOnly and SameSite', async () => {
    await setUpOwner(t);
    const a = await t.client().post('/api/v1/auth/login', { email: 'owner@example.com', password: PASSWORD, remember: true });
    const remembered = a.cookies.find((c) => c.name === 'lf_session')!;
    expect(remembered.maxAge).toBe(30 * 24 * 3600);
    expect(remembered.httpOnly).toBe(true);
    expect(remembered.sameSite).toBe('Lax');
    const b = await t.client().post('/api/v1/auth/login', { email: 'owner@example.com', password: PASSWORD });
    expect(b.cookies.find((c) => c.name === 'lf_session')!.maxAge).toBeUndefined();
  });

  it('locks the account after five wrong passwords, then lets it in after the lock', async () => {
    await setUpOwner(t);
    const c = t.client();
    for (let i = 0; i < 4; i++) {
      const res = await c.post('/api/v1/auth/login', { email: 'owner@example.com', password: 'wrong password' });
      expect(res.json().error.code).toBe('INVALID_CREDENTIALS');
    }
    const fifth = await c.post('/api/v1/auth/login', { email: 'owner@example.com', password: 'wrong password' });
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().error.code).toBe('ACCOUNT_LOCKED');
    const locked = await c.post('/api/v1/auth/login', { email: 'owner@example.com', password: PASSWORD });
    expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
    t.advanceClock(16 * 60 * 1000);
    expect((await c.post('/api/v1/auth/login', { email: 'owner@example.com', password: PASSWORD })).statusCode).toBe(200);
  });

  it('ends a browser session after the workspace idle timeout, but not a remembered one', async () => {
    const { owner } = await setUpOwner(t);
    expect((await owner.patch('/api/v1/workspace', { idleTimeoutMinutes: 10 })).statusCode).toBe(200);
    const remembered = t.client();
    await remembered.post('/api/v1/auth/login', { email: 'owner@example.com', password: PASSWORD, remember: true });
    t.advanceClock(5 * 60 * 1000);
    expect((await owner.get('/api/v1/me')).statusCode).toBe(200);
    t.advanceClock(11 * 60 * 1000);
    const expired = await owner.get('/api/v1/me');
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('SESSION_EXPIRED');
    expect((await remembered.get('/api/v1/me')).statusCode).toBe(200);
  });
});

describe('sign-up with approval', () => {
  it('waits for an admin, who approves it', async () => {
    const { owner } = await setUpOwner(t);
    const slug = (await owner.get('/api/v1/workspace')).json().slug;
    const stranger = t.client();
    const res = await stranger.post('/api/v1/auth/signup', { name: 'Sam Stranger', email: 'sam@example.com', password: PASSWORD, workspaceSlug: slug });
    expect(res.statusCode).toBe(202);
    await stranger.post('/api/v1/auth/login', { email: 'sam@example.com', password: PASSWORD });
    const me = (await stranger.get('/api/v1/me')).json();
    expect(me.workspaces[0].status).toBe('pending');
    expect(me.permissions).toEqual([]);
    const blocked = await stranger.get('/api/v1/workspace');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('ACCOUNT_PENDING_APPROVAL');

    expect((await outbox(owner)).some((m) => m.subject.includes('Sam Stranger asks to join'))).toBe(true);
    const pending = (await owner.get('/api/v1/members?status=pending')).json().members;
    expect(pending).toHaveLength(1);
    expect((await owner.patch(`/api/v1/members/${pending[0].userId}`, { status: 'active' })).statusCode).toBe(200);
    expect((await stranger.get('/api/v1/workspace')).statusCode).toBe(200);
  });

  it('rejects an unknown workspace and a taken email by field', async () => {
    await setUpOwner(t);
    const c = t.client();
    const unknown = await c.post('/api/v1/auth/signup', { name: 'A', email: 'a@example.com', password: PASSWORD, workspaceSlug: 'nope' });
    expect(unknown.json().error.field).toBe('workspaceSlug');
    const taken = await c.post('/api/v1/auth/signup', { name: 'A', email: 'OWNER@example.com', password: PASSWORD, workspaceSlug: 'acme-realty' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.field).toBe('email');
  });
});

describe('password reset', () => {
  it('works once by emailed link, expires, and signs out every session', async () => {
    const { owner } = await setUpOwner(t);
    const other = t.client();
    await other.post('/api/v1/auth/login', { email: 'owner@example.com', password: PASSWORD });
    expect((await t.client().post('/api/v1/auth/password/forgot', { email: 'owner@example.com' })).statusCode).toBe(202);
    expect((await t.client().post('/api/v1/auth/password/forgot', { email: 'nobody@example.com' })).statusCode).toBe(202);
    const mail = (await outbox(owner)).find((m) => m.subject.includes('Reset'))!;
    const token = linkToken(mail.text, '/reset-password');

    const reset = await t.client().post('/api/v1/auth/password/reset', { token, password: 'a brand new password' });
    expect(reset.statusCode).toBe(200);
    const reused = await t.client().post('/api/v1/auth/password/reset', { token, password: 'another new password' });
    expect(reused.json().error.code).toBe('TOKEN_INVALID');
    expect((await other.get('/api/v1/me')).statusCode).toBe(401);
    expect((await owner.get('/api/v1/me')).statusCode).toBe(401);
    const login = await t.client().post('/api/v1/auth/login', { email: 'owner@example.com', password: 'a brand new password' });
    expect(login.statusCode).toBe(200);

    await t.client().post('/api/v1/auth/password/forgot', { email: 'owner@example.com' });
    const c = t.client();
    await c.post('/api/v1/auth/login', { email: 'owner@example.com', password: 'a brand new password' });
    const mails = (await outbox(c)).filter((m) => m.subject.includes('Reset'));
    const fresh = linkToken(mails[0]!.text, '/reset-password');
    t.advanceClock(61 * 60 * 1000);
    const expired = await t.client().post('/api/v1/auth/password/reset', { token: fresh, password: 'too late password' });
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error.code).toBe('TOKEN_EXPIRED');
  });

  it('goes to the admin queue for users without email access', async () => {
    const { owner } = await setUpOwner(t);
    const agent = await addMember(t, owner, 'agent@example.com', 'agent');
    await t.client().post('/api/v1/auth/password/forgot', { email: 'agent@example.com', askAdmin: true });
    const queue = (await owner.get('/api/v1/password-reset-requests')).json().requests;
    expect(queue).toEqual([expect.objectContaining({ email: 'agent@example.com' })]);
    expect((await agent.client.get('/api/v1/password-reset-requests')).statusCode).toBe(403);
    const link = (await owner.post(`/api/v1/password-reset-requests/${queue[0].id}/resolve`)).json();
    const token = new URL(link.resetUrl).searchParams.get('token')!;
    expect((await t.client().post('/api/v1/auth/password/reset', { token, password: 'agent new password' })).statusCode).toBe(200);
    expect((await owner.get('/api/v1/password-reset-requests')).json().requests).toEqual([]);
  });
});

describe('invitations', () => {
  it('admits a new person with the invited role, once', async () => {
    const { owner } = await setUpOwner(t);
    const roles = (await owner.get('/api/v1/roles')).json().roles;
    const manager = roles.find((r: { key: string }) => r.key === 'manager');
    const inv = (await owner.post('/api/v1/invitations', { email: 'Mia@Example.com', roleId: manager.id })).json();
    expect(inv.email).toBe('mia@example.com');
    const mail = (await outbox(owner)).find((m) => m.to === 'mia@example.com')!;
    const token = linkToken(mail.text, '/accept-invitation');
    const preview = (await t.client().get(`/api/v1/invitations/${token}`)).json();
    expect(preview).toEqual({ workspaceName: 'Acme Realty', email: 'mia@example.com', roleName: 'Manager', accountExists: false });
    const mia = t.client();
    const noName = await mia.post(`/api/v1/invitations/${token}/accept`, { password: PASSWORD });
    expect(noName.json().error.field).toBe('name');
    expect((await mia.post(`/api/v1/invitations/${token}/accept`, { name: 'Mia', password: PASSWORD })).statusCode).toBe(200);
    const me = (await mia.get('/api/v1/me')).json();
    expect(me.workspaces[0]).toMatchObject({ status: 'active', role: { key: 'manager' } });
    const again = await t.client().post(`/api/v1/invitations/${token}/accept`, { name: 'Eve', password: PASSWORD });
    expect(again.json().error.code).toBe('TOKEN_INVALID');
  });

  it("starts a new account in the browser's time zone and language, or else the workspace's, never UTC by default", async () => {
    const { owner } = await setUpOwner(t);
    expect((await owner.patch('/api/v1/workspace', { timeZone: 'America/Sao_Paulo', locale: 'pt-BR' })).statusCode).toBe(200);
    const agentRole = ((await owner.get('/api/v1/roles')).json().roles as { id: string; key: string }[]).find((r) => r.key === 'agent')!;
    const invite = async (email: string) => new URL((await owner.post('/api/v1/invitations', { email, roleId: agentRole.id })).json().acceptUrl).searchParams.get('token')!;
    const profile = async (c: TestClient) => (await c.get('/api/v1/me')).json().user as { timeZone: string; locale: string };

    const plain = t.client();
    expect((await plain.post(`/api/v1/invitations/${await invite('plain@example.com')}/accept`, { name: 'Plain', password: PASSWORD })).statusCode).toBe(200);
    expect(await profile(plain)).toMatchObject({ timeZone: 'America/Sao_Paulo', locale: 'pt-BR' });

    const token = await invite('lisbon@example.com');
    const lisbon = t.client();
    const bad = await lisbon.post(`/api/v1/invitations/${token}/accept`, { name: 'Lis', password: PASSWORD, timeZone: 'Mars/Olympus_Mons' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('timeZone');
    // Nothing was used up: the same link still admits her.
    expect((await lisbon.post(`/api/v1/invitations/${token}/accept`, { name: 'Lis', password: PASSWORD, timeZone: 'Europe/Lisbon', locale: 'en' })).statusCode).toBe(200);
    expect(await profile(lisbon)).toMatchObject({ timeZone: 'Europe/Lisbon', locale: 'en' });

    const slug = (await owner.get('/api/v1/workspace')).json().slug;
    for (const [email, timeZone, expected] of [
      ['sam@example.com', undefined, 'America/Sao_Paulo'],
      ['tom@example.com', 'Asia/Tokyo', 'Asia/Tokyo'],
    ] as const) {
      const c = t.client();
      const res = await c.post('/api/v1/auth/signup', { name: 'New Person', email, password: PASSWORD, workspaceSlug: slug, ...(timeZone ? { timeZone } : {}) });
      expect(res.statusCode, res.body).toBe(202);
      await c.post('/api/v1/auth/login', { email, password: PASSWORD });
      expect(await profile(c)).toMatchObject({ timeZone: expected, locale: 'pt-BR' });
    }
  });

  it('refuses revoked and expired invitations', async () => {
    const { owner } = await setUpOwner(t);
    const roles = (await owner.get('/api/v1/roles')).json().roles;
    const agentRole = roles.find((r: { key: string }) => r.key === 'agent');
    const a = (await owner.post('/api/v1/invitations', { email: 'a@example.com', roleId: agentRole.id })).json();
    expect((await owner.delete(`/api/v1/invitations/${a.id}`)).statusCode).toBe(200);
    const tokenA = new URL(a.acceptUrl).searchParams.get('token')!;
    expect((await t.client().post(`/api/v1/invitations/${tokenA}/accept`, { name: 'A', password: PASSWORD })).json().error.code).toBe('TOKEN_INVALID');
    const b = (await owner.post('/api/v1/invitations', { email: 'b@example.com', roleId: agentRole.id })).json();
    t.advanceClock(8 * 24 * 3600 * 1000);
    const tokenB = new URL(b.acceptUrl).searchParams.get('token')!;
    expect((await t.client().post(`/api/v1/invitations/${tokenB}/accept`, { name: 'B', password: PASSWORD })).json().error.code).toBe('TOKEN_EXPIRED');
  });

  it('makes someone with an account sign in first, then joins the second workspace', async () => {
    const { owner } = await setUpOwner(t);
    const agent = await addMember(t, owner, 'agent@example.com', 'agent');
    const ws2 = await owner.post('/api/v1/workspaces', { name: 'Second Brokerage' });
    expect(ws2.statusCode).toBe(201);
    const me = (await owner.get('/api/v1/me')).json();
    expect(me.workspaces.map((w: { name: string }) => w.name).sort()).toEqual(['Acme Realty', 'Second Brokerage']);
    expect(me.currentWorkspaceId).toBe(ws2.json().id);
    const roles = (await owner.get('/api/v1/roles')).json().roles;
    const inv = (await owner.post('/api/v1/invitations', { email: 'agent@example.com', roleId: roles.find((r: { key: string }) => r.key === 'viewer').id })).json();
    const token = new URL(inv.acceptUrl).searchParams.get('token')!;
    expect((await t.client().get(`/api/v1/invitations/${token}`)).json().accountExists).toBe(true);
    const anonymous = await t.client().post(`/api/v1/invitations/${token}/accept`, {});
    expect(anonymous.statusCode).toBe(401);
    expect((await agent.client.post(`/api/v1/invitations/${token}/accept`, {})).statusCode).toBe(200);
    const agentMe = (await agent.client.get('/api/v1/me')).json();
    expect(agentMe.workspaces).toHaveLength(2);
    expect(agentMe.currentWorkspaceId).toBe(ws2.json().id);
    const first = agentMe.workspaces.find((w: { name: string }) => w.name === 'Acme Realty');
    expect((await agent.client.post('/api/v1/workspaces/switch', { workspaceId: first.id })).statusCode).toBe(200);
    expect((await agent.client.get('/api/v1/me')).json().currentWorkspaceId).toBe(first.id);
  });
});

describe('two-factor', () => {
  it('enrols TOTP, then demands a code or a single-use recovery code at sign-in', async () => {
    const { owner } = await setUpOwner(t);
    const setup = (await owner.post('/api/v1/me/two-factor/setup')).json();
    expect(setup.otpauthUrl).toContain('otpauth://totp/');
    expect(setup.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const wrong = await owner.post('/api/v1/me/two-factor/enable', { code: '000000' });
    expect(wrong.json().error.code).toBe('INVALID_TWO_FACTOR_CODE');
    const enabled = (await owner.post('/api/v1/me/two-factor/enable', { code: currentCode(setup.secret) })).json();
    expect(enabled.recoveryCodes).toHaveLength(10);

    const c = t.client();
    const step1 = await c.post('/api/v1/auth/login', { email: 'owner@example.com', password: PASSWORD });
    expect(step1.json()).toEqual({ twoFactorRequired: true });
    expect((await c.get('/api/v1/me')).statusCode).toBe(401);
    expect((await c.post('/api/v1/auth/login/two-factor', { code: '123456' })).statusCode).toBe(401);
    const pendingToken = c.cookies.get('lf_session');
    expect((await c.post('/api/v1/auth/login/two-factor', { code: currentCode(setup.secret) })).statusCode).toBe(200);
    expect(c.cookies.get('lf_session')).not.toBe(pendingToken);
    expect((await c.get('/api/v1/me')).json().user.twoFactorEnabled).toBe(true);

    const d = t.client();
    await d.post('/api/v1/auth/login', { email: 'owner@example.com', password: PASSWORD });
    expect((await d.post('/api/v1/auth/login/two-factor', { recoveryCode: enabled.recoveryCodes[0] })).statusCode).toBe(200);
    const e = t.client();
    await e.post('/api/v1/auth/login', { email: 'owner@example.com', password: PASSWORD });
    expect((await e.post('/api/v1/auth/login/two-factor', { recoveryCode: enabled.recoveryCodes[0] })).statusCode).toBe(401);

    expect((await c.post('/api/v1/me/two-factor/disable', { password: 'wrong one' })).json().error.field).toBe('password');
    expect((await c.post('/api/v1/me/two-factor/disable', { password: PASSWORD })).statusCode).toBe(200);
    const f = t.client();
    expect((await f.post('/api/v1/auth/login', { email: 'owner@example.com', password: PASSWORD })).json()).toEqual({ twoFactorRequired: false });
  });
});

describe('disabled members and profile', () => {
  it('stops a disabled member at once and at the next sign-in', async () => {
    const { owner } = await setUpOwner(t);
    const agent = await addMember(t, owner, 'agent@example.com', 'agent');
    expect((await owner.patch(`/api/v1/members/${agent.userId}`, { status: 'disabled' })).statusCode).toBe(200);
    const now = await agent.client.get('/api/v1/workspace');
    expect(now.json().error.code).toBe('ACCOUNT_DISABLED');
    const login = await t.client().post('/api/v1/auth/login', { email: 'agent@example.com', password: PASSWORD });
    expect(login.json().error.code).toBe('ACCOUNT_DISABLED');
    await owner.patch(`/api/v1/members/${agent.userId}`, { status: 'active' });
    expect((await t.client().post('/api/v1/auth/login', { email: 'agent@example.com', password: PASSWORD })).statusCode).toBe(200);
  });

  it('saves the profile and signs out other devices on a password change', async () => {
    const { owner } = await setUpOwner(t);
    const patched = await owner.patch('/api/v1/me', { name: 'Olivia O.', locale: 'pt-BR', timeZone: 'America/Sao_Paulo', theme: 'dark' });
    expect(patched.json().user).toMatchObject({ name: 'Olivia O.', locale: 'pt-BR', timeZone: 'America/Sao_Paulo', theme: 'dark' });
    expect((await owner.patch('/api/v1/me', { timeZone: 'Mars/Base' })).json().error.field).toBe('timeZone');
    const laptop = t.client();
    await laptop.post('/api/v1/auth/login', { email: 'owner@example.com', password: PASSWORD });
    const wrong = await owner.post('/api/v1/me/password', { currentPassword: 'nope', newPassword: 'another long password' });
    expect(wrong.json().error.field).toBe('currentPassword');
    expect((await owner.post('/api/v1/me/password', { currentPassword: PASSWORD, newPassword: 'another long password' })).statusCode).toBe(200);
    expect((await owner.get('/api/v1/me')).statusCode).toBe(200);
    expect((await laptop.get('/api/v1/me')).statusCode).toBe(401);
  });
});
