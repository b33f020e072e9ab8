import { and, asc, eq, inArray, isNull, ne, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.ts';
import { executePrepared } from '../../platform/db/prepared.ts';
import { users } from '../accounts/accounts.table.ts';
import { customFields } from '../custom-fields/custom-fields.table.ts';
import { leads } from '../leads/leads.table.ts';
import { memberships, workspaces } from '../workspaces/workspaces.table.ts';
import type { LeadFieldDefinition } from '../leads/lead-query.ts';
import { agentAvailability, distributionPointers, distributionRuleMembers, distributionRules } from './distribution.table.ts';
import type { RotationState } from './distribution-engine.ts';

export type RuleRow = typeof distributionRules.$inferSelect;
export type MemberRow = { ruleId: string; userId: string; name: string; position: number; weight: number; active: boolean };
export type RuleWithMembers = RuleRow & { members: MemberRow[] };
export type AvailabilityRow = typeof agentAvailability.$inferSelect;
export type GroupMemberState = { availability: AvailabilityRow | null; today: number; week: number; load: number };

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

export type GroupSpec = { ruleId: string; userIds: string[]; daily: boolean; weekly: boolean; load: 'open_leads' | 'received_today' | null };

/** What conditions compile against and picks choose from, as of `version` (ADR 025). */
export type DistributionSetup = { version: number; rules: RuleWithMembers[]; timeZone: string; customFields: Map<string, LeadFieldDefinition> };

/**
 * The workspace's distribution lock (ADR 011) as an SQL expression, for a statement of its own or for a caller's
 * lock statement (capture takes it with its own workspace lock, in one round trip: capture first, then this).
 */
export function distributionLockSql(workspaceId: string): SQL {
  return sql`pg_advisory_xact_lock(hashtextextended(${`distribution:${workspaceId}`}, 0))`;
}

type Periods = { day: string; weekStartDay: string };
/** A uuid[] as one bound parameter (both engines): a statement's text and parameter count do not grow with the list. */
const uuids = (values: string[]) => sql`${sql.param(values)}::uuid[]`;
const jsonRows = <T>(v: unknown): T[] => (typeof v === 'string' ? (JSON.parse(v) as T[]) : ((v as T[] | null) ?? []));

/** The select-list columns `availability`, `counts` and `open` that give the groups' state (see `parseGroupStates`). */
function groupStateColumns(workspaceId: string, specs: GroupSpec[], periods: Periods): SQL {
  const wanted = specs.filter((o) => o.userIds.length);
  const everyone = [...new Set(wanted.flatMap((o) => o.userIds))];
  const counted = [...new Set(wanted.filter((o) => o.daily || o.weekly || o.load === 'received_today').flatMap((o) => o.userIds))];
  const openLoad = [...new Set(wanted.filter((o) => o.load === 'open_leads').flatMap((o) => o.userIds))];
  const since = wanted.some((o) => o.weekly) ? periods.weekStartDay : periods.day;
  const none = sql`'[]'::json`;
  return sql`
    ${
      everyone.length
        ? sql`(SELECT coalesce(json_agg(json_build_object('user_id', av.user_id, 'paused', av.paused, 'working_hours', av.working_hours,
                  'out_of_office', av.out_of_office, 'updated_at', av.updated_at)), '[]'::json)
                 FROM agent_availability av WHERE av.workspace_id = ${workspaceId} AND av.user_id = ANY(${uuids(everyone)}))`
        : none
    } AS availability,
    ${
      counted.length
        ? sql`(SELECT coalesce(json_agg(json_build_object('user_id', c.user_id, 'rule_key', c.rule_key, 'day', c.day, 'n', c.n)), '[]'::json)
                 FROM assignment_counts c WHERE c.workspace_id = ${workspaceId} AND c.user_id = ANY(${uuids(counted)}) AND c.day >= ${since}::date AND c.n > 0)`
        : none
    } AS counts,
    ${
      openLoad.length
        ? sql`(SELECT coalesce(json_agg(json_build_object('user_id', o.user_id, 'n', greatest(o.n, 0))), '[]'::json)
                 FROM owner_open_leads o WHERE o.workspace_id = ${workspaceId} AND o.user_id = ANY(${uuids(openLoad)}))`
        : none
    } AS open`;
}

/** Each spec's members' state (availability, cap counts, load) from the columns of `groupStateColumns`. */
function parseGroupStates(
  workspaceId: string,
  specs: GroupSpec[],
  periods: Periods,
  row: { availability: unknown; counts: unknown; open: unknown } | undefined,
): Map<string, Map<string, GroupMemberState>> {
  const out = new Map<string, Map<string, GroupMemberState>>();
  for (const o of specs) out.set(o.ruleId, new Map());
  const availability = new Map(
    jsonRows<{ user_id: string; paused: boolean; working_hours: AvailabilityRow['workingHours']; out_of_office: AvailabilityRow['outOfOffice'] | null; updated_at: string }>(
      row?.availability,
    ).map((a) => [
      a.user_id,
      { workspaceId, userId: a.user_id, paused: Boolean(a.paused), workingHours: a.working_hours ?? null, outOfOffice: a.out_of_office ?? [], updatedAt: new Date(a.updated_at) },
    ]),
  );
  const counts = jsonRows<{ user_id: string; rule_key: string; day: string; n: number }>(row?.counts);
  const open = new Map(jsonRows<{ user_id: string; n: number | string }>(row?.open).map((o) => [o.user_id, Number(o.n)]));
  const sum = (pick: (c: (typeof counts)[number]) => boolean) => {
    const m = new Map<string, number>();
    for (const c of counts) if (pick(c)) m.set(c.user_id, (m.get(c.user_id) ?? 0) + Number(c.n));
    return m;
  };
  const receivedToday = sum((c) => c.day >= periods.day);
  for (const o of specs.filter((x) => x.userIds.length)) {
    const today = o.daily ? sum((c) => c.rule_key === o.ruleId && c.day >= periods.day) : new Map<string, number>();
    const week = o.weekly ? sum((c) => c.rule_key === o.ruleId && c.day >= periods.weekStartDay) : new Map<string, number>();
    const load = o.load === 'open_leads' ? open : o.load === 'received_today' ? receivedToday : new Map<string, number>();
    const states = out.get(o.ruleId)!;
    for (const userId of o.userIds) {
      states.set(userId, { availability: availability.get(userId) ?? null, today: today.get(userId) ?? 0, week: week.get(userId) ?? 0, load: load.get(userId) ?? 0 });
    }
  }
  return out;
}

function parsePointers(v: unknown): Map<string, RotationState> {
  const pointers = new Map<string, RotationState>();
  for (const r of jsonRows<{ rule_id: string; last_user_id: string | null; credits: Record<string, number> | null }>(v)) {
    pointers.set(r.rule_id, { lastUserId: r.last_user_id ?? null, credits: r.credits ?? {} });
  }
  return pointers;
}

/**
 * Several rules' rotation states, created on first use and locked until the transaction ends (an upsert that
 * touches a row takes its lock, as `SELECT … FOR UPDATE` would), in rule id order. ADR 011.
 */
function pointerUpsert(workspaceId: string, ruleIds: string[]): SQL {
  const ids = sql`ARRAY[${sql.join(ruleIds.map((id) => sql`${id}`), sql`, `)}]::uuid[]`;
  return sql`
    INSERT INTO distribution_pointers (rule_id, workspace_id)
    SELECT r.id, ${workspaceId}::uuid FROM distribution_rules r WHERE r.workspace_id = ${workspaceId} AND r.id = ANY(${ids})
    ORDER BY r.id
    ON CONFLICT (rule_id) DO UPDATE SET rule_id = EXCLUDED.rule_id
    WHERE distribution_pointers.workspace_id = ${workspaceId}
    RETURNING rule_id, last_user_id, credits`;
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

  /**
   * The hot path's set-up in one round trip: the workspace's distribution lock (taken when `lock`), its enabled
   * rules in priority order with their groups (as `rules()` gives them), its time zone and its lead custom field
   * definitions (what conditions compile against). The lock is taken by the same statement that reads the rules,
   * so they may predate a rule change committed while it waited: changes of rules are not serialised with
   * distribution anyway; the state that is (pointers, counts) is read after the lock by later statements.
   */
  async setup(tx: DbOrTx, workspaceId: string, lock: boolean): Promise<DistributionSetup> {
    type MemberJson = { user_id: string; name: string; position: number; weight: number; status: string | null };
    const [row] = rowsOf<{ locked: unknown; version: string | number | null; time_zone: string | null; fields: unknown; rules: unknown; cols: unknown }>(
      await tx.execute(sql`
        SELECT ${lock ? distributionLockSql(workspaceId) : sql`NULL`} AS locked,
          (SELECT v.version FROM distribution_versions v WHERE v.workspace_id = w.id) AS version,
          w.time_zone,
          (SELECT coalesce(json_agg(json_build_object('key', f.key, 'label', f.label, 'type', f.type, 'options', f.options)), '[]'::json)
             FROM custom_fields f WHERE f.workspace_id = w.id AND f.entity = 'lead' AND f.deleted_at IS NULL) AS fields,
          (SELECT coalesce(json_agg(to_jsonb(r) || jsonb_build_object('members', (
              SELECT coalesce(jsonb_agg(jsonb_build_object('user_id', m.user_id, 'name', u.name, 'position', m.position, 'weight', m.weight, 'status', ms.status)
                                        ORDER BY m.position), '[]'::jsonb)
                FROM distribution_rule_members m
                JOIN users u ON u.id = m.user_id
                LEFT JOIN memberships ms ON ms.workspace_id = m.workspace_id AND ms.user_id = m.user_id
               WHERE m.workspace_id = w.id AND m.rule_id = r.id)) ORDER BY r.priority), '[]'::json)
             FROM distribution_rules r WHERE r.workspace_id = w.id AND r.enabled) AS rules
        FROM workspaces w WHERE w.id = ${workspaceId}`),
    );
    const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
    const fields = json<LeadFieldDefinition[] | null>(row?.fields) ?? [];
    const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const rules = (json<Record<string, unknown>[] | null>(row?.rules) ?? []).map((r) => {
      const rule = Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'members').map(([k, v]) => [camel(k), v])) as Record<string, unknown>;
      rule.createdAt = new Date(rule.createdAt as string);
      rule.updatedAt = new Date(rule.updatedAt as string);
      const members = (r.members as MemberJson[] | null) ?? [];
      return {
        ...(rule as RuleRow),
        members: members.map((m) => ({ ruleId: rule.id as string, userId: m.user_id, name: m.name, position: m.position, weight: m.weight, active: m.status === 'active' })),
      };
    });
    return { version: Number(row?.version ?? 0), rules, timeZone: row?.time_zone ?? 'UTC', customFields: new Map(fields.map((f) => [f.key, f])) };
  },

  /** The workspace's distribution lock, alone (ADR 011): the statements after it see every earlier holder's commits. */
  async lock(tx: DbOrTx, workspaceId: string): Promise<void> {
    await tx.execute(sql`SELECT ${distributionLockSql(workspaceId)}`);
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

  async availability(tx: DbOrTx, workspaceId: string, userIds: string[]): Promise<Map<string, AvailabilityRow>> {
    if (!userIds.length) return new Map();
    const rows = await tx
      .select()
      .from(agentAvailability)
      .where(and(eq(agentAvailability.workspaceId, workspaceId), inArray(agentAvailability.userId, userIds)));
    return new Map(rows.map((r) => [r.userId, r]));
  },

  async activeMember(tx: DbOrTx, workspaceId: string, userId: string): Promise<{ id: string; name: string } | null> {
    const [row] = await tx
      .select({ id: users.id, name: users.name })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId), eq(memberships.status, 'active')));
    return row ?? null;
  },

  /**
   * For each of these leads, the active owner (id and name) of the oldest other lead of the same person (same
   * E.164 phone or email; leads of the batch itself do not count). One statement for the whole batch: the
   * batch's phones and emails go into the GIN indexes once (two bitmap scans, whatever the batch size — a scan
   * per lead re-reads the indexes' pending lists each time, which is slow while leads pour in), and each lead
   * takes the oldest match here.
   */
  async existingOwnerPersons(tx: DbOrTx, workspaceId: string, leadIds: string[]): Promise<Map<string, { id: string; name: string }>> {
    const out = new Map<string, { id: string; name: string }>();
    if (!leadIds.length) return out;
    const ids = sql`ARRAY[${sql.join(leadIds.map((id) => sql`${id}`), sql`, `)}]::uuid[]`;
    const fresh = rowsOf<{ id: string; phone_e164: string[]; emails: string[] }>(
      await tx.execute(sql`SELECT id, phone_e164, emails FROM leads WHERE workspace_id = ${workspaceId} AND id = ANY(${ids})`),
    );
    const phones = [...new Set(fresh.flatMap((r) => r.phone_e164 ?? []))];
    const emails = [...new Set(fresh.flatMap((r) => r.emails ?? []))];
    if (!phones.length && !emails.length) return out;
    // One probe of the GIN index per phone and per email (`@> ARRAY[key]`), then the leads found: with the thousands
    // of keys of an import batch, `phone_e164 && <keys> OR emails && <keys>` was planned as a scan of the workspace
    // comparing every lead's arrays with every key — 1.4 s per batch of 2,000 at 20,000 leads, growing with the
    // workspace (30 ms this way).
    const earlier = rowsOf<{ owner_id: string; name: string; phone_e164: string[]; emails: string[] }>(
      await tx.execute(sql`
        SELECT o.owner_id, u.name, o.phone_e164, o.emails FROM leads o
        JOIN memberships m ON m.workspace_id = o.workspace_id AND m.user_id = o.owner_id AND m.status = 'active'
        JOIN users u ON u.id = o.owner_id
        WHERE o.id IN (
            SELECT h.id FROM unnest(${sql.param(phones)}::text[]) AS k(key)
            CROSS JOIN LATERAL (SELECT l.id FROM leads l WHERE l.workspace_id = ${workspaceId} AND l.phone_e164 @> ARRAY[k.key]) h
            UNION
            SELECT h.id FROM unnest(${sql.param(emails)}::text[]) AS k(key)
            CROSS JOIN LATERAL (SELECT l.id FROM leads l WHERE l.workspace_id = ${workspaceId} AND l.emails @> ARRAY[k.key]) h)
          AND o.workspace_id = ${workspaceId} AND o.deleted_at IS NULL AND o.owner_id IS NOT NULL AND NOT (o.id = ANY(${ids}))
        ORDER BY o.created_at, o.id`),
    );
    for (const lead of fresh) {
      const p = new Set(lead.phone_e164 ?? []);
      const e = new Set(lead.emails ?? []);
      const hit = earlier.find((o) => (o.phone_e164 ?? []).some((x) => p.has(x)) || (o.emails ?? []).some((x) => e.has(x)));
      if (hit) out.set(lead.id, { id: hit.owner_id, name: hit.name });
    }
    return out;
  },



  /**
   * `groupStates` and `lockPointers` in one statement (a batch's prefetch): the pointers' upsert is a
   * data-modifying CTE of the statement that reads the groups' state.
   */
  async groupStatesAndPointers(
    tx: DbOrTx,
    workspaceId: string,
    specs: GroupSpec[],
    periods: Periods,
    lockRuleIds: string[],
  ): Promise<{ states: Map<string, Map<string, GroupMemberState>>; pointers: Map<string, RotationState> }> {
    if (!specs.some((o) => o.userIds.length) && !lockRuleIds.length) return { states: parseGroupStates(workspaceId, specs, periods, undefined), pointers: new Map() };
    const locked = lockRuleIds.length
      ? sql`WITH p AS (${pointerUpsert(workspaceId, lockRuleIds)})
        SELECT (SELECT coalesce(json_agg(json_build_object('rule_id', p.rule_id, 'last_user_id', p.last_user_id, 'credits', p.credits)), '[]'::json) FROM p) AS pointers,`
      : sql`SELECT`;
    const [row] = rowsOf<{ pointers?: unknown; availability: unknown; counts: unknown; open: unknown }>(
      await tx.execute(sql`${locked} ${groupStateColumns(workspaceId, specs, periods)}`),
    );
    return { states: parseGroupStates(workspaceId, specs, periods, row), pointers: parsePointers(row?.pointers) };
  },

  /**
   * The hot path's one read (ADR 025), after the workspace's distribution lock: the distribution version (is the
   * caller's cached setup current?), which of these leads are still unowned and live and which rules' compiled
   * conditions each meets (`null` conditions: a rule that matches nothing; an empty list: every lead), the pointers of `pointerRuleIds` (created on first use unless
   * `dryRun`; the lock serialises every writer of them), and the groups' state (as `groupStatesAndPointers`).
   */
  async decide(
    tx: DbOrTx,
    workspaceId: string,
    q: {
      leadIds: string[];
      rules: { id: string; conditions: SQL[] | null }[];
      specs: GroupSpec[];
      periods: Periods;
      pointerRuleIds: string[];
      dryRun: boolean;
      /** The leads are not stored yet: this statement yields them (a CTE named `leads` then stands for the table). */
      probe?: SQL;
    },
  ): Promise<{
    version: number;
    byLead: Map<string, Set<string>>;
    states: Map<string, Map<string, GroupMemberState>>;
    pointers: Map<string, RotationState>;
  }> {
    const ids = uuids(q.pointerRuleIds);
    const created = q.dryRun || !q.pointerRuleIds.length
      ? sql`SELECT NULL::uuid AS rule_id, NULL::uuid AS last_user_id, NULL::jsonb AS credits WHERE false`
      : sql`INSERT INTO distribution_pointers (rule_id, workspace_id)
            SELECT r.id, ${workspaceId}::uuid FROM distribution_rules r WHERE r.workspace_id = ${workspaceId} AND r.id = ANY(${ids}) ORDER BY r.id
            ON CONFLICT (rule_id) DO NOTHING
            RETURNING rule_id, last_user_id, credits`;
    const matches = q.rules.map((r) =>
      r.conditions === null ? sql`false` : r.conditions.length ? sql`coalesce((${and(...r.conditions)}), false)` : sql`true`,
    );
    const matched = sql`json_build_array(${leads.id}${matches.length ? sql`, ${sql.join(matches, sql`, `)}` : sql``})`;
    // Prepared per connection (ADR 029): its text is the same for every batch of a workspace at one rules version.
    const [row] = rowsOf<{ version: string | number | null; pointers: unknown; matched: unknown; availability: unknown; counts: unknown; open: unknown }>(
      await executePrepared(tx, sql`
        WITH ${q.probe ? sql`leads AS (${q.probe}), ` : sql``}created AS (${created})
        SELECT (SELECT v.version FROM distribution_versions v WHERE v.workspace_id = ${workspaceId}) AS version,
          (SELECT coalesce(json_agg(json_build_object('rule_id', p.rule_id, 'last_user_id', p.last_user_id, 'credits', p.credits)), '[]'::json)
             FROM (SELECT rule_id, last_user_id, credits FROM created
                   UNION ALL
                   SELECT rule_id, last_user_id, credits FROM distribution_pointers WHERE workspace_id = ${workspaceId} AND rule_id = ANY(${ids})) p) AS pointers,
          (SELECT coalesce(json_agg(${matched}), '[]'::json) FROM ${leads}
            WHERE ${and(eq(leads.workspaceId, workspaceId), sql`${leads.id} = ANY(${uuids(q.leadIds)})`, isNull(leads.ownerId), isNull(leads.deletedAt))}) AS matched,
          ${groupStateColumns(workspaceId, q.specs, q.periods)}`),
    );
    const byId = new Map(
      jsonRows<[string, ...boolean[]]>(row?.matched).map(([id, ...m]) => [id, new Set(q.rules.filter((_, i) => m[i] === true).map((r) => r.id))]),
    );
    const byLead = new Map<string, Set<string>>();
    for (const id of q.leadIds) {
      const m = byId.get(id);
      if (m && !byLead.has(id)) byLead.set(id, m);
    }
    return {
      version: Number(row?.version ?? 0),
      byLead,
      states: parseGroupStates(workspaceId, q.specs, q.periods, row),
      pointers: parsePointers(row?.pointers),
    };
  },

  /**
   * Several rules' rotation states, created on first use and locked until the transaction ends, in one statement
   * (an upsert that touches a row takes its lock, as `SELECT … FOR UPDATE` would). ADR 011.
   */
  async lockPointers(tx: DbOrTx, workspaceId: string, ruleIds: string[]): Promise<Map<string, RotationState>> {
    const out = new Map<string, RotationState>();
    if (!ruleIds.length) return out;
    const rows = rowsOf<{ rule_id: string; last_user_id: string | null; credits: Record<string, number> | null }>(await tx.execute(pointerUpsert(workspaceId, ruleIds)));
    for (const r of rows) out.set(r.rule_id, { lastUserId: r.last_user_id ?? null, credits: r.credits ?? {} });
    return out;
  },

  /** Several rules' rotation states written back, with how many leads each gave, in one statement. */
  async savePointers(tx: DbOrTx, workspaceId: string, saves: { ruleId: string; state: RotationState; picks: number }[], at: Date): Promise<void> {
    if (!saves.length) return;
    const values = sql.join(
      saves.map((p) => sql`(${p.ruleId}::uuid, ${p.state.lastUserId}::uuid, ${JSON.stringify(p.state.credits)}::jsonb, ${p.picks}::int)`),
      sql`, `,
    );
    await tx.execute(sql`
      UPDATE distribution_pointers p SET last_user_id = v.last_user_id, credits = v.credits, assigned_count = p.assigned_count + v.picks, updated_at = ${at.toISOString()}::timestamptz
      FROM (VALUES ${values}) AS v(rule_id, last_user_id, credits, picks)
      WHERE p.rule_id = v.rule_id AND p.workspace_id = ${workspaceId}`);
  },

  async otherRuleWithPriority(tx: DbOrTx, workspaceId: string, priority: number, exceptId: string | null): Promise<boolean> {
    const where = [eq(distributionRules.workspaceId, workspaceId), eq(distributionRules.priority, priority)];
    if (exceptId) where.push(ne(distributionRules.id, exceptId));
    return (await tx.select({ id: distributionRules.id }).from(distributionRules).where(and(...where))).length > 0;
  },
};
