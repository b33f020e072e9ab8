import type { SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Board, BoardCard, BoardColumn } from '@leadflow/shared/board';
import type { moveLeadRequest, MoveLeadResponse } from '@leadflow/shared/pipelines';
import { writeAudit } from '../../platform/audit/audit.ts';
import { conflict, forbidden, invalid, notFound } from '../../platform/errors.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import { createCustomFieldsService } from '../custom-fields/custom-fields.service.ts';
import { createLeadListRepository, scopeConditions } from '../leads/lead-list.repository.ts';
import type { LeadListActor } from '../leads/lead-list.service.ts';
import { compileLeadFilters, compileLeadSearch, parseLeadQueryParam, searchCondition, TYPO_WHEN_FEWER_THAN, type LeadFieldDefinition } from '../leads/lead-query.ts';
import { leadDisplayName } from '../leads/leads.mapper.ts';
import { createLeadsRepository, leadScopeOf } from '../leads/leads.repository.ts';
import { createBoardRepository, customNumber, type Anchor, type CardRow } from './board.repository.ts';
import { createPipelinesRepository, type StageRow } from './pipelines.repository.ts';
import { resolveStageRules } from './stage-rules.ts';

type MoveLeadInput = z.infer<typeof moveLeadRequest>;
type BoardParams = { query?: string | undefined; limit: number; sumField?: string | undefined };
type ColumnParams = BoardParams & { cursor?: string | undefined };

const DAY_MS = 86_400_000;
const CURSOR = /^(-?\d{1,10})_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

const isoOf = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

export function staleLeadMessage(by: string | null): string {
  return `This lead was changed by ${by ?? 'someone else'} since you loaded it. Reload to see the change, then try again.`;
}

function encodeCardCursor(row: Pick<CardRow, 'stage_position' | 'id'>): string {
  return `${row.stage_position}_${row.id}`;
}

function decodeCardCursor(raw: string): { position: number; id: string } {
  const m = CURSOR.exec(raw.toLowerCase());
  if (!m || Math.abs(Number(m[1])) > 2_147_483_647) throw invalid('cursor', 'Invalid cursor');
  return { position: Number(m[1]), id: m[2]! };
}

/** The board (columns, totals, cards per page) and card moves. */
export function createBoardService(deps: AppDeps) {
  const db = deps.database.db;
  const board = createBoardRepository(db);
  const pipelines = createPipelinesRepository(db);
  const leadsRepo = createLeadsRepository(db);
  const leadList = createLeadListRepository(db, deps.database);
  const customFields = createCustomFieldsService(deps);

  async function fieldsOf(workspaceId: string): Promise<Map<string, LeadFieldDefinition>> {
    const defs = await customFields.definitionsForValues(workspaceId);
    return new Map(defs.filter((d) => !d.deletedAt).map((d) => [d.key, d]));
  }

  /**
   * The conditions of the leads a board shows, compiled by the lead list's own compiler: the member's scope
   * (own leads only without leads.view_all), not in the trash, the query's filters and search.
   */
  async function boardConditions(actor: LeadListActor, params: BoardParams): Promise<{ where: SQL[]; value: SQL | null; sumField: string | null }> {
    const { query } = parseLeadQueryParam(params.query);
    const needsFields = Boolean(params.sumField) || query.filters.some((f) => f.field.startsWith('custom.'));
    const fields = needsFields ? await fieldsOf(actor.workspaceId) : new Map<string, LeadFieldDefinition>();
    let value: SQL | null = null;
    if (params.sumField) {
      const key = params.sumField.startsWith('custom.') ? params.sumField.slice('custom.'.length) : params.sumField;
      const def = fields.get(key);
      if (!def || (def.type !== 'money' && def.type !== 'number')) throw invalid('sumField', 'Use the key of a money or number custom field');
      value = customNumber(key);
    }
    const filters = compileLeadFilters(query.filters, { userId: actor.userId, timeZone: actor.timeZone, now: deps.now(), customFields: fields });
    const where = [
      ...scopeConditions({ workspaceId: actor.workspaceId, ownerId: actor.permissions.has('leads.view_all') ? null : actor.userId, trash: false }),
      ...filters,
    ];
    const search = compileLeadSearch(query.q);
    if (search) {
      // As the list does: typo matches join only when exact ones are few.
      const exact = search.typo ? await leadList.countUpTo([...where, search.exact], TYPO_WHEN_FEWER_THAN - 1) : 0;
      where.push(search.typo ? searchCondition(search, exact < TYPO_WHEN_FEWER_THAN) : search.exact);
    }
    return { where, value, sumField: params.sumField ?? null };
  }

  function toCard(r: CardRow, stage: StageRow | undefined, now: number): BoardCard {
    const lastActivity = new Date(r.last_activity_at);
    return {
      id: r.id,
      displayName: leadDisplayName({ firstName: r.first_name, lastName: r.last_name, company: r.company, emails: r.emails, phones: r.phones }),
      company: r.company,
      owner: r.owner_id ? { id: r.owner_id, name: r.owner_name ?? 'Former member' } : null,
      stageId: r.stage_id,
      stagePosition: Number(r.stage_position),
      version: Number(r.version),
      tags: r.tags,
      source: r.source,
      createdAt: isoOf(r.created_at)!,
      nextFollowUpAt: isoOf(r.next_follow_up_at),
      lastActivityAt: lastActivity.toISOString(),
      rotting: Boolean(stage?.rottingDays && stage.kind === 'open' && now - lastActivity.getTime() > stage.rottingDays * DAY_MS),
      lostReason: r.lost_reason,
      clientSince: isoOf(r.client_since),
      value: r.value === null ? null : Number(r.value),
    };
  }

  function page(rows: CardRow[], stage: StageRow | undefined, limit: number, now: number): { cards: BoardCard[]; nextCursor: string | null } {
    const cards = rows.slice(0, limit);
    const last = cards[cards.length - 1];
    return { cards: cards.map((r) => toCard(r, stage, now)), nextCursor: rows.length > limit && last ? encodeCardCursor(last) : null };
  }

  async function activePipelineStages(actor: Actor, pipelineId: string) {
    const [pipeline, stages] = await Promise.all([pipelines.findPipeline(actor.workspaceId, pipelineId), pipelines.listStages(actor.workspaceId, false, pipelineId)]);
    if (!pipeline) throw notFound('Pipeline');
    return { pipeline, stages };
  }

  return {
    async board(actor: LeadListActor, pipelineId: string, params: BoardParams): Promise<Board> {
      // Independent reads on separate pool connections: the pipeline, its stages, and the compiled query.
      const [{ pipeline, stages }, { where, value, sumField }] = await Promise.all([activePipelineStages(actor, pipelineId), boardConditions(actor, params)]);
      const ids = stages.map((s) => s.id);
      const [totals, rows] = await Promise.all([
        board.columnTotals(where, ids, value),
        board.columnCards(
          where,
          ids.map((stageId) => ({ stageId, after: null })),
          params.limit + 1,
          value,
        ),
      ]);
      const now = deps.now().getTime();
      const byStage = new Map<string, CardRow[]>();
      for (const r of rows) {
        const list = byStage.get(r.stage_id) ?? [];
        list.push(r);
        byStage.set(r.stage_id, list);
      }
      const columns: BoardColumn[] = stages.map((s) => {
        const total = totals.get(s.id);
        return {
          stage: { id: s.id, name: s.name, kind: s.kind, status: s.status, color: s.color, position: s.position, rottingDays: s.rottingDays },
          count: total?.count ?? 0,
          sum: value ? (total?.sum ?? 0) : null,
          ...page(byStage.get(s.id) ?? [], s, params.limit, now),
        };
      });
      return { pipeline: { id: pipeline.id, name: pipeline.name }, sumField, columns };
    },

    async column(actor: LeadListActor, pipelineId: string, stageId: string, params: ColumnParams): Promise<{ cards: BoardCard[]; nextCursor: string | null }> {
      const after = params.cursor ? decodeCardCursor(params.cursor) : null;
      const [stage, { where, value }] = await Promise.all([pipelines.findStage(actor.workspaceId, stageId), boardConditions(actor, params)]);
      if (!stage || stage.pipelineId !== pipelineId) throw notFound('Stage');
      const rows = await board.columnCards(where, [{ stageId: stage.id, after }], params.limit + 1, value);
      return page(rows, stage, params.limit, deps.now().getTime());
    },

    /**
     * Moves a card: to another column and/or another place in its column. Same record rule as an edit (the lead
     * must be visible to the member, who needs leads.edit), optimistic concurrency on `version`, lost and won rules,
     * a `stage_changed` timeline entry and an audit entry for a change of stage, and a live `lead.moved` event.
     */
    async moveLead(actor: Actor, leadId: string, input: MoveLeadInput): Promise<MoveLeadResponse> {
      if (!actor.permissions.has('leads.edit')) throw forbidden('Your role does not allow this (leads.edit)');
      const scope = leadScopeOf(actor);
      const [row, found] = await Promise.all([
        leadsRepo.findLead(scope, leadId),
        pipelines.findStageWithPipeline(actor.workspaceId, input.stageId.toLowerCase()),
      ]);
      if (!row) throw notFound('Lead');
      const current = row.lead;
      if (current.deletedAt) throw conflict('This lead is in the trash; restore it first');
      if (current.version !== input.version) throw conflict(staleLeadMessage(await board.lastEditorName(actor.workspaceId, leadId)), 'version');

      if (!found) throw invalid('stageId', 'No such stage in this workspace');
      const { stage: target, pipelineName, pipelineArchivedAt } = found;
      if (target.archivedAt) throw invalid('stageId', `The stage "${target.name}" is archived`);
      if (pipelineArchivedAt) throw invalid('stageId', `The pipeline "${pipelineName}" is archived`);

      const sameColumn = current.stageId === target.id;
      const at = deps.now();
      const rules = await resolveStageRules(db, actor.workspaceId, {
        fromKind: row.stageKind,
        fromClientSince: current.clientSince,
        to: target,
        lostReasonInput: input.lostReason,
        currentLostReason: current.lostReason,
        at,
        field: 'lostReason',
      });
      const anchor: Anchor =
        input.afterId !== undefined
          ? { afterId: input.afterId.toLowerCase() }
          : input.beforeId === null
            ? { end: true }
            : input.beforeId !== undefined
              ? { beforeId: input.beforeId.toLowerCase() }
              : { top: true };

      const result = await db.transaction(async (tx) => {
        // A card changing column is placed here, not on top by the trigger; within a column the trigger is idle.
        if (!sameColumn) await board.keepPositions(tx);
        const { position, renumbered } = await board.placeCard(tx, actor.workspaceId, target.id, leadId, anchor);
        const changes = {
          stageId: target.id,
          pipelineId: target.pipelineId,
          stagePosition: position,
          lostReason: rules.lostReason,
          clientSince: rules.clientSince,
          updatedAt: at,
          // A reorder within the column is not activity on the lead: its rotting clock keeps running.
          ...(sameColumn ? {} : { lastActivityAt: at }),
        };
        if (!(await leadsRepo.updateLeadAtVersion(tx, scope, leadId, input.version, changes))) {
          throw conflict(staleLeadMessage(await board.lastEditorName(actor.workspaceId, leadId)), 'version');
        }
        const reasonChanged = rules.lostReason !== current.lostReason;
        if (!sameColumn || reasonChanged) {
          const from = current.stageId ? { id: current.stageId, name: row.stageName ?? '' } : null;
          await leadsRepo.insertActivities(tx, [
            {
              workspaceId: actor.workspaceId,
              leadId,
              type: sameColumn ? 'field_changed' : 'stage_changed',
              actorId: actor.userId,
              data: sameColumn
                ? { changes: [{ field: 'lostReason', old: current.lostReason, new: rules.lostReason }] }
                : { from, to: { id: target.id, name: target.name }, ...(rules.lostReason ? { lostReason: rules.lostReason } : {}) },
              mentions: [],
              createdAt: at,
            },
          ]);
          await writeAudit(tx, {
            workspaceId: actor.workspaceId,
            actorId: actor.userId,
            action: 'lead.update',
            entityType: 'lead',
            entityId: leadId,
            oldValues: { stageId: current.stageId, pipelineId: current.pipelineId, lostReason: current.lostReason, clientSince: isoOf(current.clientSince) },
            newValues: { stageId: target.id, pipelineId: target.pipelineId, lostReason: rules.lostReason, clientSince: isoOf(rules.clientSince) },
            ip: actor.ip,
          });
        }
        return { position, renumbered };
      });

      const response: MoveLeadResponse = {
        id: leadId,
        pipelineId: target.pipelineId,
        stageId: target.id,
        fromStageId: current.stageId,
        stagePosition: result.position,
        version: current.version + 1,
        lostReason: rules.lostReason,
        clientSince: isoOf(rules.clientSince),
        renumbered: result.renumbered,
      };
      // Agents hear only about their own leads; holders of leads.view_all about every lead.
      const audience = { userIds: current.ownerId ? [current.ownerId] : [], permission: 'leads.view_all' as const };
      await deps.events.publishMany([
        { workspaceId: actor.workspaceId, type: 'lead.moved', data: { ...response, leadId, ownerId: current.ownerId }, audience },
        { workspaceId: actor.workspaceId, type: 'lead.updated', data: { leadId, ownerId: current.ownerId }, audience },
      ]);
      return response;
    },
  };
}

export type BoardService = ReturnType<typeof createBoardService>;
