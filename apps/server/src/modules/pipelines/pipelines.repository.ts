import { and, asc, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { statusesForKind, type StageKind, type StageStatus } from '@leadflow/shared/pipelines';
import type { Db, DbOrTx } from '../../platform/db/client.ts';
import { invalid } from '../../platform/errors.ts';
import { leads } from '../leads/leads.table.ts';
import { lostReasons, pipelineStages, pipelines } from './pipelines.table.ts';

export type PipelineRow = typeof pipelines.$inferSelect;
export type StageRow = typeof pipelineStages.$inferSelect;
export type LostReasonRow = typeof lostReasons.$inferSelect;
/** Columns to set: values, or SQL computed by the database. */
export type Changes<T> = { [K in keyof T]?: T[K] | SQL };

/** A stage to create; status defaults from the kind (see `defaultStatus`). */
export type NewStage = { name: string; kind: StageKind; status?: StageStatus | undefined; color?: string | undefined; rottingDays?: number | null | undefined };

const DEFAULT_STAGES: NewStage[] = [
  { name: 'New', kind: 'open', status: 'new', color: 'blue' },
  { name: 'Contacted', kind: 'open', status: 'in_contact', color: 'cyan' },
  { name: 'Qualified', kind: 'open', status: 'qualified', color: 'violet' },
  { name: 'Won', kind: 'won', status: 'converted', color: 'green' },
  { name: 'Lost', kind: 'lost', status: 'lost', color: 'red' },
];

export const defaultStages = (): NewStage[] => DEFAULT_STAGES.map((s) => ({ ...s }));

/** Won → converted, lost → lost; an open stage is `new` when it is its pipeline's first open one, else in_contact. */
export function defaultStatus(kind: StageKind, firstOpen: boolean): StageStatus {
  if (kind !== 'open') return statusesForKind(kind)[0]!;
  return firstOpen ? 'new' : 'in_contact';
}

/** Refuses a status that does not fit the kind, naming the field. */
export function checkStatus(kind: StageKind, status: StageStatus, field: string): void {
  const allowed = statusesForKind(kind);
  if (!allowed.includes(status)) throw invalid(field, `A ${kind} stage has the status ${allowed.join(', ')}`);
}

const fold = (s: string) => s.trim().toLocaleLowerCase();

/**
 * Creates a pipeline with its stages in the caller's transaction (industry presets use it). Positions follow the
 * list; the pipeline goes after the workspace's others. Stage names must be unique (whatever the case) and the
 * pipeline needs an open stage; errors name `stages.<i>.<field>`.
 */
export async function createPipelineWithStages(
  tx: DbOrTx,
  workspaceId: string,
  input: { name: string; stages: NewStage[] },
): Promise<{ pipeline: PipelineRow; stages: StageRow[] }> {
  const name = input.name.trim();
  if (!name) throw invalid('name', 'Pipeline name is required');
  if (!input.stages.some((s) => s.kind === 'open')) throw invalid('stages', 'A pipeline needs at least one open stage');
  const seen = new Set<string>();
  let firstOpen = true;
  const stages = input.stages.map((s, i) => {
    const stageName = s.name.trim();
    if (!stageName) throw invalid(`stages.${i}.name`, 'Stage name is required');
    if (seen.has(fold(stageName))) throw invalid(`stages.${i}.name`, `There is already a stage named "${stageName}" in this pipeline`);
    seen.add(fold(stageName));
    const status = s.status ?? defaultStatus(s.kind, firstOpen);
    checkStatus(s.kind, status, `stages.${i}.status`);
    if (s.kind === 'open') firstOpen = false;
    return { name: stageName, kind: s.kind, status, color: s.color ?? 'gray', rottingDays: s.rottingDays ?? null };
  });
  const [pipeline] = await tx
    .insert(pipelines)
    .values({
      workspaceId,
      name,
      position: sql`(SELECT coalesce(max(${pipelines.position}) + 1, 0) FROM ${pipelines} WHERE ${pipelines.workspaceId} = ${workspaceId})`,
    })
    .returning();
  const rows = await tx
    .insert(pipelineStages)
    .values(stages.map((s, i) => ({ ...s, workspaceId, pipelineId: pipeline!.id, position: i })))
    .returning();
  return { pipeline: pipeline!, stages: rows.sort((a, b) => a.position - b.position) };
}

/** Every workspace starts with one sales pipeline; industry presets replace or extend it. */
export async function insertDefaultPipeline(tx: DbOrTx, workspaceId: string) {
  return createPipelineWithStages(tx, workspaceId, { name: 'Sales', stages: defaultStages() });
}

/**
 * Adds lost reasons after the workspace's others, in the caller's transaction (presets). Names already in the
 * active list (whatever the case) and repeats are skipped, so it can run twice. Returns the rows added.
 */
export async function createLostReasons(tx: DbOrTx, workspaceId: string, names: string[]): Promise<LostReasonRow[]> {
  const existing = await tx
    .select({ name: lostReasons.name, position: lostReasons.position })
    .from(lostReasons)
    .where(and(eq(lostReasons.workspaceId, workspaceId), isNull(lostReasons.archivedAt)));
  const seen = new Set(existing.map((r) => fold(r.name)));
  let position = Math.max(-1, ...existing.map((r) => r.position)) + 1;
  const values: (typeof lostReasons.$inferInsert)[] = [];
  for (const raw of names) {
    const name = raw.trim().slice(0, 200);
    if (!name || seen.has(fold(name))) continue;
    seen.add(fold(name));
    values.push({ workspaceId, name, position: position++ });
  }
  if (!values.length) return [];
  return tx.insert(lostReasons).values(values).returning();
}

export function createPipelinesRepository(db: Db) {
  return {
    async listPipelines(workspaceId: string, includeArchived: boolean, tx: DbOrTx = db): Promise<PipelineRow[]> {
      const where = [eq(pipelines.workspaceId, workspaceId)];
      if (!includeArchived) where.push(isNull(pipelines.archivedAt));
      return tx
        .select()
        .from(pipelines)
        .where(and(...where))
        .orderBy(asc(pipelines.position), asc(pipelines.createdAt));
    },

    async listStages(workspaceId: string, includeArchived: boolean, pipelineId?: string, tx: DbOrTx = db): Promise<StageRow[]> {
      const where = [eq(pipelineStages.workspaceId, workspaceId)];
      if (!includeArchived) where.push(isNull(pipelineStages.archivedAt));
      if (pipelineId) where.push(eq(pipelineStages.pipelineId, pipelineId));
      return tx
        .select()
        .from(pipelineStages)
        .where(and(...where))
        .orderBy(asc(pipelineStages.position), asc(pipelineStages.createdAt));
    },

    async listPipelinesWithStages(workspaceId: string, includeArchived = false) {
      const ps = await this.listPipelines(workspaceId, includeArchived);
      const stages = await this.listStages(workspaceId, includeArchived);
      return ps.map((p) => ({ ...p, stages: stages.filter((s) => s.pipelineId === p.id) }));
    },

    /** Leads (not in the trash) per stage of the workspace. */
    async stageLeadCounts(workspaceId: string): Promise<Map<string, number>> {
      const rows = await db
        .select({ stageId: leads.stageId, n: sql<number>`count(*)::int` })
        .from(leads)
        .where(and(eq(leads.workspaceId, workspaceId), isNull(leads.deletedAt), isNotNull(leads.stageId)))
        .groupBy(leads.stageId);
      return new Map(rows.map((r) => [r.stageId!, r.n]));
    },

    async countStageLeads(tx: DbOrTx, workspaceId: string, stageId: string): Promise<number> {
      const [row] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(leads)
        .where(and(eq(leads.workspaceId, workspaceId), eq(leads.stageId, stageId), isNull(leads.deletedAt)));
      return row?.n ?? 0;
    },

    async findPipeline(workspaceId: string, pipelineId: string, tx: DbOrTx = db): Promise<PipelineRow | undefined> {
      const [row] = await tx
        .select()
        .from(pipelines)
        .where(and(eq(pipelines.workspaceId, workspaceId), eq(pipelines.id, pipelineId)));
      return row;
    },

    /** A stage of this workspace (archived ones included, so old leads still show theirs). */
    async findStage(workspaceId: string, stageId: string, tx: DbOrTx = db): Promise<StageRow | undefined> {
      const [row] = await tx
        .select()
        .from(pipelineStages)
        .where(and(eq(pipelineStages.workspaceId, workspaceId), eq(pipelineStages.id, stageId)));
      return row;
    },

    /** A stage with its pipeline's name and archive date, in one query (card moves). */
    async findStageWithPipeline(workspaceId: string, stageId: string): Promise<{ stage: StageRow; pipelineName: string; pipelineArchivedAt: Date | null } | undefined> {
      const [row] = await db
        .select({ stage: pipelineStages, pipelineName: pipelines.name, pipelineArchivedAt: pipelines.archivedAt })
        .from(pipelineStages)
        .innerJoin(pipelines, eq(pipelines.id, pipelineStages.pipelineId))
        .where(and(eq(pipelineStages.workspaceId, workspaceId), eq(pipelineStages.id, stageId)));
      return row;
    },

    async findStages(workspaceId: string, stageIds: string[], tx: DbOrTx = db): Promise<StageRow[]> {
      if (!stageIds.length) return [];
      return tx
        .select()
        .from(pipelineStages)
        .where(and(eq(pipelineStages.workspaceId, workspaceId), inArray(pipelineStages.id, stageIds)));
    },

    async firstOpenStage(workspaceId: string, pipelineId?: string): Promise<StageRow | undefined> {
      const where = [eq(pipelineStages.workspaceId, workspaceId), isNull(pipelineStages.archivedAt), eq(pipelineStages.kind, 'open')];
      if (pipelineId) where.push(eq(pipelineStages.pipelineId, pipelineId));
      const [row] = await db
        .select({ stage: pipelineStages })
        .from(pipelineStages)
        .innerJoin(pipelines, eq(pipelines.id, pipelineStages.pipelineId))
        .where(and(...where, isNull(pipelines.archivedAt)))
        .orderBy(asc(pipelines.position), asc(pipelineStages.position))
        .limit(1);
      return row?.stage;
    },

    async insertStage(tx: DbOrTx, values: typeof pipelineStages.$inferInsert): Promise<StageRow> {
      const [row] = await tx.insert(pipelineStages).values(values).returning();
      return row!;
    },

    async updateStage(tx: DbOrTx, workspaceId: string, stageId: string, values: Changes<StageRow>): Promise<StageRow> {
      const [row] = await tx
        .update(pipelineStages)
        .set(values)
        .where(and(eq(pipelineStages.workspaceId, workspaceId), eq(pipelineStages.id, stageId)))
        .returning();
      return row!;
    },

    async updatePipeline(tx: DbOrTx, workspaceId: string, pipelineId: string, values: Changes<PipelineRow>): Promise<PipelineRow> {
      const [row] = await tx
        .update(pipelines)
        .set(values)
        .where(and(eq(pipelines.workspaceId, workspaceId), eq(pipelines.id, pipelineId)))
        .returning();
      return row!;
    },

    /** Positions 0..n-1 in the order given, in one statement. */
    async setStagePositions(tx: DbOrTx, workspaceId: string, ids: string[]): Promise<void> {
      await tx.execute(sql`
        UPDATE ${pipelineStages} SET position = o.n - 1
        FROM unnest(${`{${ids.join(',')}}`}::uuid[]) WITH ORDINALITY AS o(id, n)
        WHERE ${pipelineStages.workspaceId} = ${workspaceId} AND ${pipelineStages.id} = o.id`);
    },

    async setPipelinePositions(tx: DbOrTx, workspaceId: string, ids: string[]): Promise<void> {
      await tx.execute(sql`
        UPDATE ${pipelines} SET position = o.n - 1
        FROM unnest(${`{${ids.join(',')}}`}::uuid[]) WITH ORDINALITY AS o(id, n)
        WHERE ${pipelines.workspaceId} = ${workspaceId} AND ${pipelines.id} = o.id`);
    },

    async setLostReasonPositions(tx: DbOrTx, workspaceId: string, ids: string[]): Promise<void> {
      await tx.execute(sql`
        UPDATE ${lostReasons} SET position = o.n - 1
        FROM unnest(${`{${ids.join(',')}}`}::uuid[]) WITH ORDINALITY AS o(id, n)
        WHERE ${lostReasons.workspaceId} = ${workspaceId} AND ${lostReasons.id} = o.id`);
    },

    async listLostReasons(workspaceId: string, includeArchived: boolean, tx: DbOrTx = db): Promise<LostReasonRow[]> {
      const where = [eq(lostReasons.workspaceId, workspaceId)];
      if (!includeArchived) where.push(isNull(lostReasons.archivedAt));
      return tx
        .select()
        .from(lostReasons)
        .where(and(...where))
        .orderBy(asc(lostReasons.position), asc(lostReasons.createdAt));
    },

    async findLostReason(workspaceId: string, id: string, tx: DbOrTx = db): Promise<LostReasonRow | undefined> {
      const [row] = await tx
        .select()
        .from(lostReasons)
        .where(and(eq(lostReasons.workspaceId, workspaceId), eq(lostReasons.id, id)));
      return row;
    },

    async updateLostReason(tx: DbOrTx, workspaceId: string, id: string, values: Changes<LostReasonRow>): Promise<LostReasonRow> {
      const [row] = await tx
        .update(lostReasons)
        .set(values)
        .where(and(eq(lostReasons.workspaceId, workspaceId), eq(lostReasons.id, id)))
        .returning();
      return row!;
    },
  };
}

export type PipelinesRepository = ReturnType<typeof createPipelinesRepository>;
