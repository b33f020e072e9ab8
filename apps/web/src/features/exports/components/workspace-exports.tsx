import { Alert, Badge, Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { IconDownload, IconFileZip } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import { notifyError } from '@/lib/notify';
import { realtime } from '@/lib/realtime';
import type { ExportDetail, ExportStatus } from '../api/exports';
import { EXPORTS_QUERY_KEY, isExportActive, useExports, useStartExport } from '../api/exports';
import { exportPercent, formatBytes } from '../utils/format';

const STATUS_COLORS: Record<ExportStatus, string> = {
  queued: 'gray',
  running: 'blue',
  done: 'teal',
  failed: 'red',
  expired: 'gray',
};

/** The list follows `export.progress` events at once; polling is the fallback. */
function useExportProgress() {
  const queryClient = useQueryClient();
  useEffect(() => realtime.syncWorkspace());
  useEffect(
    () =>
      realtime.subscribe('export.progress', () => {
        void queryClient.invalidateQueries({ queryKey: EXPORTS_QUERY_KEY });
      }),
    [queryClient],
  );
}

function ExportItem({ item }: { item: ExportDetail }) {
  const { t, i18n } = useTranslation();
  const active = isExportActive(item.status);
  const percent = exportPercent(item.progress);
  const rows = item.files.reduce((sum, f) => sum + f.rows, 0);
  return (
    <Paper withBorder p="sm" data-testid="export-item">
      <Stack gap={6}>
        <Group justify="space-between" align="flex-start" gap="sm">
          <Stack gap={2} style={{ flex: '1 1 14rem', minWidth: 0 }}>
            <Group gap="xs">
              <Text fw={600}>{formatDateTime(item.createdAt)}</Text>
              <Badge color={STATUS_COLORS[item.status]} variant="light" data-testid="export-status">
                {t(`exports.status.${item.status}`)}
              </Badge>
            </Group>
            <Text size="xs" c="dimmed">
              {t('exports.list.by', { name: item.createdBy?.name ?? t('exports.list.someone') })}
            </Text>
            {item.status === 'done' ? (
              <Text size="sm">
                {t('exports.list.summary', {
                  files: item.files.length,
                  rows: rows.toLocaleString(i18n.language),
                  size: formatBytes(item.sizeBytes ?? 0, i18n.language),
                })}
              </Text>
            ) : null}
            {item.status === 'done' && item.expiresAt ? (
              <Text size="xs" c="dimmed">
                {t('exports.list.expires', { at: formatDateTime(item.expiresAt) })}
              </Text>
            ) : null}
            {item.status === 'expired' ? (
              <Text size="xs" c="dimmed">
                {t('exports.list.expired')}
              </Text>
            ) : null}
          </Stack>
          {item.downloadUrl ? (
            <Button component="a" href={item.downloadUrl} download size="xs" leftSection={<IconDownload size={14} />}>
              {t('exports.download')}
            </Button>
          ) : null}
        </Group>
        {active ? (
          <Stack gap={4}>
            <Progress value={percent} animated aria-label={t('exports.progress.label')} />
            <Text size="xs" c="dimmed" data-testid="export-progress">
              {t('exports.progress.text', {
                filesDone: item.progress.filesDone,
                filesTotal: item.progress.filesTotal,
                rows: item.progress.rowsDone.toLocaleString(i18n.language),
              })}
              {item.progress.currentFile ? ` · ${item.progress.currentFile}` : ''}
            </Text>
          </Stack>
        ) : null}
        {item.status === 'failed' && item.error ? (
          <Text size="sm" c="red">
            {item.error}
          </Text>
        ) : null}
      </Stack>
    </Paper>
  );
}

/** Start a full export of the workspace, follow it, download it; past exports with their status and size. */
export function WorkspaceExports() {
  const { t } = useTranslation();
  const exports = useExports();
  const start = useStartExport();
  useExportProgress();
  if (exports.isPending) return <LoadingScreen />;
  if (exports.isError) return <QueryError error={exports.error} onRetry={() => void exports.refetch()} />;
  const list = exports.data.exports;
  const busy = list.some((e) => isExportActive(e.status));
  return (
    <Stack gap="md">
      <Alert variant="light" icon={<IconFileZip size={18} />}>
        <Stack gap={4}>
          <Text size="sm">{t('exports.explain')}</Text>
          <Text size="sm">{t('exports.privacy')}</Text>
        </Stack>
      </Alert>
      <Group>
        <Button leftSection={<IconFileZip size={16} />} onClick={() => start.mutate(undefined, { onError: notifyError })} loading={start.isPending} disabled={busy}>
          {t('exports.start')}
        </Button>
        {busy ? (
          <Text size="sm" c="dimmed">
            {t('exports.busy')}
          </Text>
        ) : null}
      </Group>
      {list.length === 0 ? (
        <Text c="dimmed" data-testid="exports-empty">
          {t('exports.list.empty')}
        </Text>
      ) : (
        <Stack gap="xs" data-testid="exports-list">
          {list.map((item) => (
            <ExportItem key={item.id} item={item} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}
