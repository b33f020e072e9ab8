import type { RealtimeEvent } from '@leadflow/shared/workspace';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { realtime } from '@/lib/realtime';
import { getLeadQueryOptions } from '../api/get-lead';
import { getLeadTimelineQueryOptions } from '../api/get-lead-timeline';
import { LEADS_QUERY_KEY } from '../api/get-leads';

/** Events that can add, change or remove rows of a lead list (or of the trash), and change its count. */
const LIST_EVENTS = ['lead.created', 'lead.updated', 'lead.deleted', 'leads.bulk_updated', 'trash.emptied'] as const;

/** Events close together (a bulk action, a burst of captured leads) refresh a list once... */
const COALESCE_MS = 200;
/** ...and a list refreshes at most once a second, however fast leads arrive. */
const MIN_INTERVAL_MS = 1_000;

/**
 * A workspace switch keeps the page mounted and refetches it for the new workspace: the socket must then hear the
 * new workspace too (it does nothing while the workspace is the one the socket hears).
 */
function useSocketOnCurrentWorkspace() {
  useEffect(() => realtime.syncWorkspace());
}

/** Someone else's change to this lead (or a note, a contact, a bulk action) refreshes the page within moments. */
export function useLeadLiveUpdates(leadId: string) {
  const queryClient = useQueryClient();
  useSocketOnCurrentWorkspace();
  useEffect(() => {
    const refresh = () => {
      void queryClient.invalidateQueries({ queryKey: getLeadQueryOptions(leadId).queryKey });
      void queryClient.invalidateQueries({ queryKey: getLeadTimelineQueryOptions(leadId).queryKey });
    };
    const ifThisLead = (event: RealtimeEvent) => {
      if (event.data.leadId === leadId) refresh();
    };
    const offs = [
      realtime.subscribe('lead.updated', ifThisLead),
      realtime.subscribe('lead.deleted', ifThisLead),
      // A bulk action does not list its leads: this one may be among them.
      realtime.subscribe('leads.bulk_updated', refresh),
    ];
    return () => offs.forEach((off) => off());
  }, [leadId, queryClient]);
}

/**
 * Keeps open lead lists (the list, the trash) and their counts current: a lead created, changed or deleted by
 * someone else, by an automation or by lead capture refetches them in place. What is on screen stays until the
 * fresh rows arrive, so nothing flickers and the list keeps its scroll position.
 */
export function useLeadListLiveUpdates() {
  const queryClient = useQueryClient();
  useSocketOnCurrentWorkspace();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = 0;
    const refresh = () => {
      timer = null;
      last = Date.now();
      void queryClient.invalidateQueries({ queryKey: [...LEADS_QUERY_KEY, 'list'] });
      void queryClient.invalidateQueries({ queryKey: [...LEADS_QUERY_KEY, 'count'] });
    };
    const schedule = () => {
      if (timer) return;
      timer = setTimeout(refresh, Math.max(COALESCE_MS, last + MIN_INTERVAL_MS - Date.now()));
    };
    const offs = LIST_EVENTS.map((type) => realtime.subscribe(type, schedule));
    return () => {
      offs.forEach((off) => off());
      if (timer) clearTimeout(timer);
    };
  }, [queryClient]);
}
