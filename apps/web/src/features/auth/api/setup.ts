import type { setupRequest } from '@leadflow/shared/auth';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { setCurrentWorkspaceId } from '@/lib/workspace-store';
import { getSetupStatusQueryOptions } from './get-setup-status';

export type SetupInput = z.input<typeof setupRequest>;

export function setup(body: SetupInput) {
  return api.post('/setup', { body });
}

/** Creates the first owner and workspace, and signs that owner in. */
export function useSetup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setup,
    onSuccess: () => {
      setCurrentWorkspaceId(null);
      queryClient.clear();
      queryClient.setQueryData(getSetupStatusQueryOptions().queryKey, { setUp: true });
    },
  });
}
