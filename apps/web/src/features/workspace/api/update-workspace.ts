import type { updateWorkspaceRequest } from '@leadflow/shared/workspace';
import { workspaceSettings } from '@leadflow/shared/workspace';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { getWorkspaceQueryOptions } from './get-workspace';

export type UpdateWorkspaceInput = z.input<typeof updateWorkspaceRequest>;

export function updateWorkspace(body: UpdateWorkspaceInput) {
  return api.patch('/workspace', { body, schema: workspaceSettings });
}

export function useUpdateWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateWorkspace,
    onSuccess: (settings) => {
      queryClient.setQueryData(getWorkspaceQueryOptions().queryKey, settings);
      // The name appears in the workspace switcher, which reads /me.
      return queryClient.invalidateQueries();
    },
  });
}
