import type { createInvitationRequest } from '@leadflow/shared/workspace';
import { createInvitationResponse } from '@leadflow/shared/workspace';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { getInvitationsQueryOptions } from './get-invitations';

export type CreateInvitationInput = z.input<typeof createInvitationRequest>;

export function createInvitation(body: CreateInvitationInput) {
  return api.post('/invitations', { body, schema: createInvitationResponse });
}

export function useCreateInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createInvitation,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getInvitationsQueryOptions().queryKey }),
  });
}
