import type { savedViewInput } from '@leadflow/shared/leads';
import { savedView } from '@leadflow/shared/leads';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { getSavedViewsQueryOptions } from './get-saved-views';

export type SavedViewInput = z.input<typeof savedViewInput>;

export function createSavedView(body: SavedViewInput) {
  return api.post('/views', { body, schema: savedView });
}

export function useCreateSavedView() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createSavedView,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getSavedViewsQueryOptions().queryKey }),
  });
}
