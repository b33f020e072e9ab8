import { PRODUCTION_FILE_MAX_BYTES, PRODUCTION_FILE_TYPES } from '@leadflow/shared/production';
import { ActionIcon, Anchor, Badge, Button, Center, Divider, Drawer, FileButton, Group, Loader, Stack, Text } from '@mantine/core';
import { IconDownload, IconPaperclip, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { QueryError } from '@/components/query-error';
import { notifyError, notifySuccess } from '@/lib/notify';
import { productionFileUrl, useDeleteProductionFile, useDeleteProductionTask, useProductionFiles, useProductionTask, useUploadProductionFile } from '../api/production';
import { ProductionTaskForm } from './production-task-form';

function formatSize(bytes: number, locale: string): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toLocaleString(locale, { maximumFractionDigits: 1 })} KB`;
  return `${(bytes / 1024 / 1024).toLocaleString(locale, { maximumFractionDigits: 1 })} MB`;
}

function Files({ taskId }: { taskId: string }) {
  const { t, i18n } = useTranslation();
  const files = useProductionFiles(taskId);
  const upload = useUploadProductionFile(taskId);
  const remove = useDeleteProductionFile(taskId);
  const maxMb = PRODUCTION_FILE_MAX_BYTES / 1024 / 1024;

  const onPick = (file: File | null) => {
    if (!file) return;
    if (file.size > PRODUCTION_FILE_MAX_BYTES) {
      notifyError(new Error(t('production.files.tooLarge', { max: maxMb })));
      return;
    }
    upload.mutate(file, { onSuccess: () => notifySuccess(t('production.files.uploaded', { name: file.name })), onError: notifyError });
  };

  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text fw={600} size="sm">
          {t('production.files.title')}
        </Text>
        <FileButton onChange={onPick} accept={PRODUCTION_FILE_TYPES.join(',')}>
          {(props) => (
            <Button {...props} size="compact-sm" variant="light" leftSection={<IconPaperclip size={14} />} loading={upload.isPending}>
              {t('production.files.attach')}
            </Button>
          )}
        </FileButton>
      </Group>
      <Text size="xs" c="dimmed">
        {t('production.files.hint', { max: maxMb })}
      </Text>
      {files.isPending ? <Loader size="sm" /> : null}
      {files.isError ? <QueryError error={files.error} onRetry={() => void files.refetch()} /> : null}
      {files.data?.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('production.files.none')}
        </Text>
      ) : null}
      {files.data?.items.map((file) => (
        <Group key={file.id} justify="space-between" wrap="nowrap" gap="xs">
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Anchor href={productionFileUrl(taskId, file.id)} target="_blank" rel="noopener" size="sm" truncate>
              {file.fileName}
            </Anchor>
            <Text size="xs" c="dimmed">
              {formatSize(file.sizeBytes, i18n.language)} · {file.uploadedBy?.name ?? '—'} · {new Date(file.createdAt).toLocaleDateString(i18n.language)}
            </Text>
          </Stack>
          <Group gap={4} wrap="nowrap">
            <ActionIcon component="a" href={productionFileUrl(taskId, file.id)} download={file.fileName} variant="subtle" aria-label={t('production.files.download', { name: file.fileName })}>
              <IconDownload size={16} />
            </ActionIcon>
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label={t('production.files.remove', { name: file.fileName })}
              loading={remove.isPending && remove.variables === file.id}
              onClick={() => remove.mutate(file.id, { onError: notifyError })}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        </Group>
      ))}
    </Stack>
  );
}

/** A card's details: edit it, its files (attach, download, remove), delete it. */
export function ProductionTaskDrawer({ taskId, onClose }: { taskId: string | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const task = useProductionTask(taskId);
  const remove = useDeleteProductionTask();
  return (
    <Drawer opened={taskId !== null} onClose={onClose} position="right" size="md" title={t('production.details.title')}>
      {task.isPending ? (
        <Center h={120}>
          <Loader />
        </Center>
      ) : task.isError ? (
        <QueryError error={task.error} onRetry={() => void task.refetch()} />
      ) : (
        <Stack gap="md">
          <Group gap="xs">
            <Badge variant="light">{t(`production.columns.${task.data.column}`)}</Badge>
            {task.data.completedAt ? (
              <Text size="xs" c="dimmed">
                {t('production.details.completedAt', { date: new Date(task.data.completedAt).toLocaleString(i18n.language) })}
              </Text>
            ) : null}
          </Group>
          <ProductionTaskForm key={`${task.data.id}-${task.data.version}`} card={task.data} onDone={() => notifySuccess(t('production.details.saved'))} />
          <Divider />
          <Files taskId={task.data.id} />
          <Divider />
          <Group justify="flex-end">
            <ConfirmButton
              variant="subtle"
              title={t('production.details.deleteTitle')}
              message={t('production.details.deleteMessage', { title: task.data.title })}
              confirmLabel={t('production.details.delete')}
              loading={remove.isPending}
              onConfirm={() => remove.mutate(task.data.id, { onSuccess: onClose, onError: notifyError })}
            >
              {t('production.details.delete')}
            </ConfirmButton>
          </Group>
        </Stack>
      )}
    </Drawer>
  );
}
