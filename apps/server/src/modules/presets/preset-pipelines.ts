import type { DbOrTx } from '../../platform/db/client.ts';
import { createLostReasons, createPipelineWithStages, createPipelinesRepository, type NewStage } from '../pipelines/pipelines.repository.ts';

/**
 * The pipelines module's side of a preset (its exported, transaction-taking functions): pipelines by name, and lost
 * reasons. A pipeline the workspace already has (same name, case ignored) is left as the admins shaped it.
 */
export async function existingPipelineNames(tx: DbOrTx, workspaceId: string): Promise<Set<string>> {
  const rows = await createPipelinesRepository(tx).listPipelines(workspaceId, false, tx);
  return new Set(rows.map((p) => p.name.trim().toLocaleLowerCase()));
}

export async function existingLostReasonNames(tx: DbOrTx, workspaceId: string): Promise<Set<string>> {
  const rows = await createPipelinesRepository(tx).listLostReasons(workspaceId, false, tx);
  return new Set(rows.map((r) => r.name.trim().toLocaleLowerCase()));
}

export async function addPipeline(tx: DbOrTx, workspaceId: string, name: string, stages: NewStage[]): Promise<void> {
  await createPipelineWithStages(tx, workspaceId, { name, stages });
}

export async function addLostReasons(tx: DbOrTx, workspaceId: string, names: string[]): Promise<string[]> {
  return (await createLostReasons(tx, workspaceId, names)).map((r) => r.name);
}
