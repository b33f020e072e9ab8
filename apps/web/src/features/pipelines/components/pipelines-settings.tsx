import type { Pipeline, PipelineStage } from '@leadflow/shared/pipelines';
import { Badge, Button, Card, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';
import { usePipelineList } from '../api/get-pipelines';
import { useArchivePipeline, useRestorePipeline, useRestoreStage } from '../api/manage-pipelines';
import { usePipelinesLiveUpdates } from '../hooks/use-pipelines-live-updates';
import { ArchiveStageModal } from './archive-stage-modal';
import { PipelineNameModal } from './pipeline-name-modal';
import { StageFormModal } from './stage-form-modal';
import { StageList } from './stage-list';

type Dialog =
  | { type: 'new-pipeline' }
  | { type: 'rename'; pipeline: Pipeline }
  | { type: 'stage'; stage?: PipelineStage }
  | { type: 'archive-stage'; stage: PipelineStage }
  | null;

/** Settings › Pipelines: pipelines and their stages (order, kind, status, colour, rotting limit), archive and restore. */
export function PipelinesSettings() {
  const { t } = useTranslation();
  const pipelines = usePipelineList({ includeArchived: true, withCounts: true });
  usePipelinesLiveUpdates();
  const archivePipeline = useArchivePipeline();
  const restorePipeline = useRestorePipeline();
  const restoreStage = useRestoreStage();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);

  if (pipelines.isPending) return <LoadingScreen />;
  if (pipelines.isError) return <QueryError error={pipelines.error} onRetry={() => void pipelines.refetch()} />;

  const all = [...pipelines.data.pipelines].sort((a, b) => a.position - b.position);
  const active = all.filter((p) => p.archivedAt === null);
  const archived = all.filter((p) => p.archivedAt !== null);
  const pipeline = active.find((p) => p.id === selectedId) ?? active[0] ?? null;
  const archivedStages = pipeline?.stages.filter((stage) => stage.archivedAt !== null) ?? [];

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap" gap="sm">
        {active.length > 0 ? (
          <Select
            aria-label={t('pipelineSettings.pipeline')}
            data={active.map((p) => ({ value: p.id, label: p.name }))}
            value={pipeline?.id ?? null}
            onChange={setSelectedId}
            allowDeselect={false}
            data-testid="settings-pipeline-picker"
            style={{ flex: '1 1 14rem', maxWidth: 360 }}
          />
        ) : (
          <Text c="dimmed">{t('pipelineSettings.empty')}</Text>
        )}
        <Button leftSection={<IconPlus size={16} />} onClick={() => setDialog({ type: 'new-pipeline' })}>
          {t('pipelineSettings.new')}
        </Button>
      </Group>

      {pipeline ? (
        <Card withBorder padding="md">
          <Stack>
            <Group justify="space-between" wrap="wrap" gap="xs">
              <Title order={3} style={{ overflowWrap: 'anywhere' }}>
                {pipeline.name}
              </Title>
              <Group gap="xs">
                <Button variant="default" size="compact-sm" onClick={() => setDialog({ type: 'rename', pipeline })}>
                  {t('pipelineSettings.rename')}
                </Button>
                <ConfirmButton
                  size="compact-sm"
                  variant="light"
                  title={t('pipelineSettings.archivePipelineTitle')}
                  message={t('pipelineSettings.archivePipelineMessage', { name: pipeline.name })}
                  confirmLabel={t('pipelineSettings.archive')}
                  loading={archivePipeline.isPending}
                  onConfirm={() =>
                    archivePipeline.mutate(pipeline.id, {
                      onSuccess: () => {
                        setSelectedId(null);
                        notifySuccess(t('pipelineSettings.pipelineArchived', { name: pipeline.name }));
                      },
                      onError: notifyError,
                    })
                  }
                >
                  {t('pipelineSettings.archive')}
                </ConfirmButton>
              </Group>
            </Group>
            <Text size="sm" c="dimmed">
              {t('pipelineSettings.stagesHint')}
            </Text>
            <StageList pipeline={pipeline} onEdit={(stage) => setDialog({ type: 'stage', stage })} onArchive={(stage) => setDialog({ type: 'archive-stage', stage })} />
            <Group>
              <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => setDialog({ type: 'stage' })}>
                {t('pipelineSettings.addStage')}
              </Button>
            </Group>
            {archivedStages.length > 0 ? (
              <Stack gap="xs">
                <Title order={5}>{t('pipelineSettings.archivedStages')}</Title>
                {archivedStages.map((stage) => (
                  <Group key={stage.id} justify="space-between" wrap="nowrap">
                    <Text size="sm" c="dimmed" truncate>
                      {stage.name} · {formatDateTime(stage.archivedAt)}
                    </Text>
                    <Button
                      size="compact-sm"
                      variant="light"
                      aria-label={t('pipelineSettings.restoreStage', { name: stage.name })}
                      loading={restoreStage.isPending && restoreStage.variables.stageId === stage.id}
                      onClick={() =>
                        restoreStage.mutate(
                          { pipelineId: pipeline.id, stageId: stage.id },
                          { onSuccess: () => notifySuccess(t('pipelineSettings.stageRestored', { name: stage.name })), onError: notifyError },
                        )
                      }
                    >
                      {t('pipelineSettings.restore')}
                    </Button>
                  </Group>
                ))}
              </Stack>
            ) : null}
          </Stack>
        </Card>
      ) : null}

      {archived.length > 0 ? (
        <Stack gap="xs" mt="md">
          <Title order={4}>{t('pipelineSettings.archivedPipelines')}</Title>
          <Table.ScrollContainer minWidth={420}>
            <Table verticalSpacing="xs">
              <Table.Tbody>
                {archived.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td>
                      <Text size="sm">{p.name}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge size="sm" variant="light" color="gray">
                        {formatDateTime(p.archivedAt)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-sm"
                        variant="light"
                        aria-label={t('pipelineSettings.restorePipeline', { name: p.name })}
                        loading={restorePipeline.isPending && restorePipeline.variables === p.id}
                        onClick={() =>
                          restorePipeline.mutate(p.id, {
                            onSuccess: () => notifySuccess(t('pipelineSettings.pipelineRestored', { name: p.name })),
                            onError: notifyError,
                          })
                        }
                      >
                        {t('pipelineSettings.restore')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      ) : null}

      {dialog?.type === 'new-pipeline' ? <PipelineNameModal onClose={() => setDialog(null)} onCreated={(created) => setSelectedId(created.id)} /> : null}
      {dialog?.type === 'rename' ? <PipelineNameModal pipeline={dialog.pipeline} onClose={() => setDialog(null)} /> : null}
      {dialog?.type === 'stage' && pipeline ? <StageFormModal pipelineId={pipeline.id} stage={dialog.stage} onClose={() => setDialog(null)} /> : null}
      {dialog?.type === 'archive-stage' && pipeline ? <ArchiveStageModal pipeline={pipeline} stage={dialog.stage} onClose={() => setDialog(null)} /> : null}
    </Stack>
  );
}
