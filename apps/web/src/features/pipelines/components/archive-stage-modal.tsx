import type { Pipeline, PipelineStage } from '@leadflow/shared/pipelines';
import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useLostReasons } from '../api/get-lost-reasons';
import { useArchiveStage } from '../api/manage-pipelines';

type ArchiveStageModalProps = {
  pipeline: Pipeline;
  stage: PipelineStage;
  onClose: () => void;
};

/** Archiving a stage that holds leads asks where they go (and why, when that is a lost stage). */
export function ArchiveStageModal({ pipeline, stage, onClose }: ArchiveStageModalProps) {
  const { t } = useTranslation();
  const archiveStage = useArchiveStage();
  const reasons = useLostReasons();
  const leadCount = stage.leadCount ?? 0;
  const targets = pipeline.stages.filter((s) => s.id !== stage.id && s.archivedAt === null);
  const [targetId, setTargetId] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const target = targets.find((s) => s.id === targetId) ?? null;
  const needsReason = target?.kind === 'lost';
  const reasonList = reasons.data?.reasons ?? [];
  const ready = leadCount === 0 || (target !== null && (!needsReason || reason.trim() !== ''));

  const confirm = () =>
    archiveStage.mutate(
      {
        pipelineId: pipeline.id,
        stageId: stage.id,
        moveToStageId: leadCount > 0 ? (targetId ?? undefined) : undefined,
        lostReason: needsReason ? reason.trim() : undefined,
      },
      {
        onSuccess: (result) => {
          notifySuccess(
            result.moved > 0
              ? t('pipelineSettings.stageArchivedMoved', { name: stage.name, count: result.moved, target: target?.name ?? '' })
              : t('pipelineSettings.stageArchived', { name: stage.name }),
          );
          onClose();
        },
        onError: notifyError,
      },
    );

  return (
    <Modal opened onClose={onClose} title={t('pipelineSettings.archiveStageTitle', { name: stage.name })} centered>
      <Stack>
        {leadCount > 0 ? (
          <>
            <Text size="sm">{t('pipelineSettings.archiveStageHasLeads', { count: leadCount })}</Text>
            <Select
              label={t('pipelineSettings.moveLeadsTo')}
              data={targets.map((s) => ({ value: s.id, label: s.name }))}
              value={targetId}
              onChange={setTargetId}
              data-testid="archive-target"
              comboboxProps={{ withinPortal: true }}
            />
            {needsReason ? (
              reasonList.length > 0 ? (
                <Select
                  label={t('board.lost.reason')}
                  data={reasonList.map((r) => r.name)}
                  value={reason || null}
                  onChange={(value) => setReason(value ?? '')}
                  comboboxProps={{ withinPortal: true }}
                />
              ) : (
                <TextInput label={t('board.lost.reason')} value={reason} onChange={(event) => setReason(event.currentTarget.value)} maxLength={200} />
              )
            ) : null}
          </>
        ) : (
          <Text size="sm">{t('pipelineSettings.archiveStageEmpty')}</Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red" disabled={!ready} loading={archiveStage.isPending} onClick={confirm} data-testid="confirm-archive-stage">
            {t('pipelineSettings.archive')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
