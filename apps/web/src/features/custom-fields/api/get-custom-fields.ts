import { customFieldList } from '@leadflow/shared/leads';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export const CUSTOM_FIELDS_QUERY_KEY = ['custom-fields'] as const;

export function getCustomFields(includeDeleted: boolean, signal?: AbortSignal) {
  return api.get('/custom-fields', {
    schema: customFieldList,
    params: { includeDeleted: includeDeleted ? 'true' : undefined },
    signal,
  });
}

/** The workspace's custom lead fields in display order; deleted ones only when asked for. */
export function getCustomFieldsQueryOptions(includeDeleted = false) {
  return queryOptions({
    queryKey: [...CUSTOM_FIELDS_QUERY_KEY, includeDeleted ? 'with-deleted' : 'active'],
    queryFn: ({ signal }) => getCustomFields(includeDeleted, signal),
  });
}

export function useCustomFields(includeDeleted = false) {
  return useQuery(getCustomFieldsQueryOptions(includeDeleted));
}
