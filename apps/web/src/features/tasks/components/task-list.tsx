import { Anchor, Badge, Button, Group, Loader, Modal, Paper, Select, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '@/components/query-error';
import { applyFormErrors } from '@/lib/form';
import { formatDateTime } from '@/lib/format';
import { currentLanguage } from '@/lib/i18n';
import { useSession } from '@/app/session';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useCompleteTask, useReopenTask, useTaskList, type TaskItem, type TaskListParams } from '../api/tasks';
import { TaskActionsMenu } from './task-actions-menu';
import { TaskFormModal } from './task-form-modal';
import { formatDay, zonedParts } from '../utils/zoned';

const OUTCOMES = ['reached', 'no_answer', 'left_message', 'rescheduled', 'not_interested', 'done'] as const;
/** The outcomes that mean the person answered: the server stops the lead's cadences (cadence-steps.ts). */
const REPLY_OUTCOMES = new Set<string>(['reached', 'not_interested']);
const PRIORITY_COLOR: Record<TaskItem['priority'], string> = { low: 'gray', normal: 'blue', high: 'orange', urgent: 'red' };

/** One queue of tasks with quick actions: complete (with an outcome) or reopen. */
export function TaskList({ params, showAssignee, canManage }: { params: TaskListParams; showAssignee: boolean; canManage: boolean }) {
  const { t } = useTranslation();
  const list = useTaskList(params);
  const [completing, setCompleting] = useState<TaskItem | null>(null);
  const [editing, setEditing] = useState<TaskItem | null>(null);
  if (list.isPending) return <Loader size="sm" />;
  if (list.isError) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  const items = list.data.pages.flatMap((p) => p.items);
  if (!items.length) return <Text c="dimmed" size="sm">{params.leadId ? t('tasks.leadCardEmpty') : t(`tasks.empty.${params.queue}`)}</Text>;
  return (
    <Stack gap="xs">
      {items.map((task) => (
        <TaskRow key={task.id} task={task} showAssignee={showAssignee} canManage={canManage} onComplete={() => setCompleting(task)} onEdit={() => setEditing(task)} />
      ))}
      {list.hasNextPage ? (
        <Button variant="light" size="xs" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
          {t('tasks.loadMore')}
        </Button>
      ) : null}
      <CompleteModal task={completing} onClose={() => setCompleting(null)} />
      {editing ? <TaskFormModal opened onClose={() => setEditing(null)} task={editing} /> : null}
    </Stack>
  );
}

function TaskRow({ task, showAssignee, canManage, onComplete, onEdit }: { task: TaskItem; showAssignee: boolean; canManage: boolean; onComplete: () => void; onEdit: () => void }) {
  const { t } = useTranslation();
  const reopen = useReopenTask();
  const { user } = useSession();
  const overdue = task.status === 'open' && !task.allDay && Date.parse(task.dueAt) < Date.now();
  return (
    <Paper withBorder p="sm" data-testid={`task-${task.title}`}>
      <Group justify="space-between" wrap="wrap" gap="xs" align="flex-start">
        <Stack gap={2} style={{ minWidth: 0, flex: '1 1 14rem' }}>
          <Group gap={6} wrap="wrap">
            <Anchor fw={600} c="inherit" td={task.status === 'done' ? 'line-through' : undefined} renderRoot={(props) => <Link to="/tasks/$taskId" params={{ taskId: task.id }} {...props} />}>
              {task.title}
            </Anchor>
            <Badge size="xs" variant="light">
              {t(`tasks.types.${task.type}`)}
            </Badge>
            <Badge size="xs" variant="light" color={PRIORITY_COLOR[task.priority]}>
              {t(`tasks.priorities.${task.priority}`)}
            </Badge>
          </Group>
          <Text size="sm" c={overdue ? 'red' : 'dimmed'}>
            {task.allDay ? t('tasks.allDayOn', { date: formatDay(zonedParts(new Date(task.dueAt), user.timeZone).day, currentLanguage(), { dateStyle: 'medium' }) }) : formatDateTime(task.dueAt)}
            {showAssignee && task.assignee ? ` · ${task.assignee.name}` : ''}
          </Text>
          {task.lead ? (
            <Anchor size="sm" renderRoot={(props) => <Link to="/leads/$leadId" params={{ leadId: task.lead!.id }} {...props} />}>
              {task.lead.name}
            </Anchor>
          ) : null}
          {task.outcome ? (
            <Text size="sm">
              {t('tasks.outcomeLabel', { outcome: t(`tasks.outcomes.${task.outcome}`, { defaultValue: task.outcome }) })}
              {task.outcomeNote ? ` — ${task.outcomeNote}` : ''}
            </Text>
          ) : null}
        </Stack>
        {canManage ? (
          <Group gap={4} wrap="nowrap">
            {task.status === 'open' ? (
              <Button size="xs" variant="light" color="teal" onClick={onComplete}>
                {t('tasks.complete')}
              </Button>
            ) : (
              <Button size="xs" variant="default" loading={reopen.isPending} onClick={() => reopen.mutate(task.id, { onError: notifyError })}>
                {t('tasks.reopen')}
              </Button>
            )}
            <TaskActionsMenu task={task} onEdit={onEdit} />
          </Group>
        ) : null}
      </Group>
    </Paper>
  );
}

export function CompleteModal({ task, onClose }: { task: TaskItem | null; onClose: () => void }) {
  const { t } = useTranslation();
  const complete = useCompleteTask();
  const form = useForm<{ outcome: string; note: string }>({
    initialValues: { outcome: 'reached', note: '' },
    validate: { outcome: (v) => (v ? null : t('tasks.outcomeRequired')) },
  });
  const submit = form.onSubmit((v) => {
    if (!task) return;
    complete.mutate(
      { id: task.id, outcome: v.outcome, note: v.note.trim() || null },
      {
        onSuccess: () => {
          notifySuccess(t('tasks.completed'));
          form.reset();
          onClose();
        },
        onError: (error) => applyFormErrors(form, error),
      },
    );
  });
  return (
    <Modal opened={Boolean(task)} onClose={onClose} title={t('tasks.completeTitle', { title: task?.title ?? '' })}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Select
            label={t('tasks.fields.outcome')}
            allowDeselect={false}
            data={OUTCOMES.map((v) => ({ value: v, label: t(`tasks.outcomes.${v}`) }))}
            description={task?.lead && REPLY_OUTCOMES.has(form.values.outcome) ? t('tasks.outcomeStopsCadences') : undefined}
            {...form.getInputProps('outcome')}
          />
          <Textarea label={t('tasks.fields.note')} autosize minRows={2} {...form.getInputProps('note')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="teal" loading={complete.isPending}>
              {t('tasks.complete')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
