import { workspaceSettings } from '@leadflow/shared/workspace';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export function getWorkspace(signal?: AbortSignal) {
  return api.get('/workspace', { schema: workspaceSettings, signal });
}

export function getWorkspaceQueryOptions() {
  return queryOptions({ queryKey: ['workspace'], queryFn: ({ signal }) => getWorkspace(signal) });
}

export function useWorkspace() {
  return useQuery(getWorkspaceQueryOptions());
}
