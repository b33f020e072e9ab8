import { OPEN_PRODUCTION_COLUMNS } from '@leadflow/shared/production';
import { TASK_PRIORITIES } from '@leadflow/shared/tasks';
import { Button, Group, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { applyFormErrors } from '@/lib/form';
import type { ProductionCard } from '../api/production';
import { useCreateProductionTask, useProductionClients, useProductionMembers, useUpdateProductionTask } from '../api/production';

type Values = {
  title: string;
  priority: string;
  dueAt: string;
  assigneeId: string | null;
  leadId: string | null;
  description: string;
  column: string;
};

const pad = (n: number) => String(n).padStart(2, '0');
/** "YYYY-MM-DDTHH:MM" in the browser's time zone, for a datetime-local input. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Creates a production task (no `card`) or edits one (with its version); server errors land on their fields. */
export function ProductionTaskForm({ card, defaultLeadId, onDone }: { card?: ProductionCard; defaultLeadId?: string | null; onDone: () => void }) {
  const { t } = useTranslation();
  const members = useProductionMembers();
  const [clientQuery, setClientQuery] = useState('');
  const [debouncedClientQuery] = useDebouncedValue(clientQuery, 250);
  const clients = useProductionClients(debouncedClientQuery);
  const create = useCreateProductionTask();
  const update = useUpdateProductionTask();
  const tomorrow = new Date(Date.now() + 86_400_000);
  tomorrow.setHours(10, 0, 0, 0);
  const form = useForm<Values>({
    initialValues: {
      title: card?.title ?? '',
      priority: card?.priority ?? 'normal',
      dueAt: toLocalInput(card?.dueAt ?? tomorrow.toISOString()),
      assigneeId: card?.assignee?.id ?? null,
      leadId: card?.lead?.id ?? defaultLeadId ?? null,
      description: card?.description ?? '',
      column: 'todo',
    },
    validate: {
      title: (v) => (v.trim() ? null : t('validation.required')),
      dueAt: (v) => (v && !Number.isNaN(new Date(v).getTime()) ? null : t('validation.required')),
    },
  });

  const clientOptions = [
    ...(card?.lead && !clients.data?.items.some((c) => c.id === card.lead!.id) ? [{ value: card.lead.id, label: card.lead.name }] : []),
    ...(clients.data?.items ?? []).map((c) => ({ value: c.id, label: c.name })),
  ];

  const submit = form.onSubmit((values) => {
    const common = {
      title: values.title.trim(),
      priority: values.priority as ProductionCard['priority'],
      dueAt: new Date(values.dueAt).toISOString(),
      leadId: values.leadId,
      description: values.description.trim() || null,
    };
    if (card) {
      update.mutate(
        { id: card.id, version: card.version, ...common, ...(values.assigneeId ? { assigneeId: values.assigneeId } : {}) },
        { onSuccess: onDone, onError: (error) => applyFormErrors(form, error) },
      );
    } else {
      create.mutate(
        { ...common, column: values.column as (typeof OPEN_PRODUCTION_COLUMNS)[number], ...(values.assigneeId ? { assigneeId: values.assigneeId } : {}) },
        { onSuccess: onDone, onError: (error) => applyFormErrors(form, error) },
      );
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput label={t('production.form.title')} required data-autofocus {...form.getInputProps('title')} />
        <Group grow align="flex-start" wrap="wrap">
          <Select
            label={t('production.form.priority')}
            data={TASK_PRIORITIES.map((p) => ({ value: p, label: t(`production.priorities.${p}`) }))}
            allowDeselect={false}
            miw={140}
            {...form.getInputProps('priority')}
          />
          <TextInput label={t('production.form.dueAt')} type="datetime-local" required miw={180} {...form.getInputProps('dueAt')} />
        </Group>
        <Select
          label={t('production.form.client')}
          placeholder={t('production.form.noClient')}
          data={clientOptions}
          searchable
          clearable
          onSearchChange={setClientQuery}
          nothingFoundMessage={t('production.form.noClients')}
          {...form.getInputProps('leadId')}
        />
        <Select
          label={t('production.form.assignee')}
          placeholder={t('production.form.me')}
          data={(members.data?.items ?? []).map((m) => ({ value: m.id, label: m.name }))}
          searchable
          clearable={!card}
          {...form.getInputProps('assigneeId')}
        />
        {card ? null : (
          <Select
            label={t('production.form.column')}
            data={OPEN_PRODUCTION_COLUMNS.map((c) => ({ value: c, label: t(`production.columns.${c}`) }))}
            allowDeselect={false}
            {...form.getInputProps('column')}
          />
        )}
        <Textarea label={t('production.form.description')} autosize minRows={3} maxRows={10} {...form.getInputProps('description')} />
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending || update.isPending}>
            {card ? t('common.save') : t('production.form.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
