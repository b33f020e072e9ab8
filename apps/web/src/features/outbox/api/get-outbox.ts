import { outboxList } from '@leadflow/shared/workspace';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export function getOutbox(signal?: AbortSignal) {
  return api.get('/outbox', { schema: outboxList, signal });
}

export function getOutboxQueryOptions() {
  return queryOptions({ queryKey: ['outbox'], queryFn: ({ signal }) => getOutbox(signal) });
}

export function useOutbox() {
  return useQuery(getOutboxQueryOptions());
}
