import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { META_QUERY_KEY } from './get-meta-connections';

export function deleteMetaConnection(id: string) {
  return api.delete(`/integrations/meta/${id}`);
}

/** Disconnects a page: its mappings go with it; the leads it brought stay. */
export function useDeleteMetaConnection() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteMetaConnection,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: META_QUERY_KEY }),
  });
}
