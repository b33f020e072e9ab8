import { TASK_PRIORITIES, TASK_TYPES } from '@leadflow/shared/tasks';
import { ActionIcon, Button, Checkbox, Group, Modal, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '@/app/session';
import { useMembers } from '@/features/users/api/get-members';
import { ApiError } from '@/lib/api-client';
import { applyFormErrors } from '@/lib/form';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useCreateTask, useUpdateTask, type TaskItem } from '../api/tasks';
import { fromLocalInput, toLocalInput, zonedParts } from '../utils/zoned';
import { NO_RECURRENCE, RecurrenceFields, recurrenceRule, recurrenceValues, type RecurrenceValues } from './recurrence-fields';

/** Reminder offsets before the due time, in minutes. */
const REMINDER_OFFSETS = ['0', '15', '60', '1440'] as const;

type Values = {
  title: string;
  type: (typeof TASK_TYPES)[number];
  priority: (typeof TASK_PRIORITIES)[number];
  dueAt: string;
  allDay: boolean;
  reminders: string[];
  assigneeId: string;
  description: string;
  checklist: { text: string; done: boolean }[];
  recurrence: RecurrenceValues;
};

/** "YYYY-MM-DDTHH:MM" in the user's zone: an hour from now rounded to the quarter. */
function defaultDue(timeZone: string): string {
  const d = new Date(Date.now() + 3600_000);
  d.setUTCMinutes(Math.ceil(d.getUTCMinutes() / 15) * 15, 0, 0);
  return toLocalInput(d.toISOString(), timeZone);
}

function offsetOf(reminder: string, due: string): string | null {
  const minutes = Math.round((Date.parse(due) - Date.parse(reminder)) / 60_000);
  return (REMINDER_OFFSETS as readonly string[]).includes(String(minutes)) ? String(minutes) : null;
}

function initialValues(task: TaskItem | undefined, timeZone: string, userId: string, due?: { dueAt: string; allDay: boolean }): Values {
  if (task) {
    return {
      title: task.title,
      type: task.type,
      priority: task.priority,
      dueAt: task.allDay ? `${zonedParts(new Date(task.dueAt), timeZone).day}T00:00` : toLocalInput(task.dueAt, timeZone),
      allDay: task.allDay,
      reminders: task.reminders.map((r) => offsetOf(r, task.dueAt)).filter((r): r is string => r !== null),
      assigneeId: task.assignee?.id ?? userId,
      description: task.description ?? '',
      checklist: task.checklist,
      recurrence: recurrenceValues(task.recurrence),
    };
  }
  return {
    title: '',
    type: 'call',
    priority: 'normal',
    dueAt: due ? (due.allDay ? `${due.dueAt.slice(0, 10)}T00:00` : toLocalInput(due.dueAt, timeZone)) : defaultDue(timeZone),
    allDay: due?.allDay ?? false,
    reminders: ['15'],
    assigneeId: userId,
    description: '',
    checklist: [],
    recurrence: NO_RECURRENCE,
  };
}

/**
 * New task (for me, or for a member when I see the team's tasks), optionally about a lead — or, given `task`, its
 * edit (sent with the version read: a change made meanwhile by someone else is refused and reloaded).
 * Dates are read and shown in the user's profile time zone.
 */
export function TaskFormModal({
  opened,
  onClose,
  lead,
  task,
  due,
}: {
  opened: boolean;
  onClose: () => void;
  lead?: { id: string; name: string };
  task?: TaskItem;
  /** A slot picked on the calendar: an instant (timed) or a day "YYYY-MM-DD" (all day). */
  due?: { dueAt: string; allDay: boolean };
}) {
  const { t } = useTranslation();
  const { user, can } = useSession();
  const timeZone = user.timeZone;
  const create = useCreateTask();
  const update = useUpdateTask();
  const canAssign = can('tasks.view_all') && can('users.view');
  const members = useMembers('active', { enabled: canAssign && opened });
  const form = useForm<Values>({
    initialValues: initialValues(task, timeZone, user.id, due),
    validate: {
      title: (v) => (v.trim() ? null : t('tasks.form.titleRequired')),
      dueAt: (v) => (v && !Number.isNaN(fromLocalInput(v, timeZone).getTime()) ? null : t('tasks.form.dueRequired')),
      recurrence: { until: (v, values) => (values.recurrence.repeat !== 'none' && values.recurrence.ends === 'until' && !v ? t('tasks.recurrence.untilRequired') : null) },
    },
  });
  // A new slot or another task: start from its values.
  const key = `${task?.id ?? ''}:${task?.version ?? ''}:${due?.dueAt ?? ''}:${opened}`;
  useEffect(() => {
    if (opened) form.setValues(initialValues(task, timeZone, user.id, due));
  }, [key]);

  const submit = form.onSubmit((v) => {
    const dueDate = v.allDay ? fromLocalInput(`${v.dueAt.slice(0, 10)}T00:00`, timeZone) : fromLocalInput(v.dueAt, timeZone);
    const reminders = [...new Set(v.reminders)].map((m) => new Date(dueDate.getTime() - Number(m) * 60_000).toISOString());
    // Reminders not among the offsets (set elsewhere) are kept as they were.
    const kept = task ? task.reminders.filter((r) => offsetOf(r, task.dueAt) === null) : [];
    const body = {
      title: v.title.trim(),
      type: v.type,
      priority: v.priority,
      dueAt: dueDate.toISOString(),
      allDay: v.allDay,
      reminders: [...kept, ...reminders],
      description: v.description.trim() || null,
      checklist: v.checklist.map((c) => ({ text: c.text.trim(), done: c.done })).filter((c) => c.text),
      ...(canAssign ? { assigneeId: v.assigneeId } : {}),
    };
    const rule = recurrenceRule(v.recurrence);
    // An edit sends the rule only when it changed, so saving a title does not restart a series' count.
    const recurrenceChanged = !task || JSON.stringify(rule) !== JSON.stringify(recurrenceRule(recurrenceValues(task.recurrence)));
    const onError = (error: unknown) => {
      if (error instanceof ApiError && error.status === 409) {
        notifyError(new Error(t('tasks.conflict')));
        onClose();
        return;
      }
      applyFormErrors(form, error);
    };
    if (task) {
      update.mutate(
        { id: task.id, version: task.version, ...body, ...(recurrenceChanged ? { recurrence: rule } : {}) },
        {
          onSuccess: () => {
            notifySuccess(t('tasks.form.saved'));
            onClose();
          },
          onError,
        },
      );
      return;
    }
    create.mutate(
      { ...body, leadId: lead?.id ?? null, recurrence: rule },
      {
        onSuccess: () => {
          notifySuccess(t('tasks.form.created'));
          form.reset();
          onClose();
        },
        onError,
      },
    );
  });

  const title = task ? t('tasks.form.editTitle') : lead ? t('tasks.form.titleForLead', { name: lead.name }) : t('tasks.form.title');
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label={t('tasks.fields.title')} required data-autofocus {...form.getInputProps('title')} />
          <Group grow>
            <Select label={t('tasks.fields.type')} allowDeselect={false} data={TASK_TYPES.map((v) => ({ value: v, label: t(`tasks.types.${v}`) }))} {...form.getInputProps('type')} />
            <Select label={t('tasks.fields.priority')} allowDeselect={false} data={TASK_PRIORITIES.map((v) => ({ value: v, label: t(`tasks.priorities.${v}`) }))} {...form.getInputProps('priority')} />
          </Group>
          <TextInput
            type={form.values.allDay ? 'date' : 'datetime-local'}
            label={t('tasks.fields.dueAt')}
            description={t('tasks.form.timeZone', { timeZone })}
            required
            {...form.getInputProps('dueAt')}
            value={form.values.allDay ? form.values.dueAt.slice(0, 10) : form.values.dueAt}
            onChange={(e) => form.setFieldValue('dueAt', form.values.allDay ? `${e.currentTarget.value}T00:00` : e.currentTarget.value)}
          />
          <Checkbox label={t('tasks.fields.allDay')} {...form.getInputProps('allDay', { type: 'checkbox' })} />
          <Checkbox.Group label={t('tasks.fields.reminders')} {...form.getInputProps('reminders')} error={form.errors['reminders.0'] ?? form.errors.reminders}>
            <Group gap="sm" mt={4}>
              {REMINDER_OFFSETS.map((v) => (
                <Checkbox key={v} value={v} label={t(`tasks.reminders.${v}`)} />
              ))}
            </Group>
          </Checkbox.Group>
          {canAssign ? (
            <Select
              label={t('tasks.fields.assignee')}
              allowDeselect={false}
              searchable
              data={(members.data?.members ?? [{ userId: user.id, name: user.name }]).map((m) => ({ value: m.userId, label: m.name }))}
              {...form.getInputProps('assigneeId')}
            />
          ) : null}
          <RecurrenceFields form={form} />
          <Textarea label={t('tasks.fields.description')} autosize minRows={2} {...form.getInputProps('description')} />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('tasks.fields.checklist')}
            </Text>
            {form.values.checklist.map((_, i) => (
              <Group key={i} gap="xs" wrap="nowrap">
                <Checkbox aria-label={t('tasks.checklist.done')} {...form.getInputProps(`checklist.${i}.done`, { type: 'checkbox' })} />
                <TextInput style={{ flex: 1 }} aria-label={t('tasks.checklist.item', { n: i + 1 })} {...form.getInputProps(`checklist.${i}.text`)} />
                <ActionIcon variant="subtle" color="red" aria-label={t('tasks.checklist.remove')} onClick={() => form.removeListItem('checklist', i)}>
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            ))}
            <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} style={{ alignSelf: 'flex-start' }} onClick={() => form.insertListItem('checklist', { text: '', done: false })} disabled={form.values.checklist.length >= 50}>
              {t('tasks.checklist.add')}
            </Button>
          </Stack>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending || update.isPending}>
              {task ? t('common.save') : t('tasks.form.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
