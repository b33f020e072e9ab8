import type { bulkActionRequest } from '@leadflow/shared/leads';
import { bulkActionResponse } from '@leadflow/shared/leads';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { LEADS_QUERY_KEY } from './get-leads';

export type BulkActionInput = z.input<typeof bulkActionRequest>;
export type BulkAction = BulkActionInput['action'];

/** Assigns, moves, tags, untags or deletes the listed leads, or every lead a query matches. */
export function bulkUpdateLeads(body: BulkActionInput) {
  return api.post('/leads/bulk', { body, schema: bulkActionResponse });
}

export function useBulkUpdateLeads() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: bulkUpdateLeads,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: LEADS_QUERY_KEY }),
  });
}
