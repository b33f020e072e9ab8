import { exportDetail, exportList } from '@leadflow/shared/exports';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';

export type ExportDetail = z.output<typeof exportDetail>;
export type ExportStatus = ExportDetail['status'];

export const EXPORTS_QUERY_KEY = ['exports'] as const;

export function isExportActive(status: ExportStatus): boolean {
  return status === 'queued' || status === 'running';
}

/** The workspace's exports, newest first; polled every 2 s while one is being written. */
export function useExports() {
  return useQuery({
    queryKey: EXPORTS_QUERY_KEY,
    queryFn: ({ signal }) => api.get('/exports', { schema: exportList, signal }),
    refetchInterval: (query) => (query.state.data?.exports.some((e) => isExportActive(e.status)) ? 2_000 : false),
  });
}

export function useStartExport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post('/exports', { schema: exportDetail }),
    onSuccess: (created) => {
      queryClient.setQueryData<z.output<typeof exportList>>(EXPORTS_QUERY_KEY, (old) => (old ? { exports: [created, ...old.exports] } : old));
      void queryClient.invalidateQueries({ queryKey: EXPORTS_QUERY_KEY });
    },
  });
}
