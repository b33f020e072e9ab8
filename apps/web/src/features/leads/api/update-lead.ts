import type { updateLeadRequest } from '@leadflow/shared/leads';
import { leadDetail } from '@leadflow/shared/leads';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { getLeadQueryOptions } from './get-lead';
import { LEADS_QUERY_KEY } from './get-leads';

export type UpdateLeadInput = z.input<typeof updateLeadRequest>;

/** Sends the version that was read: a lead changed by someone else in between gets 409 CONFLICT (field `version`). */
export function updateLead({ leadId, ...body }: UpdateLeadInput & { leadId: string }) {
  return api.patch(`/leads/${encodeURIComponent(leadId)}`, { body, schema: leadDetail });
}

export function useUpdateLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateLead,
    onSuccess: (lead) => {
      queryClient.setQueryData(getLeadQueryOptions(lead.id).queryKey, lead);
      return queryClient.invalidateQueries({ queryKey: LEADS_QUERY_KEY });
    },
  });
}
