import type { createLeadSourceRequest, updateLeadSourceRequest } from '@leadflow/shared/marketing';
import { leadSource } from '@leadflow/shared/marketing';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { LEAD_SOURCES_QUERY_KEY } from './get-lead-sources';

export type CreateLeadSourceInput = z.input<typeof createLeadSourceRequest>;
export type UpdateLeadSourceInput = z.input<typeof updateLeadSourceRequest>;

export function createLeadSource(body: CreateLeadSourceInput) {
  return api.post('/lead-sources', { body, schema: leadSource });
}

export function updateLeadSource({ id, ...body }: UpdateLeadSourceInput & { id: string }) {
  return api.patch(`/lead-sources/${encodeURIComponent(id)}`, { body, schema: leadSource });
}

export function deleteLeadSource(id: string) {
  return api.delete(`/lead-sources/${encodeURIComponent(id)}`);
}

function useInvalidatingMutation<A, R>(fn: (a: A) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: LEAD_SOURCES_QUERY_KEY }) });
}

export const useCreateLeadSource = () => useInvalidatingMutation(createLeadSource);
export const useUpdateLeadSource = () => useInvalidatingMutation(updateLeadSource);
export const useDeleteLeadSource = () => useInvalidatingMutation(deleteLeadSource);
