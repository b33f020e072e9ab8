import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { realtime } from '@/lib/realtime';
import { LOST_REASONS_QUERY_KEY } from '../api/get-lost-reasons';
import { PIPELINES_QUERY_KEY } from '../api/get-pipelines';

/** Another admin's change to pipelines, stages or lost reasons shows up in open settings pages without a reload. */
export function usePipelinesLiveUpdates() {
  const queryClient = useQueryClient();
  useEffect(() => realtime.syncWorkspace());
  useEffect(
    () =>
      realtime.subscribe('pipelines.changed', () => {
        void queryClient.invalidateQueries({ queryKey: PIPELINES_QUERY_KEY });
        void queryClient.invalidateQueries({ queryKey: LOST_REASONS_QUERY_KEY });
      }),
    [queryClient],
  );
}
