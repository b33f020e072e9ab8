import type { changePasswordRequest } from '@leadflow/shared/auth';
import { useMutation } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';

export type ChangePasswordInput = z.input<typeof changePasswordRequest>;

export function changePassword(body: ChangePasswordInput) {
  return api.post('/me/password', { body });
}

export function useChangePassword() {
  return useMutation({ mutationFn: changePassword });
}
