import { metaConnectionTestResult } from '@leadflow/shared/capture';
import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { META_QUERY_KEY } from './get-meta-connections';

export type MetaTestResult = z.infer<typeof metaConnectionTestResult>;
export type MetaForm = Extract<MetaTestResult, { ok: true }>['forms'][number];

export function testMetaConnection(id: string, signal?: AbortSignal) {
  return api.post(`/integrations/meta/${id}/test`, { schema: metaConnectionTestResult, signal });
}

/**
 * "Test connection": the page's name and lead forms read with the stored token, or Meta's exact error.
 * Kept as a query so the forms stay listed while the page is open; a test can change the connection's status
 * (a dead token breaks it), so the connections refresh after each run.
 */
export function testMetaConnectionQueryOptions(id: string) {
  return queryOptions({
    queryKey: [...META_QUERY_KEY, id, 'test'],
    queryFn: ({ signal }) => testMetaConnection(id, signal),
    staleTime: 5 * 60_000,
    retry: false,
  });
}

export function useTestMetaConnection(id: string, enabled: boolean) {
  const queryClient = useQueryClient();
  return useQuery({
    ...testMetaConnectionQueryOptions(id),
    enabled,
    queryFn: async ({ signal }) => {
      const result = await testMetaConnection(id, signal);
      void queryClient.invalidateQueries({ queryKey: [...META_QUERY_KEY, 'connections'] });
      return result;
    },
  });
}
