import type { Pipeline } from '@leadflow/shared/pipelines';
import { createPipelineRequest } from '@leadflow/shared/pipelines';
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { notifySuccess } from '@/lib/notify';
import { useCreatePipeline, useRenamePipeline } from '../api/manage-pipelines';

type PipelineNameModalProps = {
  /** The pipeline to rename; without it a new pipeline is created (with the default stages). */
  pipeline?: Pipeline;
  onClose: () => void;
  onCreated?: (pipeline: Pipeline) => void;
};

export function PipelineNameModal({ pipeline, onClose, onCreated }: PipelineNameModalProps) {
  const { t } = useTranslation();
  const createPipeline = useCreatePipeline();
  const renamePipeline = useRenamePipeline();
  const form = useForm({
    initialValues: { name: pipeline?.name ?? '' },
    validate: zodResolver(createPipelineRequest, (values: { name: string }) => ({ name: values.name.trim() })),
  });
  const submit = form.onSubmit(({ name }) => {
    const onError = (error: unknown) => applyFormErrors(form, error);
    if (pipeline) {
      renamePipeline.mutate(
        { pipelineId: pipeline.id, name: name.trim() },
        {
          onSuccess: () => {
            notifySuccess(t('pipelineSettings.renamed'));
            onClose();
          },
          onError,
        },
      );
    } else {
      createPipeline.mutate(
        { name: name.trim() },
        {
          onSuccess: (created) => {
            notifySuccess(t('pipelineSettings.created', { name: created.name }));
            onCreated?.(created);
            onClose();
          },
          onError,
        },
      );
    }
  });
  return (
    <Modal opened onClose={onClose} title={pipeline ? t('pipelineSettings.renameTitle') : t('pipelineSettings.newTitle')} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label={t('pipelineSettings.pipelineName')} required data-autofocus maxLength={60} {...form.getInputProps('name')} />
          {pipeline ? null : (
            <Text size="sm" c="dimmed">
              {t('pipelineSettings.newHint')}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={createPipeline.isPending || renamePipeline.isPending}>
              {pipeline ? t('common.save') : t('pipelineSettings.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
