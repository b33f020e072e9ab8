import { and, asc, desc, eq, gt, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { BUILT_IN_ROLE_PERMISSIONS, BUILT_IN_ROLES, type Permission } from '@leadflow/shared/permissions';
import { users, sessions } from '../accounts/accounts.table.ts';
import type { Db, DbOrTx } from '../../platform/db/client.ts';
import { invitations, memberships, passwordResetRequests, roles, workspaces } from './workspaces.table.ts';

export type WorkspaceRow = typeof workspaces.$inferSelect;
export type RoleRow = typeof roles.$inferSelect;
export type MembershipStatus = 'active' | 'pending' | 'disabled';

const ROLE_NAMES: Record<(typeof BUILT_IN_ROLES)[number], string> = {
  owner: 'Owner',
  admin: 'Admin',
  manager: 'Manager',
  agent: 'Agent',
  lead_generator: 'Lead generator',
  marketing: 'Marketing',
  production: 'Production',
  viewer: 'Viewer',
};

export function createWorkspacesRepository(db: Db) {
  return {
    async insertWorkspace(
      tx: DbOrTx,
      values: { name: string; slug: string; timeZone?: string; locale?: string },
    ): Promise<WorkspaceRow> {
      const [row] = await tx.insert(workspaces).values(values).returning();
      return row!;
    },

    async insertBuiltInRoles(tx: DbOrTx, workspaceId: string): Promise<Map<string, RoleRow>> {
      const rows = await tx
        .insert(roles)
        .values(
          BUILT_IN_ROLES.map((key) => ({
            workspaceId,
            key,
            name: ROLE_NAMES[key],
            builtIn: true,
            permissions: [...BUILT_IN_ROLE_PERMISSIONS[key]],
          })),
        )
        .returning();
      return new Map(rows.map((r) => [r.key, r]));
    },

    async slugExists(slug: string, tx: DbOrTx = db): Promise<boolean> {
      const [row] = await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.slug, slug));
      return Boolean(row);
    },

    async findWorkspaceBySlug(slug: string): Promise<WorkspaceRow | undefined> {
      const [row] = await db.select().from(workspaces).where(eq(workspaces.slug, slug));
      return row;
    },

    async findWorkspace(id: string): Promise<WorkspaceRow | undefined> {
      const [row] = await db.select().from(workspaces).where(eq(workspaces.id, id));
      return row;
    },

    async updateWorkspace(id: string, patch: Partial<Omit<WorkspaceRow, 'id' | 'slug' | 'createdAt'>>, tx: DbOrTx = db) {
      const [row] = await tx.update(workspaces).set(patch).where(eq(workspaces.id, id)).returning();
      return row;
    },

    async insertMembership(
      tx: DbOrTx,
      values: { workspaceId: string; userId: string; roleId: string; status: MembershipStatus; approvedBy?: string | null },
    ): Promise<void> {
      await tx.insert(memberships).values({ ...values, approvedAt: values.status === 'active' ? new Date() : null });
    },

    /** Every workspace of a user with its role, for the switcher and /me. */
    async membershipsOfUser(userId: string) {
      return db
        .select({
          workspaceId: workspaces.id,
          name: workspaces.name,
          slug: workspaces.slug,
          status: memberships.status,
          roleId: roles.id,
          roleKey: roles.key,
          roleName: roles.name,
        })
        .from(memberships)
        .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
        .innerJoin(roles, eq(roles.id, memberships.roleId))
        .where(eq(memberships.userId, userId))
        .orderBy(asc(workspaces.name));
    },

    /** The membership that decides what a request may do: status, role and its permissions. */
    async membershipContext(userId: string, workspaceId: string) {
      const [row] = await db
        .select({
          workspace: workspaces,
          status: memberships.status,
          roleId: roles.id,
          roleKey: roles.key,
          permissions: roles.permissions,
        })
        .from(memberships)
        .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
        .innerJoin(roles, eq(roles.id, memberships.roleId))
        .where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspaceId)));
      return row;
    },

    async listMembers(workspaceId: string, status?: MembershipStatus) {
      const lastSeen = db
        .select({ userId: sessions.userId, lastSeenAt: sql<Date>`max(${sessions.lastSeenAt})`.as('last_seen_at') })
        .from(sessions)
        .groupBy(sessions.userId)
        .as('last_seen');
      const where: SQL[] = [eq(memberships.workspaceId, workspaceId)];
      if (status) where.push(eq(memberships.status, status));
      return db
        .select({
          userId: users.id,
          name: users.name,
          email: users.email,
          status: memberships.status,
          roleId: roles.id,
          roleKey: roles.key,
          roleName: roles.name,
          twoFactorEnabled: users.totpEnabled,
          joinedAt: memberships.createdAt,
          lastSeenAt: lastSeen.lastSeenAt,
        })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .innerJoin(roles, eq(roles.id, memberships.roleId))
        .leftJoin(lastSeen, eq(lastSeen.userId, users.id))
        .where(and(...where))
        .orderBy(asc(users.name));
    },

    async findMember(workspaceId: string, userId: string, tx: DbOrTx = db) {
      const [row] = await tx
        .select({ userId: memberships.userId, status: memberships.status, roleId: roles.id, roleKey: roles.key })
        .from(memberships)
        .innerJoin(roles, eq(roles.id, memberships.roleId))
        .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
      return row;
    },

    async updateMembership(
      tx: DbOrTx,
      workspaceId: string,
      userId: string,
      patch: { roleId?: string; status?: MembershipStatus; approvedBy?: string; approvedAt?: Date },
    ): Promise<void> {
      await tx
        .update(memberships)
        .set(patch)
        .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
    },

    async deleteMembership(tx: DbOrTx, workspaceId: string, userId: string): Promise<void> {
      await tx.delete(memberships).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
    },

    /** Emails of members who belong to no other workspace: only their account-level mail is this workspace's business. */
    async soleMemberEmails(workspaceId: string): Promise<string[]> {
      const rows = await db
        .select({ email: users.email })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(
          and(
            eq(memberships.workspaceId, workspaceId),
            sql`NOT EXISTS (SELECT 1 FROM memberships m2 WHERE m2.user_id = ${memberships.userId} AND m2.workspace_id <> ${workspaceId})`,
          ),
        );
      return rows.map((r) => r.email.toLowerCase());
    },

    async countActiveOwners(workspaceId: string, tx: DbOrTx = db): Promise<number> {
      const [row] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(memberships)
        .innerJoin(roles, eq(roles.id, memberships.roleId))
        .where(and(eq(memberships.workspaceId, workspaceId), eq(roles.key, 'owner'), eq(memberships.status, 'active')));
      return row?.n ?? 0;
    },

    /** Active members holding a permission (for example the admins to tell about a sign-up). */
    async membersWithPermission(workspaceId: string, permission: Permission) {
      return db
        .select({ userId: users.id, email: users.email, name: users.name })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .innerJoin(roles, eq(roles.id, memberships.roleId))
        .where(
          and(
            eq(memberships.workspaceId, workspaceId),
            eq(memberships.status, 'active'),
            sql`${permission} = ANY(${roles.permissions})`,
          ),
        );
    },

    async listRoles(workspaceId: string) {
      const counts = db
        .select({ roleId: memberships.roleId, n: sql<number>`count(*)::int`.as('n') })
        .from(memberships)
        .where(eq(memberships.workspaceId, workspaceId))
        .groupBy(memberships.roleId)
        .as('counts');
      return db
        .select({ role: roles, memberCount: sql<number>`coalesce(${counts.n}, 0)::int` })
        .from(roles)
        .leftJoin(counts, eq(counts.roleId, roles.id))
        .where(eq(roles.workspaceId, workspaceId))
        .orderBy(desc(roles.builtIn), asc(roles.createdAt), asc(roles.name));
    },

    async findRole(workspaceId: string, roleId: string, tx: DbOrTx = db): Promise<RoleRow | undefined> {
      const [row] = await tx
        .select()
        .from(roles)
        .where(and(eq(roles.workspaceId, workspaceId), eq(roles.id, roleId)));
      return row;
    },

    async findRoleByKey(workspaceId: string, key: string, tx: DbOrTx = db): Promise<RoleRow | undefined> {
      const [row] = await tx
        .select()
        .from(roles)
        .where(and(eq(roles.workspaceId, workspaceId), eq(roles.key, key)));
      return row;
    },

    async roleNameTaken(workspaceId: string, name: string, exceptId?: string): Promise<boolean> {
      const rows = await db
        .select({ id: roles.id })
        .from(roles)
        .where(and(eq(roles.workspaceId, workspaceId), sql`lower(${roles.name}) = ${name.toLowerCase()}`));
      return rows.some((r) => r.id !== exceptId);
    },

    async insertRole(tx: DbOrTx, values: { workspaceId: string; key: string; name: string; permissions: string[] }) {
      const [row] = await tx.insert(roles).values(values).returning();
      return row!;
    },

    async updateRole(tx: DbOrTx, workspaceId: string, roleId: string, patch: { name?: string; permissions?: string[] }) {
      const [row] = await tx
        .update(roles)
        .set(patch)
        .where(and(eq(roles.workspaceId, workspaceId), eq(roles.id, roleId)))
        .returning();
      return row;
    },

    async deleteRole(tx: DbOrTx, workspaceId: string, roleId: string): Promise<void> {
      await tx.delete(roles).where(and(eq(roles.workspaceId, workspaceId), eq(roles.id, roleId)));
    },

    async roleMemberCount(roleId: string, tx: DbOrTx = db): Promise<number> {
      const [row] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(memberships)
        .where(eq(memberships.roleId, roleId));
      return row?.n ?? 0;
    },

    async insertInvitation(
      tx: DbOrTx,
      values: { workspaceId: string; email: string; roleId: string; tokenHash: string; invitedBy: string; expiresAt: Date },
    ) {
      const [row] = await tx.insert(invitations).values(values).returning();
      return row!;
    },

    async listOpenInvitations(workspaceId: string, now: Date) {
      return db
        .select({ invitation: invitations, roleKey: roles.key, roleName: roles.name, invitedByName: users.name })
        .from(invitations)
        .innerJoin(roles, eq(roles.id, invitations.roleId))
        .leftJoin(users, eq(users.id, invitations.invitedBy))
        .where(
          and(
            eq(invitations.workspaceId, workspaceId),
            isNull(invitations.acceptedAt),
            isNull(invitations.revokedAt),
            gt(invitations.expiresAt, now),
          ),
        )
        .orderBy(desc(invitations.createdAt));
    },

    async findInvitationByTokenHash(tokenHash: string) {
      const [row] = await db
        .select({ invitation: invitations, workspaceName: workspaces.name, workspaceTimeZone: workspaces.timeZone, workspaceLocale: workspaces.locale, roleName: roles.name })
        .from(invitations)
        .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
        .innerJoin(roles, eq(roles.id, invitations.roleId))
        .where(eq(invitations.tokenHash, tokenHash));
      return row;
    },

    /** Accepting is a conditional update, so one invitation link admits one person once. */
    async markInvitationAccepted(tx: DbOrTx, id: string, at: Date): Promise<boolean> {
      const rows = await tx
        .update(invitations)
        .set({ acceptedAt: at })
        .where(and(eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, at)))
        .returning({ id: invitations.id });
      return rows.length === 1;
    },

    async revokeInvitation(tx: DbOrTx, workspaceId: string, id: string, at: Date) {
      const [row] = await tx
        .update(invitations)
        .set({ revokedAt: at })
        .where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
        .returning();
      return row;
    },

    async insertResetRequests(userId: string, workspaceIds: string[]): Promise<void> {
      if (!workspaceIds.length) return;
      // One open request per user and workspace is enough for the queue.
      const open = await db
        .select({ workspaceId: passwordResetRequests.workspaceId })
        .from(passwordResetRequests)
        .where(and(eq(passwordResetRequests.userId, userId), isNull(passwordResetRequests.resolvedAt), inArray(passwordResetRequests.workspaceId, workspaceIds)));
      const have = new Set(open.map((o) => o.workspaceId));
      const missing = workspaceIds.filter((w) => !have.has(w));
      if (missing.length) await db.insert(passwordResetRequests).values(missing.map((workspaceId) => ({ workspaceId, userId })));
    },

    async listOpenResetRequests(workspaceId: string) {
      return db
        .select({
          id: passwordResetRequests.id,
          userId: users.id,
          name: users.name,
          email: users.email,
          requestedAt: passwordResetRequests.requestedAt,
        })
        .from(passwordResetRequests)
        .innerJoin(users, eq(users.id, passwordResetRequests.userId))
        .where(and(eq(passwordResetRequests.workspaceId, workspaceId), isNull(passwordResetRequests.resolvedAt)))
        .orderBy(asc(passwordResetRequests.requestedAt));
    },

    async resolveResetRequest(tx: DbOrTx, workspaceId: string, id: string, by: string, at: Date) {
      const [row] = await tx
        .update(passwordResetRequests)
        .set({ resolvedAt: at, resolvedBy: by })
        .where(and(eq(passwordResetRequests.workspaceId, workspaceId), eq(passwordResetRequests.id, id), isNull(passwordResetRequests.resolvedAt)))
        .returning();
      return row;
    },

  };
}

export type WorkspacesRepository = ReturnType<typeof createWorkspacesRepository>;
