import { ASSIGNMENT_REASONS } from '@leadflow/shared/distribution';
import { Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconDownload } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadMore } from '@/components/load-more';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import type { AssignmentLogFilters, AssignmentLogItem, AssignmentLogSummary } from '../api/distribution';
import { assignmentLogExportUrl, useAssignmentLog, useAvailability, useDistributionRules } from '../api/distribution';
import { useDistributionLiveUpdates } from '../hooks/use-distribution-live-updates';
import { assignmentHow, reasonLabel } from '../utils/labels';
import { LogLead, ReasonBadge } from './log-parts';

type Filters = { userId: string | null; ruleId: string | null; reason: string | null; since: string; until: string };

const EMPTY: Filters = { userId: null, ruleId: null, reason: null, since: '', until: '' };

function toQuery(filters: Filters): AssignmentLogFilters {
  const reason = ASSIGNMENT_REASONS.find((r) => r === filters.reason);
  return {
    userId: filters.userId ?? undefined,
    ruleId: filters.ruleId ?? undefined,
    reason,
    since: filters.since || undefined,
    until: filters.until || undefined,
    limit: 50,
  };
}

/**
 * Settings › Distribution › History: every assignment of the workspace, newest first — who got which lead, from whom,
 * by which rule or manager, and why — filtered by agent, rule, reason and days, with the count per recipient. With
 * leads.export, the same records download as CSV.
 */
export function AssignmentLog({ canExport }: { canExport: boolean }) {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const isPhone = useMediaQuery('(max-width: 48em)', false, { getInitialValueInEffect: false }) ?? false;
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => setFilters((current) => ({ ...current, [key]: value }));
  // Days are whole dates: an "until" before "since" is refused by the server, so say it here first.
  const badRange = filters.since !== '' && filters.until !== '' && filters.until < filters.since;
  const query = toQuery(badRange ? { ...filters, until: '' } : filters);
  const log = useAssignmentLog(query);
  const agents = useAvailability();
  const rules = useDistributionRules();
  useDistributionLiveUpdates();

  const items = log.data?.pages.flatMap((page) => page.items) ?? [];
  const summary = log.data?.pages[0]?.summary ?? null;
  // Active members, and whoever the log's counts name (an agent disabled or gone since still has a history).
  const agentOptions = [
    ...new Map(
      [...(agents.data?.agents ?? []).map((agent) => [agent.userId, agent.name] as const), ...(summary?.byRecipient ?? []).flatMap((row) => (row.to ? [[row.to.id, row.to.name] as const] : []))],
    ).entries(),
  ].map(([value, label]) => ({ value, label }));
  const filtered = filters.userId !== null || filters.ruleId !== null || filters.reason !== null || filters.since !== '' || filters.until !== '';

  return (
    <Stack gap="md" data-testid="assignment-log">
      <Text size="sm" c="dimmed">
        {t('distribution.log.hint')}
      </Text>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }} spacing="sm">
        <Select
          label={t('distribution.log.agent')}
          placeholder={t('distribution.log.anyAgent')}
          data={agentOptions}
          value={filters.userId}
          onChange={(value) => set('userId', value)}
          clearable
          searchable
        />
        <Select
          label={t('distribution.log.rule')}
          placeholder={t('distribution.log.anyRule')}
          data={(rules.data?.rules ?? []).map((rule) => ({ value: rule.id, label: rule.name }))}
          value={filters.ruleId}
          onChange={(value) => set('ruleId', value)}
          clearable
          searchable
        />
        <Select
          label={t('distribution.log.reason')}
          placeholder={t('distribution.log.anyReason')}
          data={ASSIGNMENT_REASONS.map((reason) => ({ value: reason, label: reasonLabel(reason) }))}
          value={filters.reason}
          onChange={(value) => set('reason', value)}
          clearable
        />
        <TextInput type="date" label={t('distribution.log.since')} value={filters.since} onChange={(event) => set('since', event.currentTarget.value)} />
        <TextInput
          type="date"
          label={t('distribution.log.until')}
          value={filters.until}
          onChange={(event) => set('until', event.currentTarget.value)}
          error={badRange ? t('distribution.log.untilBeforeSince') : undefined}
        />
      </SimpleGrid>
      {filtered || canExport ? (
        <Group justify="space-between">
          {filtered ? (
            <Button variant="subtle" size="compact-sm" onClick={() => setFilters(EMPTY)}>
              {t('distribution.log.clear')}
            </Button>
          ) : (
            <span />
          )}
          {canExport ? (
            <Button component="a" href={assignmentLogExportUrl(query)} download variant="default" size="compact-sm" leftSection={<IconDownload size={14} />}>
              {t('distribution.log.export')}
            </Button>
          ) : null}
        </Group>
      ) : null}

      {log.isPending ? (
        <LoadingScreen />
      ) : log.isError ? (
        <QueryError error={log.error} onRetry={() => void log.refetch()} />
      ) : (
        <>
          {summary ? <Summary summary={summary} onPick={(userId) => set('userId', userId)} /> : null}
          {items.length === 0 ? (
            <Text c="dimmed" data-testid="assignment-log-empty">
              {filtered ? t('distribution.log.emptyFiltered') : t('distribution.log.empty')}
            </Text>
          ) : isPhone ? (
            // A phone gets one card per assignment instead of a table to scroll sideways.
            <Stack gap="xs" data-testid="assignment-log-cards">
              {items.map((item) => (
                <LogCard key={item.id} item={item} />
              ))}
            </Stack>
          ) : (
            <Table.ScrollContainer minWidth={760}>
              <Table verticalSpacing="xs" striped data-testid="assignment-log-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('distribution.log.when')}</Table.Th>
                    <Table.Th>{t('distribution.log.lead')}</Table.Th>
                    <Table.Th>{t('distribution.log.to')}</Table.Th>
                    <Table.Th>{t('distribution.log.why')}</Table.Th>
                    <Table.Th>{t('distribution.log.how')}</Table.Th>
                    <Table.Th>{t('distribution.log.from')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((item) => (
                    <LogRow key={item.id} item={item} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <LoadMore query={log} label={t('distribution.log.loadMore')} />
        </>
      )}
    </Stack>
  );
}

/** "12 assignments: Ann Agent 7 · Bob Agent 5": each recipient narrows the log to them. */
function Summary({ summary, onPick }: { summary: AssignmentLogSummary; onPick: (userId: string) => void }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" data-testid="assignment-log-summary">
      <Text size="sm" fw={600}>
        {t('distribution.log.total', { count: summary.total })}
      </Text>
      {summary.byRecipient.map((row) => {
        const label = `${row.to?.name ?? t('distribution.history.unassigned')} · ${row.count}`;
        return row.to ? (
          <UnstyledButton key={row.to.id} onClick={() => onPick(row.to!.id)} aria-label={t('distribution.log.onlyAgent', { name: row.to.name })}>
            <Badge variant="light" style={{ cursor: 'pointer', textTransform: 'none' }} data-testid="assignment-log-recipient">
              {label}
            </Badge>
          </UnstyledButton>
        ) : (
          <Badge key="unassigned" variant="light" color="gray" style={{ textTransform: 'none' }} data-testid="assignment-log-recipient">
            {label}
          </Badge>
        );
      })}
    </Group>
  );
}

function LogCard({ item }: { item: AssignmentLogItem }) {
  const { t } = useTranslation();
  const how = assignmentHow(item);
  return (
    <Paper withBorder p="xs" data-testid="assignment-log-row">
      <Stack gap={4}>
        <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
          <div style={{ minWidth: 0 }}>
            <LogLead lead={item.lead} />
          </div>
          <ReasonBadge reason={item.reason} />
        </Group>
        <Text size="sm">
          {t('distribution.log.to')}: <strong>{item.to?.name ?? t('distribution.history.unassigned')}</strong>
          {item.from ? ` · ${t('distribution.log.from')}: ${item.from.name}` : ''}
        </Text>
        {how ? (
          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {how}
          </Text>
        ) : null}
        <Text size="xs" c="dimmed">
          {formatDateTime(item.at)}
        </Text>
      </Stack>
    </Paper>
  );
}

function LogRow({ item }: { item: AssignmentLogItem }) {
  const { t } = useTranslation();
  const how = assignmentHow(item) ?? '—';
  return (
    <Table.Tr data-testid="assignment-log-row">
      <Table.Td>
        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
          {formatDateTime(item.at)}
        </Text>
      </Table.Td>
      <Table.Td>
        <LogLead lead={item.lead} />
      </Table.Td>
      <Table.Td>
        <Text size="sm" fw={500}>
          {item.to?.name ?? t('distribution.history.unassigned')}
        </Text>
      </Table.Td>
      <Table.Td>
        <ReasonBadge reason={item.reason} />
      </Table.Td>
      <Table.Td>
        <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {how}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" c="dimmed">
          {item.from?.name ?? '—'}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}
