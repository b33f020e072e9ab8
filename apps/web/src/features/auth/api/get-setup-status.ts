import { setupStatusResponse } from '@leadflow/shared/auth';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export function getSetupStatus(signal?: AbortSignal) {
  return api.get('/setup/status', { schema: setupStatusResponse, signal });
}

export function getSetupStatusQueryOptions() {
  return queryOptions({
    queryKey: ['setup-status'],
    queryFn: ({ signal }) => getSetupStatus(signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useSetupStatus() {
  return useQuery(getSetupStatusQueryOptions());
}
