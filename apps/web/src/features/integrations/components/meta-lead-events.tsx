import { Alert, Button, Code, Collapse, Group, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertTriangle, IconPlayerPause } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';
import type { MetaConnection } from '../api/get-meta-connections';
import type { MetaLeadEventStatus } from '../api/get-meta-events';
import { useMetaEvents } from '../api/get-meta-events';
import { useRetryMetaEvents } from '../api/retry-meta-events';

/**
 * Leads Meta announced that did not become leads: failed fetches (with Meta's error) and leads of disabled forms.
 * Nothing is lost silently: each is listed here and can be fetched again.
 */
export function MetaLeadEvents({ connection, formNames }: { connection: MetaConnection; formNames: Map<string, string> }) {
  return (
    <>
      {connection.failedEvents > 0 ? (
        <EventGroup connection={connection} status="failed" count={connection.failedEvents} formNames={formNames} />
      ) : null}
      {connection.skippedEvents > 0 ? (
        <EventGroup connection={connection} status="skipped" count={connection.skippedEvents} formNames={formNames} />
      ) : null}
    </>
  );
}

type EventGroupProps = { connection: MetaConnection; status: Extract<MetaLeadEventStatus, 'failed' | 'skipped'>; count: number; formNames: Map<string, string> };

function EventGroup({ connection, status, count, formNames }: EventGroupProps) {
  const { t } = useTranslation();
  const [opened, { toggle }] = useDisclosure(false);
  const events = useMetaEvents(connection.id, status, opened || status === 'skipped');
  const retry = useRetryMetaEvents();
  const failed = status === 'failed';

  const retryAll = () => {
    // Failed ones: the server retries all of them; skipped ones are named (they wait for their form otherwise).
    const eventIds = failed ? undefined : events.data?.events.map((e) => e.id);
    if (!failed && !eventIds?.length) return;
    retry.mutate(
      { connectionId: connection.id, eventIds },
      { onSuccess: (result) => notifySuccess(t('integrations.events.requeued', { count: result.requeued })), onError: notifyError },
    );
  };

  return (
    <Alert
      color={failed ? 'red' : 'yellow'}
      icon={failed ? <IconAlertTriangle size={18} /> : <IconPlayerPause size={18} />}
      title={failed ? t('integrations.events.failedTitle', { count }) : t('integrations.events.skippedTitle', { count })}
      data-testid={`meta-events-${status}`}
    >
      <Text size="sm">{failed ? t('integrations.events.failedHelp') : t('integrations.events.skippedHelp')}</Text>
      <Group gap="xs" mt="xs">
        <Button size="compact-sm" variant="white" color={failed ? 'red' : 'yellow'} onClick={toggle} aria-expanded={opened}>
          {opened ? t('integrations.events.hide') : t('integrations.events.show')}
        </Button>
        <Button
          size="compact-sm"
          color={failed ? 'red' : 'yellow'}
          loading={retry.isPending}
          disabled={connection.status === 'broken'}
          onClick={retryAll}
        >
          {failed ? t('integrations.events.retryAll') : t('integrations.events.createAll')}
        </Button>
      </Group>
      <Collapse expanded={opened}>
        <Stack mt="sm" gap="xs">
          {events.isError ? <QueryError error={events.error} onRetry={() => void events.refetch()} /> : null}
          {events.data ? (
            <Table.ScrollContainer minWidth={560}>
              <Table verticalSpacing={4} fz="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('integrations.events.received')}</Table.Th>
                    <Table.Th>{t('integrations.events.lead')}</Table.Th>
                    <Table.Th>{t('integrations.events.form')}</Table.Th>
                    <Table.Th>{t('integrations.events.attempts')}</Table.Th>
                    <Table.Th>{t('integrations.log.error')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {events.data.events.map((event) => (
                    <Table.Tr key={event.id}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(event.receivedAt)}</Table.Td>
                      <Table.Td>
                        <Code>{event.leadgenId}</Code>
                      </Table.Td>
                      <Table.Td>{event.formId ? (formNames.get(event.formId) ?? event.formId) : '—'}</Table.Td>
                      <Table.Td>{event.attempts}</Table.Td>
                      <Table.Td style={{ overflowWrap: 'anywhere' }}>{event.lastError ?? '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          ) : null}
        </Stack>
      </Collapse>
    </Alert>
  );
}
