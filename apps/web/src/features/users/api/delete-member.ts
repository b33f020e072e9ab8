import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { MEMBERS_QUERY_KEY } from './get-members';

export function deleteMember(userId: string) {
  return api.delete(`/members/${encodeURIComponent(userId)}`);
}

/** Rejects a pending sign-up or removes a member from the workspace. */
export function useDeleteMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteMember,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: MEMBERS_QUERY_KEY }),
  });
}
