import { and, asc, eq, sql } from 'drizzle-orm';
import type { AppDeps } from '../../platform/http/types.ts';
import { activities, leads } from '../leads/leads.table.ts';
import { pickForRule, queueEvent, recordAssignment } from './distribution.assign.ts';
import type { OfferService } from './distribution.offers.ts';
import { distributionRepository as repo } from './distribution.repository.ts';
import { assignments, leadOffers, leadSpeed } from './distribution.table.ts';

/** Every minute (pg-boss cron: one job per slot across instances) the due offers and SLA clocks are resolved. */
export const DISTRIBUTION_SWEEP_JOB = 'distribution.sweep';
export const DISTRIBUTION_SWEEP_CRON = '* * * * *';
const BATCH = 200;

/**
 * SLA reassignment (ADR 012): an owner who took no first action (call, message, stage change, note) before the
 * rule's SLA ran out loses the lead to another agent of the rule's group, picked by the rule's strategy; the
 * manager hears `lead.sla_breached`. A lead is reassigned at most `max_reassignments` times.
 */
export function createSlaService(deps: AppDeps) {
  const db = deps.database.db;

  return {
    /**
     * One lead whose SLA clock ran out. Idempotent and safe on several instances: the lead's clock row is locked
     * and re-read under the distribution lock (lock order: distribution advisory lock, lead row, clock row,
     * pointer rows), so a second run finds it acted on or already moved.
     */
    async check(workspaceId: string, leadId: string): Promise<'reassigned' | 'breached' | 'none'> {
      const at = deps.now();
      return db.transaction(async (tx) => {
        await repo.lock(tx, workspaceId);
        // The lead row before its clock row, as every change of owner does (a manager's change writes both).
        const [lead] = await tx
          .select({ ownerId: leads.ownerId, deletedAt: leads.deletedAt, firstName: leads.firstName, lastName: leads.lastName })
          .from(leads)
          .where(and(eq(leads.workspaceId, workspaceId), eq(leads.id, leadId)))
          .for('update');
        const [clock] = await tx
          .select()
          .from(leadSpeed)
          .where(
            and(
              eq(leadSpeed.workspaceId, workspaceId),
              eq(leadSpeed.leadId, leadId),
              sql`${leadSpeed.slaDueAt} <= ${at.toISOString()}::timestamptz`,
              sql`${leadSpeed.ownerActedAt} IS NULL`,
            ),
          )
          .for('update');
        if (!clock) return 'none';
        const stop = () => tx.update(leadSpeed).set({ slaDueAt: null }).where(and(eq(leadSpeed.workspaceId, workspaceId), eq(leadSpeed.leadId, leadId)));
        const rule = clock.ruleId ? (await repo.rules(tx, workspaceId, { enabledOnly: false, ruleId: clock.ruleId }))[0] : undefined;
        // Moved, trashed, or the rule or its SLA is gone since: nothing to enforce.
        if (!lead || lead.deletedAt || !lead.ownerId || lead.ownerId !== clock.ownerId || !rule?.slaMinutes) {
          await stop();
          return 'none';
        }
        const fromId = lead.ownerId;
        const capReached = clock.reassignments >= rule.maxReassignments;
        const timeZone = await repo.workspaceTimeZone(tx, workspaceId);
        // Someone who has not let this lead wait yet first; only when none of them can take it, one who missed it
        // before (never the owner who just did).
        let to = null;
        if (!capReached) {
          const missedBefore = (
            await tx
              .selectDistinct({ id: assignments.fromUserId })
              .from(assignments)
              .where(and(eq(assignments.workspaceId, workspaceId), eq(assignments.leadId, leadId), eq(assignments.reason, 'sla')))
          ).flatMap((r) => (r.id && r.id !== fromId ? [r.id] : []));
          to = await pickForRule(tx, rule, workspaceId, at, timeZone, false, [fromId, ...missedBefore]);
          if (!to && missedBefore.length) to = await pickForRule(tx, rule, workspaceId, at, timeZone, false, [fromId]);
        }
        const from = (await repo.activeMember(tx, workspaceId, fromId)) ?? { id: fromId, name: 'Former member' };
        await tx.insert(activities).values({
          workspaceId,
          leadId,
          type: 'sla_breached',
          actorId: null,
          data: { ownerId: fromId, owner: from, slaMinutes: rule.slaMinutes, ruleId: rule.id, ruleName: rule.name, reassignedTo: to, capReached },
          createdAt: at,
        });
        if (to) {
          await recordAssignment(
            tx,
            workspaceId,
            { leadId, from, to, rule: { id: rule.id, name: rule.name, strategy: rule.strategy }, reason: 'sla', by: null, slaMinutes: rule.slaMinutes },
            at,
          );
          await queueEvent(tx, {
            workspaceId,
            type: 'lead.assigned',
            data: { leadId, ownerId: to.id, ruleId: rule.id, reason: 'sla', fromUserId: fromId },
            audience: { userIds: [to.id], permission: 'leads.view_all' },
          });
        } else {
          // Nobody else could take it (or the cap is reached): it stays with its owner, and the manager knows.
          await stop();
        }
        await queueEvent(tx, {
          workspaceId,
          type: 'lead.sla_breached',
          data: {
            leadId,
            leadName: [lead.firstName, lead.lastName].filter(Boolean).join(' '),
            ruleId: rule.id,
            ruleName: rule.name,
            fromUserId: fromId,
            toUserId: to?.id ?? null,
            slaMinutes: rule.slaMinutes,
            reassignments: clock.reassignments + (to ? 1 : 0),
            capReached,
          },
          audience: { userIds: [fromId, ...(to ? [to.id] : [])], permission: 'leads.assign' },
        });
        return to ? 'reassigned' : 'breached';
      });
    },
  };
}

export type SlaService = ReturnType<typeof createSlaService>;

/**
 * The sweep: expired offers get their rule's fallback, overdue SLA clocks their reassignment. Due rows are found
 * across workspaces and each is then handled in its own workspace-scoped transaction.
 */
export async function sweepDistribution(deps: AppDeps, offers: OfferService, sla: SlaService): Promise<{ offersExpired: number; slaHandled: number }> {
  const db = deps.database.db;
  const now = deps.now().toISOString();
  let offersExpired = 0;
  let slaHandled = 0;
  const dueOffers = await db
    .select({ id: leadOffers.id, workspaceId: leadOffers.workspaceId })
    .from(leadOffers)
    .where(and(eq(leadOffers.status, 'open'), sql`${leadOffers.expiresAt} <= ${now}::timestamptz`))
    .orderBy(asc(leadOffers.expiresAt))
    .limit(BATCH);
  for (const o of dueOffers) if (await offers.expire(o.workspaceId, o.id)) offersExpired++;
  const dueClocks = await db
    .select({ leadId: leadSpeed.leadId, workspaceId: leadSpeed.workspaceId })
    .from(leadSpeed)
    .where(and(sql`${leadSpeed.slaDueAt} <= ${now}::timestamptz`, sql`${leadSpeed.ownerActedAt} IS NULL`))
    .orderBy(asc(leadSpeed.slaDueAt))
    .limit(BATCH);
  for (const c of dueClocks) if ((await sla.check(c.workspaceId, c.leadId)) !== 'none') slaHandled++;
  return { offersExpired, slaHandled };
}

/** Workers of every instance may run the sweep; instances that run jobs put it on the schedule (one run per minute). */
export async function registerDistributionJobs(deps: AppDeps, offers: OfferService, sla: SlaService): Promise<void> {
  await deps.jobs.register(DISTRIBUTION_SWEEP_JOB, async () => {
    await sweepDistribution(deps, offers, sla);
  });
  if (deps.config.jobsEnabled) await deps.jobs.schedule(DISTRIBUTION_SWEEP_JOB, DISTRIBUTION_SWEEP_CRON);
}
