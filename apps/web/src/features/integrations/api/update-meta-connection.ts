import type { updateMetaConnectionRequest } from '@leadflow/shared/capture';
import { metaConnection } from '@leadflow/shared/capture';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { META_QUERY_KEY } from './get-meta-connections';

export type UpdateMetaConnectionInput = z.input<typeof updateMetaConnectionRequest>;

export function updateMetaConnection({ id, ...body }: UpdateMetaConnectionInput & { id: string }) {
  return api.patch(`/integrations/meta/${id}`, { body, schema: metaConnection });
}

export function useUpdateMetaConnection() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateMetaConnection,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: META_QUERY_KEY }),
  });
}
