import { Badge, Button, Code, Group, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadMore } from '@/components/load-more';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import type { IntegrationLogEntry, IntegrationLogFilters } from '../api/get-integration-log';
import { useIntegrationLog } from '../api/get-integration-log';
import { useMetaConnections } from '../api/get-meta-connections';

const PAGE_SIZE = 50;
/** Who writes to the log: Meta Lead Ads, the intake API, the web forms. */
const PROVIDERS = ['meta', 'intake', 'web_form'] as const;

type StatusFilter = 'ok' | 'error';
type DirectionFilter = 'in' | 'out';

function isStatusFilter(value: string | null): value is StatusFilter {
  return value === 'ok' || value === 'error';
}

function isDirectionFilter(value: string | null): value is DirectionFilter {
  return value === 'in' || value === 'out';
}

/** Every Graph call and webhook with its status, timing and error, newest first; for admins. */
export function IntegrationLog() {
  const { t } = useTranslation();
  const [provider, setProvider] = useState<string | null>(null);
  const [status, setStatus] = useState<StatusFilter | null>(null);
  const [direction, setDirection] = useState<DirectionFilter | null>(null);
  const [connectionId, setConnectionId] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text.trim(), 300);
  const connections = useMetaConnections();
  const filters: IntegrationLogFilters = {
    provider: provider ?? undefined,
    status: status ?? undefined,
    direction: direction ?? undefined,
    connectionId: connectionId ?? undefined,
    q: q || undefined,
    limit: PAGE_SIZE,
  };
  const log = useIntegrationLog(filters);
  const entries = log.data?.pages.flatMap((page) => page.entries) ?? [];
  const pageNames = new Map((connections.data?.connections ?? []).map((c) => [c.id, c.pageName ?? c.pageId]));

  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }} spacing="sm">
        <TextInput
          label={t('integrations.log.search')}
          placeholder={t('integrations.log.searchPlaceholder')}
          leftSection={<IconSearch size={16} />}
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          maxLength={200}
        />
        <Select
          label={t('integrations.log.connection')}
          placeholder={t('integrations.log.any')}
          data={[...pageNames].map(([value, label]) => ({ value, label }))}
          value={connectionId}
          onChange={setConnectionId}
          clearable
        />
        <Select
          label={t('integrations.log.kind')}
          placeholder={t('integrations.log.any')}
          data={[
            { value: 'in', label: t('integrations.log.webhook') },
            { value: 'out', label: t('integrations.log.call') },
          ]}
          value={direction}
          onChange={(value) => setDirection(isDirectionFilter(value) ? value : null)}
          clearable
        />
        <Select
          label={t('integrations.log.provider')}
          placeholder={t('integrations.log.any')}
          data={PROVIDERS.map((p) => ({ value: p, label: t(`integrations.log.providers.${p}`) }))}
          value={provider}
          onChange={setProvider}
          clearable
        />
        <Select
          label={t('integrations.log.status')}
          placeholder={t('integrations.log.any')}
          data={[
            { value: 'ok', label: t('integrations.log.statusOk') },
            { value: 'error', label: t('integrations.log.statusError') },
          ]}
          value={status}
          onChange={(value) => setStatus(isStatusFilter(value) ? value : null)}
          clearable
        />
      </SimpleGrid>
      <Group justify="flex-end">
        <Button variant="subtle" size="compact-sm" loading={log.isRefetching} onClick={() => void log.refetch()}>
          {t('common.refresh')}
        </Button>
      </Group>

      {log.isPending ? (
        <LoadingScreen />
      ) : log.isError ? (
        <QueryError error={log.error} onRetry={() => void log.refetch()} />
      ) : entries.length === 0 ? (
        <Text c="dimmed">{t('integrations.log.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="xs" data-testid="integration-log">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('integrations.log.when')}</Table.Th>
                <Table.Th miw={130}>{t('integrations.log.kind')}</Table.Th>
                <Table.Th>{t('integrations.log.request')}</Table.Th>
                <Table.Th>{t('integrations.log.status')}</Table.Th>
                <Table.Th>{t('integrations.log.duration')}</Table.Th>
                <Table.Th>{t('integrations.log.error')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((entry) => (
                <LogRow key={entry.id} entry={entry} pageName={entry.connectionId ? pageNames.get(entry.connectionId) : undefined} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      <LoadMore query={log} label={t('integrations.log.loadMore')} />
    </Stack>
  );
}

function LogRow({ entry, pageName }: { entry: IntegrationLogEntry; pageName: string | undefined }) {
  const { t } = useTranslation();
  const failed = entry.error !== null || entry.status === null || entry.status >= 400;
  return (
    <Table.Tr data-testid="integration-log-row">
      <Table.Td>
        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
          {formatDateTime(entry.createdAt)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Badge variant="light" color={entry.direction === 'in' ? 'grape' : 'blue'} styles={{ label: { overflow: 'visible' } }}>
          {entry.direction === 'in' ? t('integrations.log.webhook') : t('integrations.log.call')}
        </Badge>
        <Text size="xs" c="dimmed">
          {pageName ? `${entry.provider} · ${pageName}` : entry.provider}
        </Text>
      </Table.Td>
      <Table.Td>
        <Code style={{ overflowWrap: 'anywhere', whiteSpace: 'normal' }}>
          {entry.method} {entry.url}
        </Code>
      </Table.Td>
      <Table.Td>
        <Badge variant="outline" color={failed ? 'red' : 'teal'}>
          {entry.status ?? t('integrations.log.noResponse')}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
          {entry.durationMs === null ? '—' : t('integrations.log.ms', { ms: entry.durationMs })}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={entry.error ? 'red' : 'dimmed'} style={{ overflowWrap: 'anywhere' }}>
          {entry.error ?? '—'}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}
