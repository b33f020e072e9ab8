import type { updateProfileRequest } from '@leadflow/shared/auth';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { getMeQueryOptions } from './get-me';

export type UpdateProfileInput = z.input<typeof updateProfileRequest>;

export function updateProfile(body: UpdateProfileInput) {
  return api.patch('/me', { body });
}

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  const meKey = getMeQueryOptions().queryKey;
  return useMutation({
    mutationFn: updateProfile,
    onMutate: (body) => {
      // Show the new name, language and theme at once; the refetch confirms them.
      queryClient.setQueryData(meKey, (me) => (me ? { ...me, user: { ...me.user, ...body } } : me));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: meKey }),
  });
}
