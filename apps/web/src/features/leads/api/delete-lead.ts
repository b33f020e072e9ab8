import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { LEADS_QUERY_KEY } from './get-leads';

/** Moves a lead to the trash; it can be restored from there. */
export function deleteLead(leadId: string) {
  return api.delete(`/leads/${encodeURIComponent(leadId)}`);
}

export function useDeleteLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteLead,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: LEADS_QUERY_KEY }),
  });
}
