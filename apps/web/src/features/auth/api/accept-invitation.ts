import type { acceptInvitationRequest } from '@leadflow/shared/auth';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { setCurrentWorkspaceId } from '@/lib/workspace-store';

export type AcceptInvitationInput = z.input<typeof acceptInvitationRequest>;

export function acceptInvitation({ token, ...body }: AcceptInvitationInput & { token: string }) {
  return api.post(`/invitations/${encodeURIComponent(token)}/accept`, { body });
}

/** Accepting signs the invited user in and makes the invited workspace the current one. */
export function useAcceptInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: acceptInvitation,
    onSuccess: () => {
      setCurrentWorkspaceId(null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'setup-status' && query.queryKey[0] !== 'invitation-preview' });
    },
  });
}
