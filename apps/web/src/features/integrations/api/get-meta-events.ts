import { metaLeadEvent } from '@leadflow/shared/capture';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { api } from '@/lib/api-client';
import { META_QUERY_KEY } from './get-meta-connections';

export type MetaLeadEvent = z.infer<typeof metaLeadEvent>;
export type MetaLeadEventStatus = MetaLeadEvent['status'];

const eventPage = z.object({ events: z.array(metaLeadEvent), nextCursor: z.string().nullable() });

export function getMetaEvents(connectionId: string, status: MetaLeadEventStatus, signal?: AbortSignal) {
  return api.get(`/integrations/meta/${connectionId}/events`, { schema: eventPage, params: { status, limit: 50 }, signal });
}

/** The newest leadgen notifications of a connection in one state (failed ones with Meta's error). */
export function getMetaEventsQueryOptions(connectionId: string, status: MetaLeadEventStatus) {
  return queryOptions({
    queryKey: [...META_QUERY_KEY, connectionId, 'events', status],
    queryFn: ({ signal }) => getMetaEvents(connectionId, status, signal),
  });
}

export function useMetaEvents(connectionId: string, status: MetaLeadEventStatus, enabled: boolean) {
  return useQuery({ ...getMetaEventsQueryOptions(connectionId, status), enabled });
}
