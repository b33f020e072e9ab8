import type { createMetaConnectionRequest } from '@leadflow/shared/capture';
import { metaConnection } from '@leadflow/shared/capture';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { META_QUERY_KEY } from './get-meta-connections';

export type CreateMetaConnectionInput = z.input<typeof createMetaConnectionRequest>;

export function createMetaConnection(body: CreateMetaConnectionInput) {
  return api.post('/integrations/meta', { body, schema: metaConnection });
}

export function useCreateMetaConnection() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createMetaConnection,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: META_QUERY_KEY }),
  });
}
