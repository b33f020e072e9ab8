import { referrerReport } from '@leadflow/shared/marketing';
import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export function getReferrerReport(signal?: AbortSignal) {
  return api.get('/reports/referrers', { schema: referrerReport, signal });
}

/** Leads by referrer: referred leads and how many became clients, per client or contact. */
export function useReferrerReport(enabled = true) {
  return useQuery({ queryKey: ['reports', 'referrers'], queryFn: ({ signal }) => getReferrerReport(signal), enabled });
}
