import { leadCount } from '@leadflow/shared/leads';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { LeadListQuery } from './get-leads';
import { encodeLeadQuery, LEADS_QUERY_KEY } from './get-leads';

export function getLeadCount(query: LeadListQuery, trash: boolean, signal?: AbortSignal) {
  return api.get('/leads/count', {
    schema: leadCount,
    params: { query: encodeLeadQuery(query), trash: trash ? 'true' : undefined },
    signal,
  });
}

export function getLeadCountQueryOptions(query: LeadListQuery, trash = false) {
  // The sort does not change a count: leave it out of the key.
  const countable: LeadListQuery = { filters: query.filters, q: query.q };
  return queryOptions({
    queryKey: [...LEADS_QUERY_KEY, 'count', { query: encodeLeadQuery(countable) ?? '', trash }],
    queryFn: ({ signal }) => getLeadCount(countable, trash, signal),
  });
}

export function useLeadCount(query: LeadListQuery, trash = false) {
  return useQuery({ ...getLeadCountQueryOptions(query, trash), placeholderData: keepPreviousData });
}
