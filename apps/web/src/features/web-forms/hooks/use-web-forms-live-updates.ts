import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { realtime } from '@/lib/realtime';
import { WEB_FORMS_QUERY_KEY } from '../api/get-web-forms';

/** Submissions arriving in a burst refresh the counts once. */
const COALESCE_MS = 1_000;

/** Keeps the open web forms page current: a lead that arrives through a form updates its counts and submissions. */
export function useWebFormsLiveUpdates() {
  const queryClient = useQueryClient();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      timer = null;
      void queryClient.invalidateQueries({ queryKey: WEB_FORMS_QUERY_KEY });
    };
    const offs = ['lead.created', 'lead.updated'].map((type) =>
      realtime.subscribe(type, (event) => {
        if (event.data.origin === 'web_form') timer ??= setTimeout(refresh, COALESCE_MS);
      }),
    );
    return () => {
      offs.forEach((off) => off());
      if (timer) clearTimeout(timer);
    };
  }, [queryClient]);
}
