import { createCadenceRequest } from '@leadflow/shared/cadences';
import { TASK_TYPES } from '@leadflow/shared/tasks';
import { ActionIcon, Badge, Button, Group, Modal, NumberInput, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { usePipelines } from '@/features/leads/api/get-pipelines';
import { useLeadSources } from '@/features/marketing/api/get-lead-sources';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useArchiveCadence, useCadences, useSaveCadence, type CadenceInput, type CadenceItem } from '../api/cadences';

type StepValues = { dayOffset: number | string; type: string; title: string; time: string; note: string };
type TriggerValues = { kind: 'stage' | 'source'; stageId: string; source: string };
type Values = { name: string; steps: StepValues[]; triggers: TriggerValues[] };

const emptyStep = (dayOffset: number): StepValues => ({ dayOffset, type: 'call', title: '', time: '', note: '' });

function valuesOf(c: CadenceItem | null): Values {
  if (!c) return { name: '', steps: [emptyStep(0)], triggers: [] };
  return {
    name: c.name,
    steps: c.steps.map((s) => ({ dayOffset: s.dayOffset, type: s.type, title: s.title, time: s.time ?? '', note: s.note ?? '' })),
    triggers: c.triggers.map((tr) => (tr.kind === 'stage' ? { kind: 'stage', stageId: tr.stageId, source: '' } : { kind: 'source', stageId: '', source: tr.source })),
  };
}

/** Settings › Cadences: the follow-up plans (steps by day) and what starts them (a stage entered, a lead source). */
export function CadencesSettings() {
  const { t } = useTranslation();
  const cadences = useCadences();
  const archive = useArchiveCadence();
  const [editing, setEditing] = useState<CadenceItem | 'new' | null>(null);

  if (cadences.isPending) return <LoadingScreen />;
  if (cadences.isError) return <QueryError error={cadences.error} onRetry={() => void cadences.refetch()} />;
  const items = cadences.data.items;
  return (
    <Stack>
      <Group>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
          {t('cadences.new')}
        </Button>
      </Group>
      {items.length === 0 ? <Text c="dimmed">{t('cadences.empty')}</Text> : null}
      {items.map((c) => (
        <Paper key={c.id} withBorder p="sm" data-testid={`cadence-row-${c.name}`}>
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
              <Group gap="xs" wrap="wrap">
                <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
                  {c.name}
                </Text>
                <Badge variant="light">{t('cadences.stepCount', { count: c.steps.length })}</Badge>
                <Badge variant="outline" color="gray">
                  {t('cadences.activeLeads', { count: c.activeLeads })}
                </Badge>
              </Group>
              <Text size="xs" c="dimmed">
                {c.steps.map((s) => t('cadences.stepSummary', { day: s.dayOffset, type: t(`tasks.types.${s.type}`) })).join(' · ')}
              </Text>
              <Text size="xs" c="dimmed">
                {c.triggers.length === 0
                  ? t('cadences.byHandOnly')
                  : c.triggers.map((tr) => (tr.kind === 'stage' ? t('cadences.whenStage', { pipeline: tr.pipelineName ?? '', stage: tr.stageName ?? '' }) : t('cadences.whenSource', { source: tr.source }))).join(' · ')}
              </Text>
            </Stack>
            <Group gap="xs">
              <Button size="compact-sm" variant="default" aria-label={t('cadences.editNamed', { name: c.name })} onClick={() => setEditing(c)}>
                {t('common.edit')}
              </Button>
              <ConfirmButton
                size="compact-sm"
                variant="light"
                title={t('cadences.archiveTitle', { name: c.name })}
                message={t('cadences.archiveMessage')}
                confirmLabel={t('pipelineSettings.archive')}
                aria-label={t('cadences.archiveNamed', { name: c.name })}
                loading={archive.isPending && archive.variables === c.id}
                onConfirm={() => archive.mutate(c.id, { onSuccess: () => notifySuccess(t('cadences.archived', { name: c.name })), onError: notifyError })}
              >
                {t('pipelineSettings.archive')}
              </ConfirmButton>
            </Group>
          </Group>
        </Paper>
      ))}
      {editing ? <CadenceFormModal cadence={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
    </Stack>
  );
}

function CadenceFormModal({ cadence, onClose }: { cadence: CadenceItem | null; onClose: () => void }) {
  const { t } = useTranslation();
  const save = useSaveCadence();
  const pipelines = usePipelines();
  const sources = useLeadSources();
  const stageOptions = (pipelines.data?.pipelines ?? [])
    .filter((p) => !p.archivedAt)
    .map((p) => ({ group: p.name, items: p.stages.filter((s) => !s.archivedAt).map((s) => ({ value: s.id, label: `${p.name} › ${s.name}` })) }));
  const pipelineOf = (stageId: string) => pipelines.data?.pipelines.find((p) => p.stages.some((s) => s.id === stageId))?.id ?? '';
  const sourceOptions = (sources.data?.sources ?? []).filter((s) => !s.archived).map((s) => s.name);

  const toRequest = (v: Values): CadenceInput => ({
    name: v.name,
    steps: v.steps.map((s) => ({ dayOffset: typeof s.dayOffset === 'number' ? s.dayOffset : Number.NaN, type: s.type as CadenceInput['steps'][number]['type'], title: s.title, time: s.time || null, note: s.note.trim() || null })),
    triggers: v.triggers.map((tr) => (tr.kind === 'stage' ? { kind: 'stage', pipelineId: pipelineOf(tr.stageId), stageId: tr.stageId } : { kind: 'source', source: tr.source })),
  });
  const resolve = zodResolver<Values>(createCadenceRequest, toRequest);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: valuesOf(cadence),
    validate: (values) => {
      const errors = resolve(values);
      // Steps run in day order: name the problem in the user's language.
      values.steps.forEach((s, i) => {
        const prev = values.steps[i - 1];
        if (prev && typeof s.dayOffset === 'number' && typeof prev.dayOffset === 'number' && s.dayOffset <= prev.dayOffset) errors[`steps.${i}.dayOffset`] = t('cadences.errors.dayOrder');
      });
      values.triggers.forEach((tr, i) => {
        if (tr.kind === 'stage' && !tr.stageId) errors[`triggers.${i}.stageId`] = t('validation.required');
        if (tr.kind === 'source' && !tr.source) errors[`triggers.${i}.source`] = t('validation.required');
      });
      if (values.steps.length === 0) errors.steps = t('cadences.errors.noSteps');
      return errors;
    },
  });
  const steps = form.getValues().steps;
  const triggers = form.getValues().triggers;

  return (
    <Modal opened onClose={onClose} title={cadence ? t('cadences.editTitle', { name: cadence.name }) : t('cadences.new')} size="xl" fullScreen={typeof window !== 'undefined' && window.innerWidth < 500}>
      <form
        noValidate
        onSubmit={form.onSubmit((values) =>
          save.mutate(
            { ...toRequest(values), ...(cadence ? { id: cadence.id, version: cadence.version } : {}) },
            {
              onSuccess: (saved) => {
                notifySuccess(t('cadences.saved', { name: saved.name }));
                onClose();
              },
              onError: (error) => applyFormErrors(form, error),
            },
          ),
        )}
      >
        <Stack>
          <TextInput label={t('cadences.name')} required maxLength={100} placeholder={t('cadences.namePlaceholder')} {...form.getInputProps('name')} key={form.key('name')} />
          <Title order={4} size="h6">
            {t('cadences.steps')}
          </Title>
          {form.errors.steps ? (
            <Text c="red" size="sm">
              {form.errors.steps}
            </Text>
          ) : null}
          {steps.map((_, i) => (
            <Paper key={i} withBorder p="xs" data-testid={`cadence-step-${i}`}>
              <Group gap="xs" align="flex-start" wrap="wrap">
                <NumberInput label={t('cadences.day')} min={0} max={365} allowDecimal={false} w={90} {...form.getInputProps(`steps.${i}.dayOffset`)} key={form.key(`steps.${i}.dayOffset`)} />
                <Select
                  label={t('tasks.fields.type')}
                  data={TASK_TYPES.map((type) => ({ value: type, label: t(`tasks.types.${type}`) }))}
                  allowDeselect={false}
                  w={140}
                  {...form.getInputProps(`steps.${i}.type`)}
                  key={form.key(`steps.${i}.type`)}
                />
                <TextInput label={t('tasks.fields.title')} maxLength={200} style={{ flex: 1, minWidth: 160 }} {...form.getInputProps(`steps.${i}.title`)} key={form.key(`steps.${i}.title`)} />
                <TextInput label={t('cadences.time')} type="time" w={120} description={t('cadences.timeHint')} {...form.getInputProps(`steps.${i}.time`)} key={form.key(`steps.${i}.time`)} />
                <ActionIcon variant="subtle" color="red" mt={24} aria-label={t('cadences.removeStep', { step: i + 1 })} disabled={steps.length === 1} onClick={() => form.removeListItem('steps', i)}>
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            </Paper>
          ))}
          <Group>
            <Button
              variant="light"
              size="xs"
              leftSection={<IconPlus size={14} />}
              disabled={steps.length >= 20}
              onClick={() => {
                const last = steps.at(-1)?.dayOffset;
                form.insertListItem('steps', emptyStep(typeof last === 'number' ? last + 1 : 0));
              }}
            >
              {t('cadences.addStep')}
            </Button>
          </Group>
          <Title order={4} size="h6">
            {t('cadences.triggers')}
          </Title>
          <Text size="xs" c="dimmed">
            {t('cadences.triggersHint')}
          </Text>
          {triggers.map((tr, i) => (
            <Group key={i} gap="xs" align="flex-start" wrap="wrap" data-testid={`cadence-trigger-${i}`}>
              <Select
                label={t('cadences.triggerKind')}
                data={[
                  { value: 'stage', label: t('cadences.kinds.stage') },
                  { value: 'source', label: t('cadences.kinds.source') },
                ]}
                allowDeselect={false}
                w={190}
                {...form.getInputProps(`triggers.${i}.kind`)}
                key={form.key(`triggers.${i}.kind`)}
              />
              {tr.kind === 'stage' ? (
                <Select label={t('cadences.stage')} data={stageOptions} searchable style={{ flex: 1, minWidth: 180 }} {...form.getInputProps(`triggers.${i}.stageId`)} key={form.key(`triggers.${i}.stageId`)} />
              ) : (
                <Select label={t('cadences.source')} data={sourceOptions} searchable style={{ flex: 1, minWidth: 180 }} {...form.getInputProps(`triggers.${i}.source`)} key={form.key(`triggers.${i}.source`)} />
              )}
              <ActionIcon variant="subtle" color="red" mt={24} aria-label={t('cadences.removeTrigger', { n: i + 1 })} onClick={() => form.removeListItem('triggers', i)}>
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
          <Group>
            <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={() => form.insertListItem('triggers', { kind: 'stage', stageId: '', source: '' })}>
              {t('cadences.addTrigger')}
            </Button>
          </Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
