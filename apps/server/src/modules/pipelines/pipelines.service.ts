import { eq, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type {
  archiveStageRequest,
  createLostReasonRequest,
  createPipelineRequest,
  createStageRequest,
  LostReason,
  Pipeline,
  PipelineStage,
  updateLostReasonRequest,
  updateStageRequest,
} from '@leadflow/shared/pipelines';
import { writeAudit } from '../../platform/audit/audit.ts';
import type { DbOrTx } from '../../platform/db/client.ts';
import { conflict, invalid, isUniqueViolation, notFound } from '../../platform/errors.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import { createLeadListRepository } from '../leads/lead-list.repository.ts';
import { queueLeadsChanged } from '../cadences/cadence-jobs.ts';
import { leads } from '../leads/leads.table.ts';
import {
  checkStatus,
  createLostReasons,
  createPipelineWithStages,
  createPipelinesRepository,
  defaultStages,
  defaultStatus,
  type Changes,
  type LostReasonRow,
  type PipelineRow,
  type StageRow,
} from './pipelines.repository.ts';
import { resolveStageRules } from './stage-rules.ts';

type CreatePipelineInput = z.infer<typeof createPipelineRequest>;
type CreateStageInput = z.infer<typeof createStageRequest>;
type UpdateStageInput = z.infer<typeof updateStageRequest>;
type ArchiveStageInput = z.infer<typeof archiveStageRequest>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toStage(s: StageRow, counts?: ReadonlyMap<string, number>): PipelineStage {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    status: s.status,
    position: s.position,
    color: s.color,
    rottingDays: s.rottingDays,
    archivedAt: iso(s.archivedAt),
    ...(counts ? { leadCount: counts.get(s.id) ?? 0 } : {}),
  };
}

export function toPipeline(p: PipelineRow, stages: StageRow[], counts?: ReadonlyMap<string, number>): Pipeline {
  return { id: p.id, name: p.name, position: p.position, archivedAt: iso(p.archivedAt), stages: stages.map((s) => toStage(s, counts)) };
}

export function toLostReason(r: LostReasonRow): LostReason {
  return { id: r.id, name: r.name, position: r.position, archivedAt: iso(r.archivedAt) };
}

/** The same ids, each once, as the active set: anything else names the field. */
function checkFullOrder(given: string[], active: { id: string }[], field: string, what: string): string[] {
  const ids = given.map((id) => id.toLowerCase());
  const activeIds = new Set(active.map((a) => a.id));
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (!activeIds.has(id)) throw invalid(`${field}.${i}`, `Not an active ${what} here`);
    if (seen.has(id)) throw invalid(`${field}.${i}`, `Listed twice`);
    seen.add(id);
  });
  if (seen.size !== activeIds.size) throw invalid(field, `List every active ${what} exactly once (${activeIds.size})`);
  return ids;
}

const duplicateStageName = (name: string) => invalid('name', `There is already a stage named "${name}" in this pipeline`);

/** Pipelines, stages and lost reasons: the admin side (pipelines.manage) and the reads every member needs. */
export function createPipelinesService(deps: AppDeps) {
  const db = deps.database.db;
  const repo = createPipelinesRepository(db);
  const leadList = createLeadListRepository(db, deps.database);

  async function audit(tx: DbOrTx, actor: Actor, action: string, entityType: string, entityId: string, values: { oldValues?: Record<string, unknown>; newValues?: Record<string, unknown> }) {
    await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action, entityType, entityId, ...values, ip: actor.ip });
  }

  async function changed(actor: Actor, data: Record<string, unknown>) {
    await deps.events.publish({ workspaceId: actor.workspaceId, type: 'pipelines.changed', data });
  }

  async function pipelineOr404(actor: Actor, id: string, tx: DbOrTx = db): Promise<PipelineRow> {
    const p = await repo.findPipeline(actor.workspaceId, id, tx);
    if (!p) throw notFound('Pipeline');
    return p;
  }

  async function stageOr404(actor: Actor, pipelineId: string, stageId: string, tx: DbOrTx = db): Promise<StageRow> {
    const s = await repo.findStage(actor.workspaceId, stageId, tx);
    if (!s || s.pipelineId !== pipelineId) throw notFound('Stage');
    return s;
  }

  async function pipelineView(actor: Actor, id: string): Promise<Pipeline> {
    const p = await pipelineOr404(actor, id);
    return toPipeline(p, await repo.listStages(actor.workspaceId, false, id));
  }

  async function withUniqueName<T>(work: () => Promise<T>, onDuplicate: () => Error, constraint: string): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (isUniqueViolation(err, constraint)) throw onDuplicate();
      throw err;
    }
  }

  return {
    async list(actor: Actor, opts: { includeArchived: boolean; withCounts: boolean }): Promise<{ pipelines: Pipeline[] }> {
      const rows = await repo.listPipelinesWithStages(actor.workspaceId, opts.includeArchived);
      const counts = opts.withCounts ? await repo.stageLeadCounts(actor.workspaceId) : undefined;
      return { pipelines: rows.map((p) => toPipeline(p, p.stages, counts)) };
    },

    async createPipeline(actor: Actor, input: CreatePipelineInput): Promise<Pipeline> {
      const created = await db.transaction(async (tx) => {
        const result = await createPipelineWithStages(tx, actor.workspaceId, { name: input.name, stages: input.stages ?? defaultStages() });
        await audit(tx, actor, 'pipeline.create', 'pipeline', result.pipeline.id, {
          newValues: { name: result.pipeline.name, stages: result.stages.map((s) => ({ name: s.name, kind: s.kind, status: s.status })) },
        });
        return result;
      });
      await changed(actor, { pipelineId: created.pipeline.id });
      return toPipeline(created.pipeline, created.stages);
    },

    async renamePipeline(actor: Actor, id: string, name: string): Promise<Pipeline> {
      const before = await pipelineOr404(actor, id);
      if (before.name !== name) {
        await db.transaction(async (tx) => {
          await repo.updatePipeline(tx, actor.workspaceId, id, { name });
          await audit(tx, actor, 'pipeline.update', 'pipeline', id, { oldValues: { name: before.name }, newValues: { name } });
        });
        await changed(actor, { pipelineId: id });
      }
      return pipelineView(actor, id);
    },

    async reorderPipelines(actor: Actor, pipelineIds: string[]): Promise<{ pipelines: Pipeline[] }> {
      await db.transaction(async (tx) => {
        const active = await repo.listPipelines(actor.workspaceId, false, tx);
        const ids = checkFullOrder(pipelineIds, active, 'pipelineIds', 'pipeline');
        await repo.setPipelinePositions(tx, actor.workspaceId, ids);
        await audit(tx, actor, 'pipeline.reorder', 'pipeline', ids[0]!, { oldValues: { order: active.map((p) => p.id) }, newValues: { order: ids } });
      });
      await changed(actor, {});
      return this.list(actor, { includeArchived: false, withCounts: false });
    },

    /** Leads keep their stage in an archived pipeline (its board is hidden); a workspace keeps one active pipeline. */
    async setPipelineArchived(actor: Actor, id: string, archived: boolean): Promise<Pipeline> {
      await db.transaction(async (tx) => {
        const p = await pipelineOr404(actor, id, tx);
        if (Boolean(p.archivedAt) === archived) return;
        if (archived) {
          const active = await repo.listPipelines(actor.workspaceId, false, tx);
          if (active.length <= 1) throw conflict('A workspace needs at least one active pipeline');
        }
        const position = archived ? p.position : sql`(SELECT coalesce(max(position) + 1, 0) FROM pipelines WHERE workspace_id = ${actor.workspaceId} AND archived_at IS NULL)`;
        await repo.updatePipeline(tx, actor.workspaceId, id, { archivedAt: archived ? deps.now() : null, position });
        await audit(tx, actor, archived ? 'pipeline.archive' : 'pipeline.restore', 'pipeline', id, { newValues: { archived } });
      });
      await changed(actor, { pipelineId: id });
      const p = await pipelineOr404(actor, id);
      return toPipeline(p, await repo.listStages(actor.workspaceId, false, id));
    },

    async createStage(actor: Actor, pipelineId: string, input: CreateStageInput): Promise<PipelineStage> {
      const stage = await withUniqueName(
        () =>
          db.transaction(async (tx) => {
            const p = await pipelineOr404(actor, pipelineId, tx);
            if (p.archivedAt) throw conflict('This pipeline is archived; restore it first');
            const active = await repo.listStages(actor.workspaceId, false, pipelineId, tx);
            const name = input.name.trim();
            if (active.some((s) => s.name.toLocaleLowerCase() === name.toLocaleLowerCase())) throw duplicateStageName(name);
            const status = input.status ?? defaultStatus(input.kind, !active.some((s) => s.kind === 'open'));
            checkStatus(input.kind, status, 'status');
            const at = Math.min(input.position ?? active.length, active.length);
            const row = await repo.insertStage(tx, {
              workspaceId: actor.workspaceId,
              pipelineId,
              name,
              kind: input.kind,
              status,
              color: input.color,
              rottingDays: input.rottingDays,
              position: at,
            });
            const order = active.map((s) => s.id);
            order.splice(at, 0, row.id);
            await repo.setStagePositions(tx, actor.workspaceId, order);
            await audit(tx, actor, 'pipeline.stage_create', 'pipeline_stage', row.id, {
              newValues: { pipelineId, name, kind: row.kind, status, color: row.color, rottingDays: row.rottingDays, position: at },
            });
            return { ...row, position: at };
          }),
        () => duplicateStageName(input.name.trim()),
        'pipeline_stages_active_name_key',
      );
      await changed(actor, { pipelineId });
      return toStage(stage);
    },

    /** A stage's kind changes only while it holds no leads: clients must not stop being clients unseen. */
    async updateStage(actor: Actor, pipelineId: string, stageId: string, input: UpdateStageInput): Promise<PipelineStage> {
      const stage = await withUniqueName(
        () =>
          db.transaction(async (tx) => {
            const before = await stageOr404(actor, pipelineId, stageId, tx);
            const set: Changes<StageRow> = {};
            const newName = input.name !== undefined && input.name.trim() !== before.name ? input.name.trim() : undefined;
            if (newName) set.name = newName;
            if (input.color !== undefined) set.color = input.color;
            if (input.rottingDays !== undefined) set.rottingDays = input.rottingDays;
            const kind = input.kind ?? before.kind;
            if (kind !== before.kind) {
              const n = await repo.countStageLeads(tx, actor.workspaceId, stageId);
              if (n > 0) throw conflict(`This stage holds ${n} lead${n === 1 ? '' : 's'}: move them before changing its kind`, 'kind');
              if (before.kind === 'open' && !before.archivedAt) {
                const others = await repo.listStages(actor.workspaceId, false, pipelineId, tx);
                if (!others.some((s) => s.kind === 'open' && s.id !== stageId)) throw invalid('kind', 'A pipeline needs at least one open stage');
              }
              set.kind = kind;
            }
            const status = input.status ?? (kind !== before.kind ? defaultStatus(kind, false) : before.status);
            checkStatus(kind, status, 'status');
            if (status !== before.status) set.status = status;
            if (newName && !before.archivedAt) {
              const active = await repo.listStages(actor.workspaceId, false, pipelineId, tx);
              if (active.some((s) => s.id !== stageId && s.name.toLocaleLowerCase() === newName.toLocaleLowerCase())) throw duplicateStageName(newName);
            }
            if (!Object.keys(set).length) return before;
            const row = await repo.updateStage(tx, actor.workspaceId, stageId, set);
            const keys = Object.keys(set) as (keyof StageRow)[];
            await audit(tx, actor, 'pipeline.stage_update', 'pipeline_stage', stageId, {
              oldValues: Object.fromEntries(keys.map((k) => [k, before[k]])),
              newValues: Object.fromEntries(keys.map((k) => [k, row[k]])),
            });
            return row;
          }),
        () => duplicateStageName(input.name?.trim() ?? ''),
        'pipeline_stages_active_name_key',
      );
      await changed(actor, { pipelineId });
      return toStage(stage);
    },

    async reorderStages(actor: Actor, pipelineId: string, stageIds: string[]): Promise<Pipeline> {
      await db.transaction(async (tx) => {
        await pipelineOr404(actor, pipelineId, tx);
        const active = await repo.listStages(actor.workspaceId, false, pipelineId, tx);
        const ids = checkFullOrder(stageIds, active, 'stageIds', 'stage of this pipeline');
        await repo.setStagePositions(tx, actor.workspaceId, ids);
        await audit(tx, actor, 'pipeline.stage_reorder', 'pipeline', pipelineId, { oldValues: { order: active.map((s) => s.id) }, newValues: { order: ids } });
      });
      await changed(actor, { pipelineId });
      return pipelineView(actor, pipelineId);
    },

    /**
     * Archives a stage. Its leads (not in the trash) must go somewhere: `moveToStageId`, an active stage of the same
     * pipeline; they move in the same transaction, each with a timeline and an audit entry (lost and won rules apply).
     */
    async archiveStage(actor: Actor, pipelineId: string, stageId: string, input: ArchiveStageInput): Promise<{ stage: PipelineStage; moved: number }> {
      const at = deps.now();
      const result = await db.transaction(async (tx) => {
        const stage = await stageOr404(actor, pipelineId, stageId, tx);
        if (stage.archivedAt) throw conflict('This stage is already archived');
        const active = await repo.listStages(actor.workspaceId, false, pipelineId, tx);
        if (stage.kind === 'open' && !active.some((s) => s.kind === 'open' && s.id !== stageId)) {
          throw conflict('A pipeline needs at least one open stage');
        }
        const n = await repo.countStageLeads(tx, actor.workspaceId, stageId);
        let movedIds: string[] = [];
        if (n > 0) {
          if (!input.moveToStageId) throw invalid('moveToStageId', `This stage holds ${n} lead${n === 1 ? '' : 's'}: choose the stage to move them to`);
          const targetId = input.moveToStageId.toLowerCase();
          const target = active.find((s) => s.id === targetId);
          if (!target || target.id === stageId) throw invalid('moveToStageId', 'Choose another active stage of the same pipeline');
          const rules = await resolveStageRules(tx, actor.workspaceId, {
            fromKind: stage.kind,
            to: target,
            lostReasonInput: input.lostReason,
            currentLostReason: null,
            at,
            field: 'lostReason',
          });
          const to = sql`${target.id}::uuid`;
          movedIds = await leadList.applyBulkChangeReturningIds(tx, {
            workspaceId: actor.workspaceId,
            actorId: actor.userId,
            ip: actor.ip,
            now: at,
            where: [eq(leads.workspaceId, actor.workspaceId), eq(leads.stageId, stageId), isNull(leads.deletedAt)],
            set: sql`stage_id = ${to}, pipeline_id = ${`${target.pipelineId}`}::uuid, lost_reason = ${rules.lostReason}::text,
              client_since = ${target.kind === 'won' ? sql`coalesce(${leads.clientSince}, ${at.toISOString()}::timestamptz)` : sql`NULL::timestamptz`}`,
            oldValues: sql`jsonb_build_object('stageId', ${leads.stageId}, 'lostReason', ${leads.lostReason}, 'clientSince', ${leads.clientSince})`,
            newValues: sql`jsonb_build_object('stageId', ${to}, 'lostReason', ${rules.lostReason}::text)`,
            activityData: sql`jsonb_build_object(
              'from', jsonb_build_object('id', ${stage.id}::uuid, 'name', ${stage.name}::text),
              'to', jsonb_build_object('id', ${to}, 'name', ${target.name}::text),
              ${rules.lostReason ? sql`'lostReason', ${rules.lostReason}::text,` : sql``}
              'stageArchived', true)`,
            activityType: 'stage_changed',
            auditAction: 'lead.update',
          });
        }
        const moved = movedIds.length;
        const row = await repo.updateStage(tx, actor.workspaceId, stageId, { archivedAt: at });
        await repo.setStagePositions(
          tx,
          actor.workspaceId,
          active.filter((s) => s.id !== stageId).map((s) => s.id),
        );
        await audit(tx, actor, 'pipeline.stage_archive', 'pipeline_stage', stageId, {
          newValues: { archivedAt: at.toISOString(), moveToStageId: input.moveToStageId ?? null, moved },
        });
        return { stage: row, moved, movedIds };
      });
      if (result.moved) {
        await deps.events.publish({ workspaceId: actor.workspaceId, type: 'leads.bulk_updated', data: { count: result.moved, action: 'set_stage' } });
        // The moved leads enter their new stage: its cadences start (or won / lost ones stop), as for one move.
        await queueLeadsChanged(deps, actor.workspaceId, result.movedIds, at);
      }
      await changed(actor, { pipelineId });
      return { stage: toStage(result.stage), moved: result.moved };
    },

    /** Back as the last stage of its pipeline; refused while an active stage has its name. */
    async restoreStage(actor: Actor, pipelineId: string, stageId: string): Promise<PipelineStage> {
      const stage = await withUniqueName(
        () =>
          db.transaction(async (tx) => {
            const before = await stageOr404(actor, pipelineId, stageId, tx);
            if (!before.archivedAt) return before;
            const active = await repo.listStages(actor.workspaceId, false, pipelineId, tx);
            if (active.some((s) => s.name.toLocaleLowerCase() === before.name.toLocaleLowerCase())) throw duplicateStageName(before.name);
            const row = await repo.updateStage(tx, actor.workspaceId, stageId, { archivedAt: null, position: active.length });
            await audit(tx, actor, 'pipeline.stage_restore', 'pipeline_stage', stageId, { newValues: { archivedAt: null } });
            return row;
          }),
        () => invalid('name', 'An active stage of this pipeline has the same name: rename one first'),
        'pipeline_stages_active_name_key',
      );
      await changed(actor, { pipelineId });
      return toStage(stage);
    },

    // -------------------------------------------------------------------------------------------------------------
    // Lost reasons

    async listLostReasons(actor: Actor, includeArchived: boolean): Promise<{ reasons: LostReason[] }> {
      return { reasons: (await repo.listLostReasons(actor.workspaceId, includeArchived)).map(toLostReason) };
    },

    async createLostReason(actor: Actor, input: z.infer<typeof createLostReasonRequest>): Promise<LostReason> {
      const duplicate = () => invalid('name', `There is already a lost reason named "${input.name}"`);
      const row = await withUniqueName(
        () =>
          db.transaction(async (tx) => {
            const [added] = await createLostReasons(tx, actor.workspaceId, [input.name]);
            if (!added) throw duplicate();
            await audit(tx, actor, 'lost_reason.create', 'lost_reason', added.id, { newValues: { name: added.name } });
            return added;
          }),
        duplicate,
        'lost_reasons_active_name_key',
      );
      await changed(actor, { lostReasons: true });
      return toLostReason(row);
    },

    async updateLostReason(actor: Actor, id: string, input: z.infer<typeof updateLostReasonRequest>): Promise<LostReason> {
      const row = await withUniqueName(
        () =>
          db.transaction(async (tx) => {
            const before = await repo.findLostReason(actor.workspaceId, id, tx);
            if (!before) throw notFound('Lost reason');
            const set: Changes<LostReasonRow> = {};
            if (input.name !== undefined && input.name !== before.name) set.name = input.name;
            if (input.archived !== undefined && input.archived !== Boolean(before.archivedAt)) {
              set.archivedAt = input.archived ? deps.now() : null;
              if (!input.archived) {
                set.position = sql`(SELECT coalesce(max(position) + 1, 0) FROM lost_reasons WHERE workspace_id = ${actor.workspaceId} AND archived_at IS NULL)`;
              }
            }
            if (!Object.keys(set).length) return before;
            const after = await repo.updateLostReason(tx, actor.workspaceId, id, set);
            await audit(tx, actor, 'lost_reason.update', 'lost_reason', id, {
              oldValues: { name: before.name, archived: Boolean(before.archivedAt) },
              newValues: { name: after.name, archived: Boolean(after.archivedAt) },
            });
            return after;
          }),
        () => invalid('name', 'There is already an active lost reason with this name'),
        'lost_reasons_active_name_key',
      );
      await changed(actor, { lostReasons: true });
      return toLostReason(row);
    },

    async reorderLostReasons(actor: Actor, reasonIds: string[]): Promise<{ reasons: LostReason[] }> {
      await db.transaction(async (tx) => {
        const active = await repo.listLostReasons(actor.workspaceId, false, tx);
        const ids = checkFullOrder(reasonIds, active, 'reasonIds', 'lost reason');
        await repo.setLostReasonPositions(tx, actor.workspaceId, ids);
        await audit(tx, actor, 'lost_reason.reorder', 'lost_reason', ids[0]!, { newValues: { order: ids } });
      });
      await changed(actor, { lostReasons: true });
      return this.listLostReasons(actor, false);
    },
  };
}

export type PipelinesService = ReturnType<typeof createPipelinesService>;
