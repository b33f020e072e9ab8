import { Anchor, Badge, Button, Checkbox, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconPencil, IconTrash } from '@tabler/icons-react';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '@/components/query-error';
import { NoteBody } from '@/features/leads/components/note-body';
import { NoteEditor } from '@/features/leads/components/note-editor';
import { useAddTaskComment, useDeleteTaskComment, useReopenTask, useTask, useTaskComments, useUpdateTask, type TaskItem } from '@/features/tasks/api/tasks';
import { TaskActionsMenu } from '@/features/tasks/components/task-actions-menu';
import { TaskFormModal } from '@/features/tasks/components/task-form-modal';
import { CompleteModal } from '@/features/tasks/components/task-list';
import { recurrenceSummary } from '@/features/tasks/components/recurrence-fields';
import { useTasksLiveUpdates } from '@/features/tasks/hooks/use-tasks-live-updates';
import { formatDay, zonedParts } from '@/features/tasks/utils/zoned';
import { ApiError } from '@/lib/api-client';
import { translateMessage } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';
import { currentLanguage } from '@/lib/i18n';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useSession } from '../session';
import { LeadReferencesGate } from './leads-references';

const routeApi = getRouteApi('/_app/tasks/$taskId');
const PRIORITY_COLOR: Record<TaskItem['priority'], string> = { low: 'gray', normal: 'blue', high: 'orange', urgent: 'red' };

/** One task: its details, complete / reopen / edit / snooze, its checklist, and comments with @mentions. */
export function TaskDetailPage() {
  const { t } = useTranslation();
  const { taskId } = routeApi.useParams();
  return (
    <LeadReferencesGate>
      <Group mb="sm">
        <Anchor component={Link} to="/tasks" size="sm">
          <Group gap={4} wrap="nowrap">
            <IconArrowLeft size={14} aria-hidden />
            {t('tasks.detail.back')}
          </Group>
        </Anchor>
      </Group>
      <TaskDetail key={taskId} taskId={taskId} />
    </LeadReferencesGate>
  );
}

function TaskDetail({ taskId }: { taskId: string }) {
  const { t } = useTranslation();
  const { user, can } = useSession();
  const task = useTask(taskId);
  const reopen = useReopenTask();
  const update = useUpdateTask();
  const [completing, setCompleting] = useState(false);
  const [editing, setEditing] = useState(false);
  useTasksLiveUpdates();
  if (task.isPending) return <Loader size="sm" />;
  if (task.isError) {
    if (task.error instanceof ApiError && (task.error.status === 404 || task.error.status === 403)) return <Text c="dimmed">{t('tasks.detail.notFound')}</Text>;
    return <QueryError error={task.error} onRetry={() => void task.refetch()} />;
  }
  const item = task.data;
  const canManage = can('tasks.manage');
  const language = currentLanguage();
  const due = item.allDay ? t('tasks.allDayOn', { date: formatDay(zonedParts(new Date(item.dueAt), user.timeZone).day, language, { dateStyle: 'full' }) }) : formatDateTime(item.dueAt);

  function toggle(index: number, done: boolean) {
    const checklist = item.checklist.map((c, i) => (i === index ? { ...c, done } : c));
    update.mutate(
      { id: item.id, version: item.version, checklist },
      { onSuccess: () => notifySuccess(t('tasks.detail.checklistSaved')), onError: (error) => notifyError(error instanceof ApiError && error.status === 409 ? new Error(t('tasks.conflict')) : error) },
    );
  }

  return (
    <Stack data-testid="task-detail">
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={4} style={{ minWidth: 0, flex: '1 1 16rem' }}>
          <Title order={2} td={item.status === 'done' ? 'line-through' : undefined} style={{ overflowWrap: 'anywhere' }}>
            {item.title}
          </Title>
          <Group gap={6}>
            <Badge variant="light" color={item.status === 'done' ? 'teal' : 'blue'} data-testid="task-status">
              {t(`tasks.detail.status.${item.status}`)}
            </Badge>
            <Badge variant="light">{t(`tasks.types.${item.type}`)}</Badge>
            <Badge variant="light" color={PRIORITY_COLOR[item.priority]}>
              {t(`tasks.priorities.${item.priority}`)}
            </Badge>
          </Group>
        </Stack>
        {canManage ? (
          <Group gap="xs" wrap="nowrap">
            {item.status === 'open' ? (
              <Button color="teal" variant="light" onClick={() => setCompleting(true)}>
                {t('tasks.complete')}
              </Button>
            ) : (
              <Button variant="default" loading={reopen.isPending} onClick={() => reopen.mutate(item.id, { onSuccess: () => notifySuccess(t('tasks.detail.reopened')), onError: notifyError })}>
                {t('tasks.reopen')}
              </Button>
            )}
            <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)}>
              {t('tasks.actions.edit')}
            </Button>
            <TaskActionsMenu task={item} onEdit={() => setEditing(true)} showOpen={false} />
          </Group>
        ) : null}
      </Group>

      <Paper withBorder p="md">
        <Stack gap="xs">
          <Field label={t('tasks.detail.due')}>{due}</Field>
          <Field label={t('tasks.detail.assignee')}>{item.assignee?.name ?? '—'}</Field>
          {item.lead ? (
            <Field label={t('tasks.detail.lead')}>
              <Anchor renderRoot={(props) => <Link to="/leads/$leadId" params={{ leadId: item.lead!.id }} {...props} />}>{item.lead.name}</Anchor>
            </Field>
          ) : null}
          <Field label={t('tasks.detail.reminders')}>{item.reminders.length ? item.reminders.map((r) => formatDateTime(r)).join(' · ') : t('tasks.detail.noReminders')}</Field>
          {item.recurrence ? (
            <Field label={t('tasks.detail.recurrence')}>
              {recurrenceSummary(item.recurrence, t, language)} · {t('tasks.detail.occurrence', { n: item.occurrence })}
            </Field>
          ) : null}
          {item.description ? (
            <Field label={t('tasks.detail.description')}>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {item.description}
              </Text>
            </Field>
          ) : null}
          {item.status === 'done' && item.outcome ? (
            <Field label={t('tasks.fields.outcome')}>
              {t(`tasks.outcomes.${item.outcome}`, { defaultValue: item.outcome })}
              {item.outcomeNote ? ` — ${item.outcomeNote}` : ''}
            </Field>
          ) : null}
          <Text size="xs" c="dimmed">
            {t('tasks.detail.createdAt', { date: formatDateTime(item.createdAt) })}
            {item.completedAt ? ` · ${t('tasks.detail.completedAt', { date: formatDateTime(item.completedAt) })}` : ''}
          </Text>
        </Stack>
      </Paper>

      <Paper withBorder p="md">
        <Title order={3} size="h5" mb="xs">
          {t('tasks.fields.checklist')}
        </Title>
        {item.checklist.length ? (
          <Stack gap={6}>
            {item.checklist.map((c, i) => (
              <Checkbox key={i} label={c.text} checked={c.done} disabled={!canManage || update.isPending} onChange={(e) => toggle(i, e.currentTarget.checked)} />
            ))}
          </Stack>
        ) : (
          <Text size="sm" c="dimmed">
            {t('tasks.checklist.empty')}
          </Text>
        )}
      </Paper>

      <Comments taskId={item.id} canComment={canManage} />

      <CompleteModal task={completing ? item : null} onClose={() => setCompleting(false)} />
      {editing ? <TaskFormModal opened onClose={() => setEditing(false)} task={item} /> : null}
    </Stack>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group gap="xs" align="flex-start" wrap="nowrap">
      <Text size="sm" c="dimmed" w="7rem" style={{ flexShrink: 0 }}>
        {label}
      </Text>
      <Stack gap={0} style={{ minWidth: 0 }}>
        {typeof children === 'string' ? <Text size="sm">{children}</Text> : <Text size="sm" component="div">{children}</Text>}
      </Stack>
    </Group>
  );
}

function Comments({ taskId, canComment }: { taskId: string; canComment: boolean }) {
  const { t } = useTranslation();
  const { user, can } = useSession();
  const comments = useTaskComments(taskId);
  const add = useAddTaskComment(taskId);
  const remove = useDeleteTaskComment(taskId);
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);

  function post() {
    if (!body.trim()) {
      setError(t('tasks.comments.required'));
      return;
    }
    add.mutate(body, {
      onSuccess: () => {
        setBody('');
        setError(null);
        notifySuccess(t('tasks.comments.posted'));
      },
      onError: (e) => {
        if (e instanceof ApiError && e.field) setError(translateMessage(e.message) ?? e.message);
        else notifyError(e);
      },
    });
  }

  return (
    <Paper withBorder p="md" data-testid="task-comments">
      <Title order={3} size="h5" mb="xs">
        {t('tasks.comments.title')}
      </Title>
      {comments.isPending ? <Loader size="xs" /> : null}
      {comments.isError ? <QueryError error={comments.error} onRetry={() => void comments.refetch()} /> : null}
      <Stack gap="sm">
        {comments.data?.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('tasks.comments.empty')}
          </Text>
        ) : null}
        {comments.data?.items.map((c) => (
          <Stack key={c.id} gap={2} data-testid="task-comment">
            <Group gap="xs" justify="space-between" wrap="nowrap">
              <Text size="xs" c="dimmed">
                {c.author?.name ?? '—'} · {formatDateTime(c.createdAt)}
              </Text>
              {canComment && (c.author?.id === user.id || can('tasks.view_all')) ? (
                <Button size="compact-xs" variant="subtle" color="red" leftSection={<IconTrash size={12} />} loading={remove.isPending && remove.variables === c.id} onClick={() => remove.mutate(c.id, { onSuccess: () => notifySuccess(t('tasks.comments.deleted')), onError: notifyError })}>
                  {t('tasks.comments.delete')}
                </Button>
              ) : null}
            </Group>
            <NoteBody body={c.body} />
          </Stack>
        ))}
        {canComment ? (
          <Stack gap="xs">
            <NoteEditor label={t('tasks.comments.label')} value={body} onChange={setBody} onSubmit={post} error={error} />
            <Button style={{ alignSelf: 'flex-end' }} loading={add.isPending} onClick={post}>
              {t('tasks.comments.post')}
            </Button>
          </Stack>
        ) : null}
      </Stack>
    </Paper>
  );
}
