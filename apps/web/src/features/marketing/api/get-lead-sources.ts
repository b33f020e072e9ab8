import { leadSourceList } from '@leadflow/shared/marketing';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export const LEAD_SOURCES_QUERY_KEY = ['lead-sources'] as const;

export function getLeadSources(signal?: AbortSignal) {
  return api.get('/lead-sources', { schema: leadSourceList, signal });
}

/** Every source, archived ones included (forms offer the active ones, settings show all). */
export function getLeadSourcesQueryOptions() {
  return queryOptions({ queryKey: LEAD_SOURCES_QUERY_KEY, queryFn: ({ signal }) => getLeadSources(signal), staleTime: 60_000 });
}

export function useLeadSources() {
  return useQuery(getLeadSourcesQueryOptions());
}
