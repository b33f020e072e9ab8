import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { realtime } from '@/lib/realtime';
import { PRODUCTION_QUERY_KEY } from '../api/production';

/** Another member's change (move, edit, file) reloads the board, at most about once a second. */
export function useProductionLiveUpdates() {
  const queryClient = useQueryClient();
  useEffect(() => realtime.syncWorkspace());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void queryClient.invalidateQueries({ queryKey: PRODUCTION_QUERY_KEY });
      }, 1_000);
    };
    const offs = ['production.changed', 'task.updated', 'task.deleted', 'task.created'].map((type) => realtime.subscribe(type, refresh));
    return () => {
      offs.forEach((off) => off());
      if (timer) clearTimeout(timer);
    };
  }, [queryClient]);
}
