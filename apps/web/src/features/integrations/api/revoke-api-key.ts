import { apiKey } from '@leadflow/shared/capture';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { API_KEYS_QUERY_KEY } from './get-api-keys';

export function revokeApiKey(id: string) {
  return api.delete(`/api-keys/${id}`, { schema: apiKey });
}

/** A revoked key stops working at once. */
export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeApiKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: API_KEYS_QUERY_KEY }),
  });
}
