import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { getSavedViewsQueryOptions } from './get-saved-views';

export function deleteSavedView(viewId: string) {
  return api.delete(`/views/${encodeURIComponent(viewId)}`);
}

export function useDeleteSavedView() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteSavedView,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getSavedViewsQueryOptions().queryKey }),
  });
}
