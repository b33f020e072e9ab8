import type { twoFactorLoginRequest } from '@leadflow/shared/auth';
import { loginResponse } from '@leadflow/shared/auth';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { setCurrentWorkspaceId } from '@/lib/workspace-store';

export type TwoFactorLoginInput = z.input<typeof twoFactorLoginRequest>;

export function loginTwoFactor(body: TwoFactorLoginInput) {
  return api.post('/auth/login/two-factor', { body, schema: loginResponse });
}

export function useLoginTwoFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: loginTwoFactor,
    onSuccess: () => {
      setCurrentWorkspaceId(null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'setup-status' });
    },
  });
}
