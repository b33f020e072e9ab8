import { Alert, Button, Group, Loader, Paper, Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconArrowBackUp, IconPlayerStop } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { formatDateTime } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';
import type { ImportDetail, ImportWithColumns } from '../api/imports';
import { useCancelImport, useUndoImport } from '../api/imports';
import { formatDuration, progressPercent, reportCounts } from '../utils/wizard';

/** Step 5 while the import runs: the bar (moved by the server's progress events), rows per second and time left. */
export function RunProgress({ detail }: { detail: ImportWithColumns }) {
  const { t } = useTranslation();
  const cancel = useCancelImport();
  const { progress } = detail;
  const percent = progressPercent(progress);
  return (
    <Stack gap="sm" maw={640}>
      <Group justify="space-between" gap="xs">
        <Text fw={600}>{t('imports.run.running')}</Text>
        <Text size="sm" data-testid="import-percent">
          {percent}%
        </Text>
      </Group>
      <Progress value={percent} size="lg" striped animated aria-label={t('imports.run.progressLabel')} data-testid="import-progress" />
      <Text size="sm" c="dimmed" data-testid="import-rows">
        {t('imports.run.rows', { done: progress.rowsDone.toLocaleString(), total: progress.rowsTotal.toLocaleString() })}
        {progress.rowsPerSecond !== null ? ` · ${t('imports.run.rate', { rate: progress.rowsPerSecond.toLocaleString() })}` : ''}
        {progress.etaSeconds !== null ? ` · ${t('imports.run.eta', { time: formatDuration(progress.etaSeconds) })}` : ''}
      </Text>
      <Text size="sm" c="dimmed">
        {t('imports.run.leaveHint')}
      </Text>
      <div>
        <ConfirmButton
          variant="default"
          leftSection={<IconPlayerStop size={16} />}
          title={t('imports.run.cancelTitle')}
          message={t('imports.run.cancelMessage')}
          confirmLabel={t('imports.run.cancel')}
          loading={cancel.isPending}
          onConfirm={() => cancel.mutate(detail.id, { onError: notifyError })}
        >
          {t('imports.run.cancel')}
        </ConfirmButton>
      </div>
    </Stack>
  );
}

function Count({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <Paper withBorder p="sm" data-testid={testId}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl">
        {value.toLocaleString()}
      </Text>
    </Paper>
  );
}

/** Undo, offered until the server's deadline (30 days after the import finished). */
export function UndoImportButton({ detail, size }: { detail: ImportDetail; size?: 'xs' | 'sm' }) {
  const { t } = useTranslation();
  const undo = useUndoImport();
  if (!detail.undoUntil || new Date(detail.undoUntil).getTime() < Date.now()) return null;
  return (
    <ConfirmButton
      size={size}
      variant="light"
      leftSection={<IconArrowBackUp size={16} />}
      title={t('imports.undo.title')}
      message={t('imports.undo.message', { created: detail.progress.created, updated: detail.progress.updated })}
      confirmLabel={t('imports.undo.confirm')}
      loading={undo.isPending}
      onConfirm={() => undo.mutate(detail.id, { onSuccess: () => notifySuccess(t('imports.undo.started')), onError: notifyError })}
    >
      {t('imports.undo.button')}
    </ConfirmButton>
  );
}

/** Step 5 once the import ended: created, updated, skipped and failed rows, and the undo. */
export function ImportReport({ detail }: { detail: ImportWithColumns }) {
  const { t } = useTranslation();
  const counts = reportCounts(detail);
  return (
    <Stack gap="lg" maw={720}>
      {detail.status === 'done' ? <Alert color="teal" title={t('imports.report.done')}>{t('imports.report.finishedAt', { at: formatDateTime(detail.finishedAt) })}</Alert> : null}
      {detail.status === 'cancelled' ? <Alert color="yellow" title={t('imports.report.cancelled')}>{t('imports.report.cancelledHint')}</Alert> : null}
      {detail.status === 'failed' ? <Alert color="red" title={t('imports.report.failed')}>{detail.error ?? ''}</Alert> : null}
      {detail.status === 'undoing' ? (
        <Group gap="sm" role="status">
          <Loader size="sm" />
          <Text>{t('imports.report.undoing')}</Text>
        </Group>
      ) : null}
      {detail.status === 'undone' ? <Alert color="gray" title={t('imports.report.undone')}>{t('imports.report.undoneAt', { at: formatDateTime(detail.undoneAt) })}</Alert> : null}
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <Count testId="report-created" label={t('imports.report.created')} value={counts.created} />
        <Count testId="report-updated" label={t('imports.report.updated')} value={counts.updated} />
        <Count testId="report-skipped" label={t('imports.report.skipped')} value={counts.skipped} />
        <Count testId="report-failed" label={t('imports.report.failedRows')} value={counts.failed} />
      </SimpleGrid>
      <Group gap="sm">
        {detail.status === 'done' || detail.status === 'cancelled' ? (
          <Button component={Link} to="/leads" variant="default">
            {t('imports.report.openLeads')}
          </Button>
        ) : null}
        <UndoImportButton detail={detail} />
      </Group>
      {detail.undoUntil && detail.status !== 'undone' ? (
        <Text size="sm" c="dimmed">
          {t('imports.report.undoUntil', { at: formatDateTime(detail.undoUntil) })}
        </Text>
      ) : null}
    </Stack>
  );
}
