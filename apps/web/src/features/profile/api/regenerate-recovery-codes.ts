import type { twoFactorEnableRequest } from '@leadflow/shared/auth';
import { recoveryCodesResponse } from '@leadflow/shared/auth';
import { useMutation } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';

/** Needs a current code from the authenticator, like enabling does. */
export type RegenerateRecoveryCodesInput = z.input<typeof twoFactorEnableRequest>;

export function regenerateRecoveryCodes(body: RegenerateRecoveryCodesInput) {
  return api.post('/me/two-factor/recovery-codes', { body, schema: recoveryCodesResponse });
}

export function useRegenerateRecoveryCodes() {
  return useMutation({ mutationFn: regenerateRecoveryCodes });
}
