/**
 * The bench fixtures (which agents, stages, leads and fragments to ask for) and, for every read scenario, the
 * API request and the SQL the app sends for it. List, search and lead-detail SQL is built by the app's own query
 * compiler and repository builders on a Drizzle mock (`.toSQL()`), so it cannot drift from what the server runs;
 * the timeline, bulk and export statements are written out below (keep them in step with leads.repository.ts and
 * lead-list.repository.ts). EXPLAIN plans are in the JSON results.
 */
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { LeadFilter } from '@leadflow/shared/leads';
import { leadPageQuery, scopeConditions, searchPageQuery } from '../../apps/server/src/modules/leads/lead-list.repository.ts';
import { SEARCH_CANDIDATES } from '../../apps/server/src/modules/leads/lead-list.service.ts';
import {
  compileLeadFilters,
  compileLeadSearch,
  keyedPart,
  resolveLeadSort,
  type LeadCursor,
  type LeadFieldDefinition,
  type LeadQueryContext,
} from '../../apps/server/src/modules/leads/lead-query.ts';
import { leadWithContactsQuery } from '../../apps/server/src/modules/leads/leads.repository.ts';
import type { Db } from '../../apps/server/src/platform/db/client.ts';
import type { GenerationInfo } from '../generate.ts';
import type { SqlConn } from './sql.ts';

export type Fixtures = {
  workspaceId: string;
  agentIds: string[];
  stageIds: string[];
  nameFragments: string[];
  surnameFragments: string[];
  emailFragments: string[];
  phoneFragments: string[];
  timelineLeadIds: string[];
  /** Leads of the big workspace, newest first, for the lead-detail scenario. */
  detailLeadIds: string[];
  exportCutoff: string;
  exportRows: number;
  /** The workspace owner, who the harness signs in as (the `me` of filters). */
  ownerId: string;
  /** The workspace's custom field definitions, as the app loads them for a query. */
  customFields: LeadFieldDefinition[];
};

type Sample = { first_name: string | null; last_name: string | null; email: string | null; e164: string | null };

export async function loadFixtures(conn: SqlConn, info: GenerationInfo, exportRows: number): Promise<Fixtures> {
  const ws = info.bigWorkspaceId;
  const pct = Math.min(100, (20_000 / Math.max(1, info.leads)) * 100);
  const sample = await conn.query<Sample>(
    `SELECT first_name, last_name, emails[1] AS email, phone_e164[1] AS e164
       FROM leads TABLESAMPLE BERNOULLI (${pct.toFixed(4)}) REPEATABLE (42)
      WHERE workspace_id = $1 AND deleted_at IS NULL AND first_name IS NOT NULL AND last_name IS NOT NULL
      LIMIT 60`,
    [ws],
  );
  const rows = sample.rows;
  const lower = (s: string) => s.toLowerCase();
  const nameFragments = rows.map((r) => lower(`${r.first_name} ${r.last_name!.slice(0, 4)}`));
  const surnameFragments = [...new Set(rows.map((r) => lower(r.last_name!.slice(0, 6))))];
  const emailFragments = rows.filter((r) => r.email).map((r) => r.email!.split('@')[0]!.slice(0, -2));
  const phoneFragments = rows
    .filter((r) => r.e164)
    .map((r) => {
      const e = r.e164!;
      // What someone types: the number without country and area code, with the usual dash.
      if (e.startsWith('+55')) return `${e.slice(5, 10)}-${e.slice(10)}`;
      return `${e.slice(5, 8)}-${e.slice(8)}`;
    });
  const detail = await conn.query<{ id: string }>(
    `SELECT id FROM leads WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY hashtext(id::text) LIMIT 200`,
    [ws],
  );
  const n = Math.min(exportRows, info.leads);
  const cutoff = await conn.query<{ created_at: Date | string }>(
    `SELECT created_at FROM leads WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY created_at DESC NULLS LAST, id DESC NULLS LAST OFFSET $2 LIMIT 1`,
    [ws, n - 1],
  );
  const fields = await conn.query<LeadFieldDefinition>(
    `SELECT key, label, type, options FROM custom_fields WHERE workspace_id = $1 AND entity = 'lead' AND deleted_at IS NULL ORDER BY position`,
    [ws],
  );
  return {
    workspaceId: ws,
    agentIds: info.agentIds,
    stageIds: info.stageIds,
    nameFragments,
    surnameFragments,
    emailFragments,
    phoneFragments,
    timelineLeadIds: info.timelineLeadIds,
    detailLeadIds: detail.rows.map((r) => r.id),
    exportCutoff: new Date(cutoff.rows[0]!.created_at).toISOString(),
    exportRows: n,
    ownerId: info.ownerId,
    customFields: fields.rows,
  };
}

/** One statement as sent: its text and parameters for iteration i. */
export type Statement = { text: string; params: unknown[] };

/** A read scenario: the API request for iteration i and the SQL the app sends for it. */
export type ReadScenario = {
  name: string;
  group: 'baseline' | 'list' | 'search' | 'lead page';
  /** The target for the API p95, in ms. */
  targetP95Ms?: number;
  description: string;
  api: (i: number) => string[];
  sql?: ((i: number) => Statement)[];
};

const pick = <T>(xs: T[], i: number): T => xs[i % xs.length]!;
const listUrl = (query: unknown, limit = 50) => `/api/v1/leads?query=${encodeURIComponent(JSON.stringify(query))}&limit=${limit}`;

// ---------------------------------------------------------------------------------------------------------------
// The app's SQL, built by its own compiler and repository on a Drizzle mock

const mockDb = drizzle.mock() as unknown as Db;
const PAGE = 51; // a page of 50 and one more to know whether there is a next one

/** What a query of the owner compiles against: the workspace's custom fields (generate.ts creates them). */
function benchContext(f: Fixtures): LeadQueryContext {
  return { userId: f.ownerId, timeZone: 'UTC', now: new Date(), customFields: new Map(f.customFields.map((d) => [d.key, d])) };
}

function statement(q: { toSQL(): { sql: string; params: unknown[] } }): Statement {
  const { sql, params } = q.toSQL();
  return { text: sql, params };
}

/** GET /leads for the owner (leads.view_all): scope, filters, and the first page along the sort. */
function listStatement(f: Fixtures, filters: LeadFilter[], sort: { field: string; dir: 'asc' | 'desc' }, cursor: LeadCursor | null = null, limit = PAGE): Statement {
  const ctx = benchContext(f);
  const s = resolveLeadSort(sort, ctx, null);
  const where: SQL[] = [...scopeConditions({ workspaceId: f.workspaceId, ownerId: null, trash: false }), ...compileLeadFilters(filters, ctx), ...keyedPart(s, cursor)!];
  return statement(leadPageQuery(mockDb, where, s, limit));
}

/** GET /leads?q=… without a sort: the relevance page over bounded candidates (lead-list.service.ts list). */
function searchStatement(f: Fixtures, q: string): Statement {
  const search = compileLeadSearch(q)!;
  const where = scopeConditions({ workspaceId: f.workspaceId, ownerId: null, trash: false });
  return statement(searchPageQuery(mockDb, where, search, 'desc', null, PAGE, SEARCH_CANDIDATES));
}

/** GET /leads/:id: the lead with its owner, stage and contacts in one statement (leads.repository.ts). */
function detailStatements(f: Fixtures): ((i: number) => Statement)[] {
  const scope = { workspaceId: f.workspaceId, onlyOwnerId: null };
  return [memo(f.timelineLeadIds, (id) => statement(leadWithContactsQuery(mockDb, scope, id)))];
}

/** GET /leads/:id/timeline: may the caller see the lead, then the first page (leads.repository.ts listTimeline). */
function timelineStatements(f: Fixtures): ((i: number) => Statement)[] {
  return [
    (i) => ({ text: `SELECT id FROM leads WHERE workspace_id = $1 AND id = $2`, params: [f.workspaceId, pick(f.timelineLeadIds, i)] }),
    (i) => ({
      text: `SELECT a.*, u.name AS actor_name FROM activities a LEFT JOIN users u ON u.id = a.actor_id
              WHERE a.workspace_id = $1 AND a.lead_id = $2 ORDER BY a.id DESC NULLS LAST LIMIT 51`,
      params: [f.workspaceId, pick(f.timelineLeadIds, i)],
    }),
  ];
}

/** Statements built once per distinct value (not inside the timed loop). */
function memo<T>(values: T[], build: (v: T) => Statement): (i: number) => Statement {
  const built = values.map(build);
  return (i) => pick(built, i);
}

/** One keyset batch of an export (lead-list.service.ts batches(): 2,000 rows a query, no OFFSET). */
export const EXPORT_BATCH = 2000;
export function exportBatchStatement(f: Fixtures, cursor: LeadCursor | null): Statement {
  return listStatement(f, [{ field: 'createdAt', op: 'gte', value: f.exportCutoff }], { field: 'createdAt', dir: 'desc' }, cursor, EXPORT_BATCH);
}

export function readScenarios(f: Fixtures): ReadScenario[] {
  const [sNew, sContacted, sQualified] = f.stageIds;
  const newest = { field: 'createdAt', dir: 'desc' as const };
  const openStages = [sNew!, sContacted!, sQualified!];
  return [
    {
      name: 'me (auth only)',
      group: 'baseline',
      description: 'GET /api/v1/me: session, membership and permissions, no lead data. The floor of every API request.',
      api: () => ['/api/v1/me'],
    },
    {
      name: 'list: all, newest',
      group: 'list',
      targetP95Ms: 20,
      description: 'First page of 50, no filter, newest first (the default lead list).',
      api: () => [listUrl({ filters: [], sort: newest })],
      sql: [memo([0], () => listStatement(f, [], newest))],
    },
    {
      name: 'list: owner',
      group: 'list',
      targetP95Ms: 20,
      description: 'First page of 50, filter ownerId = one of 50 agents (rotating), newest first.',
      api: (i) => [listUrl({ filters: [{ field: 'ownerId', op: 'eq', value: pick(f.agentIds, i) }], sort: newest })],
      sql: [memo(f.agentIds, (id) => listStatement(f, [{ field: 'ownerId', op: 'eq', value: id }], newest))],
    },
    {
      name: 'list: stage + source',
      group: 'list',
      targetP95Ms: 20,
      description: 'First page of 50, filter stageId = one of 3 open stages and source in (facebook, instagram), newest first.',
      api: (i) => [
        listUrl({
          filters: [
            { field: 'stageId', op: 'eq', value: pick(openStages, i) },
            { field: 'source', op: 'in', value: ['facebook', 'instagram'] },
          ],
          sort: newest,
        }),
      ],
      sql: [
        memo(openStages, (stage) =>
          listStatement(
            f,
            [
              { field: 'stageId', op: 'eq', value: stage },
              { field: 'source', op: 'in', value: ['facebook', 'instagram'] },
            ],
            newest,
          ),
        ),
      ],
    },
    {
      name: 'list: custom fields',
      group: 'list',
      targetP95Ms: 20,
      description: 'First page of 50, filter custom.property_type = house and custom.budget >= 500,000, newest first.',
      api: () => [
        listUrl({
          filters: [
            { field: 'custom.property_type', op: 'eq', value: 'house' },
            { field: 'custom.budget', op: 'gte', value: 500000 },
          ],
          sort: newest,
        }),
      ],
      sql: [
        memo([0], () =>
          listStatement(
            f,
            [
              { field: 'custom.property_type', op: 'eq', value: 'house' },
              { field: 'custom.budget', op: 'gte', value: 500000 },
            ],
            newest,
          ),
        ),
      ],
    },
    {
      name: 'list: stage, by score',
      group: 'list',
      targetP95Ms: 20,
      description: 'First page of 50, filter stageId = Qualified, sorted by score, highest first (leads_ws_score_idx).',
      api: () => [listUrl({ filters: [{ field: 'stageId', op: 'eq', value: sQualified }], sort: { field: 'score', dir: 'desc' } })],
      sql: [memo([0], () => listStatement(f, [{ field: 'stageId', op: 'eq', value: sQualified }], { field: 'score', dir: 'desc' }))],
    },
    ...(
      [
        ['search: name', 'first name + start of last name, e.g. "maria silv"', f.nameFragments],
        ['search: surname', 'a common surname fragment, e.g. "olivei" (thousands of matches)', f.surnameFragments],
        ['search: email', 'the local part of an email minus its last 2 characters', f.emailFragments],
        ['search: phone', 'the number without country and area code as typed, e.g. "98765-4321"', f.phoneFragments],
      ] as const
    ).map(
      ([name, what, fragments]): ReadScenario => ({
        name,
        group: 'search',
        targetP95Ms: 40,
        description: `q = ${what}, no sort (best matches first, as the search box asks); first page of 50.`,
        api: (i) => [listUrl({ q: pick(fragments, i) })],
        sql: [memo(fragments, (q) => searchStatement(f, q))],
      }),
    ),
    {
      name: 'lead: detail',
      group: 'lead page',
      targetP95Ms: 20,
      description: 'GET /api/v1/leads/:id of one of the 100 leads with 200 activities.',
      api: (i) => [`/api/v1/leads/${pick(f.timelineLeadIds, i)}`],
      sql: detailStatements(f),
    },
    {
      name: 'lead: timeline',
      group: 'lead page',
      targetP95Ms: 20,
      description: 'GET /api/v1/leads/:id/timeline (first page of 50) of a lead with 200 activities.',
      api: (i) => [`/api/v1/leads/${pick(f.timelineLeadIds, i)}/timeline`],
      sql: timelineStatements(f),
    },
    {
      name: 'lead page (both)',
      group: 'lead page',
      targetP95Ms: 20,
      description: 'What opening a lead costs: detail and timeline requested together (as the web app does).',
      api: (i) => [`/api/v1/leads/${pick(f.timelineLeadIds, i)}`, `/api/v1/leads/${pick(f.timelineLeadIds, i)}/timeline`],
    },
  ];
}

/**
 * Bulk assign as lead-list.repository.ts applyBulkChange runs it: lock the targets, update them (version + 1), one
 * timeline entry and one audit entry per changed lead. $1 new owner, $2 their name, $3 workspace, $4 actor, $5 the
 * members' names (jsonb id → name), then the selection ($6 ids, or $6/$7 a created-at range). The caller runs it
 * after `SET LOCAL jit = off`, as the app does, and rolls it back.
 */
function bulkAssignSql(selection: string): string {
  return `WITH target AS (
    SELECT l.id AS id, jsonb_build_object('ownerId', l.owner_id) AS old_values, jsonb_build_object('ownerId', $1::uuid) AS new_values,
      jsonb_build_object(
        'from', CASE WHEN l.owner_id IS NOT NULL THEN jsonb_build_object('id', l.owner_id,
          'name', coalesce($5::jsonb ->> l.owner_id::text, 'Former member')) END,
        'to', jsonb_build_object('id', $1::uuid, 'name', $2::text),
        'bulk', true) AS activity_data
    FROM leads l
    WHERE l.workspace_id = $3 AND l.deleted_at IS NULL AND ${selection} AND l.owner_id IS DISTINCT FROM $1::uuid
    FOR UPDATE
  ), changed AS (
    UPDATE leads SET owner_id = $1::uuid, version = leads.version + 1, updated_at = now(), last_activity_at = now()
    FROM target WHERE leads.id = target.id
    RETURNING target.id, target.old_values, target.new_values, target.activity_data
  ), timeline AS (
    INSERT INTO activities (workspace_id, lead_id, type, actor_id, data, created_at)
    SELECT $3::uuid, changed.id, 'owner_changed', $4::uuid, changed.activity_data, now() FROM changed
  ), audit AS (
    INSERT INTO audit_log (workspace_id, actor_id, action, entity_type, entity_id, old_values, new_values, ip, created_at)
    SELECT $3::uuid, $4::uuid, 'lead.bulk_assign', 'lead', changed.id::text, changed.old_values, changed.new_values, NULL, now() FROM changed
  )
  SELECT count(*)::int AS affected FROM changed`;
}
export const BULK_ASSIGN_BY_IDS_SQL = bulkAssignSql('l.id = ANY($6::uuid[])');
export const BULK_ASSIGN_BY_RANGE_SQL = bulkAssignSql('l.created_at >= $6::timestamptz AND l.created_at <= $7::timestamptz');
