import { twoFactorSetupResponse } from '@leadflow/shared/auth';
import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export function setupTwoFactor() {
  return api.post('/me/two-factor/setup', { schema: twoFactorSetupResponse });
}

export function useSetupTwoFactor() {
  return useMutation({ mutationFn: setupTwoFactor });
}
