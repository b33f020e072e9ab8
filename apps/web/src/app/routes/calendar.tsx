import { Button, Group, SegmentedControl, Stack } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { CalendarFeedCard } from '@/features/tasks/components/calendar-feed-card';
import { TaskCalendar, type SlotPick } from '@/features/tasks/components/task-calendar';
import { TaskFormModal } from '@/features/tasks/components/task-form-modal';
import { useTasksLiveUpdates } from '@/features/tasks/hooks/use-tasks-live-updates';
import { useWorkspace } from '@/features/workspace/api/get-workspace';
import { useSession } from '../session';

/**
 * Tasks and meetings on a calendar (day, week, month, agenda) — mine, or the team's for managers — in my profile
 * time zone, or the workspace's when it differs and I switch to it (ADR 018); and my iCalendar subscription.
 */
export function CalendarPage() {
  const { t } = useTranslation();
  const { user, can } = useSession();
  const workspace = useWorkspace();
  const [scope, setScope] = useState<'mine' | 'team'>('mine');
  const [zone, setZone] = useState<'mine' | 'workspace'>('mine');
  const [creating, setCreating] = useState<{ due?: SlotPick } | null>(null);
  const canManage = can('tasks.manage');
  const workspaceZone = workspace.data?.timeZone;
  const zonesDiffer = Boolean(workspaceZone && workspaceZone !== user.timeZone);
  const timeZone = zone === 'workspace' && zonesDiffer && workspaceZone ? workspaceZone : user.timeZone;
  useTasksLiveUpdates();
  return (
    <Stack>
      <PageHeader
        title={t('tasks.calendar.title')}
        actions={
          canManage ? (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating({})}>
              {t('tasks.new')}
            </Button>
          ) : null
        }
      />
      <Group gap="xs" wrap="wrap">
        {can('tasks.view_all') ? (
          <SegmentedControl value={scope} onChange={(v) => setScope(v as 'mine' | 'team')} data={[{ value: 'mine', label: t('tasks.mine') }, { value: 'team', label: t('tasks.team') }]} />
        ) : null}
        {zonesDiffer ? (
          <SegmentedControl
            size="xs"
            value={zone}
            onChange={(v) => setZone(v as 'mine' | 'workspace')}
            data={[
              { value: 'mine', label: t('tasks.calendar.zoneMine', { timeZone: user.timeZone }) },
              { value: 'workspace', label: t('tasks.calendar.zoneWorkspace', { timeZone: workspaceZone }) },
            ]}
          />
        ) : null}
      </Group>
      <TaskCalendar key={timeZone} timeZone={timeZone} scope={scope} canManage={canManage} onPickSlot={(due) => canManage && setCreating({ due })} />
      <CalendarFeedCard />
      <TaskFormModal opened={Boolean(creating)} onClose={() => setCreating(null)} {...(creating?.due ? { due: creating.due } : {})} />
    </Stack>
  );
}
