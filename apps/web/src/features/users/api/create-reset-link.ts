import { resetLinkResponse } from '@leadflow/shared/workspace';
import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export function createResetLink(userId: string) {
  return api.post(`/members/${encodeURIComponent(userId)}/reset-link`, { schema: resetLinkResponse });
}

/** An admin makes a password reset link to hand to a member directly. */
export function useCreateResetLink() {
  return useMutation({ mutationFn: createResetLink });
}
