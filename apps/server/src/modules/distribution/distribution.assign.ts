import { and, eq, isNull, sql } from 'drizzle-orm';
import { writeAudit } from '../../platform/audit/audit.ts';
import type { DbOrTx } from '../../platform/db/client.ts';
import type { AppDeps } from '../../platform/http/types.ts';
import { activities, leads } from '../leads/leads.table.ts';
import { compileLeadFilters, type LeadQueryContext } from '../leads/lead-query.ts';
import { type Candidate, periodStarts, pickAgent, type Strategy } from './distribution-engine.ts';
import { distributionRepository as repo, type RuleWithMembers } from './distribution.repository.ts';
import { assignments } from './distribution.table.ts';

export type AssignmentReason = 'rule' | 'existing_owner' | 'fallback' | 'unassigned';
export type TraceStep = { ruleId: string; name: string; outcome: 'no_match' | 'nobody_available' | 'picked' | 'manual' | 'fallback' };

export type Distributed = {
  leadId: string;
  /** Null: the lead waits in the unassigned queue. */
  owner: { id: string; name: string } | null;
  rule: { id: string; name: string; strategy: string } | null;
  reason: AssignmentReason | null;
  trace: TraceStep[];
};

type Options = {
  workspaceId: string;
  leadIds: string[];
  at: Date;
  /** Simulate: pick without locking, writing or advancing any pointer. */
  dryRun?: boolean;
};

/**
 * Hands new leads to agents by the workspace's rules, inside the caller's transaction (the lead's creation
 * transaction): the first enabled rule whose conditions match, in priority order, picks an available agent by
 * its strategy; when nobody is, its fallback applies (the next matching rule, a named user, or the unassigned
 * queue). A lead that already has an owner is left alone. ADR 011.
 */
export async function distributeLeads(tx: DbOrTx, opts: Options): Promise<Distributed[]> {
  const { workspaceId, at } = opts;
  const dryRun = opts.dryRun ?? false;
  if (!opts.leadIds.length) return [];
  // One distribution at a time per workspace (any instance): caps and loads read across rules stay exact, and
  // pointer locks are never taken in two orders. Capture already holds its own workspace lock before this one.
  if (!dryRun) await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`distribution:${workspaceId}`}, 0))`);
  const leadIds = await repo.unownedLeads(tx, workspaceId, opts.leadIds);
  if (!leadIds.length) return [];
  const rules = await repo.rules(tx, workspaceId, { enabledOnly: true });
  const out: Distributed[] = [];
  if (!rules.length) return leadIds.map((leadId) => ({ leadId, owner: null, rule: null, reason: null, trace: [] }));

  const timeZone = await repo.workspaceTimeZone(tx, workspaceId);
  const ctx: LeadQueryContext = { userId: null, timeZone, now: at, customFields: await repo.customFieldMap(tx, workspaceId) };
  const matches = new Map<string, Set<string>>();
  for (const rule of rules) {
    let conditions;
    try {
      conditions = compileLeadFilters(rule.conditions as never, ctx);
    } catch {
      // A condition on a field deleted since the rule was saved: the rule matches nothing until it is fixed.
      matches.set(rule.id, new Set());
      continue;
    }
    matches.set(rule.id, conditions.length ? await repo.matchingLeads(tx, workspaceId, leadIds, conditions) : new Set(leadIds));
  }

  for (const leadId of leadIds) {
    const result = await distributeOne(tx, rules, matches, leadId, workspaceId, at, timeZone, dryRun);
    if (!dryRun) await record(tx, workspaceId, result, at);
    out.push(result);
  }
  return out;
}

async function distributeOne(
  tx: DbOrTx,
  rules: RuleWithMembers[],
  matches: Map<string, Set<string>>,
  leadId: string,
  workspaceId: string,
  at: Date,
  timeZone: string,
  dryRun: boolean,
): Promise<Distributed> {
  const trace: TraceStep[] = [];
  for (const rule of rules) {
    const ruleRef = { id: rule.id, name: rule.name, strategy: rule.strategy };
    if (!matches.get(rule.id)!.has(leadId)) {
      trace.push({ ruleId: rule.id, name: rule.name, outcome: 'no_match' });
      continue;
    }
    if (rule.existingOwner) {
      const ownerId = await repo.existingOwner(tx, workspaceId, leadId);
      const owner = ownerId ? await repo.activeMember(tx, workspaceId, ownerId) : null;
      if (owner) {
        trace.push({ ruleId: rule.id, name: rule.name, outcome: 'picked' });
        return { leadId, owner, rule: ruleRef, reason: 'existing_owner', trace };
      }
    }
    if (rule.strategy === 'manual' || rule.strategy === 'first_to_claim') {
      trace.push({ ruleId: rule.id, name: rule.name, outcome: 'manual' });
      return { leadId, owner: null, rule: ruleRef, reason: 'unassigned', trace };
    }
    const picked = await pickForRule(tx, rule, workspaceId, at, timeZone, dryRun);
    if (picked) {
      trace.push({ ruleId: rule.id, name: rule.name, outcome: 'picked' });
      return { leadId, owner: picked, rule: ruleRef, reason: 'rule', trace };
    }
    if (rule.fallback === 'next_rule') {
      trace.push({ ruleId: rule.id, name: rule.name, outcome: 'nobody_available' });
      continue;
    }
    trace.push({ ruleId: rule.id, name: rule.name, outcome: 'fallback' });
    const fallbackUser = rule.fallback === 'user' && rule.fallbackUserId ? await repo.activeMember(tx, workspaceId, rule.fallbackUserId) : null;
    if (fallbackUser) return { leadId, owner: fallbackUser, rule: ruleRef, reason: 'fallback', trace };
    return { leadId, owner: null, rule: ruleRef, reason: 'unassigned', trace };
  }
  // Nobody anywhere: the lead is kept, unassigned, for a manager.
  const last = [...trace].reverse().find((s) => s.outcome !== 'no_match');
  const lastRule = last ? rules.find((r) => r.id === last.ruleId)! : null;
  return {
    leadId,
    owner: null,
    rule: lastRule ? { id: lastRule.id, name: lastRule.name, strategy: lastRule.strategy } : null,
    reason: lastRule ? 'unassigned' : null,
    trace,
  };
}

async function pickForRule(tx: DbOrTx, rule: RuleWithMembers, workspaceId: string, at: Date, timeZone: string, dryRun: boolean) {
  if (!rule.members.length) return null;
  const state = await repo.lockPointer(tx, workspaceId, rule.id, !dryRun);
  const userIds = rule.members.map((m) => m.userId);
  const { dayStart, weekStart } = periodStarts(at, timeZone);
  const [availability, today, week, load] = await Promise.all([
    repo.availability(tx, workspaceId, userIds),
    rule.dailyCap !== null ? repo.ruleAssignmentsSince(tx, workspaceId, rule.id, dayStart) : new Map<string, number>(),
    rule.weeklyCap !== null ? repo.ruleAssignmentsSince(tx, workspaceId, rule.id, weekStart) : new Map<string, number>(),
    rule.strategy !== 'least_loaded'
      ? new Map<string, number>()
      : rule.loadMeasure === 'open_leads'
        ? repo.openLeads(tx, workspaceId, userIds)
        : repo.receivedSince(tx, workspaceId, userIds, dayStart),
  ]);
  const group: Candidate[] = rule.members.map((m) => {
    const a = availability.get(m.userId);
    return {
      userId: m.userId,
      position: m.position,
      weight: m.weight,
      active: m.active,
      availability: a ? { paused: a.paused, workingHours: a.workingHours, outOfOffice: a.outOfOffice } : null,
      assignedToday: today.get(m.userId) ?? 0,
      assignedThisWeek: week.get(m.userId) ?? 0,
      load: load.get(m.userId) ?? 0,
    };
  });
  const pick = pickAgent(rule.strategy as Strategy, group, { dailyCap: rule.dailyCap, weeklyCap: rule.weeklyCap }, state, at, timeZone);
  if (!pick) return null;
  if (!dryRun) await repo.savePointer(tx, workspaceId, rule.id, pick.state, at);
  const member = rule.members.find((m) => m.userId === pick.userId)!;
  return { id: member.userId, name: member.name };
}

/** Owner, assignment record, timeline entry and audit entry of one outcome. */
async function record(tx: DbOrTx, workspaceId: string, d: Distributed, at: Date): Promise<void> {
  if (!d.reason) return;
  const via = d.rule ? { ruleId: d.rule.id, ruleName: d.rule.name, strategy: d.rule.strategy, reason: d.reason } : { reason: d.reason };
  await tx.insert(assignments).values({
    workspaceId,
    leadId: d.leadId,
    toUserId: d.owner?.id ?? null,
    fromUserId: null,
    ruleId: d.rule?.id ?? null,
    strategy: d.rule?.strategy ?? null,
    byUserId: null,
    reason: d.reason,
    at,
  });
  if (!d.owner) return;
  await tx
    .update(leads)
    .set({ ownerId: d.owner.id })
    .where(and(eq(leads.workspaceId, workspaceId), eq(leads.id, d.leadId), isNull(leads.ownerId)));
  await tx.insert(activities).values({
    workspaceId,
    leadId: d.leadId,
    type: 'owner_changed',
    actorId: null,
    data: { from: null, to: d.owner, via },
    createdAt: at,
  });
  await writeAudit(tx, {
    workspaceId,
    actorId: null,
    action: 'lead.assign',
    entityType: 'lead',
    entityId: d.leadId,
    oldValues: { ownerId: null },
    newValues: { ownerId: d.owner.id, ...via },
  });
}

/** A change of owner made by a user (lead form, API): recorded with reason `manual`, inside the caller's transaction. */
export async function recordManualAssignment(
  tx: DbOrTx,
  a: { workspaceId: string; leadId: string; fromUserId: string | null; toUserId: string | null; byUserId: string; at: Date },
): Promise<void> {
  await tx.insert(assignments).values({ ...a, ruleId: null, strategy: null, reason: 'manual' });
}

/** After commit: the assignee hears `lead.assigned` (toast, "my new leads"); managers too. Best effort. */
export async function publishAssignments(deps: AppDeps, workspaceId: string, results: Distributed[]): Promise<void> {
  const events = results
    .filter((r) => r.owner)
    .map((r) => ({
      workspaceId,
      type: 'lead.assigned',
      data: { leadId: r.leadId, ownerId: r.owner!.id, ruleId: r.rule?.id ?? null, reason: r.reason },
      audience: { userIds: [r.owner!.id], permission: 'leads.view_all' as const },
    }));
  if (events.length) await deps.events.publishMany(events).catch(() => undefined);
}
