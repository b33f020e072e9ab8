import { Alert, Button, CopyButton, Group, Loader, Modal, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconCopy, IconRefresh, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useCalendarFeed, useRevokeCalendarFeed, useRotateCalendarFeed } from '../api/tasks';

/**
 * My iCalendar subscription (ADR 018): create or rotate a secret address (shown once — the server keeps only its
 * hash) for Google Calendar, Outlook or Apple Calendar, or revoke it.
 */
export function CalendarFeedCard() {
  const { t } = useTranslation();
  const feed = useCalendarFeed();
  const rotate = useRotateCalendarFeed();
  const revoke = useRevokeCalendarFeed();
  const [url, setUrl] = useState<string | null>(null);
  const [confirming, confirm] = useDisclosure(false);

  return (
    <Paper withBorder p="md" data-testid="calendar-feed" component="section" aria-label={t('tasks.feed.title')}>
      <Stack gap="xs">
        <Title order={3} size="h5">
          {t('tasks.feed.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('tasks.feed.help')}
        </Text>
        {feed.isPending ? <Loader size="xs" /> : null}
        {feed.isError ? <QueryError error={feed.error} onRetry={() => void feed.refetch()} /> : null}
        {feed.data ? (
          <Text size="sm" data-testid="calendar-feed-status">
            {feed.data.active ? t('tasks.feed.on', { date: formatDateTime(feed.data.createdAt) }) : t('tasks.feed.off')}
            {feed.data.active && feed.data.lastUsedAt ? ` ${t('tasks.feed.lastUsed', { date: formatDateTime(feed.data.lastUsedAt) })}` : ''}
          </Text>
        ) : null}
        {url ? (
          <Alert color="yellow" variant="light">
            <Stack gap={6}>
              <Text size="sm">{t('tasks.feed.created')}</Text>
              <Group gap="xs" wrap="nowrap" align="flex-end">
                <TextInput style={{ flex: 1, minWidth: 0 }} label={t('tasks.feed.address')} value={url} readOnly onFocus={(e) => e.currentTarget.select()} />
                <CopyButton value={url}>
                  {({ copied, copy }) => (
                    <Button variant="light" leftSection={<IconCopy size={14} />} onClick={copy}>
                      {copied ? t('common.copied') : t('common.copy')}
                    </Button>
                  )}
                </CopyButton>
              </Group>
            </Stack>
          </Alert>
        ) : null}
        <Group gap="xs">
          <Button
            size="xs"
            variant="light"
            leftSection={<IconRefresh size={14} />}
            loading={rotate.isPending}
            onClick={() => rotate.mutate(undefined, { onSuccess: (data) => setUrl(data.url), onError: notifyError })}
          >
            {feed.data?.active ? t('tasks.feed.rotate') : t('tasks.feed.create')}
          </Button>
          {feed.data?.active ? (
            <Button size="xs" variant="subtle" color="red" leftSection={<IconTrash size={14} />} onClick={confirm.open}>
              {t('tasks.feed.revoke')}
            </Button>
          ) : null}
        </Group>
      </Stack>
      <Modal opened={confirming} onClose={confirm.close} title={t('tasks.feed.revoke')}>
        <Text size="sm">{t('tasks.feed.revokeConfirm')}</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={confirm.close}>
            {t('common.cancel')}
          </Button>
          <Button
            color="red"
            loading={revoke.isPending}
            onClick={() =>
              revoke.mutate(undefined, {
                onSuccess: () => {
                  setUrl(null);
                  confirm.close();
                  notifySuccess(t('tasks.feed.revoked'));
                },
                onError: notifyError,
              })
            }
          >
            {t('tasks.feed.revoke')}
          </Button>
        </Group>
      </Modal>
    </Paper>
  );
}
