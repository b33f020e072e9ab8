import { Anchor, Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { IconFileReport } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import type { ImportStatus } from '../api/imports';
import { useImports } from '../api/imports';
import { useImportProgress } from '../hooks/use-import-progress';
import { UndoImportButton } from './run-view';

const STATUS_COLORS: Record<ImportStatus, string> = {
  uploading: 'gray',
  uploaded: 'gray',
  validating: 'blue',
  validated: 'blue',
  queued: 'blue',
  running: 'blue',
  done: 'teal',
  cancelled: 'yellow',
  failed: 'red',
  undoing: 'grape',
  undone: 'grape',
};

export function ImportStatusBadge({ status }: { status: ImportStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLORS[status]} variant="light" data-testid="import-status">
      {t(`imports.status.${status}`)}
    </Badge>
  );
}

/** Past imports of the workspace, newest first: status, counts, who and when; open the report, undo. */
export function ImportsList() {
  const { t } = useTranslation();
  const imports = useImports();
  useImportProgress();
  if (imports.isPending) return <LoadingScreen />;
  if (imports.isError) return <QueryError error={imports.error} onRetry={() => void imports.refetch()} />;
  const list = imports.data.imports;
  if (list.length === 0) {
    return (
      <Text c="dimmed" data-testid="imports-empty">
        {t('imports.list.empty')}
      </Text>
    );
  }
  return (
    <Stack gap="xs" data-testid="imports-list">
      {list.map((item) => (
        <Paper key={item.id} withBorder p="sm" data-testid="import-item">
          <Group justify="space-between" align="flex-start" gap="sm">
            <Stack gap={2} style={{ flex: '1 1 16rem', minWidth: 0 }}>
              <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
                <Anchor renderRoot={(props) => <Link to="/imports/$importId" params={{ importId: item.id }} {...props} />} fw={600} truncate="end">
                  {item.fileName}
                </Anchor>
                <ImportStatusBadge status={item.status} />
              </Group>
              <Text size="sm">
                {t('imports.list.counts', {
                  rows: item.rowCount.toLocaleString(),
                  created: item.progress.created.toLocaleString(),
                  updated: item.progress.updated.toLocaleString(),
                  errors: (item.summary?.errors ?? 0).toLocaleString(),
                })}
              </Text>
              <Text size="xs" c="dimmed">
                {t('imports.list.byWhen', { name: item.createdBy?.name ?? t('imports.list.someone'), at: formatDateTime(item.createdAt) })}
              </Text>
            </Stack>
            <Group gap="xs">
              <Button
                renderRoot={(props) => <Link to="/imports/$importId" params={{ importId: item.id }} {...props} />}
                size="xs"
                variant="default"
                leftSection={<IconFileReport size={14} />}
                aria-label={t('imports.list.openFor', { name: item.fileName })}
              >
                {t('imports.list.open')}
              </Button>
              <UndoImportButton detail={item} size="xs" />
            </Group>
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}
