import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../platform/db/client.ts';
import { memberships, roles, workspaces } from '../workspaces/workspaces.table.ts';
import { loginThrottle, passwordResetTokens, recoveryCodes, sessions, users } from './accounts.table.ts';

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;

export function createAccountsRepository(db: Db) {
  return {
    async countUsers(tx: DbOrTx = db): Promise<number> {
      const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(users);
      return row?.n ?? 0;
    },

    /** Serialises concurrent first-time set-ups: the second waits, then sees the first's user. */
    async lockSetUp(tx: DbOrTx): Promise<void> {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(7241100002)`);
    },

    async findUserByEmail(email: string, tx: DbOrTx = db): Promise<UserRow | undefined> {
      const [row] = await tx
        .select()
        .from(users)
        .where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
      return row;
    },

    async findUserById(id: string, tx: DbOrTx = db): Promise<UserRow | undefined> {
      const [row] = await tx.select().from(users).where(eq(users.id, id));
      return row;
    },

    async insertUser(
      tx: DbOrTx,
      values: { email: string; name: string; passwordHash: string; locale?: string; timeZone?: string },
    ): Promise<UserRow> {
      const [row] = await tx.insert(users).values(values).returning();
      return row!;
    },

    async updateUser(
      id: string,
      patch: Partial<Pick<UserRow, 'name' | 'locale' | 'timeZone' | 'theme' | 'passwordHash' | 'totpSecret' | 'totpEnabled'>>,
      tx: DbOrTx = db,
    ): Promise<UserRow | undefined> {
      const [row] = await tx
        .update(users)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(users.id, id))
        .returning();
      return row;
    },

    /** Counts a failed sign-in atomically; locks the account when the limit is reached. */
    async recordLoginFailure(userId: string, limit: number, lockUntil: Date): Promise<Date | null> {
      const [row] = await db
        .update(users)
        .set({
          failedLogins: sql`${users.failedLogins} + 1`,
          lockedUntil: sql`CASE WHEN ${users.failedLogins} + 1 >= ${limit} THEN ${lockUntil.toISOString()}::timestamptz ELSE ${users.lockedUntil} END`,
        })
        .where(eq(users.id, userId))
        .returning({ lockedUntil: users.lockedUntil });
      return row?.lockedUntil ?? null;
    },

    async clearLoginFailures(userId: string, tx: DbOrTx = db): Promise<void> {
      await tx.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, userId));
    },

    async insertSession(
      values: Pick<SessionRow, 'tokenHash' | 'userId' | 'remember' | 'twoFactorPending' | 'expiresAt'> &
        Partial<Pick<SessionRow, 'workspaceId' | 'ip' | 'userAgent' | 'lastSeenAt'>>,
      tx: DbOrTx = db,
    ): Promise<SessionRow> {
      const [row] = await tx.insert(sessions).values(values).returning();
      return row!;
    },

    async findSessionWithUser(tokenHash: string): Promise<{ session: SessionRow; user: UserRow } | undefined> {
      const [row] = await db
        .select({ session: sessions, user: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(eq(sessions.tokenHash, tokenHash));
      return row;
    },

    /**
     * Everything a request needs to know about its caller in one round trip: the session, its user, and their
     * membership (status, role, permissions) of the requested workspace, else of the session's last workspace.
     * `membership` is null when the user has none there.
     */
    async findSessionContext(tokenHash: string, requestedWorkspaceId: string | undefined) {
      const workspaceId = requestedWorkspaceId ? sql`${requestedWorkspaceId}::uuid` : sql`${sessions.workspaceId}`;
      const [row] = await db
        .select({
          session: sessions,
          user: users,
          workspace: workspaces,
          membership: { status: memberships.status, roleId: roles.id, roleKey: roles.key, permissions: roles.permissions },
        })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .leftJoin(memberships, and(eq(memberships.userId, sessions.userId), sql`${memberships.workspaceId} = ${workspaceId}`))
        .leftJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
        .leftJoin(roles, eq(roles.id, memberships.roleId))
        .where(eq(sessions.tokenHash, tokenHash));
      if (!row) return undefined;
      const { membership, workspace } = row;
      return {
        session: row.session,
        user: row.user,
        membership: membership?.status && membership.roleId && workspace ? { workspace, status: membership.status, roleId: membership.roleId, roleKey: membership.roleKey!, permissions: membership.permissions! } : null,
      };
    },

    async touchSession(id: string, at: Date): Promise<void> {
      await db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, id));
    },

    async setSessionWorkspace(id: string, workspaceId: string): Promise<void> {
      await db.update(sessions).set({ workspaceId }).where(eq(sessions.id, id));
    },

    /** Second factor passed: a new token replaces the pending one (session fixation defence). */
    async completeTwoFactor(id: string, tokenHash: string, expiresAt: Date): Promise<void> {
      await db
        .update(sessions)
        .set({ tokenHash, twoFactorPending: false, expiresAt, lastSeenAt: new Date() })
        .where(eq(sessions.id, id));
    },

    async deleteSession(id: string): Promise<void> {
      await db.delete(sessions).where(eq(sessions.id, id));
    },

    async deleteUserSessions(userId: string, exceptSessionId?: string, tx: DbOrTx = db): Promise<void> {
      await tx
        .delete(sessions)
        .where(exceptSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, exceptSessionId)) : eq(sessions.userId, userId));
    },

    async replaceRecoveryCodes(userId: string, codeHashes: string[], tx: DbOrTx = db): Promise<void> {
      await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
      if (codeHashes.length) await tx.insert(recoveryCodes).values(codeHashes.map((codeHash) => ({ userId, codeHash })));
    },

    /** Uses a recovery code once: the conditional update makes a second use fail even when concurrent. */
    async consumeRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
      const rows = await db
        .update(recoveryCodes)
        .set({ usedAt: new Date() })
        .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, codeHash), isNull(recoveryCodes.usedAt)))
        .returning({ id: recoveryCodes.id });
      return rows.length === 1;
    },

    async insertResetToken(userId: string, tokenHash: string, expiresAt: Date, tx: DbOrTx = db): Promise<void> {
      await tx.insert(passwordResetTokens).values({ userId, tokenHash, expiresAt });
    },

    async findResetToken(tokenHash: string) {
      const [row] = await db.select().from(passwordResetTokens).where(eq(passwordResetTokens.tokenHash, tokenHash));
      return row;
    },

    /** Marks a reset link used; only one caller can win, so a link works exactly once. */
    async consumeResetToken(id: string, tx: DbOrTx, at: Date): Promise<boolean> {
      const rows = await tx
        .update(passwordResetTokens)
        .set({ usedAt: at })
        .where(and(eq(passwordResetTokens.id, id), isNull(passwordResetTokens.usedAt), gt(passwordResetTokens.expiresAt, at)))
        .returning({ id: passwordResetTokens.id });
      return rows.length === 1;
    },

    /** Failed sign-ins per client address within a window; returns the count after this failure. */
    async bumpThrottle(key: string, windowStart: Date): Promise<number> {
      const [row] = await db
        .insert(loginThrottle)
        .values({ key, failures: 1, windowStart: new Date() })
        .onConflictDoUpdate({
          target: loginThrottle.key,
          set: {
            failures: sql`CASE WHEN ${loginThrottle.windowStart} < ${windowStart.toISOString()}::timestamptz THEN 1 ELSE ${loginThrottle.failures} + 1 END`,
            windowStart: sql`CASE WHEN ${loginThrottle.windowStart} < ${windowStart.toISOString()}::timestamptz THEN now() ELSE ${loginThrottle.windowStart} END`,
          },
        })
        .returning({ failures: loginThrottle.failures });
      return row?.failures ?? 1;
    },

    async throttleFailures(key: string, windowStart: Date): Promise<number> {
      const [row] = await db.select().from(loginThrottle).where(eq(loginThrottle.key, key));
      if (!row || row.windowStart < windowStart) return 0;
      return row.failures;
    },
  };
}

export type AccountsRepository = ReturnType<typeof createAccountsRepository>;
