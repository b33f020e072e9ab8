import { and, eq, inArray } from 'drizzle-orm';
import { leadAssignedEvent, leadOfferedEvent, leadOfferTakenEvent, leadsBulkAssignedEvent, leadSlaBreachedEvent, leadUnassignedEvent } from '@leadflow/shared/distribution';
import type { AppDeps } from '../../platform/http/types.ts';
import type { ReceivedEvent } from '../../platform/events/event-bus.ts';
import { timed } from '../../platform/timing/timing.ts';
import { leadDisplayName } from '../leads/leads.mapper.ts';
import { activities, leads } from '../leads/leads.table.ts';
import { createNotificationsRepository } from './notifications.repository.ts';
import type { NotificationsService, NotifyInput } from './notifications.service.ts';

type Logger = { error(obj: unknown, msg?: string): void };

/**
 * Turns the bus events of other capabilities into notifications. Every instance hears every event (LISTEN/NOTIFY),
 * so every instance runs these handlers; the dedupe key of each notification (the event's cause) makes the first
 * insert win and the others do nothing, so one event gives one notification, pushed and emailed once (ADR 014).
 * Returns a function that stops listening and waits for the handlers still running.
 */
export function subscribeNotificationSources(deps: AppDeps, service: NotificationsService, logger: Logger): () => Promise<void> {
  const repo = createNotificationsRepository(deps.database.db);
  const db = deps.database.db;
  const running = new Set<Promise<void>>();
  let stopped = false;

  async function lead(workspaceId: string, leadId: string) {
    const [row] = await db
      .select({ id: leads.id, firstName: leads.firstName, lastName: leads.lastName, company: leads.company, emails: leads.emails, phones: leads.phones })
      .from(leads)
      .where(and(eq(leads.workspaceId, workspaceId), eq(leads.id, leadId)));
    return row ? { id: row.id, name: leadDisplayName(row) } : null;
  }

  async function notifyAll(inputs: NotifyInput[]): Promise<void> {
    await service.notifyMany(inputs);
  }

  /** Display names of many leads of one workspace, in one statement. */
  async function leadNames(workspaceId: string, leadIds: string[]): Promise<Map<string, string>> {
    if (!leadIds.length) return new Map();
    const rows = await db
      .select({ id: leads.id, firstName: leads.firstName, lastName: leads.lastName, company: leads.company, emails: leads.emails, phones: leads.phones })
      .from(leads)
      .where(and(eq(leads.workspaceId, workspaceId), inArray(leads.id, leadIds)));
    return new Map(rows.map((r) => [r.id, leadDisplayName(r)]));
  }

  /**
   * `lead.assigned` comes in bursts (a capture batch publishes its assignments together, an SLA sweep, a bulk
   * change): the events heard in one turn of the event loop are notified together — one read of the leads, one of
   * the managers' names, and one `notifyMany` per workspace instead of some six statements per lead.
   */
  let assignedQueue: ReceivedEvent[] = [];
  function queueAssigned(e: ReceivedEvent): Promise<void> {
    assignedQueue.push(e);
    if (assignedQueue.length > 1) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        const events = assignedQueue;
        assignedQueue = [];
        timed('notifications.assigned', events.length, () => notifyAssigned(events)).then(resolve, reject);
      });
    });
  }

  async function notifyAssigned(events: ReceivedEvent[]): Promise<void> {
    const byWorkspace = new Map<string, { at: string; d: ReturnType<typeof leadAssignedEvent.parse> }[]>();
    for (const e of events) {
      const parsed = leadAssignedEvent.safeParse(e.data);
      // Whoever claimed a lead knows it is theirs.
      if (!parsed.success || parsed.data.reason === 'claim') continue;
      const list = byWorkspace.get(e.workspaceId) ?? [];
      list.push({ at: e.at, d: parsed.data });
      byWorkspace.set(e.workspaceId, list);
    }
    for (const [workspaceId, list] of byWorkspace) {
      const names = await leadNames(workspaceId, [...new Set(list.map((x) => x.d.leadId))]);
      const actorIds = [...new Set(list.flatMap((x) => (x.d.byUserId ? [x.d.byUserId] : [])))];
      const actors = await repo.userNames(actorIds);
      await service.notifyMany(
        list
          .filter((x) => names.has(x.d.leadId))
          .map(({ at, d }) => {
            const actorName = d.byUserId ? (actors.get(d.byUserId) ?? null) : null;
            return {
              workspaceId,
              userId: d.ownerId,
              type: 'lead_assigned' as const,
              data: { leadName: names.get(d.leadId)!, reason: d.reason ?? null, ...(actorName ? { actorName } : {}) },
              link: { kind: 'lead' as const, id: d.leadId },
              dedupeKey: `lead.assigned:${d.leadId}:${d.ownerId}:${at}`,
            };
          }),
      );
    }
  }

  const handlers: Record<string, (e: ReceivedEvent) => Promise<void>> = {
    'lead.assigned': queueAssigned,

    async mention(e) {
      const leadId = typeof e.data.leadId === 'string' ? e.data.leadId : null;
      const activityId = typeof e.data.activityId === 'string' && /^\d+$/.test(e.data.activityId) ? e.data.activityId : null;
      if (!leadId || !activityId) return;
      const [note] = await db
        .select({ mentions: activities.mentions, actorId: activities.actorId })
        .from(activities)
        .where(and(eq(activities.workspaceId, e.workspaceId), eq(activities.leadId, leadId), eq(activities.id, BigInt(activityId))));
      const l = await lead(e.workspaceId, leadId);
      if (!note || !l) return;
      // The event's audience is who this save newly mentioned; the note itself is the authority on who is mentioned.
      const userIds = (e.audience?.userIds ?? []).filter((id) => note.mentions.includes(id) && id !== note.actorId);
      const names = await repo.userNames(note.actorId ? [note.actorId] : []);
      await notifyAll(
        userIds.map((userId) => ({
          workspaceId: e.workspaceId,
          userId,
          type: 'mention' as const,
          data: { leadName: l.name, actorName: names.get(note.actorId ?? '') ?? null, activityId },
          link: { kind: 'lead' as const, id: l.id },
          dedupeKey: `mention:${activityId}`,
        })),
      );
    },

    async 'lead.offered'(e) {
      const d = leadOfferedEvent.parse(e.data);
      await notifyAll(
        d.offeredTo.map((userId) => ({
          workspaceId: e.workspaceId,
          userId,
          type: 'lead_offered' as const,
          data: { leadName: d.leadName, ruleName: d.ruleName, expiresAt: d.expiresAt, offerId: d.offerId },
          link: { kind: 'lead' as const, id: d.leadId },
          dedupeKey: `lead.offered:${d.offerId}`,
        })),
      );
    },

    async 'lead.offer_taken'(e) {
      // The offer is gone (claimed, expired, withdrawn): it no longer waits for anyone in the bell.
      const d = leadOfferTakenEvent.parse(e.data);
      await service.resolveCause(e.workspaceId, d.offeredTo, `lead.offered:${d.offerId}`);
    },

    async 'leads.bulk_assigned'(e) {
      const d = leadsBulkAssignedEvent.parse(e.data);
      const actorName = (await repo.userNames([d.byUserId])).get(d.byUserId) ?? null;
      await service.notify({
        workspaceId: e.workspaceId,
        userId: d.ownerId,
        type: 'lead_assigned',
        data: { count: d.count, actorName, reason: 'manual' },
        link: null,
        dedupeKey: `leads.bulk_assigned:${d.ownerId}:${d.byUserId}:${d.key ?? d.at}`,
      });
    },

    async 'lead.unassigned'(e) {
      // A rule left a new lead in the unassigned queue: every manager (leads.assign) is told, so it is not forgotten.
      const d = leadUnassignedEvent.parse(e.data);
      const l = await lead(e.workspaceId, d.leadId);
      if (!l) return;
      const managers = await repo.membersWithPermission(e.workspaceId, 'leads.assign');
      await notifyAll(
        managers.map((userId) => ({
          workspaceId: e.workspaceId,
          userId,
          type: 'lead_unassigned' as const,
          data: { leadName: l.name, ruleName: d.ruleName, why: d.why },
          link: { kind: 'lead' as const, id: l.id },
          dedupeKey: `lead.unassigned:${d.leadId}:${e.at}`,
        })),
      );
    },

    async 'lead.sla_breached'(e) {
      const d = leadSlaBreachedEvent.parse(e.data);
      const managers = await repo.membersWithPermission(e.workspaceId, 'leads.assign');
      // Managers, and the owner who missed it; the new owner hears lead.assigned.
      const userIds = [...new Set([...managers, d.fromUserId])].filter((id) => id !== d.toUserId);
      const names = await repo.userNames([d.fromUserId, ...(d.toUserId ? [d.toUserId] : [])]);
      await notifyAll(
        userIds.map((userId) => ({
          workspaceId: e.workspaceId,
          userId,
          type: 'sla_breached' as const,
          data: {
            leadName: d.leadName,
            ruleName: d.ruleName,
            slaMinutes: d.slaMinutes,
            fromUserName: names.get(d.fromUserId) ?? null,
            toUserName: d.toUserId ? (names.get(d.toUserId) ?? null) : null,
            capReached: d.capReached,
          },
          link: { kind: 'lead' as const, id: d.leadId },
          dedupeKey: `lead.sla_breached:${d.leadId}:${d.reassignments}:${e.at}`,
        })),
      );
    },
  };

  const unsubscribe = deps.events.subscribe((event) => {
    const handler = handlers[event.type];
    if (!handler || stopped) return;
    const run = handler(event)
      .catch((err: unknown) => {
        if (!stopped) logger.error({ err, eventType: event.type }, 'notification source failed');
      })
      .finally(() => running.delete(run));
    running.add(run);
  });

  return async () => {
    unsubscribe();
    await Promise.allSettled([...running]);
    stopped = true;
  };
}
