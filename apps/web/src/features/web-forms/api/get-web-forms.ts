import { webFormList } from '@leadflow/shared/web-forms';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export const WEB_FORMS_QUERY_KEY = ['web-forms'] as const;

export function getWebForms(signal?: AbortSignal) {
  return api.get('/web-forms', { schema: webFormList, signal });
}

/** The workspace's web forms, newest first, with their submission counts (which visitors change: never fresh for long). */
export function getWebFormsQueryOptions() {
  return queryOptions({ queryKey: [...WEB_FORMS_QUERY_KEY, 'list'], queryFn: ({ signal }) => getWebForms(signal), staleTime: 0 });
}

export function useWebForms() {
  return useQuery(getWebFormsQueryOptions());
}
