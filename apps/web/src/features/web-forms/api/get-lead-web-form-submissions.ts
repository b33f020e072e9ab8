import { webFormSubmission } from '@leadflow/shared/web-forms';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { api } from '@/lib/api-client';
import { WEB_FORMS_QUERY_KEY } from './get-web-forms';

const leadSubmissions = z.object({ submissions: z.array(webFormSubmission) });

export function getLeadWebFormSubmissions(leadId: string, signal?: AbortSignal) {
  return api.get(`/leads/${encodeURIComponent(leadId)}/web-form-submissions`, { schema: leadSubmissions, signal });
}

/** The web form submissions that brought a lead, or brought it back, newest first. */
export function getLeadWebFormSubmissionsQueryOptions(leadId: string) {
  return queryOptions({
    queryKey: [...WEB_FORMS_QUERY_KEY, 'lead', leadId],
    queryFn: ({ signal }) => getLeadWebFormSubmissions(leadId, signal),
  });
}

export function useLeadWebFormSubmissions(leadId: string) {
  return useQuery(getLeadWebFormSubmissionsQueryOptions(leadId));
}
