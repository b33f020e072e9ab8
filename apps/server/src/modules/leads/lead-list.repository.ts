import { and, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database, Db, DbOrTx } from '../../platform/db/client.ts';
import { users } from '../accounts/accounts.table.ts';
import { pipelineStages, pipelines } from '../pipelines/pipelines.table.ts';
import { memberships } from '../workspaces/workspaces.table.ts';
import { marketingEvents } from '../marketing/marketing.table.ts';
import { leadDisplayName, leadSelection, type LeadRow, type LeadView } from './leads.mapper.ts';
import { leadContacts, leads } from './leads.table.ts';
import { sortKeyText, sortOrder, type CompiledSearch, type LeadCursor, type LeadSort } from './lead-query.ts';

/** Which leads a request may see: its workspace, live leads or the trash, and only its own without leads.view_all. */
export type LeadScope = { workspaceId: string; ownerId: string | null; trash: boolean };

export function scopeConditions(scope: LeadScope): SQL[] {
  const where = [eq(leads.workspaceId, scope.workspaceId), scope.trash ? isNotNull(leads.deletedAt) : isNull(leads.deletedAt)];
  if (scope.ownerId) where.push(eq(leads.ownerId, scope.ownerId));
  return where;
}

export type LeadPageRow = LeadRow & { sortKey: string | null };

/** One set-based bulk change: what to select per lead, how to update it, and what the timeline and audit log get. */
export type BulkChange = {
  workspaceId: string;
  actorId: string;
  ip: string | null;
  now: Date;
  /** Conditions on `leads`: scope, selection, and "would actually change". */
  where: SQL[];
  /** Extra columns of the `target` CTE, each `<expr> AS <name>`, for `set` to read. */
  columns?: SQL;
  /** The SET list (without version, updated_at and last_activity_at), reading `target.*`. */
  set: SQL;
  /** jsonb of the old and new values (audit), and the timeline entry's data, computed per lead before the update. */
  oldValues: SQL;
  newValues: SQL;
  activityData: SQL;
  activityType: string;
  auditAction: string;
};

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

export type SearchCaps = { exact: number; typo: number; typoWhenFewer: number };

// Pages read every column of the lead under its SQL name, plus the owner's and stage's names and the sort key, and
// are run as plain SQL (Database.query): the driver's own values (Date, arrays, parsed jsonb), one object per row,
// no ORM mapping per cell — that mapping was a quarter of a list request's CPU and half an export's.
const VIEW_COLUMNS = Object.entries(leadSelection.lead).map(([key, column]) => [key, column.name] as const);
const PAGE_FIELDS = {
  ...leadSelection.lead,
  ownerName: sql<string | null>`${users.name}`.as('owner_name'),
  stageName: sql<string | null>`${pipelineStages.name}`.as('stage_name'),
  stageKind: sql<string | null>`${pipelineStages.kind}`.as('stage_kind'),
  stageStatus: sql<string | null>`${pipelineStages.status}`.as('stage_status'),
};

function pageRow(r: Record<string, unknown>): LeadPageRow {
  const lead: Record<string, unknown> = {};
  for (const [key, name] of VIEW_COLUMNS) lead[key] = r[name];
  return {
    lead: lead as LeadView,
    ownerName: r.owner_name as string | null,
    stageName: r.stage_name as string | null,
    stageKind: r.stage_kind as LeadPageRow['stageKind'],
    stageStatus: r.stage_status as LeadPageRow['stageStatus'],
    sortKey: r.sort_key as string | null,
  };
}

/** The statement of one keyset page; a builder, so the benchmarks run the very SQL the app sends (`.toSQL()`). */
export function leadPageQuery(db: Db, where: SQL[], sort: LeadSort, limit: number) {
  return db
    .select({ ...PAGE_FIELDS, sortKey: sql<string | null>`${sortKeyText(sort)}`.as('sort_key') })
    .from(leads)
    .leftJoin(users, eq(users.id, leads.ownerId))
    .leftJoin(pipelineStages, eq(pipelineStages.id, leads.stageId))
    .where(and(...where))
    .orderBy(...sortOrder(sort))
    .limit(limit);
}

/**
 * A page of a search in relevance order, ranked within a bounded set of candidates so its cost does not grow with
 * the number of matches: the first `caps.exact` exact matches the trigram indexes find, and — only when there are
 * fewer than `caps.typoWhenFewer` of them — up to `caps.typo` typo matches. `where` is the scope and filters; the
 * cursor continues within the same candidates. Only the page's rows are joined to their lead, owner and stage.
 */
export function searchPageQuery(
  db: Db,
  where: SQL[],
  search: CompiledSearch,
  dir: 'asc' | 'desc',
  cursor: LeadCursor | null,
  limit: number,
  caps: SearchCaps,
) {
  const base = and(...where);
  const n = (x: number) => sql.raw(String(Math.trunc(x)));
  const typo = search.typo
    ? sql` UNION ALL (SELECT ${leads.id} AS id, ${search.rank} AS rank FROM ${leads}
        WHERE ${base} AND ${search.typo} AND NOT ${search.exact} AND (SELECT count(*) FROM exact) < ${n(caps.typoWhenFewer)}
        LIMIT ${n(caps.typo)})`
    : sql``;
  const order = sql.raw(dir === 'desc' ? 'DESC' : 'ASC');
  const after = cursor ? sql`WHERE (hits.rank, hits.id) ${sql.raw(dir === 'desc' ? '<' : '>')} (${cursor.value}::int, ${cursor.id}::uuid)` : sql``;
  const hits = sql`(
    WITH exact AS (SELECT ${leads.id} AS id, ${search.rank} AS rank FROM ${leads} WHERE ${base} AND ${search.exact} LIMIT ${n(caps.exact)})
    SELECT hits.id, hits.rank FROM (SELECT id, rank FROM exact${typo}) AS hits ${after}
    ORDER BY hits.rank ${order}, hits.id ${order} LIMIT ${n(limit)}
  ) AS hits`;
  return db
    .select({ ...PAGE_FIELDS, sortKey: sql<string>`hits.rank::text`.as('sort_key') })
    .from(hits)
    .innerJoin(leads, sql`${leads.id} = hits.id`)
    .leftJoin(users, eq(users.id, leads.ownerId))
    .leftJoin(pipelineStages, eq(pipelineStages.id, leads.stageId))
    .orderBy(sql`hits.rank ${order}`, sql`hits.id ${order}`);
}

export function createLeadListRepository(db: Db, database: Pick<Database, 'query'>) {
  async function pageOf(query: { toSQL(): { sql: string; params: unknown[] } }): Promise<LeadPageRow[]> {
    const { sql: text, params } = query.toSQL();
    return (await database.query<Record<string, unknown>>(text, params)).rows.map(pageRow);
  }

  async function applyBulkChangeReturningIds(tx: DbOrTx, change: BulkChange): Promise<string[]> {
    const now = sql`${change.now.toISOString()}::timestamptz`;
    const ws = sql`${change.workspaceId}::uuid`;
    const actor = sql`${change.actorId}::uuid`;
    // Compiling this statement (JIT) costs more than it saves, even for 10,000 leads.
    await tx.execute(sql`SET LOCAL jit = off`);
    const result = await tx.execute(sql`
      WITH target AS (
        SELECT ${leads.id} AS id,
               ${change.oldValues} AS old_values,
               ${change.newValues} AS new_values,
               ${change.activityData} AS activity_data
               ${change.columns ? sql`, ${change.columns}` : sql``}
        FROM ${leads}
        WHERE ${and(...change.where)}
        FOR UPDATE
      ), changed AS (
        UPDATE ${leads} SET ${change.set}, version = ${leads.version} + 1, updated_at = ${now}, last_activity_at = ${now}
        FROM target
        WHERE ${leads.id} = target.id
        RETURNING target.id, target.old_values, target.new_values, target.activity_data
      ), timeline AS (
        INSERT INTO activities (workspace_id, lead_id, type, actor_id, data, created_at)
        SELECT ${ws}, changed.id, ${change.activityType}, ${actor}, changed.activity_data, ${now} FROM changed
      ), audit AS (
        INSERT INTO audit_log (workspace_id, actor_id, action, entity_type, entity_id, old_values, new_values, ip, created_at)
        SELECT ${ws}, ${actor}, ${change.auditAction}, 'lead', changed.id::text, changed.old_values, changed.new_values, ${change.ip}, ${now}
        FROM changed
      )
      SELECT changed.id::text AS id FROM changed
    `);
    return rowsOf<{ id: string }>(result).map((r) => r.id);
  }

  return {
    /** One keyset page (limit + 1 rows tell whether there is a next page). */
    async listPage(where: SQL[], sort: LeadSort, limit: number): Promise<LeadPageRow[]> {
      return pageOf(leadPageQuery(db, where, sort, limit));
    },

    async searchPage(where: SQL[], search: CompiledSearch, dir: 'asc' | 'desc', cursor: LeadCursor | null, limit: number, caps: SearchCaps): Promise<LeadPageRow[]> {
      return pageOf(searchPageQuery(db, where, search, dir, cursor, limit, caps));
    },

    /** Counts matching leads but reads at most `cap + 1` of them. */
    async countUpTo(where: SQL[], cap: number): Promise<number> {
      const matching = db
        .select({ one: sql`1`.as('one') })
        .from(leads)
        .where(and(...where))
        .limit(cap + 1)
        .as('matching');
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(matching);
      return row?.n ?? 0;
    },

    async activeMemberName(workspaceId: string, userId: string): Promise<string | undefined> {
      const [row] = await db
        .select({ name: users.name })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId), eq(memberships.status, 'active')));
      return row?.name;
    },

    async findStage(workspaceId: string, stageId: string) {
      const [row] = await db
        .select({ id: pipelineStages.id, name: pipelineStages.name, pipelineId: pipelineStages.pipelineId, archivedAt: pipelineStages.archivedAt, kind: pipelineStages.kind })
        .from(pipelineStages)
        .where(and(eq(pipelineStages.workspaceId, workspaceId), eq(pipelineStages.id, stageId)));
      return row;
    },

    /** Pipeline names of a workspace (exports). */
    async pipelineNames(workspaceId: string): Promise<Map<string, string>> {
      const rows = await db.select({ id: pipelines.id, name: pipelines.name }).from(pipelines).where(eq(pipelines.workspaceId, workspaceId));
      return new Map(rows.map((r) => [r.id, r.name]));
    },

    /** Marketing event names (the event column of exports). */
    async eventNames(workspaceId: string): Promise<Map<string, string>> {
      const rows = await db.select({ id: marketingEvents.id, name: marketingEvents.name }).from(marketingEvents).where(eq(marketingEvents.workspaceId, workspaceId));
      return new Map(rows.map((r) => [r.id, r.name]));
    },

    /** Names of the clients and contacts that referred someone (the referrer columns of exports). */
    async referrerNames(workspaceId: string): Promise<Map<string, string>> {
      const referred = (column: typeof leads.referredByLeadId | typeof leads.referredByContactId) =>
        sql`(SELECT ${column} FROM ${leads} WHERE ${leads.workspaceId} = ${workspaceId} AND ${column} IS NOT NULL)`;
      const people = await db
        .select({ id: leads.id, firstName: leads.firstName, lastName: leads.lastName, company: leads.company })
        .from(leads)
        .where(and(eq(leads.workspaceId, workspaceId), sql`${leads.id} IN ${referred(leads.referredByLeadId)}`));
      const contacts = await db
        .select({ id: leadContacts.id, name: leadContacts.name })
        .from(leadContacts)
        .where(and(eq(leadContacts.workspaceId, workspaceId), sql`${leadContacts.id} IN ${referred(leads.referredByContactId)}`));
      return new Map([
        ...people.map((r): [string, string] => [r.id, leadDisplayName(r)]),
        ...contacts.map((r): [string, string] => [r.id, r.name]),
      ]);
    },

    /** Names of everyone who is or was let into the workspace (user fields in exports). */
    async memberNames(workspaceId: string): Promise<Map<string, string>> {
      const rows = await db
        .select({ id: users.id, name: users.name })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(eq(memberships.workspaceId, workspaceId));
      return new Map(rows.map((r) => [r.id, r.name]));
    },

    /**
     * Updates every matching lead in one statement: locks the targets, updates them (version + 1), and writes one
     * timeline entry and one audit entry per lead with INSERT … SELECT. Returns how many leads changed.
     */
    async applyBulkChange(tx: DbOrTx, change: BulkChange): Promise<number> {
      return (await applyBulkChangeReturningIds(tx, change)).length;
    },

    /** `applyBulkChange`, returning the ids of the leads that changed. */
    applyBulkChangeReturningIds,

  };
}

export type LeadListRepository = ReturnType<typeof createLeadListRepository>;
