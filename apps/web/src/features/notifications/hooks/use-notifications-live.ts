import { notificationCreatedEvent, notificationReadEvent } from '@leadflow/shared/notifications';
import { notifications as toasts } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { realtime } from '@/lib/realtime';
import { NOTIFICATIONS_QUERY_KEY, UNREAD_QUERY_KEY } from '../api/notifications';
import { playChime, showDesktop } from '../utils/alerts';
import { notificationText } from '../utils/notification-text';
import { useOpenNotificationLink } from './use-notification-link';

/**
 * The bell's live side: a notification for this user arrives over the WebSocket, the count and lists follow, and
 * — as the user chose, and not in their quiet hours — a toast with a short chime, and a desktop notification
 * when this tab is in the background and the browser allows it.
 */
export function useNotificationsLive() {
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  const open = useOpenNotificationLink();

  useEffect(() => realtime.syncWorkspace());
  useEffect(() => {
    const refreshLists = () => void queryClient.invalidateQueries({ queryKey: [...NOTIFICATIONS_QUERY_KEY, 'list'] });
    const offCreated = realtime.subscribe('notification.created', (event) => {
      const parsed = notificationCreatedEvent.safeParse(event.data);
      if (!parsed.success) return;
      const { notification, inApp, sound, desktop, unread } = parsed.data;
      queryClient.setQueryData(UNREAD_QUERY_KEY, { unread });
      refreshLists();
      const { title, body } = notificationText(t, notification);
      if (inApp) {
        toasts.show({
          id: `notification-${notification.id}`,
          title,
          message: body,
          color: 'blue',
          autoClose: 6000,
          withBorder: true,
          'data-testid': 'notification-toast',
          style: { cursor: 'pointer' },
          onClick: () => {
            if (open(notification)) toasts.hide(`notification-${notification.id}`);
          },
        } as Parameters<typeof toasts.show>[0]);
      }
      if (sound) playChime();
      if (desktop && document.visibilityState !== 'visible') showDesktop(title, body, notification.id, () => open(notification));
    });
    const offRead = realtime.subscribe('notification.read', (event) => {
      const parsed = notificationReadEvent.safeParse(event.data);
      if (parsed.success) queryClient.setQueryData(UNREAD_QUERY_KEY, { unread: parsed.data.unread });
      refreshLists();
    });
    return () => {
      offCreated();
      offRead();
    };
  }, [queryClient, t, open]);
}
