import crypto from 'node:crypto';
import QRCode from 'qrcode';
import { PERMISSIONS, isPermission, type Permission } from '@leadflow/shared/permissions';
import type { MeResponse } from '@leadflow/shared/auth';
import { writeAudit } from '../../platform/audit/audit.ts';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../../platform/auth/password.ts';
import { generateTotpSecret, totpUri, verifyTotp } from '../../platform/auth/totp.ts';
import { AppError, conflict, invalid, isUniqueViolation, notFound } from '../../platform/errors.ts';
import type { AppDeps, AuthState, AuthUser } from '../../platform/http/types.ts';
import { renderMail } from '../../platform/mail/templates.ts';
import { randomToken, sha256 } from '../../platform/secrets/crypto.ts';
import type { PresetKey } from '@leadflow/shared/presets';
import { createWorkspaceRecords } from '../workspaces/workspace-records.ts';
import { createWorkspacesRepository } from '../workspaces/workspaces.repository.ts';
import { createAccountsRepository, type UserRow } from './accounts.repository.ts';

const DAY = 24 * 60 * 60 * 1000;
export const REMEMBER_ME_MS = 30 * DAY;
/** A browser session still has an absolute end, even for a tab kept open for weeks. */
const BROWSER_SESSION_MS = 7 * DAY;
const TWO_FACTOR_PENDING_MS = 10 * 60 * 1000;
const RESET_LINK_MINUTES = 60;
const ADMIN_RESET_LINK_MINUTES = 24 * 60;
const INVITATION_DAYS = 7;
const LOCK_AFTER_FAILURES = 5;
const LOCK_MINUTES = 15;
const IP_FAILURE_LIMIT = 30;
const IP_WINDOW_MS = 15 * 60 * 1000;
const RECOVERY_CODE_COUNT = 10;

export type ClientInfo = { ip: string | null; userAgent: string | null };
export type IssuedSession = { token: string; maxAgeSeconds: number | null };

export function createAccountsService(deps: AppDeps) {
  const { database, mailer, cipher, config } = deps;
  const db = database.db;
  const accounts = createAccountsRepository(db);
  const workspaces = createWorkspacesRepository(db);
  const now = () => deps.now();

  async function issueSession(
    user: UserRow,
    opts: { remember: boolean; twoFactorPending: boolean; workspaceId?: string | null },
    client: ClientInfo,
  ): Promise<IssuedSession> {
    const token = randomToken();
    const ttl = opts.twoFactorPending ? TWO_FACTOR_PENDING_MS : opts.remember ? REMEMBER_ME_MS : BROWSER_SESSION_MS;
    await accounts.insertSession({
      tokenHash: sha256(token),
      userId: user.id,
      remember: opts.remember,
      twoFactorPending: opts.twoFactorPending,
      expiresAt: new Date(now().getTime() + ttl),
      // The app's clock, not the database's: idle timeouts compare against it.
      lastSeenAt: now(),
      workspaceId: opts.workspaceId ?? null,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
    });
    return { token, maxAgeSeconds: opts.remember && !opts.twoFactorPending ? ttl / 1000 : null };
  }

  async function createResetLink(userId: string, minutes: number): Promise<{ resetUrl: string; expiresAt: Date }> {
    const token = randomToken();
    const expiresAt = new Date(now().getTime() + minutes * 60 * 1000);
    await accounts.insertResetToken(userId, sha256(token), expiresAt);
    return { resetUrl: `${config.publicUrl}/reset-password?token=${token}`, expiresAt };
  }

  function toAuthUser(u: UserRow): AuthUser {
    return {
      id: u.id,
      email: u.email,
      name: u.name,
      locale: u.locale,
      timeZone: u.timeZone,
      theme: u.theme,
      totpEnabled: u.totpEnabled,
    };
  }

  /** Counts a failed sign-in against the client address and the account; may lock the account. */
  async function failSignIn(client: ClientInfo, user: UserRow | undefined): Promise<never> {
    if (client.ip) await accounts.bumpThrottle(`ip:${client.ip}`, new Date(now().getTime() - IP_WINDOW_MS));
    if (user) {
      const lockedUntil = await accounts.recordLoginFailure(
        user.id,
        LOCK_AFTER_FAILURES,
        new Date(now().getTime() + LOCK_MINUTES * 60 * 1000),
      );
      if (lockedUntil && lockedUntil > now()) throw lockedError(lockedUntil);
    }
    throw new AppError('INVALID_CREDENTIALS', 'Email or password is wrong');
  }

  function lockedError(until: Date): AppError {
    const minutes = Math.max(1, Math.ceil((until.getTime() - now().getTime()) / 60000));
    return new AppError('ACCOUNT_LOCKED', `Too many failed attempts. Try again in ${minutes} minutes or reset your password.`);
  }

  async function assertNotThrottled(client: ClientInfo): Promise<void> {
    if (!client.ip) return;
    const failures = await accounts.throttleFailures(`ip:${client.ip}`, new Date(now().getTime() - IP_WINDOW_MS));
    if (failures >= IP_FAILURE_LIMIT) throw new AppError('RATE_LIMITED', 'Too many failed sign-ins from this address. Wait 15 minutes.');
  }

  function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
      const hex = crypto.randomBytes(5).toString('hex');
      return `${hex.slice(0, 5)}-${hex.slice(5)}`;
    });
    return { codes, hashes: codes.map((c) => sha256(c)) };
  }

  return {
    issueSession,
    createResetLink,

    async isSetUp(): Promise<boolean> {
      return (await accounts.countUsers()) > 0;
    },

    /** First visit: creates the first owner and workspace. Works only while there is no user at all. */
    async setUp(
      input: {
        name: string;
        email: string;
        password: string;
        workspaceName: string;
        timeZone?: string | undefined;
        locale?: 'en' | 'pt-BR' | undefined;
        preset?: PresetKey | undefined;
      },
      client: ClientInfo,
    ): Promise<IssuedSession> {
      const passwordHash = await hashPassword(input.password);
      const result = await db.transaction(async (tx) => {
        await accounts.lockSetUp(tx);
        if ((await accounts.countUsers(tx)) > 0) throw new AppError('ALREADY_SET_UP', 'This installation is already set up');
        const user = await accounts.insertUser(tx, {
          email: input.email,
          name: input.name,
          passwordHash,
          locale: input.locale ?? 'en',
          timeZone: input.timeZone ?? 'UTC',
        });
        const ws = await createWorkspaceRecords(workspaces, tx, user.id, {
          name: input.workspaceName,
          timeZone: input.timeZone,
          locale: input.locale,
          preset: input.preset,
        });
        await writeAudit(tx, {
          workspaceId: ws.id,
          actorId: user.id,
          action: 'workspace.setup',
          entityType: 'workspace',
          entityId: ws.id,
          newValues: { name: input.workspaceName, owner: input.email, ...(input.preset ? { preset: input.preset } : {}) },
          ip: client.ip,
        });
        return { user, workspaceId: ws.id };
      });
      return issueSession(result.user, { remember: false, twoFactorPending: false, workspaceId: result.workspaceId }, client);
    },

    async signUp(input: { name: string; email: string; password: string; workspaceSlug: string; timeZone?: string | undefined }, client: ClientInfo) {
      const workspace = await workspaces.findWorkspaceBySlug(input.workspaceSlug);
      if (!workspace) throw invalid('workspaceSlug', 'No workspace has this address. Ask your admin for it.');
      if (await accounts.findUserByEmail(input.email)) {
        throw conflict('An account with this email exists. Sign in, or reset your password.', 'email');
      }
      const passwordHash = await hashPassword(input.password);
      const agentRole = await workspaces.findRoleByKey(workspace.id, 'agent');
      if (!agentRole) throw new AppError('INTERNAL', 'The workspace has no agent role');
      try {
        await db.transaction(async (tx) => {
          // Until they say otherwise, a newcomer lives where the workspace does (working hours, "today", reminders).
          const user = await accounts.insertUser(tx, { email: input.email, name: input.name, passwordHash, locale: workspace.locale, timeZone: input.timeZone ?? workspace.timeZone });
          await workspaces.insertMembership(tx, { workspaceId: workspace.id, userId: user.id, roleId: agentRole.id, status: 'pending' });
          await writeAudit(tx, {
            workspaceId: workspace.id,
            actorId: user.id,
            action: 'member.signup',
            entityType: 'member',
            entityId: user.id,
            newValues: { email: input.email, name: input.name, status: 'pending' },
            ip: client.ip,
          });
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('An account with this email exists. Sign in, or reset your password.', 'email');
        throw err;
      }
      const admins = await workspaces.membersWithPermission(workspace.id, 'users.manage');
      for (const admin of admins) {
        const mail = renderMail('signupPending', workspace.locale, {
          name: input.name,
          email: input.email,
          workspace: workspace.name,
          url: `${config.publicUrl}/settings/users`,
        });
        await mailer.send({ to: admin.email, ...mail, workspaceId: workspace.id });
      }
      await deps.events.publish({
        workspaceId: workspace.id,
        type: 'member.signup',
        data: { name: input.name, email: input.email },
        audience: { permission: 'users.manage' },
      });
      return { status: 'pending_approval' as const };
    },

    async logIn(input: { email: string; password: string; remember: boolean }, client: ClientInfo) {
      await assertNotThrottled(client);
      const user = await accounts.findUserByEmail(input.email);
      if (user?.lockedUntil && user.lockedUntil > now()) throw lockedError(user.lockedUntil);
      const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
      if (!user || !ok) return failSignIn(client, user);
      const memberships = await workspaces.membershipsOfUser(user.id);
      if (memberships.length > 0 && memberships.every((m) => m.status === 'disabled')) {
        throw new AppError('ACCOUNT_DISABLED', 'Your account is disabled. Ask an admin of your workspace.');
      }
      await accounts.clearLoginFailures(user.id);
      const workspaceId = (memberships.find((m) => m.status === 'active') ?? memberships[0])?.workspaceId ?? null;
      const session = await issueSession(user, { remember: input.remember, twoFactorPending: user.totpEnabled, workspaceId }, client);
      return { session, twoFactorRequired: user.totpEnabled };
    },

    /** Second step of sign-in. The pending session is upgraded under a fresh token. */
    async completeTwoFactor(
      pendingToken: string | undefined,
      input: { code?: string | undefined; recoveryCode?: string | undefined },
      client: ClientInfo,
    ): Promise<IssuedSession> {
      const found = pendingToken ? await accounts.findSessionWithUser(sha256(pendingToken)) : undefined;
      if (!found || !found.session.twoFactorPending || found.session.expiresAt <= now()) {
        throw new AppError('UNAUTHENTICATED', 'Sign in with your password first');
      }
      const { session, user } = found;
      if (user.lockedUntil && user.lockedUntil > now()) throw lockedError(user.lockedUntil);
      let ok = false;
      if (input.code && user.totpSecret) ok = verifyTotp(cipher.decrypt(user.totpSecret), input.code, now());
      if (input.recoveryCode) ok = await accounts.consumeRecoveryCode(user.id, sha256(input.recoveryCode.trim().toLowerCase()));
      if (!ok) {
        if (client.ip) await accounts.bumpThrottle(`ip:${client.ip}`, new Date(now().getTime() - IP_WINDOW_MS));
        const lockedUntil = await accounts.recordLoginFailure(user.id, LOCK_AFTER_FAILURES, new Date(now().getTime() + LOCK_MINUTES * 60000));
        if (lockedUntil && lockedUntil > now()) {
          await accounts.deleteSession(session.id);
          throw lockedError(lockedUntil);
        }
        throw new AppError('INVALID_TWO_FACTOR_CODE', 'The code is wrong or expired', input.code ? 'code' : 'recoveryCode');
      }
      await accounts.clearLoginFailures(user.id);
      const token = randomToken();
      const ttl = session.remember ? REMEMBER_ME_MS : BROWSER_SESSION_MS;
      await accounts.completeTwoFactor(session.id, sha256(token), new Date(now().getTime() + ttl));
      return { token, maxAgeSeconds: session.remember ? ttl / 1000 : null };
    },

    async logOut(sessionToken: string | undefined): Promise<void> {
      if (!sessionToken) return;
      const found = await accounts.findSessionWithUser(sha256(sessionToken));
      if (found) await accounts.deleteSession(found.session.id);
    },

    /**
     * Resolves the session cookie into who is calling and in which workspace.
     * Returns null for no session, an expired one, or one still waiting for its second factor.
     */
    async resolveSession(
      token: string,
      requestedWorkspaceId: string | undefined,
    ): Promise<{ auth: AuthState } | { expired: true } | null> {
      // One query on the hot path: session, user and the membership of the requested (or last) workspace.
      const found = await accounts.findSessionContext(sha256(token), requestedWorkspaceId);
      if (!found || found.session.twoFactorPending) return null;
      const { session, user } = found;
      const at = now();
      if (session.expiresAt <= at) {
        await accounts.deleteSession(session.id);
        return { expired: true };
      }
      let ctx = found.membership ?? undefined;
      if (requestedWorkspaceId && !ctx) throw notFound('Workspace');
      if (!ctx) {
        const first = (await workspaces.membershipsOfUser(user.id)).find((m) => m.status !== 'disabled');
        if (first) {
          ctx = await workspaces.membershipContext(user.id, first.workspaceId);
          await accounts.setSessionWorkspace(session.id, first.workspaceId);
        }
      }
      if (!session.remember && ctx) {
        const idleMs = ctx.workspace.idleTimeoutMinutes * 60 * 1000;
        if (at.getTime() - session.lastSeenAt.getTime() > idleMs) {
          await accounts.deleteSession(session.id);
          return { expired: true };
        }
      }
      // One write a minute at most: enough for idle timeout and "last seen", cheap on the hot path.
      if (at.getTime() - session.lastSeenAt.getTime() > 60_000) await accounts.touchSession(session.id, at);
      const permissions: Set<Permission> = new Set(
        !ctx || ctx.status !== 'active'
          ? []
          : ctx.roleKey === 'owner'
            ? PERMISSIONS
            : ctx.permissions.filter(isPermission),
      );
      return {
        auth: {
          sessionId: session.id,
          user: toAuthUser(user),
          permissions,
          workspace: ctx
            ? {
                id: ctx.workspace.id,
                name: ctx.workspace.name,
                slug: ctx.workspace.slug,
                timeZone: ctx.workspace.timeZone,
                idleTimeoutMinutes: ctx.workspace.idleTimeoutMinutes,
                membershipStatus: ctx.status,
                roleId: ctx.roleId,
                roleKey: ctx.roleKey,
              }
            : null,
        },
      };
    },

    async me(auth: AuthState): Promise<MeResponse> {
      const memberships = await workspaces.membershipsOfUser(auth.user.id);
      return {
        user: {
          id: auth.user.id,
          email: auth.user.email,
          name: auth.user.name,
          locale: auth.user.locale === 'pt-BR' ? 'pt-BR' : 'en',
          timeZone: auth.user.timeZone,
          theme: auth.user.theme === 'dark' || auth.user.theme === 'light' ? auth.user.theme : 'auto',
          twoFactorEnabled: auth.user.totpEnabled,
        },
        workspaces: memberships.map((m) => ({
          id: m.workspaceId,
          name: m.name,
          slug: m.slug,
          status: m.status,
          role: { id: m.roleId, key: m.roleKey, name: m.roleName },
        })),
        currentWorkspaceId: auth.workspace?.id ?? null,
        permissions: [...auth.permissions],
      };
    },

    async updateProfile(auth: AuthState, patch: { name?: string; locale?: string; timeZone?: string; theme?: string }) {
      await accounts.updateUser(auth.user.id, patch);
    },

    async changePassword(auth: AuthState, input: { currentPassword: string; newPassword: string }) {
      const user = await accounts.findUserById(auth.user.id);
      if (!user || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
        throw invalid('currentPassword', 'The current password is wrong');
      }
      const passwordHash = await hashPassword(input.newPassword);
      await db.transaction(async (tx) => {
        await accounts.updateUser(user.id, { passwordHash }, tx);
        // Other devices signed in with the old password are signed out.
        await accounts.deleteUserSessions(user.id, auth.sessionId, tx);
      });
    },

    /** Always answers the same, whether or not the email is known, so it cannot be used to probe accounts. */
    async forgotPassword(input: { email: string; askAdmin: boolean }): Promise<void> {
      const user = await accounts.findUserByEmail(input.email);
      if (!user) return;
      if (input.askAdmin) {
        const memberships = await workspaces.membershipsOfUser(user.id);
        const ids = memberships.filter((m) => m.status !== 'disabled').map((m) => m.workspaceId);
        await workspaces.insertResetRequests(user.id, ids);
        for (const id of ids) {
          await deps.events.publish({
            workspaceId: id,
            type: 'password_reset.requested',
            data: { name: user.name },
            audience: { permission: 'users.manage' },
          });
        }
        return;
      }
      const link = await createResetLink(user.id, RESET_LINK_MINUTES);
      const mail = renderMail('passwordReset', user.locale, { name: user.name, url: link.resetUrl, minutes: String(RESET_LINK_MINUTES) });
      await mailer.send({ to: user.email, ...mail });
    },

    async resetPassword(input: { token: string; password: string }): Promise<void> {
      const row = await accounts.findResetToken(sha256(input.token));
      if (!row) throw new AppError('TOKEN_INVALID', 'This reset link is not valid', 'token');
      if (row.usedAt) throw new AppError('TOKEN_INVALID', 'This reset link was already used. Ask for a new one.', 'token');
      if (row.expiresAt <= now()) throw new AppError('TOKEN_EXPIRED', 'This reset link has expired. Ask for a new one.', 'token');
      const passwordHash = await hashPassword(input.password);
      await db.transaction(async (tx) => {
        if (!(await accounts.consumeResetToken(row.id, tx, now()))) {
          throw new AppError('TOKEN_INVALID', 'This reset link was already used. Ask for a new one.', 'token');
        }
        await accounts.updateUser(row.userId, { passwordHash }, tx);
        await accounts.clearLoginFailures(row.userId, tx);
        await accounts.deleteUserSessions(row.userId, undefined, tx);
      });
    },

    async startTwoFactorSetup(auth: AuthState) {
      if (auth.user.totpEnabled) throw conflict('Two-factor authentication is already on. Turn it off first.');
      const secret = generateTotpSecret();
      await accounts.updateUser(auth.user.id, { totpSecret: cipher.encrypt(secret), totpEnabled: false });
      const otpauthUrl = totpUri(secret, auth.user.email, 'LeadFlow');
      return { secret, otpauthUrl, qrDataUrl: await QRCode.toDataURL(otpauthUrl, { margin: 1, width: 220 }) };
    },

    async enableTwoFactor(auth: AuthState, code: string) {
      const user = await accounts.findUserById(auth.user.id);
      if (!user?.totpSecret) throw conflict('Start the two-factor set-up first');
      if (user.totpEnabled) throw conflict('Two-factor authentication is already on');
      if (!verifyTotp(cipher.decrypt(user.totpSecret), code, now())) {
        throw new AppError('INVALID_TWO_FACTOR_CODE', 'The code is wrong or expired', 'code');
      }
      const { codes, hashes } = newRecoveryCodes();
      await db.transaction(async (tx) => {
        await accounts.updateUser(user.id, { totpEnabled: true }, tx);
        await accounts.replaceRecoveryCodes(user.id, hashes, tx);
        await accounts.deleteUserSessions(user.id, auth.sessionId, tx);
      });
      return { recoveryCodes: codes };
    },

    async disableTwoFactor(auth: AuthState, password: string) {
      const user = await accounts.findUserById(auth.user.id);
      if (!user || !(await verifyPassword(password, user.passwordHash))) throw invalid('password', 'The password is wrong');
      await db.transaction(async (tx) => {
        await accounts.updateUser(user.id, { totpEnabled: false, totpSecret: null }, tx);
        await accounts.replaceRecoveryCodes(user.id, [], tx);
      });
    },

    async regenerateRecoveryCodes(auth: AuthState, code: string) {
      const user = await accounts.findUserById(auth.user.id);
      if (!user?.totpEnabled || !user.totpSecret) throw conflict('Two-factor authentication is off');
      if (!verifyTotp(cipher.decrypt(user.totpSecret), code, now())) {
        throw new AppError('INVALID_TWO_FACTOR_CODE', 'The code is wrong or expired', 'code');
      }
      const { codes, hashes } = newRecoveryCodes();
      await accounts.replaceRecoveryCodes(user.id, hashes);
      return { recoveryCodes: codes };
    },

    async previewInvitation(token: string) {
      const found = await workspaces.findInvitationByTokenHash(sha256(token));
      const inv = found?.invitation;
      if (!found || !inv || inv.revokedAt) throw new AppError('TOKEN_INVALID', 'This invitation is not valid', 'token');
      if (inv.acceptedAt) throw new AppError('TOKEN_INVALID', 'This invitation was already accepted', 'token');
      if (inv.expiresAt <= now()) throw new AppError('TOKEN_EXPIRED', 'This invitation has expired. Ask for a new one.', 'token');
      const existing = await accounts.findUserByEmail(inv.email);
      return { found, existing };
    },

    /**
     * Joins the invited workspace. A new person creates an account here; someone who already has
     * an account must be signed in as that email (so a second factor is never bypassed).
     */
    async acceptInvitation(
      token: string,
      input: { name?: string | undefined; password?: string | undefined; timeZone?: string | undefined; locale?: 'en' | 'pt-BR' | undefined },
      current: AuthState | null,
      client: ClientInfo,
    ): Promise<IssuedSession | null> {
      const { found, existing } = await this.previewInvitation(token);
      const inv = found.invitation;
      if (existing && current?.user.id !== existing.id) {
        throw new AppError('UNAUTHENTICATED', `Sign in as ${inv.email} first, then open the invitation link again`);
      }
      if (!existing) {
        if (!input.name) throw invalid('name', 'Name is required');
        if (!input.password || input.password.length < 10) throw invalid('password', 'Use at least 10 characters');
      }
      const passwordHash = existing ? null : await hashPassword(input.password!);
      const user = await db.transaction(async (tx) => {
        if (!(await workspaces.markInvitationAccepted(tx, inv.id, now()))) {
          throw new AppError('TOKEN_INVALID', 'This invitation was already accepted', 'token');
        }
        // A new account starts in the browser's time zone, or else the workspace's, and in the workspace's language:
        // UTC would put their working hours, "today" and reminders hours off.
        const u =
          existing ??
          (await accounts.insertUser(tx, {
            email: inv.email,
            name: input.name!,
            passwordHash: passwordHash!,
            timeZone: input.timeZone ?? found.workspaceTimeZone,
            locale: input.locale ?? found.workspaceLocale,
          }));
        const member = await workspaces.findMember(inv.workspaceId, u.id, tx);
        if (member) {
          await workspaces.updateMembership(tx, inv.workspaceId, u.id, { roleId: inv.roleId, status: 'active', approvedAt: now() });
        } else {
          await workspaces.insertMembership(tx, { workspaceId: inv.workspaceId, userId: u.id, roleId: inv.roleId, status: 'active', approvedBy: inv.invitedBy });
        }
        await writeAudit(tx, {
          workspaceId: inv.workspaceId,
          actorId: u.id,
          action: 'invitation.accept',
          entityType: 'member',
          entityId: u.id,
          newValues: { email: inv.email, roleId: inv.roleId },
          ip: client.ip,
        });
        return u;
      });
      if (existing && current) {
        await accounts.setSessionWorkspace(current.sessionId, inv.workspaceId);
        return null;
      }
      return issueSession(user, { remember: false, twoFactorPending: false, workspaceId: inv.workspaceId }, client);
    },

    async setCurrentWorkspace(auth: AuthState, workspaceId: string) {
      const ctx = await workspaces.membershipContext(auth.user.id, workspaceId);
      if (!ctx) throw notFound('Workspace');
      if (ctx.status === 'disabled') throw new AppError('ACCOUNT_DISABLED', 'Your access to this workspace is disabled');
      await accounts.setSessionWorkspace(auth.sessionId, workspaceId);
    },

    invitationDays: INVITATION_DAYS,
    adminResetLinkMinutes: ADMIN_RESET_LINK_MINUTES,
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
