import { passwordResetRequestList } from '@leadflow/shared/workspace';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export function getPasswordResetRequests(signal?: AbortSignal) {
  return api.get('/password-reset-requests', { schema: passwordResetRequestList, signal });
}

export function getPasswordResetRequestsQueryOptions() {
  return queryOptions({
    queryKey: ['password-reset-requests'],
    queryFn: ({ signal }) => getPasswordResetRequests(signal),
  });
}

export function usePasswordResetRequests(options: { enabled?: boolean } = {}) {
  return useQuery({ ...getPasswordResetRequestsQueryOptions(), enabled: options.enabled ?? true });
}
