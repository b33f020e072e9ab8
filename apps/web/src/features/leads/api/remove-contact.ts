import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { getLeadQueryOptions } from './get-lead';
import { getLeadTimelineQueryOptions } from './get-lead-timeline';

export function removeContact({ leadId, contactId }: { leadId: string; contactId: string }) {
  return api.delete(`/leads/${encodeURIComponent(leadId)}/contacts/${encodeURIComponent(contactId)}`);
}

export function useRemoveContact() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: removeContact,
    onSuccess: (_result, { leadId }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: getLeadQueryOptions(leadId).queryKey }),
        queryClient.invalidateQueries({ queryKey: getLeadTimelineQueryOptions(leadId).queryKey }),
      ]),
  });
}
