import type { loginRequest } from '@leadflow/shared/auth';
import { loginResponse } from '@leadflow/shared/auth';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { setCurrentWorkspaceId } from '@/lib/workspace-store';

export type LoginInput = z.input<typeof loginRequest>;

export function login(body: LoginInput) {
  return api.post('/auth/login', { body, schema: loginResponse });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (result) => {
      if (result.twoFactorRequired) return;
      // A new session: nothing cached for a previous user may survive.
      setCurrentWorkspaceId(null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'setup-status' });
    },
  });
}
