import { metaConnection } from '@leadflow/shared/capture';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { api } from '@/lib/api-client';

export type MetaConnection = z.infer<typeof metaConnection>;

export const INTEGRATIONS_QUERY_KEY = ['integrations'] as const;
export const META_QUERY_KEY = [...INTEGRATIONS_QUERY_KEY, 'meta'] as const;

const connectionList = z.object({ connections: z.array(metaConnection) });

export function getMetaConnections(signal?: AbortSignal) {
  return api.get('/integrations/meta', { schema: connectionList, signal });
}

/** The workspace's Facebook Pages with their health; never their secrets. */
export function getMetaConnectionsQueryOptions() {
  return queryOptions({
    queryKey: [...META_QUERY_KEY, 'connections'],
    queryFn: ({ signal }) => getMetaConnections(signal),
  });
}

export function useMetaConnections() {
  return useQuery(getMetaConnectionsQueryOptions());
}
