import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.ts';
import { executePrepared } from '../../platform/db/prepared.ts';
import type { AppDeps } from '../../platform/http/types.ts';
import { activities, leads } from '../leads/leads.table.ts';
import { compileLeadFilters, type LeadQueryContext } from '../leads/lead-query.ts';
import { DistributionBatch, type PointerSave } from './distribution.batch.ts';
import { distributionCache } from './distribution.cache.ts';
import { distributionRepository as repo, type DistributionSetup, type RuleWithMembers } from './distribution.repository.ts';
import { wallClock } from './distribution-engine.ts';
import { assignments, leadOffers, type WorkingHours } from './distribution.table.ts';
import type { BusEvent } from '../../platform/events/event-bus.ts';
import { timed } from '../../platform/timing/timing.ts';

export type AssignmentReason = 'rule' | 'existing_owner' | 'fallback' | 'unassigned' | 'claim' | 'sla' | 'manual';
export type TraceStep = { ruleId: string; name: string; outcome: 'no_match' | 'nobody_available' | 'picked' | 'manual' | 'fallback' | 'offered' };
type Person = { id: string; name: string };

export type Distributed = {
  leadId: string;
  /** Null: the lead waits in the unassigned queue. */
  owner: { id: string; name: string } | null;
  rule: { id: string; name: string; strategy: string } | null;
  reason: AssignmentReason | null;
  trace: TraceStep[];
  /** first_to_claim: the lead is offered to these members until `expiresAt` (owner stays null). */
  offer?: { id?: string; offeredTo: Person[]; expiresAt: Date; slaMinutes: number | null };
  /** The rule's SLA for the new owner, in minutes (null: none). */
  slaMinutes?: number | null;
};

type Options = {
  workspaceId: string;
  leadIds: string[];
  at: Date;
  /** Simulate: pick without locking, writing or advancing any pointer. */
  dryRun?: boolean;
  /** Only rules after this priority (an expired offer falling through to the next rule). */
  afterPriority?: number;
  /** The caller holds the workspace's distribution lock already (capture takes it with its own, ADR 025). */
  locked?: boolean;
  /**
   * The caller has just looked for these leads' people among the workspace's live leads and found none (capture
   * merges a known person into their lead, so what it creates is a new person): no returning-person look-up.
   */
  newPeople?: boolean;
  /**
   * The leads are not stored yet: this query yields their rows as they will be stored, and the conditions run on
   * those (capture, ADR 026).
   */
  probe?: SQL;
};

/** What a batch's decision will write: the results, the changes of owner and the moved rotation pointers. */
type Decided = { results: Distributed[]; writes: AssignmentWrite[]; pointers: PointerSave[] };

/**
 * Hands new leads to agents by the workspace's rules, inside the caller's transaction (the lead's creation
 * transaction): the first enabled rule whose conditions match, in priority order, picks an available agent by
 * its strategy; when nobody is, its fallback applies (the next matching rule, a named user, or the unassigned
 * queue). A lead that already has an owner is left alone. ADR 011.
 */
export async function distributeLeads(tx: DbOrTx, opts: Options): Promise<Distributed[]> {
  const decided = await decideLeads(tx, opts);
  await timed('distribution.record', decided.writes.length, () => recordDecided(tx, opts.workspaceId, opts.at, decided, opts.dryRun ?? false));
  return decided.results;
}

/** A batch decided before its leads are stored; `record` writes what it decided once they are. */
export type PendingDistribution = {
  results: Distributed[];
  /**
   * After the leads were inserted with the owners of `results`: the records (assignment, timeline, audit, SLA
   * clock), the offers and the moved pointers, for the leads that were stored (`stored`; another run may have
   * inserted one of the same external ids first).
   */
  record(stored: Set<string>): Promise<void>;
};

/**
 * Capture's way (ADR 026): decides the owners of new leads before they are stored, so each goes into `leads` with
 * its owner in the INSERT instead of a second write of every row through all of the table's indexes. The rules'
 * conditions run on the rows as PostgreSQL will store them (`probe`: with the defaults and generated columns of the
 * catalog). The caller holds the distribution lock until commit.
 */
export async function distributeBeforeInsert(tx: DbOrTx, opts: Omit<Options, 'dryRun' | 'afterPriority' | 'locked'> & { probe: SQL }): Promise<PendingDistribution> {
  const decided = await decideLeads(tx, { ...opts, locked: true });
  for (const w of decided.writes) w.ownerAlreadySet = true;
  return {
    results: decided.results,
    record: (stored) =>
      recordDecided(
        tx,
        opts.workspaceId,
        opts.at,
        {
          results: decided.results.filter((r) => stored.has(r.leadId)),
          writes: decided.writes.filter((w) => stored.has(w.leadId)),
          // A lead lost to another run still moved its pointer: the rotation skips one turn, nobody gets a lead twice.
          pointers: decided.pointers,
        },
        false,
      ),
  };
}

/** Offers, then the changes of owner and the pointers, of a decided batch (nothing but pointers when dry: none). */
async function recordDecided(tx: DbOrTx, workspaceId: string, at: Date, decided: Decided, dryRun: boolean): Promise<void> {
  if (dryRun) return;
  for (const result of decided.results) if (result.offer) result.offer.id = await createOffer(tx, workspaceId, result, at);
  // Owners, records, timeline, audit and SLA clocks of the whole batch, whatever its size,
  // and the moved rotation pointers, in one statement.
  await recordAssignments(tx, workspaceId, decided.writes, at, decided.pointers);
}

async function decideLeads(tx: DbOrTx, opts: Options): Promise<Decided> {
  const { workspaceId, at } = opts;
  const dryRun = opts.dryRun ?? false;
  if (!opts.leadIds.length) return { results: [], writes: [], pointers: [] };
  // One distribution at a time per workspace (any instance): caps and loads read across rules stay exact, and
  // pointers have one writer at a time. Capture takes this lock with its own (capture first) in one statement.
  // Alone here, so that the read below — a later statement — sees every earlier holder's commits.
  if (!dryRun && !opts.locked) await timed('distribution.setup', opts.leadIds.length, () => repo.lock(tx, workspaceId));

  // The rules come from this process's cache when the version read with the state says they are current (ADR 025):
  // one statement then decides the batch — which leads are still unowned, every rule's conditions against every
  // lead, the pointers and the groups' state. A stale or missing cache costs one more read and a second try.
  let setup = distributionCache.get(workspaceId) ?? (await loadSetup(tx, workspaceId));
  for (let attempt = 1; ; attempt++) {
    const rules = setup.rules.filter((r) => opts.afterPriority === undefined || r.priority > opts.afterPriority);
    const { timeZone, customFields } = setup;
    const ctx: LeadQueryContext = { userId: null, timeZone, now: at, customFields };
    const compiled = rules.map((rule) => {
      try {
        return { id: rule.id, conditions: compileLeadFilters(rule.conditions as never, ctx) };
      } catch {
        // A condition on a field deleted since the rule was saved: the rule matches nothing until it is fixed.
        return { id: rule.id, conditions: null };
      }
    });
    // Groups, pointers and counts are read once for the whole batch and kept in memory (ADR 011, "Batches").
    const batch = new DistributionBatch(tx, workspaceId, at, timeZone, dryRun);
    const plan = batch.plan(rules);
    const read = await timed('distribution.decide', opts.leadIds.length, () =>
      repo.decide(tx, workspaceId, { leadIds: opts.leadIds, rules: compiled, specs: plan.specs, periods: batch.periods, pointerRuleIds: plan.pointerRuleIds, dryRun, probe: opts.probe }),
    ).catch((err: unknown) => {
      // The version is read by this very statement: when it fails, the cached rules must not outlive the failure
      // (a rule the database cannot run, since changed or deleted, would otherwise fail every later batch).
      distributionCache.forget(workspaceId);
      throw err;
    });
    if (read.version !== setup.version && attempt < 3) {
      // The rules changed since they were cached (here or on another instance): read them again and decide again.
      distributionCache.forget(workspaceId);
      setup = await loadSetup(tx, workspaceId);
      continue;
    }
    plan.seed(read.states, read.pointers);
    return distributeDecided(tx, opts, rules, read.byLead, batch, timeZone);
  }
}

/** The workspace's setup read afresh (no lock: the caller holds it or is dry) and cached at its version. */
async function loadSetup(tx: DbOrTx, workspaceId: string): Promise<DistributionSetup> {
  const setup = await timed('distribution.setup', 1, () => repo.setup(tx, workspaceId, false));
  distributionCache.set(workspaceId, setup);
  return setup;
}

async function distributeDecided(
  tx: DbOrTx,
  opts: Options,
  rules: RuleWithMembers[],
  byLead: Map<string, Set<string>>,
  batch: DistributionBatch,
  timeZone: string,
): Promise<Decided> {
  const { workspaceId, at } = opts;
  const dryRun = opts.dryRun ?? false;
  const leadIds = [...byLead.keys()];
  if (!leadIds.length) return { results: [], writes: [], pointers: [] };
  if (!rules.length) return { results: leadIds.map((leadId) => ({ leadId, owner: null, rule: null, reason: null, trace: [] })), writes: [], pointers: [] };
  const matches = new Map<string, Set<string>>(rules.map((r) => [r.id, new Set(leadIds.filter((id) => byLead.get(id)!.has(r.id)))]));

  // The person's earlier owner, for every lead at once (leads of one batch are different people: capture and
  // imports merge repeats first).
  const existing =
    !opts.newPeople && rules.some((r) => r.existingOwner)
      ? await timed('distribution.returning_person', leadIds.length, () => repo.existingOwnerPersons(tx, workspaceId, leadIds))
      : new Map<string, Person>();
  const results: Distributed[] = [];
  const writes: AssignmentWrite[] = [];
  for (const leadId of leadIds) {
    const result = await distributeOne(tx, batch, rules, matches, leadId, workspaceId, at, existing, timeZone);
    if (!dryRun && !result.offer && result.reason) writes.push({ leadId, from: null, to: result.owner, rule: result.rule, reason: result.reason, by: null, slaMinutes: result.slaMinutes ?? null });
    results.push(result);
  }
  return { results, writes, pointers: batch.moved() };
}

async function distributeOne(
  tx: DbOrTx,
  batch: DistributionBatch,
  rules: RuleWithMembers[],
  matches: Map<string, Set<string>>,
  leadId: string,
  workspaceId: string,
  at: Date,
  existing: Map<string, Person>,
  timeZone: string,
): Promise<Distributed> {
  const trace: TraceStep[] = [];
  for (const rule of rules) {
    const ruleRef = { id: rule.id, name: rule.name, strategy: rule.strategy };
    if (!matches.get(rule.id)!.has(leadId)) {
      trace.push({ ruleId: rule.id, name: rule.name, outcome: 'no_match' });
      continue;
    }
    if (rule.existingOwner) {
      const owner = existing.get(leadId);
      if (owner) {
        batch.noteAssigned(owner.id, rule.id);
        trace.push({ ruleId: rule.id, name: rule.name, outcome: 'picked' });
        return { leadId, owner, rule: ruleRef, reason: 'existing_owner', trace, slaMinutes: rule.slaMinutes };
      }
    }
    if (rule.strategy === 'manual') {
      trace.push({ ruleId: rule.id, name: rule.name, outcome: 'manual' });
      return { leadId, owner: null, rule: ruleRef, reason: 'unassigned', trace };
    }
    if (rule.workingHours && !withinHours(rule.workingHours, at, timeZone)) {
      // Outside the group's hours nobody of it is available: straight to the fallback below.
    } else if (rule.strategy === 'first_to_claim') {
      const offeredTo = await batch.available(rule);
      if (offeredTo.length) {
        trace.push({ ruleId: rule.id, name: rule.name, outcome: 'offered' });
        const expiresAt = new Date(at.getTime() + rule.claimTimeoutMinutes * 60_000);
        return { leadId, owner: null, rule: ruleRef, reason: null, trace, offer: { offeredTo, expiresAt, slaMinutes: rule.slaMinutes } };
      }
    } else {
      const picked = await batch.pick(rule);
      if (picked) {
        trace.push({ ruleId: rule.id, name: rule.name, outcome: 'picked' });
        return { leadId, owner: picked, rule: ruleRef, reason: 'rule', trace, slaMinutes: rule.slaMinutes };
      }
    }
    if (rule.fallback === 'next_rule') {
      trace.push({ ruleId: rule.id, name: rule.name, outcome: 'nobody_available' });
      continue;
    }
    trace.push({ ruleId: rule.id, name: rule.name, outcome: 'fallback' });
    const fallbackUser = rule.fallback === 'user' && rule.fallbackUserId ? await repo.activeMember(tx, workspaceId, rule.fallbackUserId) : null;
    if (fallbackUser) {
      batch.noteAssigned(fallbackUser.id, rule.id);
      return { leadId, owner: fallbackUser, rule: ruleRef, reason: 'fallback', trace, slaMinutes: rule.slaMinutes };
    }
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

/**
 * One agent of the rule's group by its strategy (rules that do not pick — manual, first_to_claim — pick round-robin
 * here, for SLA reassignment), never one of `exclude`. Locks and advances the rule's pointer unless dry.
 */
export async function pickForRule(
  tx: DbOrTx,
  rule: RuleWithMembers,
  workspaceId: string,
  at: Date,
  timeZone: string,
  dryRun: boolean,
  exclude: string[] = [],
): Promise<Person | null> {
  const batch = new DistributionBatch(tx, workspaceId, at, timeZone, dryRun);
  const picked = await batch.pick(rule, exclude);
  await batch.flush();
  return picked;
}

export type AssignmentWrite = {
  leadId: string;
  from: Person | null;
  to: Person | null;
  rule: { id: string; name: string; strategy: string } | null;
  reason: AssignmentReason;
  /** The user who made it (claim), or null (the rules, the SLA job). */
  by: string | null;
  /** The rule's SLA for the new owner. */
  slaMinutes: number | null;
  /** The caller already wrote `leads.owner_id` (a claim's conditional UPDATE). */
  ownerAlreadySet?: boolean;
};

/**
 * Records one change of owner in the caller's transaction: `leads.owner_id` (only when it is still `from`), the
 * `assignments` row, an `owner_changed` activity, the `lead.assign` audit entry and the new owner's SLA clock.
 */
export async function recordAssignment(tx: DbOrTx, workspaceId: string, w: AssignmentWrite, at: Date): Promise<void> {
  await recordAssignments(tx, workspaceId, [w], at);
}

/**
 * The same for many changes of owner (one per lead) in one statement whatever their number (ADR 011, "Batches"):
 * the writes go in as one JSON parameter, and data-modifying CTEs add the assignment rows, set the owners (each only
 * when it is still the `from` of its write), add the `owner_changed` activities and audit entries, and start the
 * new owners' SLA clocks (ADR 012; an SLA reassignment counts one more). One round trip matters here: it runs
 * inside capture's storing transaction, under the workspace's distribution lock.
 */
export async function recordAssignments(tx: DbOrTx, workspaceId: string, writes: AssignmentWrite[], at: Date, pointers: PointerSave[] = []): Promise<void> {
  if (!writes.length || new Set(writes.map((w) => w.leadId)).size !== writes.length) {
    // One statement cannot change a row twice: the same lead twice is written in order, one at a time.
    for (const w of writes) await recordAssignments(tx, workspaceId, [w], at);
    await repo.savePointers(tx, workspaceId, pointers, at);
    return;
  }
  const via = (w: AssignmentWrite) => (w.rule ? { ruleId: w.rule.id, ruleName: w.rule.name, strategy: w.rule.strategy, reason: w.reason } : { reason: w.reason });
  const rows = writes.map((w) => ({
    lead_id: w.leadId,
    to_id: w.to?.id ?? null,
    from_id: w.from?.id ?? null,
    rule_id: w.rule?.id ?? null,
    strategy: w.rule?.strategy ?? null,
    by_id: w.by,
    reason: w.reason,
    set_owner: w.to !== null && !w.ownerAlreadySet,
    activity: w.to ? { from: w.from, to: w.to, via: via(w) } : null,
    audit_old: { ownerId: w.from?.id ?? null },
    audit_new: w.to ? { ownerId: w.to.id, ...via(w) } : null,
    sla_due_at: w.to && w.slaMinutes ? new Date(at.getTime() + w.slaMinutes * 60_000).toISOString() : null,
    sla_reassignment: w.reason === 'sla' ? 1 : 0,
  }));
  const when = at.toISOString();
  // Prepared per connection (ADR 029): two texts in all (with or without setting owners).
  await executePrepared(tx, sql`
    WITH w AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
        lead_id uuid, to_id uuid, from_id uuid, rule_id uuid, strategy text, by_id uuid, reason text, set_owner boolean,
        activity jsonb, audit_old jsonb, audit_new jsonb, sla_due_at timestamptz, sla_reassignment int)
    ),
    recorded AS (
      INSERT INTO assignments (workspace_id, lead_id, to_user_id, from_user_id, rule_id, strategy, by_user_id, reason, at)
      SELECT ${workspaceId}::uuid, lead_id, to_id, from_id, rule_id, strategy, by_id, reason, ${when}::timestamptz FROM w
    ),
    ${
      rows.some((r) => r.set_owner)
        ? sql`owners AS (
      UPDATE leads l SET owner_id = w.to_id, version = l.version + 1, updated_at = ${when}::timestamptz FROM w
      WHERE w.set_owner AND l.workspace_id = ${workspaceId}::uuid AND l.id = w.lead_id AND l.owner_id IS NOT DISTINCT FROM w.from_id
    ),`
        : sql``
    }
    timeline AS (
      INSERT INTO activities (workspace_id, lead_id, type, actor_id, data, created_at)
      SELECT ${workspaceId}::uuid, lead_id, 'owner_changed', by_id, activity, ${when}::timestamptz FROM w WHERE to_id IS NOT NULL
    ),
    audited AS (
      INSERT INTO audit_log (workspace_id, actor_id, action, entity_type, entity_id, old_values, new_values)
      SELECT ${workspaceId}::uuid, by_id, 'lead.assign', 'lead', lead_id::text, audit_old, audit_new FROM w WHERE to_id IS NOT NULL
    ),
    moved AS (
      UPDATE distribution_pointers p SET last_user_id = v.last_user_id, credits = v.credits, assigned_count = p.assigned_count + v.picks, updated_at = ${when}::timestamptz
      FROM jsonb_to_recordset(${JSON.stringify(pointers.map((p) => ({ rule_id: p.ruleId, last_user_id: p.state.lastUserId, credits: p.state.credits, picks: p.picks })))}::jsonb)
        AS v(rule_id uuid, last_user_id uuid, credits jsonb, picks int)
      WHERE p.rule_id = v.rule_id AND p.workspace_id = ${workspaceId}::uuid
    )
    INSERT INTO lead_speed (lead_id, workspace_id, owner_id, rule_id, assigned_at, sla_due_at, reassignments)
    SELECT lead_id, ${workspaceId}::uuid, to_id, rule_id, ${when}::timestamptz, sla_due_at, sla_reassignment FROM w WHERE to_id IS NOT NULL
    ON CONFLICT (lead_id) DO UPDATE SET
      owner_id = excluded.owner_id,
      rule_id = excluded.rule_id,
      assigned_at = excluded.assigned_at,
      sla_due_at = excluded.sla_due_at,
      owner_acted_at = NULL,
      -- excluded.reassignments is 1 for an SLA reassignment, 0 otherwise.
      reassignments = lead_speed.reassignments + excluded.reassignments
    WHERE lead_speed.workspace_id = ${workspaceId}::uuid`);
}

/** A first-to-claim offer, its timeline entry, and `lead.offered` queued on the transaction (sent on commit). */
async function createOffer(tx: DbOrTx, workspaceId: string, d: Distributed, at: Date): Promise<string> {
  const offer = d.offer!;
  const [row] = await tx
    .insert(leadOffers)
    .values({ workspaceId, leadId: d.leadId, ruleId: d.rule?.id ?? null, offeredTo: offer.offeredTo.map((p) => p.id), offeredAt: at, expiresAt: offer.expiresAt })
    .returning({ id: leadOffers.id });
  await tx.insert(activities).values({
    workspaceId,
    leadId: d.leadId,
    type: 'lead_offered',
    actorId: null,
    data: { offerId: row!.id, offeredTo: offer.offeredTo, expiresAt: offer.expiresAt.toISOString(), via: d.rule ? { ruleId: d.rule.id, ruleName: d.rule.name } : null },
    createdAt: at,
  });
  const [lead] = await tx.select({ firstName: leads.firstName, lastName: leads.lastName }).from(leads).where(and(eq(leads.workspaceId, workspaceId), eq(leads.id, d.leadId)));
  const offeredTo = offer.offeredTo.map((p) => p.id);
  await queueEvent(tx, {
    workspaceId,
    type: 'lead.offered',
    data: {
      offerId: row!.id,
      leadId: d.leadId,
      leadName: [lead?.firstName, lead?.lastName].filter(Boolean).join(' '),
      ruleId: d.rule?.id ?? null,
      ruleName: d.rule?.name ?? null,
      offeredTo,
      expiresAt: offer.expiresAt.toISOString(),
    },
    audience: { userIds: offeredTo, permission: 'leads.view_all' },
  });
  return row!.id;
}

/** Must match the event bus (platform/events/event-bus.ts): its channel and payload shape. */
const EVENTS_CHANNEL = 'lf_events';

/**
 * Queues a bus event on the transaction: PostgreSQL delivers a NOTIFY only when (and if) the transaction commits,
 * so listeners never hear of an offer or an assignment that was rolled back, whichever caller commits it.
 */
export async function queueEvent(tx: DbOrTx, event: BusEvent): Promise<void> {
  const payload = JSON.stringify({ ...event, at: new Date().toISOString() });
  await tx.execute(sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${payload})`);
}

/** A change of owner made by a user (lead form, API): recorded with reason `manual`, inside the caller's transaction. */
export async function recordManualAssignment(
  tx: DbOrTx,
  a: { workspaceId: string; leadId: string; fromUserId: string | null; toUserId: string | null; byUserId: string; at: Date },
): Promise<void> {
  await tx.insert(assignments).values({ ...a, ruleId: null, strategy: null, reason: 'manual' });
  await afterManualChange(tx, a.workspaceId, [a.leadId], a.toUserId, a.at);
}

/**
 * A manager's bulk change of owner (lead list): one set-based statement records every lead the change will touch —
 * an `assignments` row (reason manual, from its current owner), its open offer withdrawn, the new owner's clock —
 * before the caller's UPDATE with the same conditions. The rows are locked here (FOR UPDATE), so the caller's
 * UPDATE in the same transaction changes exactly these leads.
 */
export async function recordBulkManualAssignment(
  tx: DbOrTx,
  a: { workspaceId: string; where: SQL[]; toUserId: string | null; byUserId: string; at: Date },
): Promise<void> {
  const at = sql`${a.at.toISOString()}::timestamptz`;
  const to = sql`${a.toUserId}::uuid`;
  await tx.execute(sql`
    WITH target AS (
      SELECT ${leads.id} AS id, ${leads.ownerId} AS owner_id FROM ${leads} WHERE ${and(eq(leads.workspaceId, a.workspaceId), ...a.where)} FOR UPDATE
    ), recorded AS (
      INSERT INTO assignments (workspace_id, lead_id, to_user_id, from_user_id, rule_id, strategy, by_user_id, reason, at)
      SELECT ${a.workspaceId}::uuid, target.id, ${to}, target.owner_id, NULL, NULL, ${a.byUserId}::uuid, 'manual', ${at} FROM target
    )
    INSERT INTO lead_speed (lead_id, workspace_id, owner_id, rule_id, assigned_at, sla_due_at, reassignments)
    SELECT target.id, ${a.workspaceId}::uuid, ${to}, NULL, ${at}, NULL, 0 FROM target
    ON CONFLICT (lead_id) DO UPDATE SET owner_id = excluded.owner_id, rule_id = NULL, assigned_at = excluded.assigned_at,
      sla_due_at = NULL, owner_acted_at = NULL`);
  // The same leads (locked above, unchanged until the caller's UPDATE).
  await withdrawOpenOffers(tx, a.workspaceId, sql`SELECT ${leads.id} FROM ${leads} WHERE ${and(eq(leads.workspaceId, a.workspaceId), ...a.where)}`, a.toUserId, a.at);
}

/**
 * Open first-to-claim offers of these leads end as `withdrawn` — the lead got an owner another way (a manager) or
 * went to the trash — and everyone it was offered to hears `lead.offer_taken` on commit: the card leaves their
 * "my new leads" and the bell. `leadIds`: ids, or a query selecting them.
 */
export async function withdrawOpenOffers(tx: DbOrTx, workspaceId: string, leadIds: string[] | SQL, ownerId: string | null, at: Date): Promise<void> {
  if (Array.isArray(leadIds) && !leadIds.length) return;
  const ids = Array.isArray(leadIds) ? sql`SELECT unnest(${`{${leadIds.join(',')}}`}::uuid[])` : leadIds;
  const withdrawn = await tx.execute(sql`
    UPDATE lead_offers SET status = 'withdrawn', resolved_at = ${at.toISOString()}::timestamptz
    WHERE workspace_id = ${workspaceId}::uuid AND status = 'open' AND lead_id IN (${ids})
    RETURNING id, lead_id, to_jsonb(offered_to) AS offered_to`);
  for (const o of (withdrawn as unknown as { rows: { id: string; lead_id: string; offered_to: string[] }[] }).rows) {
    await queueEvent(tx, {
      workspaceId,
      type: 'lead.offer_taken',
      data: { offerId: o.id, leadId: o.lead_id, outcome: 'withdrawn', ownerId, offeredTo: o.offered_to },
      audience: { userIds: o.offered_to, permission: 'leads.view_all' },
    });
  }
}

/**
 * After a manager changed owners by hand (one lead or a bulk change): open offers of these leads are withdrawn and
 * the new owner's clock starts, without an SLA (a manager chose them).
 */
export async function afterManualChange(tx: DbOrTx, workspaceId: string, leadIds: string[], toUserId: string | null, at: Date): Promise<void> {
  if (!leadIds.length) return;
  await withdrawOpenOffers(tx, workspaceId, leadIds, toUserId, at);
  await tx.execute(sql`
    INSERT INTO lead_speed (lead_id, workspace_id, owner_id, rule_id, assigned_at, sla_due_at, reassignments)
    SELECT l.id, l.workspace_id, ${toUserId}::uuid, NULL, ${at.toISOString()}::timestamptz, NULL, 0
    FROM leads l WHERE l.workspace_id = ${workspaceId} AND l.id = ANY(${`{${leadIds.join(',')}}`}::uuid[])
    ON CONFLICT (lead_id) DO UPDATE SET owner_id = excluded.owner_id, rule_id = NULL, assigned_at = excluded.assigned_at,
      sla_due_at = NULL, owner_acted_at = NULL`);
}

/**
 * `lead.unassigned` for the leads of a batch that a rule left in the unassigned queue (its strategy is manual, or
 * nobody of its group was available and its fallback is the queue): managers are told. Offers are not queued.
 */
export function queuedLeadEvents(workspaceId: string, results: Distributed[]): BusEvent[] {
  return results
    .filter((r) => !r.owner && !r.offer && r.reason === 'unassigned')
    .map((r) => ({
      workspaceId,
      type: 'lead.unassigned',
      data: { leadId: r.leadId, ruleId: r.rule?.id ?? null, ruleName: r.rule?.name ?? null, why: r.rule?.strategy === 'manual' ? 'manual' : 'nobody_available' },
      audience: { permission: 'leads.assign' as const },
    }));
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
  const all = [...events, ...queuedLeadEvents(workspaceId, results)];
  if (all.length) await deps.events.publishMany(all).catch(() => undefined);
}

/** Whether an instant falls in a group's working hours (ISO weekday ranges in the workspace time zone). */
function withinHours(hours: WorkingHours, at: Date, timeZone: string): boolean {
  const { weekday, time } = wallClock(at, timeZone);
  return (hours[String(weekday) as keyof WorkingHours] ?? []).some((r) => r.start <= time && time < r.end);
}
