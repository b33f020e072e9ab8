import type { updateRoleRequest } from '@leadflow/shared/workspace';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';

export type UpdateRoleInput = z.input<typeof updateRoleRequest>;

export function updateRole({ roleId, ...body }: UpdateRoleInput & { roleId: string }) {
  return api.patch(`/roles/${encodeURIComponent(roleId)}`, { body });
}

export function useUpdateRole() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateRole,
    // Permissions of the signed-in user may have changed too.
    onSuccess: () => queryClient.invalidateQueries(),
  });
}
