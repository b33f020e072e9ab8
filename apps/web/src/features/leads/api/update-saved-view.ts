import { savedView } from '@leadflow/shared/leads';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { SavedViewInput } from './create-saved-view';
import { getSavedViewsQueryOptions } from './get-saved-views';

export function updateSavedView({ viewId, ...body }: Partial<SavedViewInput> & { viewId: string }) {
  return api.patch(`/views/${encodeURIComponent(viewId)}`, { body, schema: savedView });
}

/** Its owner (or an admin, for a shared view) may change a view. */
export function useUpdateSavedView() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateSavedView,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getSavedViewsQueryOptions().queryKey }),
  });
}
