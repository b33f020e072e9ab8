import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { realtime } from '@/lib/realtime';
import type { ImportStatus, ImportWithColumns } from '../api/imports';
import { IMPORTS_QUERY_KEY, importQueryKey } from '../api/imports';

type ProgressData = { importId?: unknown; status?: unknown; rowsDone?: unknown; created?: unknown; updated?: unknown };

const num = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

/**
 * The server announces each batch of a running import (`import.progress`): the bar moves at once from the event;
 * the page's polling of the import brings the rate and the time left. A status change refreshes the lists.
 */
export function useImportProgress() {
  const queryClient = useQueryClient();
  useEffect(() => realtime.syncWorkspace());
  useEffect(
    () =>
      realtime.subscribe('import.progress', (event) => {
        const data = event.data as ProgressData;
        if (typeof data.importId !== 'string') return;
        let statusChanged = true;
        queryClient.setQueryData<ImportWithColumns>(importQueryKey(data.importId), (old) => {
          if (!old) return old;
          const status = typeof data.status === 'string' ? (data.status as ImportStatus) : old.status;
          statusChanged = status !== old.status;
          return {
            ...old,
            status,
            progress: {
              ...old.progress,
              rowsDone: Math.max(old.progress.rowsDone, num(data.rowsDone, old.progress.rowsDone)),
              created: num(data.created, old.progress.created),
              updated: num(data.updated, old.progress.updated),
            },
          };
        });
        if (statusChanged) void queryClient.invalidateQueries({ queryKey: IMPORTS_QUERY_KEY });
      }),
    [queryClient],
  );
}
