import { marketingEventList } from '@leadflow/shared/marketing';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export const EVENTS_QUERY_KEY = ['marketing-events'] as const;

export function getEvents(signal?: AbortSignal) {
  return api.get('/events', { schema: marketingEventList, signal });
}

export function getEventsQueryOptions() {
  return queryOptions({ queryKey: EVENTS_QUERY_KEY, queryFn: ({ signal }) => getEvents(signal), staleTime: 60_000 });
}

export function useEvents() {
  return useQuery(getEventsQueryOptions());
}
