import { leadDetail } from '@leadflow/shared/leads';
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { LEADS_QUERY_KEY } from './get-leads';

export type LeadDetail = z.infer<typeof leadDetail>;

export function getLead(leadId: string, signal?: AbortSignal) {
  return api.get(`/leads/${encodeURIComponent(leadId)}`, { schema: leadDetail, signal });
}

export function getLeadQueryOptions(leadId: string) {
  return queryOptions({
    queryKey: [...LEADS_QUERY_KEY, 'detail', leadId],
    queryFn: ({ signal }) => getLead(leadId, signal),
  });
}

export function useLead(leadId: string, options: { enabled?: boolean } = {}) {
  return useQuery({ ...getLeadQueryOptions(leadId), enabled: options.enabled ?? true });
}
