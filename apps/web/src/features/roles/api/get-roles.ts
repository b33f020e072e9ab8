import { roleList } from '@leadflow/shared/workspace';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export function getRoles(signal?: AbortSignal) {
  return api.get('/roles', { schema: roleList, signal });
}

export function getRolesQueryOptions() {
  return queryOptions({ queryKey: ['roles'], queryFn: ({ signal }) => getRoles(signal) });
}

export function useRoles(options: { enabled?: boolean } = {}) {
  return useQuery({ ...getRolesQueryOptions(), enabled: options.enabled ?? true });
}
