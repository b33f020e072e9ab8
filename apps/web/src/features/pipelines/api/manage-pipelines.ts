import type {
  archiveStageRequest,
  createPipelineRequest,
  createStageRequest,
  updatePipelineRequest,
  updateStageRequest,
} from '@leadflow/shared/pipelines';
import { archiveStageResponse, pipeline, pipelineStage } from '@leadflow/shared/pipelines';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { BOARD_QUERY_KEY } from './get-board';
import { PIPELINES_QUERY_KEY } from './get-pipelines';

const pipelinePath = (pipelineId: string) => `/pipelines/${encodeURIComponent(pipelineId)}`;
const stagePath = (pipelineId: string, stageId: string) => `${pipelinePath(pipelineId)}/stages/${encodeURIComponent(stageId)}`;

export function createPipeline(body: z.input<typeof createPipelineRequest>) {
  return api.post('/pipelines', { body, schema: pipeline });
}

export function renamePipeline({ pipelineId, ...body }: z.input<typeof updatePipelineRequest> & { pipelineId: string }) {
  return api.patch(pipelinePath(pipelineId), { body, schema: pipeline });
}

export function archivePipeline(pipelineId: string) {
  return api.post(`${pipelinePath(pipelineId)}/archive`);
}

export function restorePipeline(pipelineId: string) {
  return api.post(`${pipelinePath(pipelineId)}/restore`);
}

export function createStage({ pipelineId, ...body }: z.input<typeof createStageRequest> & { pipelineId: string }) {
  return api.post(`${pipelinePath(pipelineId)}/stages`, { body, schema: pipelineStage });
}

export function updateStage({ pipelineId, stageId, ...body }: z.input<typeof updateStageRequest> & { pipelineId: string; stageId: string }) {
  return api.patch(stagePath(pipelineId, stageId), { body, schema: pipelineStage });
}

/** The full list of the pipeline's active stages in the new order. */
export function reorderStages({ pipelineId, stageIds }: { pipelineId: string; stageIds: string[] }) {
  return api.put(`${pipelinePath(pipelineId)}/stages/order`, { body: { stageIds } });
}

export function archiveStage({ pipelineId, stageId, ...body }: z.input<typeof archiveStageRequest> & { pipelineId: string; stageId: string }) {
  return api.post(`${stagePath(pipelineId, stageId)}/archive`, { body, schema: archiveStageResponse });
}

export function restoreStage({ pipelineId, stageId }: { pipelineId: string; stageId: string }) {
  return api.post(`${stagePath(pipelineId, stageId)}/restore`);
}

/** Every pipeline change refreshes the pipelines (settings, lead pages) and open boards. */
function usePipelineMutation<T, R>(mutationFn: (input: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: PIPELINES_QUERY_KEY });
      await queryClient.invalidateQueries({ queryKey: BOARD_QUERY_KEY });
    },
  });
}

export const useCreatePipeline = () => usePipelineMutation(createPipeline);
export const useRenamePipeline = () => usePipelineMutation(renamePipeline);
export const useArchivePipeline = () => usePipelineMutation(archivePipeline);
export const useRestorePipeline = () => usePipelineMutation(restorePipeline);
export const useCreateStage = () => usePipelineMutation(createStage);
export const useUpdateStage = () => usePipelineMutation(updateStage);
export const useReorderStages = () => usePipelineMutation(reorderStages);
export const useArchiveStage = () => usePipelineMutation(archiveStage);
export const useRestoreStage = () => usePipelineMutation(restoreStage);
