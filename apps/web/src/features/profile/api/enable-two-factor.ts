import type { twoFactorEnableRequest } from '@leadflow/shared/auth';
import { recoveryCodesResponse } from '@leadflow/shared/auth';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { getMeQueryOptions } from './get-me';

export type EnableTwoFactorInput = z.input<typeof twoFactorEnableRequest>;

export function enableTwoFactor(body: EnableTwoFactorInput) {
  return api.post('/me/two-factor/enable', { body, schema: recoveryCodesResponse });
}

export function useEnableTwoFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: enableTwoFactor,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getMeQueryOptions().queryKey }),
  });
}
