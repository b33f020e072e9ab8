import { leadContact } from '@leadflow/shared/leads';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ContactInput } from './add-contact';
import { getLeadQueryOptions } from './get-lead';
import { getLeadTimelineQueryOptions } from './get-lead-timeline';

export function updateContact({ leadId, contactId, ...body }: Partial<ContactInput> & { leadId: string; contactId: string }) {
  return api.patch(`/leads/${encodeURIComponent(leadId)}/contacts/${encodeURIComponent(contactId)}`, {
    body,
    schema: leadContact,
  });
}

export function useUpdateContact() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateContact,
    onSuccess: (_contact, { leadId }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: getLeadQueryOptions(leadId).queryKey }),
        queryClient.invalidateQueries({ queryKey: getLeadTimelineQueryOptions(leadId).queryKey }),
      ]),
  });
}
