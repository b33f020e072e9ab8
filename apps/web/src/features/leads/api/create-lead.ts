import type { createLeadRequest } from '@leadflow/shared/leads';
import { leadDetail } from '@leadflow/shared/leads';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { LEADS_QUERY_KEY } from './get-leads';

export type CreateLeadInput = z.input<typeof createLeadRequest>;

export function createLead(body: CreateLeadInput) {
  return api.post('/leads', { body, schema: leadDetail });
}

export function useCreateLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createLead,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: LEADS_QUERY_KEY }),
  });
}
