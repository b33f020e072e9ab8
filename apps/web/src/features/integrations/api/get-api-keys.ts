import { apiKey } from '@leadflow/shared/capture';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { api } from '@/lib/api-client';

export type ApiKey = z.infer<typeof apiKey>;

export const API_KEYS_QUERY_KEY = ['api-keys'] as const;

const apiKeyList = z.object({ apiKeys: z.array(apiKey) });

export function getApiKeys(signal?: AbortSignal) {
  return api.get('/api-keys', { schema: apiKeyList, signal });
}

/** The workspace's API keys: name, prefix and last use, never the keys. */
export function getApiKeysQueryOptions() {
  return queryOptions({ queryKey: API_KEYS_QUERY_KEY, queryFn: ({ signal }) => getApiKeys(signal) });
}

export function useApiKeys() {
  return useQuery(getApiKeysQueryOptions());
}
