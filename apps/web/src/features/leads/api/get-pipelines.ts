import { pipelineList } from '@leadflow/shared/pipelines';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export function getPipelines(signal?: AbortSignal) {
  return api.get('/pipelines', { schema: pipelineList, signal });
}

/** Pipelines and their stages, for stage pickers and badges; they change rarely. */
export function getPipelinesQueryOptions() {
  return queryOptions({ queryKey: ['pipelines'], queryFn: ({ signal }) => getPipelines(signal), staleTime: 5 * 60_000 });
}

export function usePipelines() {
  return useQuery(getPipelinesQueryOptions());
}
