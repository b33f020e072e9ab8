import { sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { ANNOUNCE_EACH_ASSIGNMENT_UP_TO } from '@leadflow/shared/distribution';
import type { bulkActionRequest, LeadQuery } from '@leadflow/shared/leads';
import type { Permission } from '@leadflow/shared/permissions';
import { writeAudit } from '../../platform/audit/audit.ts';
import { forbidden, invalid } from '../../platform/errors.ts';
import type { Download } from '../../platform/http/download.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import { createCustomFieldsService } from '../custom-fields/custom-fields.service.ts';
import { recordBulkManualAssignment, withdrawOpenOffers } from '../distribution/distribution.assign.ts';
import { resolveStageRules } from '../pipelines/stage-rules.ts';
import { queueLeadsChanged } from '../cadences/cadence-jobs.ts';
import { toLead, type LeadRow } from './leads.mapper.ts';
import { leads } from './leads.table.ts';
import { buildExportColumns, csvStream, DEFAULT_EXPORT_COLUMNS, xlsxStream } from './lead-export.ts';
import { createLeadListRepository, scopeConditions, type BulkChange, type LeadPageRow, type LeadScope } from './lead-list.repository.ts';
import {
  checkColumns,
  compileLeadFilters,
  compileLeadSearch,
  dayInZone,
  decodeCursor,
  encodeCursor,
  keyedPart,
  nullPart,
  parseLeadQueryParam,
  pgArrayLiteral,
  relevanceSort,
  resolveLeadSort,
  searchCondition,
  trashSort,
  TYPO_WHEN_FEWER_THAN,
  usesCustomFields,
  type CompiledSearch,
  type LeadCursor,
  type LeadFieldDefinition,
  type LeadQueryContext,
  type LeadSort,
} from './lead-query.ts';

/** A member acting on lead lists; date filters and exports use the workspace's time zone. */
export type LeadListActor = Actor & { timeZone: string };

export type LeadListParams = { query?: string | undefined; cursor?: string | undefined; limit: number; trash?: 'true' | 'false' | undefined };
export type LeadExportParams = { query?: string | undefined; columns?: string | undefined; format: 'csv' | 'xlsx' };
export type BulkActionRequest = z.infer<typeof bulkActionRequest>;

/** Counts stop here: beyond it the list shows "10,000+" instead of scanning every lead. */
export const COUNT_CAP = 10_000;
const EXPORT_BATCH = 2_000;
/**
 * Relevance ranks the first 200 exact matches the trigram indexes return (and up to 100 typo matches when exact ones
 * are few), so a common surname costs about what a rare one does. Sorting by a field pages through every match.
 */
export const SEARCH_CANDIDATES = { exact: 200, typo: 100, typoWhenFewer: TYPO_WHEN_FEWER_THAN };

const isoUtc = (col: SQL) => sql`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** What the audit log keeps of a deleted lead, in the shape single deletes write. */
const leadSnapshot = sql`jsonb_build_object(
  'firstName', ${leads.firstName}, 'lastName', ${leads.lastName}, 'company', ${leads.company},
  'phones', ${leads.phones}, 'emails', to_jsonb(${leads.emails}), 'source', ${leads.source}, 'campaign', ${leads.campaign},
  'city', ${leads.city}, 'state', ${leads.state}, 'country', ${leads.country}, 'zip', ${leads.zip}, 'timeZone', ${leads.timeZone}, 'language', ${leads.language},
  'tags', to_jsonb(${leads.tags}), 'score', ${leads.score}, 'nextFollowUpAt', ${isoUtc(sql`${leads.nextFollowUpAt}`)},
  'lostReason', ${leads.lostReason}, 'ownerId', ${leads.ownerId}, 'pipelineId', ${leads.pipelineId}, 'stageId', ${leads.stageId},
  'custom', ${leads.custom}, 'origin', ${leads.origin}, 'externalId', ${leads.externalId})`;


const BULK_PERMISSION: Record<BulkActionRequest['action']['type'], Permission> = {
  assign: 'leads.assign',
  set_stage: 'leads.edit',
  add_tags: 'leads.edit',
  remove_tags: 'leads.edit',
  delete: 'leads.delete',
};

export function createLeadListService(deps: AppDeps) {
  const db = deps.database.db;
  const repo = createLeadListRepository(db, deps.database);
  const customFieldsService = createCustomFieldsService(deps);

  /**
   * After a manager's bulk change of owner: the new owner hears about each lead (`lead.assigned`, reason manual)
   * when there are a few, or once about all of them (`leads.bulk_assigned` with the count) — nobody wants a
   * thousand toasts. The leads are the ones this change recorded in the assignment history.
   */
  async function announceBulkAssignment(actor: Actor, ownerId: string, at: Date): Promise<void> {
    const rows = (
      await deps.database.query<{ lead_id: string; from_user_id: string | null }>(
        `SELECT lead_id, from_user_id FROM assignments
          WHERE workspace_id = $1 AND by_user_id = $2 AND to_user_id = $3 AND reason = 'manual' AND at = $4
            AND from_user_id IS DISTINCT FROM to_user_id
          LIMIT ${ANNOUNCE_EACH_ASSIGNMENT_UP_TO + 1}`,
        [actor.workspaceId, actor.userId, ownerId, at.toISOString()],
      )
    ).rows;
    if (!rows.length) return;
    const audience = { userIds: [ownerId], permission: 'leads.view_all' as const };
    const events =
      rows.length <= ANNOUNCE_EACH_ASSIGNMENT_UP_TO
        ? rows.map((r) => ({
            workspaceId: actor.workspaceId,
            type: 'lead.assigned',
            data: { leadId: r.lead_id, ownerId, ruleId: null, reason: 'manual', fromUserId: r.from_user_id, byUserId: actor.userId },
            audience,
          }))
        : [
            {
              workspaceId: actor.workspaceId,
              type: 'leads.bulk_assigned',
              data: {
                ownerId,
                byUserId: actor.userId,
                at: at.toISOString(),
                count: Number(
                  (
                    await deps.database.query<{ n: string }>(
                      `SELECT count(*) AS n FROM assignments WHERE workspace_id = $1 AND by_user_id = $2 AND to_user_id = $3 AND reason = 'manual' AND at = $4 AND from_user_id IS DISTINCT FROM to_user_id`,
                      [actor.workspaceId, actor.userId, ownerId, at.toISOString()],
                    )
                  ).rows[0]!.n,
                ),
              },
              audience,
            },
          ];
    await deps.events.publishMany(events).catch(() => undefined);
  }

  async function activeCustomFields(workspaceId: string): Promise<Map<string, LeadFieldDefinition>> {
    const defs = await customFieldsService.definitionsForValues(workspaceId);
    return new Map(defs.filter((d) => !d.deletedAt).map((d) => [d.key, d]));
  }

  async function contextFor(actor: LeadListActor, loadCustomFields: boolean, path?: string): Promise<LeadQueryContext> {
    return {
      userId: actor.userId,
      timeZone: actor.timeZone,
      now: deps.now(),
      customFields: loadCustomFields ? await activeCustomFields(actor.workspaceId) : new Map(),
      ...(path ? { path } : {}),
    };
  }

  /** The record-level rule lives here, in the SQL of every read and write: without leads.view_all, own leads only. */
  function scopeOf(actor: LeadListActor, trash: boolean): LeadScope {
    if (trash && !actor.permissions.has('trash.manage')) throw forbidden('Your role does not allow this (trash.manage)');
    return { workspaceId: actor.workspaceId, ownerId: actor.permissions.has('leads.view_all') ? null : actor.userId, trash };
  }

  /** A query's filters, search and sort; `matching` turns them into the conditions of the leads it matches. */
  type Compiled = { filters: SQL[]; search: CompiledSearch | null; sort: LeadSort; ctx: LeadQueryContext };

  async function compile(
    actor: LeadListActor,
    query: LeadQuery,
    opts: { sortGiven: boolean; trash: boolean; path?: string; columns?: readonly string[]; loadCustomFields?: boolean },
  ): Promise<Compiled> {
    const ctx = await contextFor(actor, opts.loadCustomFields || usesCustomFields(query, opts.columns), opts.path);
    const filters = compileLeadFilters(query.filters, ctx);
    const search = compileLeadSearch(query.q);
    let sort: LeadSort;
    if (opts.sortGiven) sort = resolveLeadSort(query.sort, ctx, search);
    else if (opts.trash) sort = trashSort();
    else if (search) sort = relevanceSort(search);
    else sort = resolveLeadSort(query.sort, ctx, search);
    return { filters, search, sort, ctx };
  }

  /**
   * The conditions of every lead a compiled query matches within a scope. A search matches its exact hits, and
   * also its typo hits when exact ones are fewer than TYPO_WHEN_FEWER_THAN (one capped count tells).
   */
  async function matching(scope: LeadScope, compiled: Compiled): Promise<SQL[]> {
    const where = [...scopeConditions(scope), ...compiled.filters];
    const { search } = compiled;
    if (!search) return where;
    if (!search.typo) return [...where, search.exact];
    const exact = await repo.countUpTo([...where, search.exact], TYPO_WHEN_FEWER_THAN - 1);
    return [...where, searchCondition(search, exact < TYPO_WHEN_FEWER_THAN)];
  }

  /**
   * Up to `limit` rows after the cursor in sort order. A nullable key is read in two parts, rows with a key then
   * rows without, each along the sort index: nulls last in both directions without giving up the index.
   */
  async function keysetPage(where: SQL[], sort: LeadSort, cursor: LeadCursor | null, limit: number): Promise<LeadPageRow[]> {
    const keyed = keyedPart(sort, cursor);
    const rows = keyed ? await repo.listPage([...where, ...keyed], sort, limit) : [];
    const nulls = nullPart(sort, cursor);
    if (rows.length === limit || !nulls) return rows;
    return [...rows, ...(await repo.listPage([...where, ...nulls], sort, limit - rows.length))];
  }

  /** Every matching row, in keyset batches (no OFFSET, no long transaction). */
  async function* batches(where: SQL[], sort: LeadSort, onRows: (n: number) => void): AsyncGenerator<LeadRow[]> {
    let cursor: LeadCursor | null = null;
    for (;;) {
      const page = await keysetPage(where, sort, cursor, EXPORT_BATCH);
      if (page.length) {
        onRows(page.length);
        yield page;
      }
      if (page.length < EXPORT_BATCH) return;
      const last = page[page.length - 1]!;
      cursor = { value: last.sortKey, id: last.lead.id };
    }
  }

  return {
    async list(actor: LeadListActor, params: LeadListParams) {
      const trash = params.trash === 'true';
      const scope = scopeOf(actor, trash);
      const { query, sortGiven } = parseLeadQueryParam(params.query);
      const compiled = await compile(actor, query, { sortGiven, trash });
      const { sort, search } = compiled;
      const cursor = params.cursor ? decodeCursor(params.cursor, sort) : null;
      const rows =
        search && sort.field === 'relevance'
          ? await repo.searchPage([...scopeConditions(scope), ...compiled.filters], search, sort.dir, cursor, params.limit + 1, SEARCH_CANDIDATES)
          : await keysetPage(await matching(scope, compiled), sort, cursor, params.limit + 1);
      const page = rows.slice(0, params.limit);
      const last = page[page.length - 1];
      return {
        leads: page.map(toLead),
        nextCursor: rows.length > params.limit && last ? encodeCursor(sort, { value: last.sortKey, id: last.lead.id }) : null,
      };
    },

    /** Exact up to COUNT_CAP; above it `{ count: COUNT_CAP, exact: false }` after reading COUNT_CAP + 1 rows at most. */
    async count(actor: LeadListActor, params: Omit<LeadListParams, 'cursor' | 'limit'>) {
      const trash = params.trash === 'true';
      const scope = scopeOf(actor, trash);
      const { query } = parseLeadQueryParam(params.query);
      const compiled = await compile(actor, query, { sortGiven: true, trash });
      const n = await repo.countUpTo(await matching(scope, compiled), COUNT_CAP);
      return n > COUNT_CAP ? { count: COUNT_CAP, exact: false } : { count: n, exact: true };
    },

    /** Checks a stored query (saved views) exactly as a list would, with errors under `path`. */
    async checkQuery(actor: LeadListActor, query: LeadQuery, columns: readonly string[], path: string, columnsPath: string) {
      const { ctx } = await compile(actor, query, { sortGiven: true, trash: false, path, columns });
      checkColumns(columns, ctx, columnsPath);
    },

    /**
     * One set-based statement per action on explicit ids or on everything a query matches, inside the caller's
     * record-level scope; ids of other workspaces or of leads the caller may not see are simply not matched.
     */
    async bulk(actor: LeadListActor, request: BulkActionRequest): Promise<{ affected: number }> {
      const { action, selection } = request;
      const permission = BULK_PERMISSION[action.type];
      if (!actor.permissions.has(permission)) throw forbidden(`Your role does not allow this (${permission})`);
      const scope = scopeOf(actor, false);
      let where: SQL[];
      if ('ids' in selection) {
        where = [...scopeConditions(scope), sql`${leads.id} = ANY(${pgArrayLiteral([...new Set(selection.ids.map((id) => id.toLowerCase()))])}::uuid[])`];
      } else {
        const compiled = await compile(actor, selection.query, { sortGiven: true, trash: false, path: 'selection.query' });
        where = await matching(scope, compiled);
      }
      const base = { workspaceId: actor.workspaceId, actorId: actor.userId, ip: actor.ip, now: deps.now() };
      let change: BulkChange;
      switch (action.type) {
        case 'assign': {
          const to = action.ownerId?.toLowerCase() ?? null;
          const toName = to ? await repo.activeMemberName(actor.workspaceId, to) : null;
          if (to && !toName) throw invalid('action.ownerId', 'No active member of this workspace has this id');
          const owner = sql`${to}::uuid`;
          // Names of everyone who is or was a member, one parameter: no lookup per lead.
          const names = JSON.stringify(Object.fromEntries(await repo.memberNames(actor.workspaceId)));
          change = {
            ...base,
            where: [...where, sql`${leads.ownerId} IS DISTINCT FROM ${owner}`],
            set: sql`owner_id = ${owner}`,
            oldValues: sql`jsonb_build_object('ownerId', ${leads.ownerId})`,
            newValues: sql`jsonb_build_object('ownerId', ${owner})`,
            activityData: sql`jsonb_build_object(
              'from', CASE WHEN ${leads.ownerId} IS NOT NULL THEN jsonb_build_object('id', ${leads.ownerId},
                'name', coalesce(${names}::jsonb ->> ${leads.ownerId}::text, 'Former member')) END,
              'to', ${to ? sql`jsonb_build_object('id', ${owner}, 'name', ${toName}::text)` : sql`NULL::jsonb`},
              'bulk', true)`,
            activityType: 'owner_changed',
            auditAction: 'lead.update',
          };
          break;
        }
        case 'set_stage': {
          const stage = await repo.findStage(actor.workspaceId, action.stageId.toLowerCase());
          if (!stage) throw invalid('action.stageId', 'No such stage in this workspace');
          if (stage.archivedAt) throw invalid('action.stageId', `The stage "${stage.name}" is archived`);
          const stageId = sql`${stage.id}::uuid`;
          const pipelineId = sql`${stage.pipelineId}::uuid`;
          // The rules of a single move (ADR 009): a lost stage needs a reason, a won stage makes clients (a client
          // keeps its date), any other stage clears both.
          const rules = await resolveStageRules(db, actor.workspaceId, {
            fromKind: null,
            to: stage,
            lostReasonInput: action.lostReason,
            currentLostReason: null,
            at: base.now,
            field: 'action.lostReason',
          });
          const clientSince =
            stage.kind === 'won' ? sql`coalesce(${leads.clientSince}, ${base.now.toISOString()}::timestamptz)` : sql`NULL::timestamptz`;
          change = {
            ...base,
            where: [...where, sql`${leads.stageId} IS DISTINCT FROM ${stageId}`],
            set: sql`stage_id = ${stageId}, pipeline_id = ${pipelineId}, lost_reason = ${rules.lostReason}::text, client_since = target.client_since`,
            columns: sql`${clientSince} AS client_since`,
            // The lost reason is logged only where it changes.
            oldValues: sql`jsonb_build_object('stageId', ${leads.stageId}, 'pipelineId', ${leads.pipelineId}) || CASE WHEN ${leads.lostReason} IS DISTINCT FROM ${rules.lostReason}::text
              THEN jsonb_build_object('lostReason', ${leads.lostReason}) ELSE '{}'::jsonb END`,
            newValues: sql`jsonb_build_object('stageId', ${stageId}, 'pipelineId', ${pipelineId}) || CASE WHEN ${leads.lostReason} IS DISTINCT FROM ${rules.lostReason}::text
              THEN jsonb_build_object('lostReason', ${rules.lostReason}::text) ELSE '{}'::jsonb END`,
            activityData: sql`jsonb_build_object(
              'from', CASE WHEN ${leads.stageId} IS NOT NULL THEN jsonb_build_object('id', ${leads.stageId},
                'name', coalesce((SELECT s.name FROM pipeline_stages s WHERE s.id = ${leads.stageId}), '')) END,
              'to', jsonb_build_object('id', ${stageId}, 'name', ${stage.name}::text),
              'bulk', true)`,
            activityType: 'stage_changed',
            auditAction: 'lead.update',
          };
          break;
        }
        case 'add_tags':
        case 'remove_tags': {
          const tags = sql`${pgArrayLiteral([...new Set(action.tags)])}::text[]`;
          // Keeps the order of the lead's tags; added ones go last in the order given.
          const next =
            action.type === 'add_tags'
              ? sql`(${leads.tags} || ARRAY(SELECT t FROM unnest(${tags}) WITH ORDINALITY AS x(t, n) WHERE NOT t = ANY(${leads.tags}) ORDER BY n))`
              : sql`ARRAY(SELECT t FROM unnest(${leads.tags}) WITH ORDINALITY AS x(t, n) WHERE NOT t = ANY(${tags}) ORDER BY n)`;
          change = {
            ...base,
            where: [...where, action.type === 'add_tags' ? sql`NOT (${leads.tags} @> ${tags})` : sql`${leads.tags} && ${tags}`],
            columns: sql`${next} AS new_tags`,
            set: sql`tags = target.new_tags`,
            oldValues: sql`jsonb_build_object('tags', to_jsonb(${leads.tags}))`,
            newValues: sql`jsonb_build_object('tags', to_jsonb(${next}))`,
            activityData: sql`jsonb_build_object('changes', jsonb_build_array(jsonb_build_object('field', 'tags', 'old', to_jsonb(${leads.tags}), 'new', to_jsonb(${next}))), 'bulk', true)`,
            activityType: 'field_changed',
            auditAction: 'lead.update',
          };
          break;
        }
        case 'delete': {
          const now = sql`${base.now.toISOString()}::timestamptz`;
          change = {
            ...base,
            where,
            set: sql`deleted_at = ${now}, deleted_by = ${actor.userId}::uuid`,
            oldValues: leadSnapshot,
            newValues: sql`jsonb_build_object('deletedAt', ${base.now.toISOString()}::text)`,
            activityData: sql`jsonb_build_object('bulk', true)`,
            activityType: 'deleted',
            auditAction: 'lead.delete',
          };
          break;
        }
      }
      const changedIds = await db.transaction(async (tx) => {
        // A change of owner joins each lead's assignment history (reason manual), set-based like the change (ADR 012).
        if (action.type === 'assign') {
          await recordBulkManualAssignment(tx, { workspaceId: actor.workspaceId, where: change.where, toUserId: action.ownerId?.toLowerCase() ?? null, byUserId: actor.userId, at: base.now });
        }
        const ids = await repo.applyBulkChangeReturningIds(tx, change);
        // Leads in the trash can't be claimed: their open offers end (as deleteLead).
        if (action.type === 'delete') await withdrawOpenOffers(tx, actor.workspaceId, ids, null, base.now);
        return ids;
      });
      const affected = changedIds.length;
      // Moved or trashed leads start or stop their cadences as one lead's move would.
      if ((action.type === 'set_stage' || action.type === 'delete') && affected) await queueLeadsChanged(deps, actor.workspaceId, changedIds, base.now);
      await deps.events.publish({
        workspaceId: actor.workspaceId,
        type: 'leads.bulk_updated',
        data: { count: affected, action: action.type },
      });
      const newOwnerId = action.type === 'assign' ? (action.ownerId?.toLowerCase() ?? null) : null;
      if (newOwnerId && newOwnerId !== actor.userId && affected > 0) await announceBulkAssignment(actor, newOwnerId, base.now);
      return { affected };
    },

    /**
     * A streamed CSV or XLSX of every lead the query matches (record rule applied), read in keyset batches of
     * 2,000. The audit entry, with the query and the row count, is written when the last row went out (or the
     * reader went away: then `completed` is false).
     */
    async exportLeads(actor: LeadListActor, params: LeadExportParams): Promise<Download> {
      const scope = scopeOf(actor, false);
      const { query, sortGiven } = parseLeadQueryParam(params.query);
      const requested = params.columns
        ?.split(',')
        .map((c) => c.trim())
        .filter(Boolean);
      const compiled = await compile(actor, query, { sortGiven, trash: false, loadCustomFields: true });
      const { sort, ctx } = compiled;
      const names = requested?.length ? requested : [...DEFAULT_EXPORT_COLUMNS, ...[...ctx.customFields.keys()].map((k) => `custom.${k}`)];
      checkColumns(names, ctx, 'columns');
      const needsMembers = names.some((n) => ctx.customFields.get(n.slice('custom.'.length))?.type === 'user');
      const columns = buildExportColumns(names, {
        customFields: ctx.customFields,
        pipelines: names.includes('pipelineId') ? await repo.pipelineNames(actor.workspaceId) : new Map(),
        members: needsMembers ? await repo.memberNames(actor.workspaceId) : new Map(),
        events: names.includes('eventId') ? await repo.eventNames(actor.workspaceId) : new Map(),
        referrers: names.some((n) => n.startsWith('referredBy')) ? await repo.referrerNames(actor.workspaceId) : new Map(),
      });

      let rows = 0;
      let completed = false;
      const source = batches(await matching(scope, compiled), sort, (n) => {
        rows += n;
      });
      async function* audited(): AsyncGenerator<LeadRow[]> {
        try {
          yield* source;
          completed = true;
        } finally {
          await writeAudit(db, {
            workspaceId: actor.workspaceId,
            actorId: actor.userId,
            action: 'leads.export',
            entityType: 'lead',
            newValues: { query, columns: names, format: params.format, rows, completed },
            ip: actor.ip,
          });
        }
      }
      const day = dayInZone(deps.now(), actor.timeZone);
      return params.format === 'xlsx'
        ? {
            filename: `leads-${day}.xlsx`,
            contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            body: xlsxStream(audited(), columns, actor.timeZone),
          }
        : { filename: `leads-${day}.csv`, contentType: 'text/csv; charset=utf-8', body: csvStream(audited(), columns, actor.timeZone) };
    },
  };
}

export type LeadListService = ReturnType<typeof createLeadListService>;
