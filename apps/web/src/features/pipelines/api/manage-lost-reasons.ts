import type { createLostReasonRequest, updateLostReasonRequest } from '@leadflow/shared/pipelines';
import { lostReason } from '@leadflow/shared/pipelines';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { LOST_REASONS_QUERY_KEY } from './get-lost-reasons';

export function createLostReason(body: z.input<typeof createLostReasonRequest>) {
  return api.post('/lost-reasons', { body, schema: lostReason });
}

export function updateLostReason({ reasonId, ...body }: z.input<typeof updateLostReasonRequest> & { reasonId: string }) {
  return api.patch(`/lost-reasons/${encodeURIComponent(reasonId)}`, { body, schema: lostReason });
}

/** The full list of active reasons in the new order. */
export function reorderLostReasons(reasonIds: string[]) {
  return api.put('/lost-reasons/order', { body: { reasonIds } });
}

function useLostReasonMutation<T>(mutationFn: (input: T) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: () => queryClient.invalidateQueries({ queryKey: LOST_REASONS_QUERY_KEY }),
  });
}

export const useCreateLostReason = () => useLostReasonMutation(createLostReason);
export const useUpdateLostReason = () => useLostReasonMutation(updateLostReason);
export const useReorderLostReasons = () => useLostReasonMutation(reorderLostReasons);
