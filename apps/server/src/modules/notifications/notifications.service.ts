import {
  DEFAULT_CHANNELS,
  NOTIFICATION_TYPES,
  type ChannelPrefs,
  type NotificationItem,
  type NotificationPreferences,
  type NotificationType,
  type updateNotificationPreferences,
} from '@leadflow/shared/notifications';
import type { z } from 'zod';
import { writeAudit } from '../../platform/audit/audit.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import { notificationMail } from './notification-texts.ts';
import { createNotificationsRepository, toItem, type PreferencesRow } from './notifications.repository.ts';
import { inQuietHours, quietHoursEnd, type QuietHours } from './quiet-hours.ts';

export const NOTIFICATION_EMAIL_JOB = 'notifications.email';

export type NotifyInput = {
  workspaceId: string;
  userId: string;
  type: NotificationType;
  /** Title and body parameters (names, not documents: they travel in the live event). */
  data: Record<string, unknown>;
  link?: { kind: 'lead' | 'task' | 'message'; id: string } | null;
  /**
   * Names the cause (`lead.offered:<offerId>`, `task.reminder:<taskId>:<at>`): the same cause notifies a user once,
   * however many instances or job retries raise it.
   */
  dedupeKey: string;
};

const DEFAULT_QUIET: QuietHours = { enabled: false, start: '22:00', end: '07:00' };

function channelsOf(prefs: PreferencesRow | undefined, type: string): ChannelPrefs {
  return prefs?.channels[type] ?? DEFAULT_CHANNELS[type as NotificationType] ?? { inApp: true, desktop: true, email: false };
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(at ?? '');
  if (!id || Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) throw invalid('cursor', 'Invalid cursor');
  return { at: date, id };
}

const encodeCursor = (at: Date, id: string) => Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');

export function createNotificationsService(deps: AppDeps) {
  const repo = createNotificationsRepository(deps.database.db);

  async function pushCount(workspaceId: string, userId: string): Promise<void> {
    const unread = await repo.unreadCount(workspaceId, userId);
    await deps.events.publish({ workspaceId, type: 'notification.read', data: { unread }, audience: { userIds: [userId] } });
  }

  return {
    /**
     * The one way every capability notifies a member: stores the notification (once per cause), pushes it live to
     * that user's tabs only, and queues its email when the user chose email — after their quiet hours if they are
     * in them. Returns the new item, or null when the cause was already delivered or the user is not a member.
     */
    async notify(input: NotifyInput): Promise<NotificationItem | null> {
      return (await this.notifyMany([input]))[0] ?? null;
    },

    /**
     * `notify` for many notifications at once (a batch of assigned leads): the same rules and results, in a fixed
     * number of statements whatever their number — recipients and preferences, the insert, the unread counts, the
     * pushes (plus one job per email). Returns, in input order, each new item or null.
     */
    async notifyMany(inputs: NotifyInput[]): Promise<(NotificationItem | null)[]> {
      const out: (NotificationItem | null)[] = inputs.map(() => null);
      if (!inputs.length) return out;
      const key = (workspaceId: string, userId: string) => `${workspaceId}:${userId}`;
      const pairs = (list: { workspaceId: string; userId: string }[]) => [...new Map(list.map((p) => [key(p.workspaceId, p.userId), p])).values()];
      const recipients = await repo.recipientsWithPreferences(pairs(inputs));
      const at = deps.now();
      const wanted = inputs
        .map((input, index) => ({ input, index, recipient: recipients.get(key(input.workspaceId, input.userId)) }))
        .filter((w): w is typeof w & { recipient: NonNullable<typeof w.recipient> } => w.recipient !== undefined)
        .map((w) => ({ ...w, ch: channelsOf(w.recipient.prefs, w.input.type) }))
        .filter((w) => w.ch.inApp || w.ch.desktop || w.ch.email);
      // Within one call a cause reaches a user once too (the insert could not take the same key twice).
      const seen = new Set<string>();
      const unique = wanted.filter((w) => {
        const k = `${key(w.input.workspaceId, w.input.userId)}:${w.input.dedupeKey}`;
        return seen.has(k) ? false : (seen.add(k), true);
      });
      const rows = await repo.insertManyOnce(
        unique.map(({ input, ch }) => ({
          workspaceId: input.workspaceId,
          userId: input.userId,
          type: input.type,
          data: input.data,
          linkKind: input.link?.kind ?? null,
          linkId: input.link?.id ?? null,
          dedupeKey: input.dedupeKey,
          inApp: ch.inApp,
          createdAt: at,
        })),
      );
      const created = new Map(rows.map((r) => [`${key(r.workspaceId, r.userId)}:${r.dedupeKey}`, r]));
      const delivered = unique.flatMap((w) => {
        const row = created.get(`${key(w.input.workspaceId, w.input.userId)}:${w.input.dedupeKey}`);
        return row ? [{ ...w, row }] : [];
      });
      const live = delivered.filter((d) => d.ch.inApp || d.ch.desktop);
      const counts = await repo.unreadCounts(pairs(live.map((d) => d.input)));
      // Each push carries the count as it stood once that notification arrived: the final count less the in-app
      // notifications of the same user that come after it in this call.
      const later = new Map<string, number>();
      const events = [];
      for (const d of [...live].reverse()) {
        const k = key(d.input.workspaceId, d.input.userId);
        const after = later.get(k) ?? 0;
        if (d.row.inApp) later.set(k, after + 1);
        const quiet = d.recipient.prefs?.quietHours ?? null;
        const hushed = inQuietHours(quiet, at, d.recipient.timeZone || d.recipient.workspaceTimeZone);
        events.push({
          workspaceId: d.input.workspaceId,
          type: 'notification.created',
          data: {
            notification: toItem(d.row),
            inApp: d.ch.inApp,
            sound: d.ch.inApp && !hushed,
            desktop: d.ch.desktop && !hushed,
            unread: Math.max(0, (counts.get(k) ?? 0) - after),
          },
          audience: { userIds: [d.input.userId] },
        });
      }
      if (events.length) await deps.events.publishMany(events.reverse()).catch(() => undefined);
      for (const d of delivered) {
        if (d.ch.email) {
          const quiet = d.recipient.prefs?.quietHours ?? null;
          const sendAt = quietHoursEnd(quiet, at, d.recipient.timeZone || d.recipient.workspaceTimeZone);
          await deps.jobs.send(NOTIFICATION_EMAIL_JOB, { id: d.row.id }, { singletonKey: d.row.id, ...(sendAt > at ? { startAfter: sendAt } : {}) });
        }
        out[d.index] = toItem(d.row);
      }
      return out;
    },

    /** The job behind a notification's email: sends it at most once (a retry after a failure sends it again). */
    async deliverEmail(id: string): Promise<'sent' | 'skipped'> {
      const row = await repo.findById(id);
      if (!row || row.emailedAt) return 'skipped';
      const recipient = await repo.recipient(row.workspaceId, row.userId);
      if (!recipient) return 'skipped';
      if (!(await repo.claimEmail(id, deps.now()))) return 'skipped';
      // A task opens its page; messages open their lead until they have pages of their own.
      const leadId = row.linkKind === 'lead' ? row.linkId : typeof row.data.leadId === 'string' ? row.data.leadId : null;
      const url = row.linkKind === 'task' && row.linkId ? `${deps.config.publicUrl}/tasks/${row.linkId}` : leadId ? `${deps.config.publicUrl}/leads/${leadId}` : deps.config.publicUrl;
      const mail = notificationMail(row.type, recipient.locale, row.data, url);
      try {
        await deps.mailer.send({ to: recipient.email, ...mail, workspaceId: row.workspaceId });
      } catch (err) {
        await repo.releaseEmail(id);
        throw err;
      }
      return 'sent';
    },

    /** Marks read every listed user's notification of one cause, and tells their tabs the new counts. */
    async resolveCause(workspaceId: string, userIds: string[], dedupeKey: string): Promise<void> {
      const changed = await repo.markCauseRead(workspaceId, userIds, dedupeKey, deps.now());
      for (const userId of changed) await pushCount(workspaceId, userId);
    },

    async list(actor: Actor, q: { unread?: 'true' | 'false'; limit: number; cursor?: string | undefined }) {
      const after = q.cursor ? decodeCursor(q.cursor) : undefined;
      const rows = await repo.list(actor.workspaceId, actor.userId, { unread: q.unread === 'true', limit: q.limit, ...(after ? { after } : {}) });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map(toItem),
        nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null,
        unread: await repo.unreadCount(actor.workspaceId, actor.userId),
      };
    },

    unreadCount: (actor: Actor) => repo.unreadCount(actor.workspaceId, actor.userId),

    async mark(actor: Actor, id: string, read: boolean): Promise<NotificationItem> {
      const row = await repo.setRead(actor.workspaceId, actor.userId, id, read ? deps.now() : null);
      if (!row) throw notFound('Notification');
      await pushCount(actor.workspaceId, actor.userId);
      return toItem(row);
    },

    async markAllRead(actor: Actor): Promise<number> {
      const marked = await repo.markAllRead(actor.workspaceId, actor.userId, deps.now());
      if (marked) await pushCount(actor.workspaceId, actor.userId);
      return marked;
    },

    async getPreferences(actor: Actor, timeZone: string): Promise<NotificationPreferences> {
      const prefs = await repo.getPreferences(actor.workspaceId, actor.userId);
      return {
        types: Object.fromEntries(NOTIFICATION_TYPES.map((t) => [t, channelsOf(prefs, t)])) as NotificationPreferences['types'],
        quietHours: prefs?.quietHours ?? DEFAULT_QUIET,
        timeZone,
      };
    },

    async updatePreferences(actor: Actor, input: z.infer<typeof updateNotificationPreferences>, timeZone: string): Promise<NotificationPreferences> {
      const before = await repo.getPreferences(actor.workspaceId, actor.userId);
      const channels = { ...(before?.channels ?? {}), ...(input.types ?? {}) };
      const quietHours = input.quietHours ?? before?.quietHours ?? null;
      await deps.database.db.transaction(async (tx) => {
        await repo.savePreferences({ workspaceId: actor.workspaceId, userId: actor.userId, channels, quietHours, updatedAt: deps.now() }, tx);
        await writeAudit(tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: 'notification_preferences.update',
          entityType: 'user',
          entityId: actor.userId,
          oldValues: { types: before?.channels ?? {}, quietHours: before?.quietHours ?? null },
          newValues: { types: channels, quietHours },
          ip: actor.ip,
        });
      });
      return this.getPreferences(actor, timeZone);
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;

export async function registerNotificationJobs(deps: AppDeps, service: NotificationsService): Promise<void> {
  await deps.jobs.register<{ id: string }>(NOTIFICATION_EMAIL_JOB, async (data) => {
    await service.deliverEmail(data.id);
  }, { retryLimit: 5, retryDelaySeconds: 60, retryBackoff: true });
}
