import type { forgotPasswordRequest } from '@leadflow/shared/auth';
import { useMutation } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';

export type ForgotPasswordInput = z.input<typeof forgotPasswordRequest>;

export function forgotPassword(body: ForgotPasswordInput) {
  return api.post('/auth/password/forgot', { body });
}

export function useForgotPassword() {
  return useMutation({ mutationFn: forgotPassword });
}
