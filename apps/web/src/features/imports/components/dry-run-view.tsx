import { Alert, Anchor, Button, Checkbox, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconDownload, IconPlayerPlay } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '@/components/query-error';
import { notifyError } from '@/lib/notify';
import type { ImportWithColumns } from '../api/imports';
import { rejectedCsvUrl, useImportErrors, useRunImport } from '../api/imports';

type DryRunViewProps = { detail: ImportWithColumns; onBack: () => void };

function Stat({ label, value, color, testId }: { label: string; value: number; color?: string; testId: string }) {
  return (
    <Paper withBorder p="sm" data-testid={testId}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl" c={color}>
        {value.toLocaleString()}
      </Text>
    </Paper>
  );
}

/** Step 4: what the dry run found (rows to create and update, duplicates, errors with row, column, value and reason). */
export function DryRunView({ detail, onBack }: DryRunViewProps) {
  const { t } = useTranslation();
  const run = useRunImport();
  const [skipRejected, setSkipRejected] = useState(false);
  const summary = detail.summary;
  const validated = detail.status === 'validated' && summary !== null;
  const errors = useImportErrors(detail.id, validated && (summary?.errors ?? 0) > 0);

  if (!validated) {
    return (
      <Group gap="sm" role="status">
        <Loader size="sm" />
        <Text>{t('imports.dryRun.checking', { count: detail.rowCount, formatted: detail.rowCount.toLocaleString() })}</Text>
      </Group>
    );
  }

  const toWrite = summary.create + summary.update;
  const skipped = summary.duplicateInFile + summary.existing + summary.notFound;
  const rows = errors.data?.pages.flatMap((p) => p.errors) ?? [];

  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <Stat testId="dry-run-create" label={t('imports.dryRun.create')} value={summary.create} color="teal" />
        <Stat testId="dry-run-update" label={t('imports.dryRun.update')} value={summary.update} color="blue" />
        <Stat testId="dry-run-skipped" label={t('imports.dryRun.skipped')} value={skipped} />
        <Stat testId="dry-run-errors" label={t('imports.dryRun.errors')} value={summary.errors} color={summary.errors ? 'red' : undefined} />
      </SimpleGrid>
      {skipped > 0 ? (
        <Text size="sm" c="dimmed">
          {t('imports.dryRun.skippedDetail', { duplicateInFile: summary.duplicateInFile, existing: summary.existing, notFound: summary.notFound })}
        </Text>
      ) : null}

      {summary.errors > 0 || skipped > 0 ? (
        <Anchor href={rejectedCsvUrl(detail.id)} download size="sm">
          <Group gap={4} component="span">
            <IconDownload size={16} />
            {t('imports.dryRun.rejectedCsv')}
          </Group>
        </Anchor>
      ) : null}

      {summary.errors > 0 ? (
        <Stack gap="xs">
          <Title order={4}>{t('imports.dryRun.errorsTitle')}</Title>
          {errors.isError ? <QueryError error={errors.error} onRetry={() => void errors.refetch()} /> : null}
          <Table.ScrollContainer minWidth={520}>
            <Table striped data-testid="import-errors">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('imports.dryRun.row')}</Table.Th>
                  <Table.Th>{t('imports.dryRun.column')}</Table.Th>
                  <Table.Th>{t('imports.dryRun.value')}</Table.Th>
                  <Table.Th>{t('imports.dryRun.reason')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((e, i) => (
                  <Table.Tr key={`${e.row}-${i}`}>
                    <Table.Td>{e.row}</Table.Td>
                    <Table.Td>{e.column ?? '—'}</Table.Td>
                    <Table.Td style={{ maxWidth: 220, overflowWrap: 'anywhere' }}>{e.value ?? '—'}</Table.Td>
                    <Table.Td>{e.reason}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {errors.hasNextPage ? (
            <div>
              <Button variant="default" size="xs" loading={errors.isFetchingNextPage} onClick={() => void errors.fetchNextPage()}>
                {t('imports.dryRun.moreErrors')}
              </Button>
            </div>
          ) : null}
          <Checkbox
            label={t('imports.dryRun.skipRejected', { count: summary.errors, formatted: summary.errors.toLocaleString() })}
            checked={skipRejected}
            onChange={(e) => setSkipRejected(e.currentTarget.checked)}
          />
        </Stack>
      ) : null}

      {toWrite === 0 ? (
        <Alert color="yellow">{t('imports.dryRun.nothingToDo')}</Alert>
      ) : null}

      <Group gap="sm">
        <Button variant="default" leftSection={<IconArrowLeft size={16} />} onClick={onBack}>
          {t('imports.dryRun.back')}
        </Button>
        <Button
          leftSection={<IconPlayerPlay size={16} />}
          disabled={toWrite === 0 || (summary.errors > 0 && !skipRejected)}
          loading={run.isPending}
          onClick={() => run.mutate({ id: detail.id, skipRejected: summary.errors > 0 && skipRejected }, { onError: notifyError })}
        >
          {t('imports.dryRun.run', { count: toWrite, formatted: toWrite.toLocaleString() })}
        </Button>
      </Group>
    </Stack>
  );
}
