import { savedViewList } from '@leadflow/shared/leads';
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';

export type SavedView = z.infer<typeof savedViewList>['views'][number];

export function getSavedViews(signal?: AbortSignal) {
  return api.get('/views', { schema: savedViewList, signal });
}

export function getSavedViewsQueryOptions() {
  return queryOptions({ queryKey: ['saved-views'], queryFn: ({ signal }) => getSavedViews(signal) });
}

export function useSavedViews() {
  return useQuery(getSavedViewsQueryOptions());
}
