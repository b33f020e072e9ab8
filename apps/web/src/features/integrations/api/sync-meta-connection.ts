import { metaSyncResult } from '@leadflow/shared/capture';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { INTEGRATIONS_QUERY_KEY } from './get-meta-connections';

export type SyncMetaInput = {
  id: string;
  /** Backfill: the leads of the last `days` days; without it, those since the last sync. */
  days?: number;
  /** One form only; without it, every form of the page. */
  formId?: string;
};

export function syncMetaConnection({ id, days, formId }: SyncMetaInput) {
  return api.post(`/integrations/meta/${id}/sync`, { params: { days, formId }, schema: metaSyncResult });
}

/** Sync now / backfill; afterwards the health panel and the integration log are stale. */
export function useSyncMetaConnection() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: syncMetaConnection,
    onSettled: () => queryClient.invalidateQueries({ queryKey: INTEGRATIONS_QUERY_KEY }),
  });
}
