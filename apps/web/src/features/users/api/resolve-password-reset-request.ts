import { resetLinkResponse } from '@leadflow/shared/workspace';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { getPasswordResetRequestsQueryOptions } from './get-password-reset-requests';

export function resolvePasswordResetRequest(requestId: string) {
  return api.post(`/password-reset-requests/${encodeURIComponent(requestId)}/resolve`, {
    schema: resetLinkResponse,
  });
}

export function useResolvePasswordResetRequest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: resolvePasswordResetRequest,
    onSuccess: () =>
      queryClient.invalidateQueries({ queryKey: getPasswordResetRequestsQueryOptions().queryKey }),
  });
}
