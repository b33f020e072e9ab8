import type { signupRequest } from '@leadflow/shared/auth';
import { signupResponse } from '@leadflow/shared/auth';
import { useMutation } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';

export type SignupInput = z.input<typeof signupRequest>;

export function signup(body: SignupInput) {
  return api.post('/auth/signup', { body, schema: signupResponse });
}

export function useSignup() {
  return useMutation({ mutationFn: signup });
}
