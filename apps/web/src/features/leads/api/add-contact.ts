import type { contactInput } from '@leadflow/shared/leads';
import { leadContact } from '@leadflow/shared/leads';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { getLeadQueryOptions } from './get-lead';
import { getLeadTimelineQueryOptions } from './get-lead-timeline';

export type ContactInput = z.input<typeof contactInput>;

export function addContact({ leadId, ...body }: ContactInput & { leadId: string }) {
  return api.post(`/leads/${encodeURIComponent(leadId)}/contacts`, { body, schema: leadContact });
}

export function useAddContact() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: addContact,
    onSuccess: (_contact, { leadId }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: getLeadQueryOptions(leadId).queryKey }),
        queryClient.invalidateQueries({ queryKey: getLeadTimelineQueryOptions(leadId).queryKey }),
      ]),
  });
}
