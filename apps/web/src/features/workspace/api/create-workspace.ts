import type { createWorkspaceRequest } from '@leadflow/shared/workspace';
import { workspaceSettings } from '@leadflow/shared/workspace';
import { useMutation } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';

export type CreateWorkspaceInput = z.input<typeof createWorkspaceRequest>;

export function createWorkspace(body: CreateWorkspaceInput) {
  return api.post('/workspaces', { body, schema: workspaceSettings });
}

/** The creator becomes its owner; the caller then switches to it, which refreshes everything. */
export function useCreateWorkspace() {
  return useMutation({ mutationFn: createWorkspace });
}
