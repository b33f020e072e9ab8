import { ActionIcon, Indicator, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconBell } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useUnreadCount } from '../api/notifications';
import { useNotificationsLive } from '../hooks/use-notifications-live';
import { NotificationDrawer } from './notification-drawer';

/** The header bell: unread count, opens the notification centre; also where live notifications are heard. */
export function NotificationBell() {
  const { t } = useTranslation();
  const [opened, drawer] = useDisclosure(false);
  const unread = useUnreadCount().data ?? 0;
  useNotificationsLive();
  const label = unread ? t('notifications.bellUnread', { count: unread }) : t('notifications.bell');
  return (
    <>
      <Tooltip label={label} withinPortal>
        <Indicator
          label={unread > 99 ? '99+' : unread}
          size={18}
          color="red"
          offset={4}
          disabled={!unread}
          data-testid="notification-count"
          data-count={unread}
        >
          <ActionIcon variant="default" size="lg" radius="md" aria-label={label} onClick={drawer.open} data-testid="notification-bell">
            <IconBell size={18} />
          </ActionIcon>
        </Indicator>
      </Tooltip>
      <NotificationDrawer opened={opened} onClose={drawer.close} />
    </>
  );
}
