import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { realtime } from '@/lib/realtime';
import { INTEGRATIONS_QUERY_KEY } from '../api/get-meta-connections';

/** Captured leads arriving in a burst refresh the health panels and the log once. */
const COALESCE_MS = 1_000;

/**
 * Keeps the open integrations page current: a connection that breaks (an expired token found by a background
 * fetch) shows it at once, and new captured leads update "leads today", the last success and the log.
 */
export function useIntegrationLiveUpdates() {
  const queryClient = useQueryClient();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      timer = null;
      void queryClient.invalidateQueries({ queryKey: [...INTEGRATIONS_QUERY_KEY, 'meta', 'connections'] });
      void queryClient.invalidateQueries({ queryKey: [...INTEGRATIONS_QUERY_KEY, 'log'] });
    };
    const schedule = () => {
      timer ??= setTimeout(refresh, COALESCE_MS);
    };
    const offs = ['integration.broken', 'lead.created', 'lead.updated'].map((type) => realtime.subscribe(type, schedule));
    return () => {
      offs.forEach((off) => off());
      if (timer) clearTimeout(timer);
    };
  }, [queryClient]);
}
