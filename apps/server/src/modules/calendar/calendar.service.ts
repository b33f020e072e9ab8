import { and, asc, eq, gte, isNull, lt, or } from 'drizzle-orm';
import { taskDurationMinutes, type CalendarFeedCreated, type CalendarFeedStatus } from '@leadflow/shared/calendar';
import { writeAudit } from '../../platform/audit/audit.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import { randomToken, sha256 } from '../../platform/secrets/crypto.ts';
import { users } from '../accounts/accounts.table.ts';
import { addDays, isoInZone } from '../leads/lead-query.ts';
import { leadDisplayName } from '../leads/leads.mapper.ts';
import { leads } from '../leads/leads.table.ts';
import { tasks } from '../tasks/tasks.table.ts';
import { memberships, workspaces } from '../workspaces/workspaces.table.ts';
import { calendarFeedTokens } from './calendar.table.ts';
import { serializeCalendar, type IcalEvent } from './ical.ts';

/** A feed holds the open tasks due from this long ago ... */
const FEED_PAST_DAYS = 60;
/** ... to this far ahead, at most this many. */
const FEED_FUTURE_DAYS = 400;
const FEED_MAX_EVENTS = 2000;
/** The token is 32 random bytes in base64url (43 characters). */
export const FEED_TOKEN = /^[A-Za-z0-9_-]{43}$/;

const PRIORITY: Record<string, number> = { urgent: 1, high: 3, normal: 5, low: 9 };

/** A user's iCalendar feed: a secret token per user and workspace (hashed), and the feed of their open tasks. */
export function createCalendarService(deps: AppDeps) {
  const db = deps.database.db;
  const base = deps.config.publicUrl;
  const host = new URL(base).host || 'leadflow';

  async function row(actor: Actor) {
    const [found] = await db
      .select()
      .from(calendarFeedTokens)
      .where(and(eq(calendarFeedTokens.workspaceId, actor.workspaceId), eq(calendarFeedTokens.userId, actor.userId)));
    return found;
  }

  const toStatus = (r: typeof calendarFeedTokens.$inferSelect | undefined): CalendarFeedStatus => ({
    active: Boolean(r),
    createdAt: r?.createdAt.toISOString() ?? null,
    lastUsedAt: r?.lastUsedAt?.toISOString() ?? null,
  });

  return {
    async status(actor: Actor): Promise<CalendarFeedStatus> {
      return toStatus(await row(actor));
    },

    /** A new secret URL; the previous one (if any) stops working at once. */
    async rotate(actor: Actor): Promise<CalendarFeedCreated> {
      const token = randomToken(32);
      const at = deps.now();
      const saved = await db.transaction(async (tx) => {
        const [r] = await tx
          .insert(calendarFeedTokens)
          .values({ workspaceId: actor.workspaceId, userId: actor.userId, tokenHash: sha256(token), createdAt: at })
          .onConflictDoUpdate({
            target: [calendarFeedTokens.workspaceId, calendarFeedTokens.userId],
            set: { tokenHash: sha256(token), createdAt: at, lastUsedAt: null },
          })
          .returning();
        await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'calendar_feed.rotate', entityType: 'calendar_feed', entityId: r!.id, ip: actor.ip });
        return r!;
      });
      return { ...toStatus(saved), url: `${base}/ical/${token}.ics` };
    },

    async revoke(actor: Actor): Promise<CalendarFeedStatus> {
      await db.transaction(async (tx) => {
        const gone = await tx
          .delete(calendarFeedTokens)
          .where(and(eq(calendarFeedTokens.workspaceId, actor.workspaceId), eq(calendarFeedTokens.userId, actor.userId)))
          .returning({ id: calendarFeedTokens.id });
        if (gone[0]) await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'calendar_feed.revoke', entityType: 'calendar_feed', entityId: gone[0].id, ip: actor.ip });
      });
      return toStatus(undefined);
    },

    /**
     * The feed of a token, or null (unknown or revoked token, or the user is no longer an active member): the user's
     * own open tasks in the token's workspace — what "My tasks" shows them — never another workspace's.
     */
    async feed(token: string): Promise<string | null> {
      if (!FEED_TOKEN.test(token)) return null;
      const [owner] = await db
        .select({ id: calendarFeedTokens.id, workspaceId: calendarFeedTokens.workspaceId, userId: calendarFeedTokens.userId, lastUsedAt: calendarFeedTokens.lastUsedAt, userName: users.name, timeZone: users.timeZone, workspaceName: workspaces.name })
        .from(calendarFeedTokens)
        .innerJoin(memberships, and(eq(memberships.workspaceId, calendarFeedTokens.workspaceId), eq(memberships.userId, calendarFeedTokens.userId), eq(memberships.status, 'active')))
        .innerJoin(users, eq(users.id, calendarFeedTokens.userId))
        .innerJoin(workspaces, eq(workspaces.id, calendarFeedTokens.workspaceId))
        .where(eq(calendarFeedTokens.tokenHash, sha256(token)));
      if (!owner) return null;
      const now = deps.now();
      // "Last used" at most once an hour: calendar apps poll often.
      if (!owner.lastUsedAt || now.getTime() - owner.lastUsedAt.getTime() > 3600_000) {
        await db.update(calendarFeedTokens).set({ lastUsedAt: now }).where(eq(calendarFeedTokens.id, owner.id));
      }
      const rows = await db
        .select({ task: tasks, leadFirstName: leads.firstName, leadLastName: leads.lastName, leadCompany: leads.company, leadDeletedAt: leads.deletedAt })
        .from(tasks)
        .leftJoin(leads, eq(leads.id, tasks.leadId))
        .where(
          and(
            eq(tasks.workspaceId, owner.workspaceId),
            eq(tasks.assigneeId, owner.userId),
            eq(tasks.status, 'open'),
            gte(tasks.dueAt, new Date(now.getTime() - FEED_PAST_DAYS * 86_400_000)),
            lt(tasks.dueAt, new Date(now.getTime() + FEED_FUTURE_DAYS * 86_400_000)),
            or(isNull(tasks.leadId), isNull(leads.deletedAt)),
          ),
        )
        .orderBy(asc(tasks.dueAt), asc(tasks.id))
        .limit(FEED_MAX_EVENTS);
      const events = rows.map(({ task: t, ...l }): IcalEvent => {
        const taskUrl = `${base}/tasks/${t.id}`;
        const lines: string[] = [];
        if (t.leadId) lines.push(`Lead: ${leadDisplayName({ firstName: l.leadFirstName, lastName: l.leadLastName, company: l.leadCompany })} — ${base}/leads/${t.leadId}`);
        if (t.description) lines.push(t.description);
        for (const c of t.checklist) lines.push(`${c.done ? '[x]' : '[ ]'} ${c.text}`);
        lines.push(`Task: ${taskUrl}`);
        const common = {
          uid: `task-${t.id}@${host}`,
          stamp: now,
          summary: t.title,
          description: lines.join('\n'),
          url: taskUrl,
          lastModified: t.updatedAt,
          sequence: t.version,
          priority: PRIORITY[t.priority] ?? 5,
          categories: [t.type],
          alarms: t.reminders.map((r) => ({ at: new Date(r), description: t.title })),
        };
        if (t.allDay) {
          const day = isoInZone(t.dueAt, owner.timeZone).slice(0, 10);
          return { ...common, day, nextDay: addDays(day, 1) };
        }
        return { ...common, start: t.dueAt, end: new Date(t.dueAt.getTime() + taskDurationMinutes(t.type) * 60_000) };
      });
      return serializeCalendar({ prodId: '-//LeadFlow//Tasks//EN', name: `LeadFlow — ${owner.userName} (${owner.workspaceName})`, timeZone: owner.timeZone, events });
    },
  };
}

export type CalendarService = ReturnType<typeof createCalendarService>;
