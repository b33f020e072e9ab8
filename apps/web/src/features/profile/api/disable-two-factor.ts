import type { twoFactorDisableRequest } from '@leadflow/shared/auth';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { getMeQueryOptions } from './get-me';

export type DisableTwoFactorInput = z.input<typeof twoFactorDisableRequest>;

export function disableTwoFactor(body: DisableTwoFactorInput) {
  return api.post('/me/two-factor/disable', { body });
}

export function useDisableTwoFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: disableTwoFactor,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getMeQueryOptions().queryKey }),
  });
}
