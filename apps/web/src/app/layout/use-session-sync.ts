import type { MeResponse } from '@leadflow/shared/auth';
import { useMantineColorScheme } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { setDisplayTimeZone } from '@/lib/format';
import { changeLanguage } from '@/lib/i18n';
import { realtime } from '@/lib/realtime';
import { setCurrentWorkspaceId } from '@/lib/workspace-store';

/** Applies the profile (language, theme, time zone) and remembers the current workspace for API calls and live events. */
export function useSessionSync(me: MeResponse) {
  const { setColorScheme } = useMantineColorScheme();
  const { locale, theme, timeZone } = me.user;

  useEffect(() => {
    void changeLanguage(locale);
  }, [locale]);

  useEffect(() => {
    setColorScheme(theme);
  }, [theme, setColorScheme]);

  useEffect(() => {
    setDisplayTimeZone(timeZone);
  }, [timeZone]);

  useEffect(() => {
    if (!me.currentWorkspaceId) return;
    setCurrentWorkspaceId(me.currentWorkspaceId);
    // Live events follow the workspace: after a switch the socket reconnects to the new one, on every page.
    realtime.syncWorkspace();
  }, [me.currentWorkspaceId]);
}

/** One socket per tab while signed in; 'notification' events become toasts. */
export function useRealtime() {
  const queryClient = useQueryClient();
  useEffect(() => {
    realtime.start();
    const offNotification = realtime.subscribe('notification', (event) => {
      const title = typeof event.data.title === 'string' ? event.data.title : undefined;
      const body = typeof event.data.body === 'string' ? event.data.body : '';
      notifications.show({ title, message: body });
    });
    let dropped = false;
    const offStatus = realtime.onStatus((status) => {
      if (status === 'closed') dropped = true;
      // Events may have been missed while disconnected: refresh what is on screen.
      if (status === 'open' && dropped) {
        dropped = false;
        void queryClient.invalidateQueries();
      }
    });
    return () => {
      offNotification();
      offStatus();
      realtime.stop();
    };
  }, [queryClient]);
}
