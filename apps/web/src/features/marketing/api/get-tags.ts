import { workspaceTagList } from '@leadflow/shared/marketing';
import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

/** The workspace's tag list (presets fill it); the lead form offers it, leads may carry other tags too. */
export function useWorkspaceTags() {
  return useQuery({ queryKey: ['workspace-tags'], queryFn: ({ signal }) => api.get('/tags', { schema: workspaceTagList, signal }), staleTime: 60_000 });
}
