import { cadenceItem, cadenceList, enrollmentItem, leadCadences, type CadenceItem, type createCadenceRequest, type EnrollmentItem, type LeadCadences } from '@leadflow/shared/cadences';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';

export type { CadenceItem, EnrollmentItem, LeadCadences };
export type CadenceInput = z.input<typeof createCadenceRequest>;

export const CADENCES_QUERY_KEY = ['cadences'] as const;
/** Under the tasks key: completing a task anywhere (which may start the next step) refreshes the lead's cadences. */
const leadKey = (leadId: string) => ['tasks', 'lead-cadences', leadId] as const;

export function cadencesQueryOptions() {
  return queryOptions({ queryKey: CADENCES_QUERY_KEY, queryFn: ({ signal }) => api.get('/cadences', { schema: cadenceList, signal }), staleTime: 30_000 });
}

export function useCadences() {
  return useQuery(cadencesQueryOptions());
}

export function useLeadCadences(leadId: string) {
  return useQuery({ queryKey: leadKey(leadId), queryFn: ({ signal }) => api.get(`/leads/${encodeURIComponent(leadId)}/cadences`, { schema: leadCadences, signal }) });
}

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: CADENCES_QUERY_KEY });
    // New or stopped steps are tasks: the task lists and the lead's cadences refresh.
    void queryClient.invalidateQueries({ queryKey: ['tasks'] });
  };
}

export function useSaveCadence() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, version, ...body }: CadenceInput & { id?: string; version?: number }) =>
      id ? api.patch(`/cadences/${encodeURIComponent(id)}`, { body: { ...body, version }, schema: cadenceItem }) : api.post('/cadences', { body, schema: cadenceItem }),
    onSuccess: invalidate,
  });
}

export function useArchiveCadence() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (id: string) => api.delete(`/cadences/${encodeURIComponent(id)}`), onSuccess: invalidate });
}

export function useApplyCadence(leadId: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (cadenceId: string) => api.post(`/leads/${encodeURIComponent(leadId)}/cadences`, { body: { cadenceId }, schema: enrollmentItem }),
    onSuccess: invalidate,
  });
}

export function useStopCadence(leadId: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (enrollmentId: string) => api.post(`/leads/${encodeURIComponent(leadId)}/cadences/${encodeURIComponent(enrollmentId)}/stop`, { schema: enrollmentItem }),
    onSuccess: invalidate,
  });
}
