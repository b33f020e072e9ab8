import { integrationLogEntry } from '@leadflow/shared/capture';
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { api } from '@/lib/api-client';
import { INTEGRATIONS_QUERY_KEY } from './get-meta-connections';

export type IntegrationLogEntry = z.infer<typeof integrationLogEntry>;

export type IntegrationLogFilters = {
  provider?: string;
  status?: 'ok' | 'error';
  connectionId?: string;
  /** in: webhooks received; out: calls made (Graph API). */
  direction?: 'in' | 'out';
  /** Part of the URL, method or error. */
  q?: string;
  limit?: number;
};

const logPage = z.object({ entries: z.array(integrationLogEntry), nextCursor: z.string().nullable() });

export function getIntegrationLog(filters: IntegrationLogFilters, cursor: string | undefined, signal?: AbortSignal) {
  return api.get('/integrations/log', { schema: logPage, params: { ...filters, cursor }, signal });
}

/** Every external call and webhook, newest first, a page at a time. */
export function getIntegrationLogQueryOptions(filters: IntegrationLogFilters) {
  return infiniteQueryOptions({
    queryKey: [...INTEGRATIONS_QUERY_KEY, 'log', filters],
    queryFn: ({ pageParam, signal }) => getIntegrationLog(filters, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useIntegrationLog(filters: IntegrationLogFilters) {
  return useInfiniteQuery(getIntegrationLogQueryOptions(filters));
}
