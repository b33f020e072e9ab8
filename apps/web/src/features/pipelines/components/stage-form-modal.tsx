import type { PipelineStage, StageKind, StageStatus } from '@leadflow/shared/pipelines';
import { STAGE_COLORS, STAGE_KINDS, stageInput, statusesForKind, updateStageRequest } from '@leadflow/shared/pipelines';
import { Box, Button, ColorSwatch, Group, Modal, NumberInput, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { notifySuccess } from '@/lib/notify';
import { useCreateStage, useUpdateStage } from '../api/manage-pipelines';

type StageColor = (typeof STAGE_COLORS)[number];

type StageValues = {
  name: string;
  kind: StageKind;
  status: StageStatus;
  color: StageColor;
  rottingDays: number | '';
};

function toRequest(values: StageValues) {
  return {
    name: values.name.trim(),
    kind: values.kind,
    status: values.status,
    color: values.color,
    rottingDays: values.rottingDays === '' ? null : values.rottingDays,
  };
}

function isColor(value: string | null | undefined): value is StageColor {
  return typeof value === 'string' && (STAGE_COLORS as readonly string[]).includes(value);
}

function isKind(value: string | null): value is StageKind {
  return value !== null && (STAGE_KINDS as readonly string[]).includes(value);
}

type StageFormModalProps = {
  pipelineId: string;
  /** The stage to edit; without it a new stage is added at the end. */
  stage?: PipelineStage;
  onClose: () => void;
};

/** Name, kind, status, colour and rotting limit of a stage. */
export function StageFormModal({ pipelineId, stage, onClose }: StageFormModalProps) {
  const { t } = useTranslation();
  const createStage = useCreateStage();
  const updateStage = useUpdateStage();
  const form = useForm<StageValues>({
    initialValues: {
      name: stage?.name ?? '',
      kind: stage?.kind ?? 'open',
      status: stage?.status ?? 'in_contact',
      color: isColor(stage?.color) ? stage.color : 'blue',
      rottingDays: stage?.rottingDays ?? '',
    },
    validate: zodResolver(stage ? updateStageRequest : stageInput, toRequest),
  });
  const statuses = statusesForKind(form.values.kind);

  const submit = form.onSubmit((values) => {
    const callbacks = {
      onSuccess: () => {
        notifySuccess(stage ? t('pipelineSettings.stageSaved') : t('pipelineSettings.stageAdded'));
        onClose();
      },
      onError: (error: unknown) => applyFormErrors(form, error),
    };
    if (stage) updateStage.mutate({ pipelineId, stageId: stage.id, ...toRequest(values) }, callbacks);
    else createStage.mutate({ pipelineId, ...toRequest(values) }, callbacks);
  });

  return (
    <Modal opened onClose={onClose} title={stage ? t('pipelineSettings.editStageTitle', { name: stage.name }) : t('pipelineSettings.addStageTitle')} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label={t('pipelineSettings.stageName')} required data-autofocus maxLength={60} {...form.getInputProps('name')} />
          <Select
            label={t('pipelineSettings.kind')}
            description={t('pipelineSettings.kindHint')}
            data={STAGE_KINDS.map((kind) => ({ value: kind, label: t(`pipelineSettings.kinds.${kind}`) }))}
            allowDeselect={false}
            value={form.values.kind}
            onChange={(value) => {
              if (!isKind(value)) return;
              form.setFieldValue('kind', value);
              const allowed = statusesForKind(value);
              if (!allowed.includes(form.values.status)) form.setFieldValue('status', allowed[0] ?? 'new');
            }}
            error={form.errors.kind}
          />
          <Select
            label={t('pipelineSettings.status')}
            description={t('pipelineSettings.statusHint')}
            data={statuses.map((status) => ({ value: status, label: t(`pipelineSettings.statuses.${status}`) }))}
            allowDeselect={false}
            value={form.values.status}
            onChange={(value) => {
              const next = statuses.find((status) => status === value);
              if (next) form.setFieldValue('status', next);
            }}
            error={form.errors.status}
          />
          <Select
            label={t('pipelineSettings.color')}
            data={STAGE_COLORS.map((color) => ({ value: color, label: t(`pipelineSettings.colors.${color}`) }))}
            allowDeselect={false}
            leftSection={<ColorSwatch size={14} color={`var(--mantine-color-${form.values.color}-6)`} />}
            renderOption={({ option }) => (
              <Group gap="xs" wrap="nowrap">
                <ColorSwatch size={14} color={`var(--mantine-color-${option.value}-6)`} />
                <Box>{option.label}</Box>
              </Group>
            )}
            value={form.values.color}
            onChange={(value) => {
              if (isColor(value)) form.setFieldValue('color', value);
            }}
          />
          <NumberInput
            label={t('pipelineSettings.rottingDays')}
            description={t('pipelineSettings.rottingHint')}
            min={1}
            max={365}
            allowDecimal={false}
            placeholder={t('pipelineSettings.rottingNever')}
            {...form.getInputProps('rottingDays')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={createStage.isPending || updateStage.isPending}>
              {stage ? t('common.save') : t('pipelineSettings.addStage')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
