import { invitationPreviewResponse } from '@leadflow/shared/auth';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export function getInvitationPreview(token: string, signal?: AbortSignal) {
  return api.get(`/invitations/${encodeURIComponent(token)}`, { schema: invitationPreviewResponse, signal });
}

export function getInvitationPreviewQueryOptions(token: string) {
  return queryOptions({
    queryKey: ['invitation-preview', token],
    queryFn: ({ signal }) => getInvitationPreview(token, signal),
    enabled: token.length > 0,
  });
}

export function useInvitationPreview(token: string) {
  return useQuery(getInvitationPreviewQueryOptions(token));
}
