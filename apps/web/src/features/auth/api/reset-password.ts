import type { resetPasswordRequest } from '@leadflow/shared/auth';
import { useMutation } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';

export type ResetPasswordInput = z.input<typeof resetPasswordRequest>;

export function resetPassword(body: ResetPasswordInput) {
  return api.post('/auth/password/reset', { body });
}

export function useResetPassword() {
  return useMutation({ mutationFn: resetPassword });
}
