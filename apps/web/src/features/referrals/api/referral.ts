import type { markReferralRequest } from '@leadflow/shared/marketing';
import { referralInfo, referredLeadList, referrerSearchResult } from '@leadflow/shared/marketing';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { api } from '@/lib/api-client';

export type MarkReferralInput = z.input<typeof markReferralRequest>;

const referralKey = (leadId: string) => ['referral', leadId] as const;
const referredKey = (leadId: string) => ['referred', leadId] as const;

export function useReferral(leadId: string) {
  return useQuery({
    queryKey: referralKey(leadId),
    queryFn: ({ signal }) => api.get(`/leads/${encodeURIComponent(leadId)}/referral`, { schema: z.object({ referral: referralInfo.nullable() }), signal }),
  });
}

/** Who this client referred, directly or through its contacts. */
export function useReferredLeads(leadId: string) {
  return useQuery({
    queryKey: referredKey(leadId),
    queryFn: ({ signal }) => api.get(`/leads/${encodeURIComponent(leadId)}/referred`, { schema: referredLeadList, signal }),
  });
}

export function useReferrerSearch(q: string, enabled: boolean) {
  return useQuery({
    queryKey: ['referrers', q],
    queryFn: ({ signal }) => api.get('/referrers', { params: { q }, schema: referrerSearchResult, signal }),
    enabled,
    placeholderData: keepPreviousData,
  });
}

function useReferralMutation<A>(leadId: string, fn: (a: A) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: referralKey(leadId) }),
        queryClient.invalidateQueries({ queryKey: ['referred'] }),
        queryClient.invalidateQueries({ queryKey: ['reports', 'referrers'] }),
        queryClient.invalidateQueries({ queryKey: ['leads'] }),
      ]),
  });
}

export function useMarkReferral(leadId: string) {
  return useReferralMutation(leadId, (body: MarkReferralInput) => api.put(`/leads/${encodeURIComponent(leadId)}/referral`, { body, schema: referralInfo }));
}

export function useUnmarkReferral(leadId: string) {
  return useReferralMutation(leadId, () => api.delete(`/leads/${encodeURIComponent(leadId)}/referral`));
}
