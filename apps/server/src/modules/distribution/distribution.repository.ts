import { and, asc, count, eq, gte, inArray, isNull, ne, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.ts';
import { users } from '../accounts/accounts.table.ts';
import { customFields } from '../custom-fields/custom-fields.table.ts';
import { leads } from '../leads/leads.table.ts';
import { pipelineStages } from '../pipelines/pipelines.table.ts';
import { memberships, workspaces } from '../workspaces/workspaces.table.ts';
import type { LeadFieldDefinition } from '../leads/lead-query.ts';
import { agentAvailability, assignments, distributionPointers, distributionRuleMembers, distributionRules } from './distribution.table.ts';
import type { RotationState } from './distribution-engine.ts';

export type RuleRow = typeof distributionRules.$inferSelect;
export type MemberRow = { ruleId: string; userId: string; name: string; position: number; weight: number; active: boolean };
export type RuleWithMembers = RuleRow & { members: MemberRow[] };
export type AvailabilityRow = typeof agentAvailability.$inferSelect;

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** Every query of the distribution module; each is scoped by workspace. */
export const distributionRepository = {
  async workspaceTimeZone(tx: DbOrTx, workspaceId: string): Promise<string> {
    const [row] = await tx.select({ timeZone: workspaces.timeZone }).from(workspaces).where(eq(workspaces.id, workspaceId));
    return row?.timeZone ?? 'UTC';
  },

  async customFieldMap(tx: DbOrTx, workspaceId: string): Promise<Map<string, LeadFieldDefinition>> {
    const rows = await tx
      .select({ key: customFields.key, label: customFields.label, type: customFields.type, options: customFields.options })
      .from(customFields)
      .where(and(eq(customFields.workspaceId, workspaceId), eq(customFields.entity, 'lead'), isNull(customFields.deletedAt)));
    return new Map(rows.map((r) => [r.key, r as LeadFieldDefinition]));
  },

  /** Rules in priority order with their groups (names, and whether each member is still active here). */
  async rules(tx: DbOrTx, workspaceId: string, opts: { enabledOnly: boolean; ruleId?: string }): Promise<RuleWithMembers[]> {
    const where = [eq(distributionRules.workspaceId, workspaceId)];
    if (opts.enabledOnly) where.push(eq(distributionRules.enabled, true));
    if (opts.ruleId) where.push(eq(distributionRules.id, opts.ruleId));
    const rules = await tx.select().from(distributionRules).where(and(...where)).orderBy(asc(distributionRules.priority));
    if (!rules.length) return [];
    const members = await tx
      .select({
        ruleId: distributionRuleMembers.ruleId,
        userId: distributionRuleMembers.userId,
        name: users.name,
        position: distributionRuleMembers.position,
        weight: distributionRuleMembers.weight,
        status: memberships.status,
      })
      .from(distributionRuleMembers)
      .innerJoin(users, eq(users.id, distributionRuleMembers.userId))
      .leftJoin(memberships, and(eq(memberships.workspaceId, distributionRuleMembers.workspaceId), eq(memberships.userId, distributionRuleMembers.userId)))
      .where(and(eq(distributionRuleMembers.workspaceId, workspaceId), inArray(distributionRuleMembers.ruleId, rules.map((r) => r.id))))
      .orderBy(asc(distributionRuleMembers.position));
    return rules.map((r) => ({
      ...r,
      members: members.filter((m) => m.ruleId === r.id).map(({ status, ...m }) => ({ ...m, active: status === 'active' })),
    }));
  },

  /** Which of these leads match the compiled conditions. */
  async matchingLeads(tx: DbOrTx, workspaceId: string, leadIds: string[], conditions: SQL[]): Promise<Set<string>> {
    if (!leadIds.length) return new Set();
    const rows = await tx
      .select({ id: leads.id })
      .from(leads)
      .where(and(eq(leads.workspaceId, workspaceId), inArray(leads.id, leadIds), ...conditions));
    return new Set(rows.map((r) => r.id));
  },

  /** The active owner of the oldest other lead of the same person (same E.164 phone or email), if any. */
  async existingOwner(tx: DbOrTx, workspaceId: string, leadId: string): Promise<string | null> {
    const rows = rowsOf<{ owner_id: string }>(
      await tx.execute(sql`
        SELECT o.owner_id FROM leads n
        JOIN leads o ON o.workspace_id = n.workspace_id AND o.id <> n.id AND o.deleted_at IS NULL AND o.owner_id IS NOT NULL
          AND (o.phone_e164 && n.phone_e164 OR o.emails && n.emails)
        JOIN memberships m ON m.workspace_id = o.workspace_id AND m.user_id = o.owner_id AND m.status = 'active'
        WHERE n.id = ${leadId} AND n.workspace_id = ${workspaceId}
        ORDER BY o.created_at, o.id LIMIT 1`),
    );
    return rows[0]?.owner_id ?? null;
  },

  /**
   * The rule's rotation state, locked until the transaction ends: every assignment by this rule on any
   * instance waits here, so picks are serialised and none reads a stale pointer (ADR 011).
   */
  async lockPointer(tx: DbOrTx, workspaceId: string, ruleId: string, lock: boolean): Promise<RotationState> {
    if (lock) await tx.insert(distributionPointers).values({ ruleId, workspaceId }).onConflictDoNothing();
    const q = tx
      .select({ lastUserId: distributionPointers.lastUserId, credits: distributionPointers.credits })
      .from(distributionPointers)
      .where(and(eq(distributionPointers.ruleId, ruleId), eq(distributionPointers.workspaceId, workspaceId)));
    const [row] = lock ? await q.for('update') : await q;
    return row ?? { lastUserId: null, credits: {} };
  },

  async savePointer(tx: DbOrTx, workspaceId: string, ruleId: string, state: RotationState, at: Date): Promise<void> {
    await tx
      .update(distributionPointers)
      .set({ lastUserId: state.lastUserId, credits: state.credits, assignedCount: sql`${distributionPointers.assignedCount} + 1`, updatedAt: at })
      .where(and(eq(distributionPointers.ruleId, ruleId), eq(distributionPointers.workspaceId, workspaceId)));
  },

  async availability(tx: DbOrTx, workspaceId: string, userIds: string[]): Promise<Map<string, AvailabilityRow>> {
    if (!userIds.length) return new Map();
    const rows = await tx
      .select()
      .from(agentAvailability)
      .where(and(eq(agentAvailability.workspaceId, workspaceId), inArray(agentAvailability.userId, userIds)));
    return new Map(rows.map((r) => [r.userId, r]));
  },

  /** Leads a rule gave each user since an instant (caps). */
  async ruleAssignmentsSince(tx: DbOrTx, workspaceId: string, ruleId: string, since: Date): Promise<Map<string, number>> {
    const rows = await tx
      .select({ userId: assignments.toUserId, n: count() })
      .from(assignments)
      .where(and(eq(assignments.workspaceId, workspaceId), eq(assignments.ruleId, ruleId), gte(assignments.at, since)))
      .groupBy(assignments.toUserId);
    return new Map(rows.flatMap((r) => (r.userId ? [[r.userId, r.n] as const] : [])));
  },

  /** Leads each user received since an instant, by any rule or hand (least-loaded by received today). */
  async receivedSince(tx: DbOrTx, workspaceId: string, userIds: string[], since: Date): Promise<Map<string, number>> {
    if (!userIds.length) return new Map();
    const rows = await tx
      .select({ userId: assignments.toUserId, n: count() })
      .from(assignments)
      .where(and(eq(assignments.workspaceId, workspaceId), inArray(assignments.toUserId, userIds), gte(assignments.at, since)))
      .groupBy(assignments.toUserId);
    return new Map(rows.flatMap((r) => (r.userId ? [[r.userId, r.n] as const] : [])));
  },

  /** Open leads each user owns (not in the trash, not in a won or lost stage). */
  async openLeads(tx: DbOrTx, workspaceId: string, userIds: string[]): Promise<Map<string, number>> {
    if (!userIds.length) return new Map();
    const rows = await tx
      .select({ userId: leads.ownerId, n: count() })
      .from(leads)
      .leftJoin(pipelineStages, eq(pipelineStages.id, leads.stageId))
      .where(
        and(
          eq(leads.workspaceId, workspaceId),
          inArray(leads.ownerId, userIds),
          isNull(leads.deletedAt),
          sql`(${pipelineStages.kind} IS NULL OR ${pipelineStages.kind} = 'open')`,
        ),
      )
      .groupBy(leads.ownerId);
    return new Map(rows.flatMap((r) => (r.userId ? [[r.userId, r.n] as const] : [])));
  },

  async activeMember(tx: DbOrTx, workspaceId: string, userId: string): Promise<{ id: string; name: string } | null> {
    const [row] = await tx
      .select({ id: users.id, name: users.name })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId), eq(memberships.status, 'active')));
    return row ?? null;
  },

  async unownedLeads(tx: DbOrTx, workspaceId: string, leadIds: string[]): Promise<string[]> {
    if (!leadIds.length) return [];
    const rows = await tx
      .select({ id: leads.id })
      .from(leads)
      .where(and(eq(leads.workspaceId, workspaceId), inArray(leads.id, leadIds), isNull(leads.ownerId), isNull(leads.deletedAt)));
    return rows.map((r) => r.id);
  },

  async otherRuleWithPriority(tx: DbOrTx, workspaceId: string, priority: number, exceptId: string | null): Promise<boolean> {
    const where = [eq(distributionRules.workspaceId, workspaceId), eq(distributionRules.priority, priority)];
    if (exceptId) where.push(ne(distributionRules.id, exceptId));
    return (await tx.select({ id: distributionRules.id }).from(distributionRules).where(and(...where))).length > 0;
  },
};
