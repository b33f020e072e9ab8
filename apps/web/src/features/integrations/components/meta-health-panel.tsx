import { Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '@/lib/format';
import type { MetaConnection } from '../api/get-meta-connections';

function Stat({ label, value, hint, testId }: { label: string; value: string; hint?: string | null; testId?: string }) {
  return (
    <Stack gap={2} style={{ minWidth: 0 }}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" data-testid={testId} style={{ overflowWrap: 'anywhere' }}>
        {value}
      </Text>
      {hint ? (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      ) : null}
    </Stack>
  );
}

/** A connection's health: when it last worked, what last went wrong, what it brought today, what waits. */
export function MetaHealthPanel({ connection }: { connection: MetaConnection }) {
  const { t } = useTranslation();
  const throttled = connection.throttledUntil && new Date(connection.throttledUntil) > new Date() ? connection.throttledUntil : null;
  return (
    <Paper withBorder p="sm" radius="md" aria-label={t('integrations.health.title')} role="group">
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <Stat label={t('integrations.health.lastSuccess')} value={formatDateTime(connection.lastSuccessAt)} />
        <Stat label={t('integrations.health.lastSync')} value={formatDateTime(connection.lastPolledAt)} />
        <Stat label={t('integrations.health.leadsToday')} value={String(connection.leadsToday)} testId="meta-leads-today" />
        <Stat
          label={t('integrations.health.waiting')}
          value={String(connection.pendingEvents)}
          hint={throttled ? t('integrations.health.throttledUntil', { date: formatDateTime(throttled) }) : null}
          testId="meta-pending-events"
        />
      </SimpleGrid>
      <Stack gap={2} mt="sm">
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          {t('integrations.health.lastError')}
        </Text>
        <Text size="sm" c={connection.lastError ? 'red' : undefined} style={{ overflowWrap: 'anywhere' }} data-testid="meta-last-error">
          {connection.lastError
            ? connection.lastErrorAt
              ? t('integrations.health.errorAt', { error: connection.lastError, date: formatDateTime(connection.lastErrorAt) })
              : connection.lastError
            : t('integrations.health.noError')}
        </Text>
      </Stack>
    </Paper>
  );
}
