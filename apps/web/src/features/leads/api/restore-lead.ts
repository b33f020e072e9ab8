import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { LEADS_QUERY_KEY } from './get-leads';

export function restoreLead(leadId: string) {
  return api.post(`/leads/${encodeURIComponent(leadId)}/restore`);
}

export function useRestoreLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: restoreLead,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: LEADS_QUERY_KEY }),
  });
}
