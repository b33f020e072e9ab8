import { webFormSubmissionList } from '@leadflow/shared/web-forms';
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { WEB_FORMS_QUERY_KEY } from './get-web-forms';

export function getFormSubmissions(formId: string, cursor: string | null, signal?: AbortSignal) {
  return api.get(`/web-forms/${encodeURIComponent(formId)}/submissions`, {
    schema: webFormSubmissionList,
    params: { cursor: cursor ?? undefined, limit: 25 },
    signal,
  });
}

/** A form's accepted submissions, newest first, a page at a time. */
export function getFormSubmissionsQueryOptions(formId: string) {
  return infiniteQueryOptions({
    queryKey: [...WEB_FORMS_QUERY_KEY, 'submissions', formId],
    queryFn: ({ pageParam, signal }) => getFormSubmissions(formId, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useFormSubmissions(formId: string) {
  return useInfiniteQuery(getFormSubmissionsQueryOptions(formId));
}
