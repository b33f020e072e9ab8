import type { AuditEntry } from '@leadflow/shared/workspace';
import {
  ActionIcon,
  Code,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadMore } from '@/components/load-more';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import type { AuditLogFilters } from '../api/get-audit-log';
import { useAuditLog } from '../api/get-audit-log';

type AuditLogProps = {
  /** People to filter by; empty when the user may not list members. */
  actors: { id: string; name: string }[];
};

type FilterValues = { actorId: string | null; entityType: string; action: string; from: string; to: string };

/** `datetime-local` values are local wall-clock times; the API wants ISO instants. */
function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function toQuery(values: FilterValues): AuditLogFilters {
  return {
    actorId: values.actorId ?? undefined,
    entityType: values.entityType.trim() || undefined,
    action: values.action.trim() || undefined,
    from: toIso(values.from),
    to: toIso(values.to),
    limit: 50,
  };
}

export function AuditLog({ actors }: AuditLogProps) {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<FilterValues>({ actorId: null, entityType: '', action: '', from: '', to: '' });
  const [debounced] = useDebouncedValue(filters, 300);
  const audit = useAuditLog(toQuery(debounced));
  const set = <K extends keyof FilterValues>(key: K, value: FilterValues[K]) =>
    setFilters((current) => ({ ...current, [key]: value }));

  const entries = audit.data?.pages.flatMap((page) => page.entries) ?? [];

  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }} spacing="sm">
        <Select
          label={t('audit.actor')}
          placeholder={t('audit.anyone')}
          data={actors.map((actor) => ({ value: actor.id, label: actor.name }))}
          value={filters.actorId}
          onChange={(value) => set('actorId', value)}
          clearable
          searchable
          disabled={actors.length === 0}
        />
        <TextInput
          label={t('audit.entityType')}
          placeholder={t('audit.entityTypePlaceholder')}
          value={filters.entityType}
          onChange={(event) => set('entityType', event.currentTarget.value)}
        />
        <TextInput
          label={t('audit.action')}
          placeholder={t('audit.actionPlaceholder')}
          value={filters.action}
          onChange={(event) => set('action', event.currentTarget.value)}
        />
        <TextInput
          type="datetime-local"
          label={t('audit.from')}
          value={filters.from}
          onChange={(event) => set('from', event.currentTarget.value)}
        />
        <TextInput
          type="datetime-local"
          label={t('audit.to')}
          value={filters.to}
          onChange={(event) => set('to', event.currentTarget.value)}
        />
      </SimpleGrid>

      {audit.isPending ? (
        <LoadingScreen />
      ) : audit.isError ? (
        <QueryError error={audit.error} onRetry={() => void audit.refetch()} />
      ) : entries.length === 0 ? (
        <Text c="dimmed">{t('audit.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={36} />
                <Table.Th>{t('audit.when')}</Table.Th>
                <Table.Th>{t('audit.actor')}</Table.Th>
                <Table.Th>{t('audit.action')}</Table.Th>
                <Table.Th>{t('audit.entity')}</Table.Th>
                <Table.Th>{t('audit.ip')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((entry) => (
                <AuditRow key={entry.id} entry={entry} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      <LoadMore query={audit} label={t('audit.loadMore')} />
    </Stack>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const hasDetails = entry.oldValues !== null || entry.newValues !== null;
  return (
    <Fragment>
      <Table.Tr>
        <Table.Td>
          {hasDetails ? (
            <ActionIcon
              variant="subtle"
              size="sm"
              aria-expanded={open}
              aria-label={open ? t('audit.hideDetails') : t('audit.showDetails')}
              onClick={() => setOpen((value) => !value)}
            >
              {open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
            </ActionIcon>
          ) : null}
        </Table.Td>
        <Table.Td>
          <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
            {formatDateTime(entry.createdAt)}
          </Text>
        </Table.Td>
        <Table.Td>{entry.actor?.name ?? t('audit.system')}</Table.Td>
        <Table.Td>
          <Code>{entry.action}</Code>
        </Table.Td>
        <Table.Td>
          <Text size="sm">
            {entry.entityType}
            {entry.entityId ? (
              <Text span c="dimmed" size="xs">
                {' '}
                {entry.entityId}
              </Text>
            ) : null}
          </Text>
        </Table.Td>
        <Table.Td>{entry.ip ?? '—'}</Table.Td>
      </Table.Tr>
      {hasDetails && open ? (
        <Table.Tr>
          <Table.Td colSpan={6} p={0}>
            <SimpleGrid cols={{ base: 1, sm: 2 }} p="sm">
              <div>
                <Text size="xs" fw={600} mb={4}>
                  {t('audit.oldValues')}
                </Text>
                <Code block>{JSON.stringify(entry.oldValues, null, 2)}</Code>
              </div>
              <div>
                <Text size="xs" fw={600} mb={4}>
                  {t('audit.newValues')}
                </Text>
                <Code block>{JSON.stringify(entry.newValues, null, 2)}</Code>
              </div>
            </SimpleGrid>
          </Table.Td>
        </Table.Tr>
      ) : null}
    </Fragment>
  );
}
