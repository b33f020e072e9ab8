import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../platform/db/client.ts';
import { pipelineStages, pipelines } from './pipelines.table.ts';

export type StageRow = typeof pipelineStages.$inferSelect;

const DEFAULT_STAGES: { name: string; kind: 'open' | 'won' | 'lost'; color: string }[] = [
  { name: 'New', kind: 'open', color: 'blue' },
  { name: 'Contacted', kind: 'open', color: 'cyan' },
  { name: 'Qualified', kind: 'open', color: 'violet' },
  { name: 'Won', kind: 'won', color: 'green' },
  { name: 'Lost', kind: 'lost', color: 'red' },
];

/** Every workspace starts with one sales pipeline; industry presets replace or extend it. */
export async function insertDefaultPipeline(tx: DbOrTx, workspaceId: string) {
  const [pipeline] = await tx.insert(pipelines).values({ workspaceId, name: 'Sales', position: 0 }).returning();
  const stages = await tx
    .insert(pipelineStages)
    .values(DEFAULT_STAGES.map((s, i) => ({ ...s, workspaceId, pipelineId: pipeline!.id, position: i })))
    .returning();
  return { pipeline: pipeline!, stages };
}

export function createPipelinesRepository(db: Db) {
  return {
    async listPipelinesWithStages(workspaceId: string) {
      const ps = await db
        .select()
        .from(pipelines)
        .where(and(eq(pipelines.workspaceId, workspaceId), isNull(pipelines.archivedAt)))
        .orderBy(asc(pipelines.position), asc(pipelines.createdAt));
      const stages = await db
        .select()
        .from(pipelineStages)
        .where(and(eq(pipelineStages.workspaceId, workspaceId), isNull(pipelineStages.archivedAt)))
        .orderBy(asc(pipelineStages.position));
      return ps.map((p) => ({ ...p, stages: stages.filter((s) => s.pipelineId === p.id) }));
    },

    /** A stage of this workspace (archived ones included, so old leads still show theirs). */
    async findStage(workspaceId: string, stageId: string, tx: DbOrTx = db): Promise<StageRow | undefined> {
      const [row] = await tx
        .select()
        .from(pipelineStages)
        .where(and(eq(pipelineStages.workspaceId, workspaceId), eq(pipelineStages.id, stageId)));
      return row;
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
  };
}

export type PipelinesRepository = ReturnType<typeof createPipelinesRepository>;
