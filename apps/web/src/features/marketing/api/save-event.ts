import type { createMarketingEventRequest, updateMarketingEventRequest } from '@leadflow/shared/marketing';
import { marketingEvent } from '@leadflow/shared/marketing';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { EVENTS_QUERY_KEY } from './get-events';

export type CreateEventInput = z.input<typeof createMarketingEventRequest>;
export type UpdateEventInput = z.input<typeof updateMarketingEventRequest>;

export function createEvent(body: CreateEventInput) {
  return api.post('/events', { body, schema: marketingEvent });
}

export function updateEvent({ id, ...body }: UpdateEventInput & { id: string }) {
  return api.patch(`/events/${encodeURIComponent(id)}`, { body, schema: marketingEvent });
}

export function deleteEvent(id: string) {
  return api.delete(`/events/${encodeURIComponent(id)}`);
}

function useInvalidatingMutation<A, R>(fn: (a: A) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: EVENTS_QUERY_KEY }) });
}

export const useCreateEvent = () => useInvalidatingMutation(createEvent);
export const useUpdateEvent = () => useInvalidatingMutation(updateEvent);
export const useDeleteEvent = () => useInvalidatingMutation(deleteEvent);
