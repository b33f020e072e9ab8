import { timelinePage } from '@leadflow/shared/leads';
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { LEADS_QUERY_KEY } from './get-leads';

export type TimelinePage = z.infer<typeof timelinePage>;
export type TimelineItem = TimelinePage['items'][number];

export function getLeadTimeline(leadId: string, cursor: string | undefined, signal?: AbortSignal) {
  return api.get(`/leads/${encodeURIComponent(leadId)}/timeline`, {
    schema: timelinePage,
    params: { cursor, limit: 30 },
    signal,
  });
}

export function getLeadTimelineQueryOptions(leadId: string) {
  return infiniteQueryOptions({
    queryKey: [...LEADS_QUERY_KEY, 'timeline', leadId],
    queryFn: ({ pageParam, signal }) => getLeadTimeline(leadId, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useLeadTimeline(leadId: string) {
  return useInfiniteQuery(getLeadTimelineQueryOptions(leadId));
}
