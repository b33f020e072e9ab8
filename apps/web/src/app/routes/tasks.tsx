import { TASK_PRIORITIES, TASK_TYPES } from '@leadflow/shared/tasks';
import { Button, Group, Pill, SegmentedControl, Select, Stack } from '@mantine/core';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import type { TaskItem, TaskQueue } from '@/features/tasks/api/tasks';
import { TaskFormModal } from '@/features/tasks/components/task-form-modal';
import { TaskList } from '@/features/tasks/components/task-list';
import { useTasksLiveUpdates } from '@/features/tasks/hooks/use-tasks-live-updates';
import { useLead } from '@/features/leads/api/get-lead';
import { useMembers } from '@/features/users/api/get-members';
import { useSession } from '../session';

const QUEUES = ['overdue', 'today', 'upcoming', 'done'] as const;
const routeApi = getRouteApi('/_app/tasks');

/**
 * My tasks (overdue, today, upcoming, done); managers may switch to the team's; filters by type, priority, assignee,
 * and by lead (`?leadId=`, from the lead page's "All tasks of this lead").
 */
export function TasksPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const { leadId } = routeApi.useSearch();
  const navigate = useNavigate();
  const lead = useLead(leadId ?? '', { enabled: Boolean(leadId) });
  const [queue, setQueue] = useState<TaskQueue>('today');
  const [scope, setScope] = useState<'mine' | 'team'>('mine');
  const [creating, modal] = useDisclosure(false);
  const [type, setType] = useState<TaskItem['type'] | null>(null);
  const [priority, setPriority] = useState<TaskItem['priority'] | null>(null);
  const [assigneeId, setAssigneeId] = useState<string | null>(null);
  const team = scope === 'team' && can('tasks.view_all');
  const members = useMembers('active', { enabled: team && can('users.view') });
  useTasksLiveUpdates();
  return (
    <Stack>
      <PageHeader
        title={t('tasks.title')}
        actions={
          can('tasks.manage') ? (
            <Button leftSection={<IconPlus size={16} />} onClick={modal.open}>
              {t('tasks.new')}
            </Button>
          ) : null
        }
      />
      <Group gap="xs" wrap="wrap">
        <SegmentedControl value={queue} onChange={(v) => setQueue(v as TaskQueue)} data={QUEUES.map((q) => ({ value: q, label: t(`tasks.queues.${q}`) }))} />
        {can('tasks.view_all') ? (
          <SegmentedControl value={scope} onChange={(v) => setScope(v as 'mine' | 'team')} data={[{ value: 'mine', label: t('tasks.mine') }, { value: 'team', label: t('tasks.team') }]} />
        ) : null}
      </Group>
      <Group gap="xs" wrap="wrap" align="flex-end">
        <Select
          w="10rem"
          size="xs"
          label={t('tasks.filters.type')}
          placeholder={t('tasks.filters.any')}
          clearable
          value={type}
          onChange={(v) => setType(v as TaskItem['type'] | null)}
          data={TASK_TYPES.map((v) => ({ value: v, label: t(`tasks.types.${v}`) }))}
        />
        <Select
          w="10rem"
          size="xs"
          label={t('tasks.filters.priority')}
          placeholder={t('tasks.filters.any')}
          clearable
          value={priority}
          onChange={(v) => setPriority(v as TaskItem['priority'] | null)}
          data={TASK_PRIORITIES.map((v) => ({ value: v, label: t(`tasks.priorities.${v}`) }))}
        />
        {team && members.data ? (
          <Select
            w="12rem"
            size="xs"
            label={t('tasks.filters.assignee')}
            placeholder={t('tasks.filters.any')}
            clearable
            searchable
            value={assigneeId}
            onChange={setAssigneeId}
            data={members.data.members.map((m) => ({ value: m.userId, label: m.name }))}
          />
        ) : null}
        {leadId ? (
          <Pill
            size="lg"
            withRemoveButton
            removeButtonProps={{ 'aria-label': t('tasks.filters.clearLead'), 'aria-hidden': false, tabIndex: 0 }}
            onRemove={() => void navigate({ to: '/tasks', search: {} })}
            data-testid="tasks-lead-filter"
          >
            {t('tasks.filters.lead', { name: lead.data?.displayName ?? '…' })}
          </Pill>
        ) : null}
        {type || priority || assigneeId ? (
          <Button
            size="xs"
            variant="subtle"
            onClick={() => {
              setType(null);
              setPriority(null);
              setAssigneeId(null);
            }}
          >
            {t('tasks.filters.clear')}
          </Button>
        ) : null}
      </Group>
      <TaskList
        params={{ queue, scope, leadId, type: type ?? undefined, priority: priority ?? undefined, assigneeId: team ? (assigneeId ?? undefined) : undefined }}
        showAssignee={scope === 'team'}
        canManage={can('tasks.manage')}
      />
      <TaskFormModal opened={creating} onClose={modal.close} />
    </Stack>
  );
}
