import type { updateMemberRequest } from '@leadflow/shared/workspace';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { MEMBERS_QUERY_KEY } from './get-members';

export type UpdateMemberInput = z.input<typeof updateMemberRequest>;

export function updateMember({ userId, ...body }: UpdateMemberInput & { userId: string }) {
  return api.patch(`/members/${encodeURIComponent(userId)}`, { body });
}

/** Changes the role, approves a pending sign-up (status active) or disables/re-enables a member. */
export function useUpdateMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateMember,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: MEMBERS_QUERY_KEY }),
  });
}
