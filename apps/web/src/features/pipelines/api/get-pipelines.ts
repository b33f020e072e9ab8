import { pipelineList } from '@leadflow/shared/pipelines';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

/** The lead pages keep their copy of the pipelines under the same root key: one invalidation refreshes both. */
export const PIPELINES_QUERY_KEY = ['pipelines'] as const;

export type PipelineListOptions = { includeArchived?: boolean; withCounts?: boolean };

export function getPipelines({ includeArchived = false, withCounts = false }: PipelineListOptions, signal?: AbortSignal) {
  return api.get('/pipelines', {
    schema: pipelineList,
    params: { includeArchived: includeArchived ? 'true' : undefined, withCounts: withCounts ? 'true' : undefined },
    signal,
  });
}

export function getPipelinesQueryOptions(options: PipelineListOptions = {}) {
  const { includeArchived = false, withCounts = false } = options;
  return queryOptions({
    queryKey: [...PIPELINES_QUERY_KEY, 'admin', { includeArchived, withCounts }],
    queryFn: ({ signal }) => getPipelines({ includeArchived, withCounts }, signal),
  });
}

export function usePipelineList(options: PipelineListOptions = {}) {
  return useQuery(getPipelinesQueryOptions(options));
}
