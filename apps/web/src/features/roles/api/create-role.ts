import type { createRoleRequest } from '@leadflow/shared/workspace';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { getRolesQueryOptions } from './get-roles';

export type CreateRoleInput = z.input<typeof createRoleRequest>;

export function createRole(body: CreateRoleInput) {
  return api.post('/roles', { body });
}

export function useCreateRole() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createRole,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getRolesQueryOptions().queryKey }),
  });
}
