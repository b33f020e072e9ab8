import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { NotificationItem } from '@leadflow/shared/notifications';
import type { Db, DbOrTx } from '../../platform/db/client.ts';
import { users } from '../accounts/accounts.table.ts';
import { memberships, roles, workspaces } from '../workspaces/workspaces.table.ts';
import { notificationPreferences, notifications } from './notifications.table.ts';

export type NotificationRow = typeof notifications.$inferSelect;
export type NotificationInsert = typeof notifications.$inferInsert;
export type PreferencesRow = typeof notificationPreferences.$inferSelect;
export type Recipient = { id: string; email: string; name: string; locale: string; timeZone: string; workspaceTimeZone: string };

export function toItem(r: NotificationRow): NotificationItem {
  return {
    id: r.id,
    type: r.type,
    data: r.data,
    link: r.linkKind && r.linkId ? { kind: r.linkKind, id: r.linkId } : null,
    readAt: r.readAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}

/** Every query names the workspace and the user: a member reads and changes only their own notifications. */
export function createNotificationsRepository(db: Db) {
  const mine = (workspaceId: string, userId: string) => and(eq(notifications.workspaceId, workspaceId), eq(notifications.userId, userId));

  return {
    /** Inserts unless the same cause already notified this user; returns the row only when this call created it. */
    async insertOnce(row: NotificationInsert, tx: DbOrTx = db): Promise<NotificationRow | undefined> {
      const [created] = await tx
        .insert(notifications)
        .values(row)
        .onConflictDoNothing({ target: [notifications.workspaceId, notifications.userId, notifications.dedupeKey] })
        .returning();
      return created;
    },

    async list(workspaceId: string, userId: string, q: { unread: boolean; limit: number; after?: { at: Date; id: string } }): Promise<NotificationRow[]> {
      const where = [mine(workspaceId, userId), eq(notifications.inApp, true)];
      if (q.unread) where.push(isNull(notifications.readAt));
      if (q.after) {
        where.push(or(lt(notifications.createdAt, q.after.at), and(eq(notifications.createdAt, q.after.at), lt(notifications.id, q.after.id)))!);
      }
      return db
        .select()
        .from(notifications)
        .where(and(...where))
        .orderBy(desc(notifications.createdAt), desc(notifications.id))
        .limit(q.limit + 1);
    },

    async unreadCount(workspaceId: string, userId: string): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(notifications)
        .where(and(mine(workspaceId, userId), eq(notifications.inApp, true), isNull(notifications.readAt)));
      return Number(row?.n ?? 0);
    },

    async setRead(workspaceId: string, userId: string, id: string, readAt: Date | null): Promise<NotificationRow | undefined> {
      const [row] = await db
        .update(notifications)
        .set({ readAt })
        .where(and(mine(workspaceId, userId), eq(notifications.id, id), eq(notifications.inApp, true)))
        .returning();
      return row;
    },

    async markAllRead(workspaceId: string, userId: string, at: Date): Promise<number> {
      const rows = await db
        .update(notifications)
        .set({ readAt: at })
        .where(and(mine(workspaceId, userId), isNull(notifications.readAt)))
        .returning({ id: notifications.id });
      return rows.length;
    },

    /** Marks read, for each listed user, the unread notifications of one cause (an offer someone else took). */
    async markCauseRead(workspaceId: string, userIds: string[], dedupeKey: string, at: Date): Promise<string[]> {
      if (!userIds.length) return [];
      const rows = await db
        .update(notifications)
        .set({ readAt: at })
        .where(
          and(
            eq(notifications.workspaceId, workspaceId),
            inArray(notifications.userId, userIds),
            eq(notifications.dedupeKey, dedupeKey),
            isNull(notifications.readAt),
          ),
        )
        .returning({ userId: notifications.userId });
      return [...new Set(rows.map((r) => r.userId))];
    },

    async findById(id: string): Promise<NotificationRow | undefined> {
      const [row] = await db.select().from(notifications).where(eq(notifications.id, id));
      return row;
    },

    /** Claims the email of a notification: only one caller (one job run) gets true. */
    async claimEmail(id: string, at: Date): Promise<boolean> {
      const rows = await db
        .update(notifications)
        .set({ emailedAt: at })
        .where(and(eq(notifications.id, id), isNull(notifications.emailedAt)))
        .returning({ id: notifications.id });
      return rows.length > 0;
    },

    async releaseEmail(id: string): Promise<void> {
      await db.update(notifications).set({ emailedAt: null }).where(eq(notifications.id, id));
    },

    async getPreferences(workspaceId: string, userId: string): Promise<PreferencesRow | undefined> {
      const [row] = await db
        .select()
        .from(notificationPreferences)
        .where(and(eq(notificationPreferences.workspaceId, workspaceId), eq(notificationPreferences.userId, userId)));
      return row;
    },

    async savePreferences(row: typeof notificationPreferences.$inferInsert, tx: DbOrTx = db): Promise<void> {
      await tx
        .insert(notificationPreferences)
        .values(row)
        .onConflictDoUpdate({
          target: [notificationPreferences.workspaceId, notificationPreferences.userId],
          set: { channels: row.channels, quietHours: row.quietHours, updatedAt: row.updatedAt },
        });
    },

    /**
     * Several recipients at once (a batch of notifications), with their preferences, in one statement: only active
     * members come back (nobody else is notified). Keyed `workspaceId:userId`.
     */
    async recipientsWithPreferences(pairs: { workspaceId: string; userId: string }[]) {
      const out = new Map<string, Recipient & { prefs: PreferencesRow | undefined }>();
      if (!pairs.length) return out;
      const wsIds = `{${pairs.map((p) => p.workspaceId).join(',')}}`;
      const userIds = `{${pairs.map((p) => p.userId).join(',')}}`;
      const rows = await db
        .select({
          workspaceId: memberships.workspaceId,
          id: users.id,
          email: users.email,
          name: users.name,
          locale: users.locale,
          timeZone: users.timeZone,
          workspaceTimeZone: workspaces.timeZone,
          prefs: notificationPreferences,
        })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
        .leftJoin(
          notificationPreferences,
          and(eq(notificationPreferences.workspaceId, memberships.workspaceId), eq(notificationPreferences.userId, memberships.userId)),
        )
        .where(
          and(
            sql`(${memberships.workspaceId}, ${memberships.userId}) IN (SELECT * FROM unnest(${wsIds}::uuid[], ${userIds}::uuid[]))`,
            eq(memberships.status, 'active'),
          ),
        );
      for (const { prefs, workspaceId, ...r } of rows) out.set(`${workspaceId}:${r.id}`, { ...r, prefs: prefs ?? undefined });
      return out;
    },

    /** Inserts the rows whose cause did not notify their user yet, in one statement; returns those it created. */
    async insertManyOnce(rows: NotificationInsert[]): Promise<NotificationRow[]> {
      if (!rows.length) return [];
      return db
        .insert(notifications)
        .values(rows)
        .onConflictDoNothing({ target: [notifications.workspaceId, notifications.userId, notifications.dedupeKey] })
        .returning();
    },

    /** Unread in-app counts of several users, in one statement; keyed `workspaceId:userId` (absent: none). */
    async unreadCounts(pairs: { workspaceId: string; userId: string }[]): Promise<Map<string, number>> {
      if (!pairs.length) return new Map();
      const wsIds = `{${pairs.map((p) => p.workspaceId).join(',')}}`;
      const userIds = `{${pairs.map((p) => p.userId).join(',')}}`;
      const rows = await db
        .select({ workspaceId: notifications.workspaceId, userId: notifications.userId, n: sql<number>`count(*)::int` })
        .from(notifications)
        .where(
          and(
            sql`(${notifications.workspaceId}, ${notifications.userId}) IN (SELECT * FROM unnest(${wsIds}::uuid[], ${userIds}::uuid[]))`,
            eq(notifications.inApp, true),
            isNull(notifications.readAt),
          ),
        )
        .groupBy(notifications.workspaceId, notifications.userId);
      return new Map(rows.map((r) => [`${r.workspaceId}:${r.userId}`, Number(r.n)]));
    },

    /** The recipient as a member of the workspace: null when they are not an active member (nobody is notified). */
    async recipient(workspaceId: string, userId: string) {
      const [row] = await db
        .select({ id: users.id, email: users.email, name: users.name, locale: users.locale, timeZone: users.timeZone, workspaceTimeZone: workspaces.timeZone })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
        .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId), eq(memberships.status, 'active')));
      return row ?? null;
    },

    /** Active members holding a permission (the owner role holds all). */
    async membersWithPermission(workspaceId: string, permission: string): Promise<string[]> {
      const rows = await db
        .select({ userId: memberships.userId })
        .from(memberships)
        .innerJoin(roles, eq(roles.id, memberships.roleId))
        .where(
          and(
            eq(memberships.workspaceId, workspaceId),
            eq(memberships.status, 'active'),
            or(eq(roles.key, 'owner'), sql`${permission} = ANY(${roles.permissions})`),
          ),
        );
      return rows.map((r) => r.userId);
    },

    async userNames(ids: string[]): Promise<Map<string, string>> {
      if (!ids.length) return new Map();
      const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids));
      return new Map(rows.map((r) => [r.id, r.name]));
    },
  };
}

export type NotificationsRepository = ReturnType<typeof createNotificationsRepository>;
