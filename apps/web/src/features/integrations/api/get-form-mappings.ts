import { metaFormMapping } from '@leadflow/shared/capture';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { api } from '@/lib/api-client';
import { META_QUERY_KEY } from './get-meta-connections';

export type MetaFormMapping = z.infer<typeof metaFormMapping>;

const mappingList = z.object({ mappings: z.array(metaFormMapping) });

export function getFormMappings(connectionId: string, signal?: AbortSignal) {
  return api.get(`/integrations/meta/${connectionId}/forms`, { schema: mappingList, signal });
}

/** The saved mappings of a connection's forms; a form without one uses the automatic mapping. */
export function getFormMappingsQueryOptions(connectionId: string) {
  return queryOptions({
    queryKey: [...META_QUERY_KEY, connectionId, 'mappings'],
    queryFn: ({ signal }) => getFormMappings(connectionId, signal),
  });
}

export function useFormMappings(connectionId: string) {
  return useQuery(getFormMappingsQueryOptions(connectionId));
}
