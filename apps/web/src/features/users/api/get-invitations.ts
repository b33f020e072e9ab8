import { invitationList } from '@leadflow/shared/workspace';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export function getInvitations(signal?: AbortSignal) {
  return api.get('/invitations', { schema: invitationList, signal });
}

export function getInvitationsQueryOptions() {
  return queryOptions({ queryKey: ['invitations'], queryFn: ({ signal }) => getInvitations(signal) });
}

export function useInvitations(options: { enabled?: boolean } = {}) {
  return useQuery({ ...getInvitationsQueryOptions(), enabled: options.enabled ?? true });
}
