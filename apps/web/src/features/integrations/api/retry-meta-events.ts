import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { api } from '@/lib/api-client';
import { INTEGRATIONS_QUERY_KEY } from './get-meta-connections';

const requeued = z.object({ requeued: z.number().int() });

/** Fetch again now: the given failed or skipped leads, or every failed one of the connection. */
export function retryMetaEvents({ connectionId, eventIds }: { connectionId: string; eventIds?: string[] }) {
  return api.post(`/integrations/meta/${connectionId}/events/retry`, { body: eventIds ? { eventIds } : {}, schema: requeued });
}

export function useRetryMetaEvents() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: retryMetaEvents,
    onSettled: () => queryClient.invalidateQueries({ queryKey: INTEGRATIONS_QUERY_KEY }),
  });
}
