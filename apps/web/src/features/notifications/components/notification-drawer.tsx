import { ActionIcon, Anchor, Box, Button, Drawer, Group, Loader, SegmentedControl, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconCheck, IconChecks, IconMail } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '@/components/query-error';
import { notifyError } from '@/lib/notify';
import { useMarkAllRead, useMarkNotification, useNotificationList, useUnreadCount, type NotificationItem } from '../api/notifications';
import { useOpenNotificationLink } from '../hooks/use-notification-link';
import { groupByDay, notificationText, timeOfDay } from '../utils/notification-text';

/** The notification centre: newest first, grouped by day; mark read/unread one by one or all at once. */
export function NotificationDrawer({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const phone = useMediaQuery('(max-width: 36em)');
  const [filter, setFilter] = useState<'all' | 'unread'>('all');
  const list = useNotificationList(filter === 'unread', opened);
  const unread = useUnreadCount().data ?? 0;
  const markAll = useMarkAllRead();
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Drawer
      opened={opened}
      onClose={onClose}
      position="right"
      size={phone ? '100%' : 420}
      title={t('notifications.title')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      data-testid="notification-drawer"
    >
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <SegmentedControl
            size="xs"
            value={filter}
            onChange={(v) => setFilter(v as 'all' | 'unread')}
            data={[
              { value: 'all', label: t('notifications.all') },
              { value: 'unread', label: t('notifications.unreadOnly', { count: unread }) },
            ]}
          />
          <Button
            size="xs"
            variant="subtle"
            leftSection={<IconChecks size={14} />}
            disabled={!unread}
            loading={markAll.isPending}
            onClick={() => markAll.mutate(undefined, { onError: notifyError })}
          >
            {t('notifications.markAllRead')}
          </Button>
        </Group>
        {list.isPending ? (
          <Group justify="center" p="lg">
            <Loader size="sm" />
          </Group>
        ) : list.isError ? (
          <QueryError error={list.error} onRetry={() => void list.refetch()} />
        ) : items.length === 0 ? (
          <Text c="dimmed" ta="center" p="lg">
            {filter === 'unread' ? t('notifications.noneUnread') : t('notifications.none')}
          </Text>
        ) : (
          <>
            {groupByDay(items, t).map((group) => (
              <Stack key={group.key} gap={4} component="section" aria-label={group.label}>
                <Text size="xs" fw={700} c="dimmed" tt="uppercase">
                  {group.label}
                </Text>
                {group.items.map((item) => (
                  <NotificationRow key={item.id} item={item} onOpened={onClose} />
                ))}
              </Stack>
            ))}
            {list.hasNextPage ? (
              <Button variant="light" size="xs" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
                {t('notifications.loadMore')}
              </Button>
            ) : null}
          </>
        )}
        <Anchor component={Link} to="/profile" hash="notifications" size="sm" onClick={onClose}>
          {t('notifications.preferencesLink')}
        </Anchor>
      </Stack>
    </Drawer>
  );
}

function NotificationRow({ item, onOpened }: { item: NotificationItem; onOpened: () => void }) {
  const { t } = useTranslation();
  const mark = useMarkNotification();
  const open = useOpenNotificationLink();
  const { title, body } = notificationText(t, item);
  const isUnread = !item.readAt;
  return (
    <Group
      gap="xs"
      wrap="nowrap"
      align="flex-start"
      p="xs"
      data-testid="notification-item"
      data-unread={isUnread}
      style={{ borderRadius: 'var(--mantine-radius-sm)', background: isUnread ? 'var(--mantine-color-blue-light)' : undefined }}
    >
      <UnstyledButton
        style={{ flex: 1, minWidth: 0 }}
        onClick={() => {
          if (isUnread) mark.mutate({ id: item.id, read: true }, { onError: notifyError });
          if (open(item)) onOpened();
        }}
      >
        <Text size="sm" fw={isUnread ? 700 : 500} lineClamp={1}>
          {title}
        </Text>
        {body ? (
          <Text size="sm" c="dimmed" lineClamp={2}>
            {body}
          </Text>
        ) : null}
        <Text size="xs" c="dimmed">
          {timeOfDay(item.createdAt)}
        </Text>
      </UnstyledButton>
      <Box>
        <Tooltip label={isUnread ? t('notifications.markRead') : t('notifications.markUnread')} withinPortal>
          <ActionIcon
            variant="subtle"
            aria-label={isUnread ? t('notifications.markRead') : t('notifications.markUnread')}
            loading={mark.isPending}
            onClick={() => mark.mutate({ id: item.id, read: isUnread }, { onError: notifyError })}
          >
            {isUnread ? <IconCheck size={16} /> : <IconMail size={16} />}
          </ActionIcon>
        </Tooltip>
      </Box>
    </Group>
  );
}
