import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { api } from '@/lib/api-client';
import { LEADS_QUERY_KEY } from './get-leads';

const emptyTrashResponse = z.object({ deleted: z.number().int() });

/** Deletes every lead in the trash for good. */
export function emptyTrash() {
  return api.delete('/trash', { schema: emptyTrashResponse });
}

export function useEmptyTrash() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: emptyTrash,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: LEADS_QUERY_KEY }),
  });
}
