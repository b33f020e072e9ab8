import { lostReasonList } from '@leadflow/shared/pipelines';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export const LOST_REASONS_QUERY_KEY = ['lost-reasons'] as const;

export function getLostReasons(includeArchived: boolean, signal?: AbortSignal) {
  return api.get('/lost-reasons', {
    schema: lostReasonList,
    params: { includeArchived: includeArchived ? 'true' : undefined },
    signal,
  });
}

/** The workspace's lost reasons in their order; archived ones only when asked for (settings). */
export function getLostReasonsQueryOptions(includeArchived = false) {
  return queryOptions({
    queryKey: [...LOST_REASONS_QUERY_KEY, includeArchived ? 'with-archived' : 'active'],
    queryFn: ({ signal }) => getLostReasons(includeArchived, signal),
  });
}

export function useLostReasons(includeArchived = false) {
  return useQuery(getLostReasonsQueryOptions(includeArchived));
}
