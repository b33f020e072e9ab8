import type { RealtimeEvent } from '@leadflow/shared/workspace';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { realtime } from '@/lib/realtime';
import type { LeadOffer } from '../api/distribution';
import { ASSIGNMENT_LOG_QUERY_KEY, OFFERS_QUERY_KEY, SPEED_QUERY_KEY } from '../api/distribution';

/** Events that change who waits for a first action, how fast the team answers, and the assignment log. */
const SPEED_EVENTS = ['lead.assigned', 'lead.unassigned', 'lead.created', 'lead.updated', 'lead.deleted', 'leads.bulk_updated', 'lead.sla_breached', 'lead.moved'] as const;

/**
 * Keeps the offers and the "my new leads" queue current: a new offer appears at once; an offer someone else
 * claimed (or that expired) disappears at once, before the list is read again.
 */
export function useDistributionLiveUpdates() {
  const queryClient = useQueryClient();
  useEffect(() => realtime.syncWorkspace());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refreshSpeed = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void queryClient.invalidateQueries({ queryKey: SPEED_QUERY_KEY });
        void queryClient.invalidateQueries({ queryKey: ASSIGNMENT_LOG_QUERY_KEY });
      }, 200);
    };
    const offerTaken = (event: RealtimeEvent) => {
      const offerId = event.data.offerId;
      queryClient.setQueryData(OFFERS_QUERY_KEY, (old: { offers: LeadOffer[] } | undefined) =>
        old ? { offers: old.offers.filter((offer) => offer.id !== offerId && offer.leadId !== event.data.leadId) } : old,
      );
      void queryClient.invalidateQueries({ queryKey: OFFERS_QUERY_KEY });
      refreshSpeed();
    };
    const offered = () => void queryClient.invalidateQueries({ queryKey: OFFERS_QUERY_KEY });
    const offs = [
      // Events sent while the socket was (re)connecting are lost: read both again once it is open.
      realtime.onStatus((status) => {
        if (status !== 'open') return;
        offered();
        refreshSpeed();
      }),
      realtime.subscribe('lead.offered', offered),
      realtime.subscribe('lead.offer_taken', offerTaken),
      ...SPEED_EVENTS.map((type) => realtime.subscribe(type, refreshSpeed)),
    ];
    return () => {
      offs.forEach((off) => off());
      if (timer) clearTimeout(timer);
    };
  }, [queryClient]);
}
