import { PERMISSIONS, type Permission } from '@leadflow/shared/permissions';
import type { PresetKey } from '@leadflow/shared/presets';
import type { WorkspaceSettings } from '@leadflow/shared/workspace';
import { diffValues, listAudit, writeAudit } from '../../platform/audit/audit.ts';
import { conflict, forbidden, invalid, notFound } from '../../platform/errors.ts';
import type { Actor, AppDeps, AuthState } from '../../platform/http/types.ts';
import { renderMail } from '../../platform/mail/templates.ts';
import { listOutbox } from '../../platform/mail/outbox.repository.ts';
import { randomToken, sha256 } from '../../platform/secrets/crypto.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import { createWorkspaceRecords, slugify } from './workspace-records.ts';
import { createWorkspacesRepository, type WorkspaceRow } from './workspaces.repository.ts';

function toSettings(w: WorkspaceRow): WorkspaceSettings {
  return {
    id: w.id,
    name: w.name,
    slug: w.slug,
    timeZone: w.timeZone,
    locale: w.locale === 'pt-BR' ? 'pt-BR' : 'en',
    currency: w.currency,
    defaultCountry: w.defaultCountry,
    idleTimeoutMinutes: w.idleTimeoutMinutes,
    trashRetentionDays: w.trashRetentionDays,
    createdAt: w.createdAt.toISOString(),
  };
}

export function createWorkspacesService(deps: AppDeps, accounts: AccountsService) {
  const db = deps.database.db;
  const repo = createWorkspacesRepository(db);
  const now = () => deps.now();

  /** Members and roles are addressed by id inside the caller's workspace only: others are "not found". */
  async function memberOrNotFound(actor: Actor, userId: string) {
    const m = await repo.findMember(actor.workspaceId, userId);
    if (!m) throw notFound('Member');
    return m;
  }

  async function roleOrNotFound(actor: Actor, roleId: string, field?: string) {
    const r = await repo.findRole(actor.workspaceId, roleId);
    if (!r) throw field ? invalid(field, 'No such role in this workspace') : notFound('Role');
    return r;
  }

  function assertMayGrant(actor: Actor, actorRoleKey: string, roleKey: string) {
    if (roleKey === 'owner' && actorRoleKey !== 'owner') throw forbidden('Only an owner can make someone an owner');
  }

  return {
    async createWorkspace(auth: AuthState, input: { name: string; slug?: string | undefined; preset?: PresetKey | undefined }, ip: string | null) {
      const ws = await db.transaction(async (tx) => {
        const created = await createWorkspaceRecords(repo, tx, auth.user.id, {
          name: input.name,
          slug: input.slug,
          timeZone: auth.user.timeZone,
          locale: auth.user.locale,
          preset: input.preset,
        });
        await writeAudit(tx, {
          workspaceId: created.id,
          actorId: auth.user.id,
          action: 'workspace.create',
          entityType: 'workspace',
          entityId: created.id,
          newValues: { name: created.name, slug: created.slug, ...(input.preset ? { preset: input.preset } : {}) },
          ip,
        });
        return created;
      });
      await accounts.setCurrentWorkspace(auth, ws.id);
      return toSettings(ws);
    },

    async getSettings(actor: Actor) {
      const ws = await repo.findWorkspace(actor.workspaceId);
      if (!ws) throw notFound('Workspace');
      return toSettings(ws);
    },

    async updateSettings(actor: Actor, patch: Partial<Omit<WorkspaceSettings, 'id' | 'slug' | 'createdAt'>>) {
      const before = await repo.findWorkspace(actor.workspaceId);
      if (!before) throw notFound('Workspace');
      const updated = await db.transaction(async (tx) => {
        const row = await repo.updateWorkspace(actor.workspaceId, patch, tx);
        const diff = diffValues(before as unknown as Record<string, unknown>, patch);
        if (diff) {
          await writeAudit(tx, {
            workspaceId: actor.workspaceId,
            actorId: actor.userId,
            action: 'workspace.update',
            entityType: 'workspace',
            entityId: actor.workspaceId,
            ...diff,
            ip: actor.ip,
          });
        }
        return row!;
      });
      return toSettings(updated);
    },

    async listMembers(actor: Actor, status?: 'active' | 'pending' | 'disabled') {
      const rows = await repo.listMembers(actor.workspaceId, status);
      return rows.map((r) => ({
        userId: r.userId,
        name: r.name,
        email: r.email,
        status: r.status,
        role: { id: r.roleId, key: r.roleKey, name: r.roleName },
        twoFactorEnabled: r.twoFactorEnabled,
        joinedAt: r.joinedAt.toISOString(),
        lastSeenAt: r.lastSeenAt ? new Date(r.lastSeenAt).toISOString() : null,
      }));
    },

    /** Approve (pending → active), disable, re-enable, or change the role of a member. */
    async updateMember(actor: Actor, actorRoleKey: string, userId: string, patch: { roleId?: string | undefined; status?: 'active' | 'disabled' | undefined }) {
      const member = await memberOrNotFound(actor, userId);
      if (userId === actor.userId) throw forbidden('You cannot change your own role or status');
      if (member.roleKey === 'owner' && actorRoleKey !== 'owner') throw forbidden('Only an owner can change another owner');
      const role = patch.roleId ? await roleOrNotFound(actor, patch.roleId, 'roleId') : undefined;
      if (role) assertMayGrant(actor, actorRoleKey, role.key);
      const approving = member.status === 'pending' && patch.status === 'active';
      await db.transaction(async (tx) => {
        await repo.updateMembership(tx, actor.workspaceId, userId, {
          ...(role ? { roleId: role.id } : {}),
          ...(patch.status ? { status: patch.status } : {}),
          ...(approving ? { approvedBy: actor.userId, approvedAt: now() } : {}),
        });
        if (member.roleKey === 'owner' && (await repo.countActiveOwners(actor.workspaceId, tx)) === 0) {
          throw conflict('A workspace needs at least one active owner');
        }
        await writeAudit(tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: approving ? 'member.approve' : patch.status === 'disabled' ? 'member.disable' : 'member.update',
          entityType: 'member',
          entityId: userId,
          oldValues: { status: member.status, roleId: member.roleId },
          newValues: { status: patch.status ?? member.status, roleId: role?.id ?? member.roleId },
          ip: actor.ip,
        });
      });
      if (approving) {
        const target = (await repo.listMembers(actor.workspaceId)).find((m) => m.userId === userId);
        const ws = await repo.findWorkspace(actor.workspaceId);
        if (target && ws) {
          const mail = renderMail('signupApproved', ws.locale, { workspace: ws.name, url: `${deps.config.publicUrl}/login` });
          await deps.mailer.send({ to: target.email, ...mail, workspaceId: ws.id });
        }
      }
      await deps.events.publish({ workspaceId: actor.workspaceId, type: 'member.updated', data: { userId }, audience: { userIds: [userId], permission: 'users.view' } });
    },

    /** Rejects a pending sign-up or removes a member from this workspace (the account itself stays). */
    async removeMember(actor: Actor, actorRoleKey: string, userId: string) {
      const member = await memberOrNotFound(actor, userId);
      if (userId === actor.userId) throw forbidden('You cannot remove yourself');
      if (member.roleKey === 'owner' && actorRoleKey !== 'owner') throw forbidden('Only an owner can remove another owner');
      await db.transaction(async (tx) => {
        await repo.deleteMembership(tx, actor.workspaceId, userId);
        if (member.roleKey === 'owner' && (await repo.countActiveOwners(actor.workspaceId, tx)) === 0) {
          throw conflict('A workspace needs at least one active owner');
        }
        await writeAudit(tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: member.status === 'pending' ? 'member.reject' : 'member.remove',
          entityType: 'member',
          entityId: userId,
          oldValues: { status: member.status, roleId: member.roleId },
          ip: actor.ip,
        });
      });
    },

    /** For a member who cannot read mail: the admin gets a single-use link to hand over. */
    async memberResetLink(actor: Actor, actorRoleKey: string, userId: string) {
      const member = await memberOrNotFound(actor, userId);
      if (member.roleKey === 'owner' && actorRoleKey !== 'owner') throw forbidden('Only an owner can reset an owner\u2019s password');
      const link = await accounts.createResetLink(userId, accounts.adminResetLinkMinutes);
      await writeAudit(db, {
        workspaceId: actor.workspaceId,
        actorId: actor.userId,
        action: 'member.reset_link',
        entityType: 'member',
        entityId: userId,
        ip: actor.ip,
      });
      return { resetUrl: link.resetUrl, expiresAt: link.expiresAt.toISOString() };
    },

    async listResetRequests(actor: Actor) {
      const rows = await repo.listOpenResetRequests(actor.workspaceId);
      return rows.map((r) => ({ ...r, requestedAt: r.requestedAt.toISOString() }));
    },

    async resolveResetRequest(actor: Actor, actorRoleKey: string, requestId: string) {
      const open = (await repo.listOpenResetRequests(actor.workspaceId)).find((r) => r.id === requestId);
      if (!open) throw notFound('Password reset request');
      const link = await this.memberResetLink(actor, actorRoleKey, open.userId);
      await repo.resolveResetRequest(db, actor.workspaceId, requestId, actor.userId, now());
      return link;
    },

    async listInvitations(actor: Actor) {
      const rows = await repo.listOpenInvitations(actor.workspaceId, now());
      return rows.map((r) => ({
        id: r.invitation.id,
        email: r.invitation.email,
        role: { id: r.invitation.roleId, key: r.roleKey, name: r.roleName },
        invitedBy: r.invitedByName,
        expiresAt: r.invitation.expiresAt.toISOString(),
        createdAt: r.invitation.createdAt.toISOString(),
      }));
    },

    async invite(actor: Actor, actorRoleKey: string, input: { email: string; roleId: string }) {
      const role = await roleOrNotFound(actor, input.roleId, 'roleId');
      assertMayGrant(actor, actorRoleKey, role.key);
      const existing = (await repo.listMembers(actor.workspaceId)).find((m) => m.email.toLowerCase() === input.email);
      if (existing && existing.status !== 'pending') throw conflict('This person is already a member', 'email');
      const ws = await repo.findWorkspace(actor.workspaceId);
      const inviter = (await repo.listMembers(actor.workspaceId)).find((m) => m.userId === actor.userId);
      const token = randomToken();
      const expiresAt = new Date(now().getTime() + accounts.invitationDays * 24 * 3600 * 1000);
      const inv = await db.transaction(async (tx) => {
        const row = await repo.insertInvitation(tx, {
          workspaceId: actor.workspaceId,
          email: input.email,
          roleId: role.id,
          tokenHash: sha256(token),
          invitedBy: actor.userId,
          expiresAt,
        });
        await writeAudit(tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: 'invitation.create',
          entityType: 'invitation',
          entityId: row.id,
          newValues: { email: input.email, role: role.key },
          ip: actor.ip,
        });
        return row;
      });
      const acceptUrl = `${deps.config.publicUrl}/accept-invitation?token=${token}`;
      const mail = renderMail('invitation', ws?.locale ?? 'en', {
        workspace: ws?.name ?? '',
        inviter: inviter?.name ?? 'An admin',
        role: role.name,
        url: acceptUrl,
        days: String(accounts.invitationDays),
      });
      await deps.mailer.send({ to: input.email, ...mail, workspaceId: actor.workspaceId });
      return {
        id: inv.id,
        email: inv.email,
        role: { id: role.id, key: role.key, name: role.name },
        invitedBy: inviter?.name ?? null,
        expiresAt: inv.expiresAt.toISOString(),
        createdAt: inv.createdAt.toISOString(),
        acceptUrl,
      };
    },

    async revokeInvitation(actor: Actor, id: string) {
      await db.transaction(async (tx) => {
        const row = await repo.revokeInvitation(tx, actor.workspaceId, id, now());
        if (!row) throw notFound('Invitation');
        await writeAudit(tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: 'invitation.revoke',
          entityType: 'invitation',
          entityId: id,
          oldValues: { email: row.email },
          ip: actor.ip,
        });
      });
    },

    async listRoles(actor: Actor) {
      const rows = await repo.listRoles(actor.workspaceId);
      return rows.map(({ role, memberCount }) => ({
        id: role.id,
        key: role.key,
        name: role.name,
        builtIn: role.builtIn,
        permissions: (role.key === 'owner' ? [...PERMISSIONS] : role.permissions) as Permission[],
        memberCount,
      }));
    },

    async createRole(actor: Actor, input: { name: string; permissions: Permission[] }) {
      if (await repo.roleNameTaken(actor.workspaceId, input.name)) throw conflict('A role with this name exists', 'name');
      const key = `custom-${slugify(input.name).slice(0, 30)}-${randomToken(3).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
      const role = await db.transaction(async (tx) => {
        const row = await repo.insertRole(tx, { workspaceId: actor.workspaceId, key, name: input.name, permissions: [...new Set(input.permissions)] });
        await writeAudit(tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: 'role.create',
          entityType: 'role',
          entityId: row.id,
          newValues: { name: row.name, permissions: row.permissions },
          ip: actor.ip,
        });
        return row;
      });
      return { id: role.id, key: role.key, name: role.name, builtIn: false, permissions: role.permissions as Permission[], memberCount: 0 };
    },

    async updateRole(actor: Actor, roleId: string, patch: { name?: string | undefined; permissions?: Permission[] | undefined }) {
      const role = await roleOrNotFound(actor, roleId);
      if (role.key === 'owner') throw forbidden('The owner role always holds every permission');
      if (patch.name && (await repo.roleNameTaken(actor.workspaceId, patch.name, role.id))) {
        throw conflict('A role with this name exists', 'name');
      }
      const next = { ...(patch.name ? { name: patch.name } : {}), ...(patch.permissions ? { permissions: [...new Set(patch.permissions)] } : {}) };
      const updated = await db.transaction(async (tx) => {
        const row = await repo.updateRole(tx, actor.workspaceId, role.id, next);
        const diff = diffValues(role as unknown as Record<string, unknown>, next);
        if (diff) {
          await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'role.update', entityType: 'role', entityId: role.id, ...diff, ip: actor.ip });
        }
        return row!;
      });
      await deps.events.publish({ workspaceId: actor.workspaceId, type: 'role.updated', data: { roleId } });
      return {
        id: updated.id,
        key: updated.key,
        name: updated.name,
        builtIn: updated.builtIn,
        permissions: updated.permissions as Permission[],
        memberCount: await repo.roleMemberCount(updated.id),
      };
    },

    async deleteRole(actor: Actor, roleId: string) {
      const role = await roleOrNotFound(actor, roleId);
      if (role.builtIn) throw forbidden('Built-in roles cannot be deleted; edit their permissions instead');
      await db.transaction(async (tx) => {
        if ((await repo.roleMemberCount(role.id, tx)) > 0) throw conflict('Move the members of this role to another role first');
        await repo.deleteRole(tx, actor.workspaceId, role.id);
        await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'role.delete', entityType: 'role', entityId: role.id, oldValues: { name: role.name }, ip: actor.ip });
      });
    },

    async listOutbox(actor: Actor) {
      const recipients = await repo.soleMemberEmails(actor.workspaceId);
      const rows = await listOutbox(db, { workspaceId: actor.workspaceId, recipients, limit: 200 });
      return rows.map((r) => ({ id: r.id, to: r.toAddress, subject: r.subject, text: r.text, html: r.html, createdAt: r.createdAt.toISOString() }));
    },

    async listAudit(
      actor: Actor,
      q: { actorId?: string | undefined; entityType?: string | undefined; entityId?: string | undefined; action?: string | undefined; from?: string | undefined; to?: string | undefined; cursor?: string | undefined; limit: number },
    ) {
      if (q.cursor !== undefined && !/^\d+$/.test(q.cursor)) throw invalid('cursor', 'Invalid cursor');
      const rows = await listAudit(db, {
        workspaceId: actor.workspaceId,
        actorId: q.actorId,
        entityType: q.entityType,
        entityId: q.entityId,
        action: q.action,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        beforeId: q.cursor ? BigInt(q.cursor) : undefined,
        limit: q.limit,
      });
      const entries = rows.map(({ entry, actorName }) => ({
        id: entry.id.toString(),
        actor: entry.actorId ? { id: entry.actorId, name: actorName ?? 'Deleted user' } : null,
        action: entry.action,
        entityType: entry.entityType,
        entityId: entry.entityId,
        oldValues: entry.oldValues,
        newValues: entry.newValues,
        ip: entry.ip,
        createdAt: entry.createdAt.toISOString(),
      }));
      return { entries, nextCursor: rows.length === q.limit ? entries[entries.length - 1]!.id : null };
    },
  };
}

export type WorkspacesService = ReturnType<typeof createWorkspacesService>;
