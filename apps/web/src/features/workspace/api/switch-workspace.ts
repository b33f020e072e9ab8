import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { setCurrentWorkspaceId } from '@/lib/workspace-store';

export function switchWorkspace(workspaceId: string) {
  return api.post('/workspaces/switch', { body: { workspaceId } });
}

/** Every cached query belongs to the previous workspace, so all of them are reset. */
export function useSwitchWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: switchWorkspace,
    onSuccess: (_result, workspaceId) => {
      setCurrentWorkspaceId(workspaceId);
      return queryClient.resetQueries({ predicate: (query) => query.queryKey[0] !== 'setup-status' });
    },
  });
}
