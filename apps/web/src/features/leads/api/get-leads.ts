import type { LeadQuery } from '@leadflow/shared/leads';
import { leadList } from '@leadflow/shared/leads';
import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

/** Every lead query (lists, counts, lead pages, timelines) lives under this key, so one invalidation refreshes them. */
export const LEADS_QUERY_KEY = ['leads'] as const;

/** A list query as the API takes it; without `sort` the server orders by relevance when searching, else newest first. */
export type LeadListQuery = Omit<LeadQuery, 'sort'> & { sort?: LeadQuery['sort'] };

export type LeadListOptions = { trash?: boolean; limit?: number };

/** Lists take the whole query as one JSON parameter; empty parts are left out so equal queries share a cache entry. */
export function encodeLeadQuery(query: LeadListQuery): string | undefined {
  const compact: Partial<LeadListQuery> = {};
  if (query.filters.length > 0) compact.filters = query.filters;
  if (query.q?.trim()) compact.q = query.q.trim();
  if (query.sort) compact.sort = query.sort;
  return Object.keys(compact).length > 0 ? JSON.stringify(compact) : undefined;
}

export function getLeads(
  query: LeadListQuery,
  { trash = false, limit = 50 }: LeadListOptions,
  cursor: string | undefined,
  signal?: AbortSignal,
) {
  return api.get('/leads', {
    schema: leadList,
    params: { query: encodeLeadQuery(query), cursor, limit, trash: trash ? 'true' : undefined },
    signal,
  });
}

export function getLeadsQueryOptions(query: LeadListQuery, options: LeadListOptions = {}) {
  return infiniteQueryOptions({
    queryKey: [...LEADS_QUERY_KEY, 'list', { query: encodeLeadQuery(query) ?? '', trash: options.trash ?? false }],
    queryFn: ({ pageParam, signal }) => getLeads(query, options, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useLeads(query: LeadListQuery, options: LeadListOptions = {}) {
  // The previous rows stay on screen while a new filter or sort loads.
  return useInfiniteQuery({ ...getLeadsQueryOptions(query, options), placeholderData: keepPreviousData });
}
