import type { z } from 'zod';
import { and, asc, desc, eq, gte, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { alias, unionAll } from 'drizzle-orm/pg-core';
import type {
  availabilityPatch,
  distributionRule,
  DistributionRuleInput,
  WorkingHours,
  distributionRulePatch,
  simulateRequest,
  simulateResponse,
  assignmentRecord,
  assignmentLog,
  assignmentLogQuery,
  AssignmentLogExportQuery,
  agentAvailability as agentAvailabilityView,
} from '@leadflow/shared/distribution';
import { MAX_YEAR, MIN_YEAR } from '@leadflow/shared/dates';
import { writeAudit } from '../../platform/audit/audit.ts';
import type { DbOrTx } from '../../platform/db/client.ts';
import { AppError, conflict, forbidden, invalid, isUniqueViolation, notFound } from '../../platform/errors.ts';
import type { Download } from '../../platform/http/download.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import { users } from '../accounts/accounts.table.ts';
import { csvStream, type ExportColumn } from '../leads/lead-export.ts';
import { compileLeadFilters, dayInZone } from '../leads/lead-query.ts';
import { leadDisplayName } from '../leads/leads.mapper.ts';
import { leads } from '../leads/leads.table.ts';
import { memberships, workspaces } from '../workspaces/workspaces.table.ts';
import { normalizePhone, phoneSearchDigits } from '../../platform/geo/phone.ts';
import { unavailableReason } from './distribution-engine.ts';
import { distributeLeads, type AssignmentReason, type Distributed } from './distribution.assign.ts';
import { distributionRepository as repo, type RuleWithMembers } from './distribution.repository.ts';
import { agentAvailability, assignmentCounts, assignments, distributionRuleMembers, distributionRules } from './distribution.table.ts';

type RuleView = z.infer<typeof distributionRule>;
type RulePatch = z.infer<typeof distributionRulePatch>;
type AvailabilityPatch = z.infer<typeof availabilityPatch>;
type AvailabilityView = z.infer<typeof agentAvailabilityView>;
type AssignmentView = z.infer<typeof assignmentRecord>;
type AssignmentLogQuery = z.infer<typeof assignmentLogQuery>;
type AssignmentLogFilters = Omit<AssignmentLogQuery, 'limit' | 'cursor'>;
type AssignmentLogView = z.infer<typeof assignmentLog>;
type SimulateInput = z.infer<typeof simulateRequest>;
type SimulateOutput = z.infer<typeof simulateResponse>;

/** Thrown to roll a simulation's transaction back once its answer is known. */
class Rollback extends Error {
  constructor(readonly result: Distributed) {
    super('rollback');
  }
}

/** Managers read rules, availability and simulations: whoever may assign leads or manage distribution. */
function assertManager(actor: Actor): void {
  if (!actor.permissions.has('distribution.manage') && !actor.permissions.has('leads.assign')) {
    throw forbidden('Your role does not allow this (distribution.manage or leads.assign)');
  }
}

function toView(r: RuleWithMembers): RuleView {
  return {
    id: r.id,
    name: r.name,
    priority: r.priority,
    enabled: r.enabled,
    conditions: r.conditions as RuleView['conditions'],
    strategy: r.strategy,
    loadMeasure: r.loadMeasure,
    members: r.members.map((m) => ({ userId: m.userId, name: m.name, weight: m.weight, position: m.position })),
    dailyCap: r.dailyCap,
    weeklyCap: r.weeklyCap,
    fallback: r.fallback,
    fallbackUserId: r.fallbackUserId,
    existingOwner: r.existingOwner,
    workingHours: r.workingHours ?? null,
    claimTimeoutMinutes: r.claimTimeoutMinutes,
    slaMinutes: r.slaMinutes,
    maxReassignments: r.maxReassignments,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

const toUser = alias(users, 'to_user');
const fromUser = alias(users, 'from_user');
const byUser = alias(users, 'by_user');

const person = (id: string | null, name: string | null) => (id ? { id, name: name ?? 'Former member' } : null);

type RecordRow = { a: typeof assignments.$inferSelect; toName: string | null; fromName: string | null; byName: string | null; ruleName: string | null };

function toRecordView({ a, toName, fromName, byName, ruleName }: RecordRow): AssignmentView {
  return {
    id: a.id.toString(),
    leadId: a.leadId,
    to: person(a.toUserId, toName),
    from: person(a.fromUserId, fromName),
    by: person(a.byUserId, byName),
    ruleId: a.ruleId,
    ruleName: ruleName ?? null,
    strategy: a.strategy,
    reason: a.reason,
    at: a.at.toISOString(),
  };
}

/** Rules per workspace: every enabled one's conditions run in the statement that decides each batch (ADR 025). */
const MAX_RULES = 500;

/** A stored rule with a PATCH applied. A fallback changed away from "user" drops its user unless the patch names one. */
function mergePatch(current: RuleView, patch: RulePatch): DistributionRuleInput {
  const fallback = patch.fallback ?? current.fallback;
  return {
    name: patch.name ?? current.name,
    priority: patch.priority ?? current.priority,
    enabled: patch.enabled ?? current.enabled,
    conditions: patch.conditions ?? current.conditions,
    strategy: patch.strategy ?? current.strategy,
    loadMeasure: patch.loadMeasure ?? current.loadMeasure,
    members: patch.members ?? current.members.map((m) => ({ userId: m.userId, weight: m.weight })),
    dailyCap: patch.dailyCap !== undefined ? patch.dailyCap : current.dailyCap,
    weeklyCap: patch.weeklyCap !== undefined ? patch.weeklyCap : current.weeklyCap,
    fallback,
    fallbackUserId: patch.fallbackUserId !== undefined ? patch.fallbackUserId : fallback === 'user' ? current.fallbackUserId : null,
    existingOwner: patch.existingOwner ?? current.existingOwner,
    workingHours: patch.workingHours !== undefined ? patch.workingHours : current.workingHours,
    claimTimeoutMinutes: patch.claimTimeoutMinutes ?? current.claimTimeoutMinutes,
    slaMinutes: patch.slaMinutes !== undefined ? patch.slaMinutes : current.slaMinutes,
    maxReassignments: patch.maxReassignments ?? current.maxReassignments,
  };
}

/** Working hours per weekday: each range ends after it starts, and the ranges of one day do not overlap. */
function checkWorkingHours(hours: WorkingHours | null | undefined): void {
  for (const [day, ranges] of Object.entries(hours ?? {})) {
    const list = ranges ?? [];
    list.forEach((r, i) => {
      if (r.end <= r.start) throw invalid(`workingHours.${day}.${i}.end`, 'The end is not after the start');
    });
    const byStart = list.map((r, i) => ({ ...r, i })).sort((a, b) => a.start.localeCompare(b.start));
    for (let k = 1; k < byStart.length; k++) {
      const [prev, next] = [byStart[k - 1]!, byStart[k]!];
      if (next.start < prev.end) throw invalid(`workingHours.${day}.${next.i}.start`, `Overlaps ${prev.start}–${prev.end} on the same day`);
    }
  }
}

/** The log's keyset cursor: the last record's `at` in microseconds since the epoch, and its id. */
function decodeLogCursor(cursor: string): LogCursor {
  const [micros, id, rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest !== undefined || !micros || !id || !/^-?\d{1,18}$/.test(micros) || !/^\d{1,18}$/.test(id)) throw invalid('cursor', 'Invalid cursor');
  // A position no record can have (outside the years a timestamp holds) is not a cursor this API gave out.
  if (BigInt(micros) < CURSOR_MIN_MICROS || BigInt(micros) > CURSOR_MAX_MICROS) throw invalid('cursor', 'Invalid cursor');
  return { micros, id };
}

const CURSOR_MIN_MICROS = BigInt(Date.UTC(MIN_YEAR, 0, 1)) * 1000n;
const CURSOR_MAX_MICROS = BigInt(Date.UTC(MAX_YEAR + 1, 0, 1)) * 1000n;

type LogCursor = { micros: string; id: string };

/** The keyset position just after a record. */
function cursorOf(row: LogRow): LogCursor {
  return { micros: row.micros, id: row.a.id.toString() };
}

function encodeLogCursor(row: LogRow): string {
  const { micros, id } = cursorOf(row);
  return Buffer.from(`${micros}|${id}`).toString('base64url');
}

type LogRow = RecordRow & {
  lead: Pick<typeof leads.$inferSelect, 'firstName' | 'lastName' | 'company' | 'emails' | 'phones' | 'deletedAt'>;
  micros: string;
};

function toLogItem(row: LogRow): AssignmentLogView['items'][number] {
  return { ...toRecordView(row), lead: { id: row.a.leadId, name: leadDisplayName(row.lead), deleted: row.lead.deletedAt !== null } };
}

const EXPORT_BATCH = 2000;

/** Why, in the export's words (the web app has its own, translated). */
const REASON_WORDS: Record<AssignmentReason, string> = {
  rule: 'Rule matched',
  claim: 'Claimed',
  sla: 'SLA missed',
  manual: 'Changed by hand',
  existing_owner: 'Returning person',
  fallback: 'Fallback',
  unassigned: 'Left unassigned',
};

const LOG_EXPORT_COLUMNS: ExportColumn<LogRow>[] = [
  { name: 'at', header: 'When', isDate: true, value: (r) => ({ instant: r.a.at }) },
  { name: 'lead', header: 'Lead', isDate: false, value: (r) => leadDisplayName(r.lead) },
  { name: 'leadId', header: 'Lead ID', isDate: false, value: (r) => r.a.leadId },
  { name: 'leadInTrash', header: 'Lead in trash', isDate: false, value: (r) => r.lead.deletedAt !== null },
  { name: 'to', header: 'Given to', isDate: false, value: (r) => (r.a.toUserId ? (r.toName ?? 'Former member') : null) },
  { name: 'from', header: 'Taken from', isDate: false, value: (r) => (r.a.fromUserId ? (r.fromName ?? 'Former member') : null) },
  { name: 'reason', header: 'Why', isDate: false, value: (r) => REASON_WORDS[r.a.reason] },
  { name: 'rule', header: 'Rule', isDate: false, value: (r) => r.ruleName ?? (r.a.ruleId === null && r.a.strategy ? 'Deleted rule' : null) },
  { name: 'strategy', header: 'Strategy', isDate: false, value: (r) => r.a.strategy },
  { name: 'by', header: 'Changed by', isDate: false, value: (r) => (r.a.byUserId ? (r.byName ?? 'Former member') : null) },
];

export function createDistributionService(deps: AppDeps) {
  const db = deps.database.db;

  /** Assignment records with the names of their people, rule and lead, and `at` in microseconds (the log's cursor). */
  function recordsQuery() {
    return db
      .select({
        a: assignments,
        toName: toUser.name,
        fromName: fromUser.name,
        byName: byUser.name,
        ruleName: distributionRules.name,
        lead: { firstName: leads.firstName, lastName: leads.lastName, company: leads.company, emails: leads.emails, phones: leads.phones, deletedAt: leads.deletedAt },
        // `at` keeps microseconds, which a JS Date would drop.
        micros: sql<string>`(extract(epoch from ${assignments.at}) * 1000000)::bigint::text`,
      })
      .from(assignments)
      .innerJoin(leads, eq(leads.id, assignments.leadId))
      .leftJoin(toUser, eq(toUser.id, assignments.toUserId))
      .leftJoin(fromUser, eq(fromUser.id, assignments.fromUserId))
      .leftJoin(byUser, eq(byUser.id, assignments.byUserId))
      .leftJoin(distributionRules, eq(distributionRules.id, assignments.ruleId))
      .$dynamic();
  }

  /** The log's conditions: the workspace, the caller's scope, then the filters (days in the workspace's zone). */
  function logFilter(actor: Actor, query: AssignmentLogFilters, timeZone: string): SQL[] {
    const filter = [eq(assignments.workspaceId, actor.workspaceId)];
    if (query.mine === 'true' || !actor.permissions.has('leads.view_all')) {
      filter.push(or(eq(assignments.toUserId, actor.userId), eq(assignments.fromUserId, actor.userId))!);
    }
    if (query.userId) filter.push(eq(assignments.toUserId, query.userId));
    if (query.ruleId) filter.push(eq(assignments.ruleId, query.ruleId));
    if (query.reason) filter.push(eq(assignments.reason, query.reason));
    // Local midnight of a day in the workspace zone; `until` includes its whole day.
    if (query.since) filter.push(sql`${assignments.at} >= (${query.since}::date)::timestamp AT TIME ZONE ${timeZone}`);
    if (query.until) filter.push(sql`${assignments.at} < (${query.until}::date + 1)::timestamp AT TIME ZONE ${timeZone}`);
    return filter;
  }

  /**
   * The first page's counts of the filter per recipient (ADR 030). When the filter is one `assignment_counts` can
   * answer — every record of the workspace in scope (leads.view_all, not `mine`), no reason, a rule that still
   * exists — they are summed from its rows per agent, rule and local day (kept by triggers, ADR 022; back-filled over
   * the whole history by migration 0027), plus the records that left a lead without an owner, which it does not hold,
   * read through their own partial index. Otherwise one GROUP BY over the matching records. Counted before naming:
   * joining users first would carry every row through the join.
   */
  async function logSummary(actor: Actor, query: AssignmentLogFilters, filter: SQL[]): Promise<NonNullable<AssignmentLogView['summary']>> {
    const everyRecord = actor.permissions.has('leads.view_all') && query.mine !== 'true';
    const fromCounts = everyRecord && !query.reason && (!query.ruleId || (await ruleExists(actor.workspaceId, query.ruleId)));
    let perRecipient;
    if (fromCounts) {
      const days = [eq(assignmentCounts.workspaceId, actor.workspaceId)];
      if (query.userId) days.push(eq(assignmentCounts.userId, query.userId));
      if (query.ruleId) days.push(eq(assignmentCounts.ruleKey, query.ruleId));
      if (query.since) days.push(gte(assignmentCounts.day, query.since));
      if (query.until) days.push(lte(assignmentCounts.day, query.until));
      const counted = db
        .select({ toUserId: sql<string | null>`${assignmentCounts.userId}`.as('to_user_id'), count: sql<number>`sum(${assignmentCounts.n})::int`.as('count') })
        .from(assignmentCounts)
        .where(and(...days))
        .groupBy(assignmentCounts.userId)
        .having(sql`sum(${assignmentCounts.n}) > 0`);
      const ownerless = db
        .select({ toUserId: sql<string | null>`NULL::uuid`.as('to_user_id'), count: sql<number>`count(*)::int`.as('count') })
        .from(assignments)
        .where(and(...filter, isNull(assignments.toUserId)))
        .having(sql`count(*) > 0`);
      perRecipient = (query.userId ? counted : unionAll(counted, ownerless)).as('per_recipient');
    } else {
      perRecipient = db
        .select({ toUserId: assignments.toUserId, count: sql<number>`count(*)::int`.as('count') })
        .from(assignments)
        .where(and(...filter))
        .groupBy(assignments.toUserId)
        .as('per_recipient');
    }
    const counts = await db
      .select({ toUserId: perRecipient.toUserId, name: users.name, count: perRecipient.count })
      .from(perRecipient)
      .leftJoin(users, eq(users.id, perRecipient.toUserId));
    const byRecipient = counts
      .map((c) => ({ to: person(c.toUserId, c.name), count: Number(c.count) }))
      .sort((a, b) => b.count - a.count || (a.to?.name ?? '').localeCompare(b.to?.name ?? ''));
    return { total: byRecipient.reduce((n, c) => n + c.count, 0), byRecipient };
  }

  async function ruleExists(workspaceId: string, ruleId: string): Promise<boolean> {
    const [rule] = await db
      .select({ id: distributionRules.id })
      .from(distributionRules)
      .where(and(eq(distributionRules.workspaceId, workspaceId), eq(distributionRules.id, ruleId)));
    return Boolean(rule);
  }

  /** Up to `limit` records of the filter, newest first, after a keyset position. */
  function logPage(filter: SQL[], after: LogCursor | null, limit: number): Promise<LogRow[]> {
    const page = [...filter];
    if (after) {
      page.push(sql`(${assignments.at}, ${assignments.id}) < ('epoch'::timestamptz + ${after.micros}::bigint * interval '1 microsecond', ${after.id}::bigint)`);
    }
    return recordsQuery()
      .where(and(...page))
      .orderBy(desc(assignments.at), desc(assignments.id))
      .limit(limit);
  }

  async function ruleOrNotFound(tx: DbOrTx, workspaceId: string, id: string): Promise<RuleWithMembers> {
    const [rule] = await repo.rules(tx, workspaceId, { enabledOnly: false, ruleId: id });
    if (!rule) throw notFound('Distribution rule');
    return rule;
  }

  /**
   * The "Bad input" of the issue, each error naming its field. `stored`: the rule being changed. Its group may keep
   * members who were disabled since they joined it (distribution skips them), and its fallback user likewise, so
   * that such a rule can still be edited or switched off; anyone newly named must be an active member.
   */
  async function validate(tx: DbOrTx, workspaceId: string, input: DistributionRuleInput, stored: RuleWithMembers | null, conditionsGiven = true): Promise<void> {
    const ruleId = stored?.id ?? null;
    // Stored conditions a change leaves alone are not judged again: one on a custom field deleted since matches
    // nothing (the rules screen flags it), and the rule can still be switched off, renamed or reordered.
    if (conditionsGiven) {
      const ctx = { userId: null, timeZone: await repo.workspaceTimeZone(tx, workspaceId), now: deps.now(), customFields: await repo.customFieldMap(tx, workspaceId), path: 'conditions' };
      try {
        compileLeadFilters(input.conditions, ctx);
      } catch (err) {
        // The compiler names `conditions.filters.<i>.<part>`; rules keep filters as a plain list.
        if (err instanceof AppError && err.field) throw invalid(err.field.replace(/^conditions\.filters\./, 'conditions.'), err.message);
        throw err;
      }
    }
    checkWorkingHours(input.workingHours);
    if (input.dailyCap !== null && input.weeklyCap !== null && input.weeklyCap < input.dailyCap) {
      throw invalid('weeklyCap', `A week cannot hold fewer leads than a day: make it at least the daily cap (${input.dailyCap})`);
    }
    if (input.strategy !== 'manual' && !input.members.length) throw invalid('members', 'Add at least one agent to the group of this rule');
    const seen = new Set<string>();
    input.members.forEach((m, i) => {
      if (seen.has(m.userId)) throw invalid(`members.${i}.userId`, 'This agent is already in the group');
      seen.add(m.userId);
    });
    const ids = input.members.map((m) => m.userId);
    const kept = new Set(stored?.members.map((m) => m.userId) ?? []);
    if (stored?.fallbackUserId) kept.add(stored.fallbackUserId);
    const statuses = await memberStatuses(tx, workspaceId, [...ids, ...(input.fallbackUserId ? [input.fallbackUserId] : [])]);
    const allowed = (id: string) => statuses.get(id) === 'active' || (kept.has(id) && statuses.get(id) === 'disabled');
    const bad = ids.findIndex((id) => !allowed(id));
    if (bad >= 0) {
      throw invalid(`members.${bad}.userId`, kept.has(ids[bad]!) ? 'No longer a member of this workspace: take them out of the group' : 'No such active member in this workspace');
    }
    if (input.strategy === 'weighted') {
      const missing = input.members.findIndex((m) => m.weight === undefined);
      if (missing >= 0) throw invalid(`members.${missing}.weight`, 'Give every agent of a weighted rule a weight (percent)');
      const total = input.members.reduce((s, m) => s + (m.weight ?? 0), 0);
      if (total !== 100) throw invalid('members', `The weights must add up to 100 (they add up to ${total})`);
    }
    if (input.fallback === 'user') {
      if (!input.fallbackUserId) throw invalid('fallbackUserId', 'Name the user who gets the lead when nobody of the group is available');
      if (!allowed(input.fallbackUserId)) throw invalid('fallbackUserId', 'No such active member in this workspace');
    } else if (input.fallbackUserId) {
      throw invalid('fallbackUserId', 'Only a rule whose fallback is "user" names a fallback user');
    }
    if (await repo.otherRuleWithPriority(tx, workspaceId, input.priority, ruleId)) {
      throw conflict(`Another rule already has priority ${input.priority}`, 'priority');
    }
  }

  async function writeMembers(tx: DbOrTx, workspaceId: string, ruleId: string, input: DistributionRuleInput): Promise<void> {
    await tx.delete(distributionRuleMembers).where(and(eq(distributionRuleMembers.workspaceId, workspaceId), eq(distributionRuleMembers.ruleId, ruleId)));
    if (input.members.length) {
      await tx.insert(distributionRuleMembers).values(
        input.members.map((m, i) => ({ ruleId, workspaceId, userId: m.userId, position: i + 1, weight: input.strategy === 'weighted' ? m.weight! : (m.weight ?? 1) })),
      );
    }
  }

  function ruleColumns(input: DistributionRuleInput) {
    const { members: _m, ...rest } = input;
    return { ...rest, fallbackUserId: input.fallback === 'user' ? input.fallbackUserId : null };
  }

  /** Each named user's membership status in the workspace (absent: not a member). */
  async function memberStatuses(tx: DbOrTx, workspaceId: string, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await tx
      .select({ id: memberships.userId, status: memberships.status })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.userId, [...new Set(ids)])));
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  /**
   * Rule changes of a workspace one at a time (any instance): each reads, checks and writes under this lock, so two
   * edits of one rule cannot overwrite each other with what they read before, and a reorder sees every rule.
   */
  async function lockRules(tx: DbOrTx, workspaceId: string): Promise<void> {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`distribution-rules:${workspaceId}`}, 0))`);
  }

  function priorityConflict<T>(err: unknown): T {
    if (isUniqueViolation(err, 'distribution_rules_ws_priority_key')) throw conflict('Another rule already has this priority', 'priority');
    throw err;
  }

  async function audit(tx: DbOrTx, actor: Actor, action: string, id: string, values: { oldValues?: Record<string, unknown>; newValues?: Record<string, unknown> }) {
    await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action, entityType: 'distribution_rule', entityId: id, ...values, ip: actor.ip });
  }

  /** Each member's availability now, judged in the workspace's zone (`timeZone`, for the caller's "today"). */
  async function availabilityViews(workspaceId: string, onlyUserId: string | null): Promise<{ views: AvailabilityView[]; timeZone: string }> {
    const where = [eq(memberships.workspaceId, workspaceId), eq(memberships.status, 'active')];
    if (onlyUserId) where.push(eq(memberships.userId, onlyUserId));
      const members = await db
        .select({ id: users.id, name: users.name })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(...where))
        .orderBy(asc(users.name));
      const rows = await repo.availability(db, workspaceId, members.map((m) => m.id));
      const timeZone = await repo.workspaceTimeZone(db, workspaceId);
      const now = deps.now();
      const views = members.map((m) => {
        const a = rows.get(m.id);
        const availability = { paused: a?.paused ?? false, workingHours: a?.workingHours ?? null, outOfOffice: a?.outOfOffice ?? [] };
        const reason = unavailableReason(
          { userId: m.id, position: 0, weight: 0, active: true, availability, assignedToday: 0, assignedThisWeek: 0, load: 0 },
          { dailyCap: null, weeklyCap: null },
          now,
          timeZone,
        );
        return { userId: m.id, name: m.name, ...availability, availableNow: reason === null, unavailableReason: reason };
      });
      return { views, timeZone };
  }

  return {
    async listRules(actor: Actor): Promise<RuleView[]> {
      assertManager(actor);
      return (await repo.rules(db, actor.workspaceId, { enabledOnly: false })).map(toView);
    },

    async getRule(actor: Actor, id: string): Promise<RuleView> {
      assertManager(actor);
      return toView(await ruleOrNotFound(db, actor.workspaceId, id));
    },

    async createRule(actor: Actor, input: DistributionRuleInput): Promise<RuleView> {
      const at = deps.now();
      const id = await db
        .transaction(async (tx) => {
          await lockRules(tx, actor.workspaceId);
          await validate(tx, actor.workspaceId, input, null);
          if ((await repo.rules(tx, actor.workspaceId, { enabledOnly: false })).length >= MAX_RULES) {
            throw conflict(`A workspace has at most ${MAX_RULES} distribution rules; delete or merge some first`);
          }
          const [row] = await tx
            .insert(distributionRules)
            .values({ ...ruleColumns(input), workspaceId: actor.workspaceId, createdAt: at, updatedAt: at })
            .returning({ id: distributionRules.id });
          await writeMembers(tx, actor.workspaceId, row!.id, input);
          await audit(tx, actor, 'distribution_rule.create', row!.id, { newValues: { ...input } });
          return row!.id;
        })
        .catch(priorityConflict<string>);
      return toView(await ruleOrNotFound(db, actor.workspaceId, id));
    },

    async updateRule(actor: Actor, id: string, patch: RulePatch): Promise<RuleView> {
      await db
        .transaction(async (tx) => {
          await lockRules(tx, actor.workspaceId);
          const before = await ruleOrNotFound(tx, actor.workspaceId, id);
          const merged = mergePatch(toView(before), patch);
          await validate(tx, actor.workspaceId, merged, before, patch.conditions !== undefined);
          await tx
            .update(distributionRules)
            .set({ ...ruleColumns(merged), updatedAt: deps.now() })
            .where(and(eq(distributionRules.workspaceId, actor.workspaceId), eq(distributionRules.id, id)));
          await writeMembers(tx, actor.workspaceId, id, merged);
          await audit(tx, actor, 'distribution_rule.update', id, { oldValues: { ...toView(before) }, newValues: { ...patch } });
        })
        .catch(priorityConflict<void>);
      return toView(await ruleOrNotFound(db, actor.workspaceId, id));
    },

    async deleteRule(actor: Actor, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        await lockRules(tx, actor.workspaceId);
        const before = await ruleOrNotFound(tx, actor.workspaceId, id);
        await tx.delete(distributionRules).where(and(eq(distributionRules.workspaceId, actor.workspaceId), eq(distributionRules.id, id)));
        await audit(tx, actor, 'distribution_rule.delete', id, { oldValues: { ...toView(before) } });
      });
    },

    /** Every rule of the workspace, in its new order: priorities become 10, 20, 30… */
    async reorder(actor: Actor, ruleIds: string[]): Promise<RuleView[]> {
      await db.transaction(async (tx) => {
        // Checked under the lock: a rule created meanwhile cannot be left out of the new order.
        await lockRules(tx, actor.workspaceId);
        const rules = await repo.rules(tx, actor.workspaceId, { enabledOnly: false });
        const known = new Set(rules.map((r) => r.id));
        const bad = ruleIds.findIndex((id) => !known.has(id));
        if (bad >= 0) throw invalid(`ruleIds.${bad}`, 'No such rule in this workspace');
        if (new Set(ruleIds).size !== ruleIds.length || ruleIds.length !== rules.length) {
          throw invalid('ruleIds', 'List every rule of the workspace exactly once');
        }
        // Out of the way first (the unique index holds at every statement), then the final priorities.
        await tx
          .update(distributionRules)
          .set({ priority: sql`-1 - ${distributionRules.priority}` })
          .where(eq(distributionRules.workspaceId, actor.workspaceId));
        for (const [i, id] of ruleIds.entries()) {
          await tx
            .update(distributionRules)
            .set({ priority: (i + 1) * 10, updatedAt: deps.now() })
            .where(and(eq(distributionRules.workspaceId, actor.workspaceId), eq(distributionRules.id, id)));
        }
        await audit(tx, actor, 'distribution_rule.reorder', ruleIds[0]!, { newValues: { ruleIds } });
      });
      return (await repo.rules(db, actor.workspaceId, { enabledOnly: false })).map(toView);
    },

    /** Managers see every active member; others only themselves. */
    async listAvailability(actor: Actor): Promise<{ agents: AvailabilityView[]; today: string }> {
      const manager = actor.permissions.has('distribution.manage') || actor.permissions.has('leads.assign');
      const { views, timeZone } = await availabilityViews(actor.workspaceId, manager ? null : actor.userId);
      return { agents: views, today: dayInZone(deps.now(), timeZone) };
    },
    /**
     * An agent pauses or resumes themself; working hours and out-of-office days are set by managers (who may
     * also pause anyone).
     */
    async updateAvailability(actor: Actor, userId: string, patch: AvailabilityPatch): Promise<AvailabilityView> {
      const manager = actor.permissions.has('distribution.manage') || actor.permissions.has('leads.assign');
      const self = userId === actor.userId;
      if (!manager && !self) throw notFound('Member');
      if (!manager && (patch.workingHours !== undefined || patch.outOfOffice !== undefined)) {
        throw forbidden('Only a manager sets working hours and out-of-office days (distribution.manage or leads.assign)');
      }
      if (!(await repo.activeMember(db, actor.workspaceId, userId))) throw notFound('Member');
      if (patch.paused === undefined && patch.workingHours === undefined && patch.outOfOffice === undefined) {
        throw invalid('body', 'Nothing to change: give paused, workingHours or outOfOffice');
      }
      patch.outOfOffice?.forEach((o, i) => {
        if (o.to < o.from) throw invalid(`outOfOffice.${i}.to`, 'The last day is before the first');
      });
      checkWorkingHours(patch.workingHours);
      const set = {
        ...(patch.paused !== undefined ? { paused: patch.paused } : {}),
        ...(patch.workingHours !== undefined ? { workingHours: patch.workingHours } : {}),
        ...(patch.outOfOffice !== undefined ? { outOfOffice: patch.outOfOffice } : {}),
        updatedAt: deps.now(),
      };
      await db.transaction(async (tx) => {
        await tx
          .insert(agentAvailability)
          .values({ workspaceId: actor.workspaceId, userId, ...set })
          .onConflictDoUpdate({ target: [agentAvailability.workspaceId, agentAvailability.userId], set });
        await writeAudit(tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: 'distribution.availability',
          entityType: 'user',
          entityId: userId,
          newValues: { ...patch },
          ip: actor.ip,
        });
      });
      return (await availabilityViews(actor.workspaceId, userId)).views[0]!;
    },

    /** Assignment history of a lead, newest first; the lead must be visible to the actor. */
    async history(actor: Actor, leadId: string): Promise<AssignmentView[]> {
      const where = [eq(leads.workspaceId, actor.workspaceId), eq(leads.id, leadId)];
      if (!actor.permissions.has('leads.view_all')) where.push(eq(leads.ownerId, actor.userId));
      const [lead] = await db.select({ id: leads.id }).from(leads).where(and(...where));
      if (!lead) throw notFound('Lead');
      const rows = await recordsQuery()
        .where(and(eq(assignments.workspaceId, actor.workspaceId), eq(assignments.leadId, leadId)))
        .orderBy(desc(assignments.at), desc(assignments.id));
      return rows.map(toRecordView);
    },

    /**
     * The workspace's assignment log, newest first, in keyset pages (ADR 030). Holders of leads.view_all read every
     * record; others the records that gave a lead to them or took one from them. The first page also counts the
     * whole filter per recipient.
     */
    async log(actor: Actor, query: AssignmentLogQuery): Promise<AssignmentLogView> {
      const timeZone = query.since || query.until ? await repo.workspaceTimeZone(db, actor.workspaceId) : 'UTC';
      const filter = logFilter(actor, query, timeZone);
      const rows = await logPage(filter, query.cursor ? decodeLogCursor(query.cursor) : null, query.limit + 1);
      const more = rows.length > query.limit;
      const items = rows.slice(0, query.limit).map(toLogItem);
      const last = rows[query.limit - 1];
      const nextCursor = more && last ? encodeLogCursor(last) : null;

      const summary = query.cursor ? null : await logSummary(actor, query, filter);
      return { items, nextCursor, summary };
    },

    /**
     * The log's records for the same filters as a streamed CSV (every matching record, read in keyset batches of
     * 2,000; dates in the workspace's time zone). Audited when the last row went out or the reader went away.
     */
    async exportLog(actor: Actor, query: AssignmentLogExportQuery): Promise<Download> {
      const timeZone = await repo.workspaceTimeZone(db, actor.workspaceId);
      const filter = logFilter(actor, query, timeZone);
      const { workspaceId: _workspace, ...filters } = query;
      let rows = 0;
      let completed = false;
      // The first batch is read before the answer starts: a filter the database refuses is then an error status,
      // not a download cut off after its headers.
      const first = await logPage(filter, null, EXPORT_BATCH);
      async function* batches(): AsyncGenerator<LogRow[]> {
        try {
          let after: LogCursor | null = null;
          for (let i = 0; ; i++) {
            const batch = i === 0 ? first : await logPage(filter, after, EXPORT_BATCH);
            if (batch.length === 0) break;
            rows += batch.length;
            yield batch;
            if (batch.length < EXPORT_BATCH) break;
            after = cursorOf(batch[batch.length - 1]!);
          }
          completed = true;
        } finally {
          await writeAudit(db, {
            workspaceId: actor.workspaceId,
            actorId: actor.userId,
            action: 'distribution.assignments_export',
            entityType: 'assignment',
            newValues: { filters, rows, completed },
            ip: actor.ip,
          });
        }
      }
      return {
        filename: `assignments-${dayInZone(deps.now(), timeZone)}.csv`,
        contentType: 'text/csv; charset=utf-8',
        body: csvStream(batches(), LOG_EXPORT_COLUMNS, timeZone),
      };
    },

    /**
     * Where would this lead go now? The lead is stored in a transaction that is rolled back, so the very same
     * rule matching runs on it; nothing is assigned, recorded or advanced.
     */
    async simulate(actor: Actor, input: SimulateInput): Promise<SimulateOutput> {
      assertManager(actor);
      let result: Distributed | null = null;
      const [ws] = await db.select({ defaultCountry: workspaces.defaultCountry }).from(workspaces).where(eq(workspaces.id, actor.workspaceId));
      // Read as a lead's phone is: E.164 with the lead's country, else the workspace's, and its search digits.
      const phones = input.phone ? [normalizePhone(input.phone, input.country ?? ws?.defaultCountry ?? 'US')].map((p) => ({ raw: p.raw, e164: p.e164 })) : [];
      try {
        await db.transaction(async (tx) => {
          const [row] = await tx
            .insert(leads)
            .values({
              workspaceId: actor.workspaceId,
              firstName: input.firstName ?? 'Simulated lead',
              lastName: input.lastName ?? null,
              company: input.company ?? null,
              emails: input.email ? [input.email] : [],
              emailSearch: input.email ?? '',
              phones,
              phoneE164: phones.flatMap((p) => (p.e164 ? [p.e164] : [])),
              phoneSearch: phoneSearchDigits(phones),
              source: input.source ?? null,
              sourceDetail: input.sourceDetail ?? null,
              campaign: input.campaign ?? null,
              city: input.city ?? null,
              state: input.state ?? null,
              country: input.country?.toUpperCase() ?? null,
              zip: input.zip ?? null,
              language: input.language ?? null,
              tags: input.tags ?? [],
              custom: input.custom ?? {},
              origin: 'manual',
            })
            .returning({ id: leads.id });
          const [d] = await distributeLeads(tx, { workspaceId: actor.workspaceId, leadIds: [row!.id], at: deps.now(), dryRun: true });
          throw new Rollback(d!);
        });
      } catch (err) {
        if (!(err instanceof Rollback)) throw err;
        result = err.result;
      }
      const d = result!;
      return { rule: d.rule, agent: d.owner, reason: d.reason, trace: d.trace, offeredTo: d.offer?.offeredTo ?? [] };
    },
  };
}

export type DistributionService = ReturnType<typeof createDistributionService>;
