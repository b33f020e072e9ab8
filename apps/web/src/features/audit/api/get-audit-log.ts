import type { auditListQuery } from '@leadflow/shared/workspace';
import { auditList } from '@leadflow/shared/workspace';
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';

type AuditLogQuery = Omit<z.input<typeof auditListQuery>, 'limit'> & { limit?: number };
export type AuditLogFilters = Omit<AuditLogQuery, 'cursor'>;

export function getAuditLog(query: AuditLogQuery, signal?: AbortSignal) {
  return api.get('/audit', { schema: auditList, params: query, signal });
}

export function getAuditLogQueryOptions(filters: AuditLogFilters) {
  return infiniteQueryOptions({
    queryKey: ['audit', filters],
    queryFn: ({ pageParam, signal }) => getAuditLog({ ...filters, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useAuditLog(filters: AuditLogFilters) {
  return useInfiniteQuery(getAuditLogQueryOptions(filters));
}
