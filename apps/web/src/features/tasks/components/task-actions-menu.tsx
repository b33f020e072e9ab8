import { ActionIcon, Button, Group, Menu, Modal, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlarmSnooze, IconCalendarEvent, IconClockHour4, IconDots, IconExternalLink, IconPencil, IconSunrise, IconTrash } from '@tabler/icons-react';
import { Link, useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from '@/app/session';
import { ApiError } from '@/lib/api-client';
import { formatDateTime } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useDeleteTask, useUpdateTask, type TaskItem } from '../api/tasks';
import { snoozeTarget } from '../utils/snooze';

/** Quick actions on an open task: snooze 15 min / 1 h / tomorrow, reschedule or edit (the form), open, delete. */
export function TaskActionsMenu({ task, onEdit, showOpen = true }: { task: TaskItem; onEdit: () => void; showOpen?: boolean }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const update = useUpdateTask();
  const remove = useDeleteTask();
  const navigate = useNavigate();

  const onError = (error: unknown) => notifyError(error instanceof ApiError && error.status === 409 ? new Error(t('tasks.conflict')) : error);

  function snooze(kind: '15' | '60' | 'tomorrow') {
    const target = snoozeTarget(task, kind, user.timeZone);
    // Reminders move with the task; past ones are dropped.
    const shift = Date.parse(target.dueAt) - Date.parse(task.dueAt);
    const reminders = task.reminders.map((r) => Date.parse(r) + shift).filter((r) => r > Date.now()).map((r) => new Date(r).toISOString());
    update.mutate(
      { id: task.id, version: task.version, ...target, reminders },
      { onSuccess: () => notifySuccess(t('tasks.actions.snoozed', { when: formatDateTime(target.dueAt) })), onError },
    );
  }

  const [confirming, confirm] = useDisclosure(false);
  function doDelete() {
    remove.mutate(task.id, {
      onSuccess: () => {
        confirm.close();
        notifySuccess(t('tasks.actions.deleted'));
        if (!showOpen) void navigate({ to: '/tasks' });
      },
      onError,
    });
  }

  return (
    <>
    <Modal opened={confirming} onClose={confirm.close} title={t('tasks.actions.delete')}>
      <Text size="sm">{t('tasks.actions.deleteConfirm', { title: task.title })}</Text>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={confirm.close}>
          {t('common.cancel')}
        </Button>
        <Button color="red" loading={remove.isPending} onClick={doDelete}>
          {t('common.delete')}
        </Button>
      </Group>
    </Modal>
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" aria-label={t('tasks.actions.menu')} loading={update.isPending}>
          <IconDots size={18} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {showOpen ? (
          <Menu.Item leftSection={<IconExternalLink size={14} />} renderRoot={(props) => <Link to="/tasks/$taskId" params={{ taskId: task.id }} {...props} />}>
            {t('tasks.actions.open')}
          </Menu.Item>
        ) : null}
        {task.status === 'open' ? (
          <>
            <Menu.Item leftSection={<IconAlarmSnooze size={14} />} onClick={() => snooze('15')}>
              {t('tasks.actions.snooze15')}
            </Menu.Item>
            <Menu.Item leftSection={<IconClockHour4 size={14} />} onClick={() => snooze('60')}>
              {t('tasks.actions.snooze60')}
            </Menu.Item>
            <Menu.Item leftSection={<IconSunrise size={14} />} onClick={() => snooze('tomorrow')}>
              {t('tasks.actions.snoozeTomorrow')}
            </Menu.Item>
            <Menu.Item leftSection={<IconCalendarEvent size={14} />} onClick={onEdit}>
              {t('tasks.actions.reschedule')}
            </Menu.Item>
          </>
        ) : null}
        <Menu.Item leftSection={<IconPencil size={14} />} onClick={onEdit}>
          {t('tasks.actions.edit')}
        </Menu.Item>
        <Menu.Item leftSection={<IconTrash size={14} />} color="red" onClick={confirm.open}>
          {t('tasks.actions.delete')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
    </>
  );
}
