import type { createApiKeyRequest } from '@leadflow/shared/capture';
import { createdApiKey } from '@leadflow/shared/capture';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { API_KEYS_QUERY_KEY } from './get-api-keys';

export type CreateApiKeyInput = z.input<typeof createApiKeyRequest>;

/** The answer holds the full key: the only time anyone sees it. */
export function createApiKey(body: CreateApiKeyInput) {
  return api.post('/api-keys', { body, schema: createdApiKey });
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createApiKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: API_KEYS_QUERY_KEY }),
  });
}
