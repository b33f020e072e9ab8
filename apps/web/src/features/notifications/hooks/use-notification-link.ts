import type { NotificationItem } from '@leadflow/shared/notifications';
import { useNavigate } from '@tanstack/react-router';
import { useCallback } from 'react';

/** Opens what a notification is about: its task (task reminders, due tasks, mentions in a task's comments) or its lead. */
export function useOpenNotificationLink() {
  const navigate = useNavigate();
  return useCallback(
    (item: Pick<NotificationItem, 'link' | 'data'>): boolean => {
      if (item.link?.kind === 'task') {
        void navigate({ to: '/tasks/$taskId', params: { taskId: item.link.id } });
        return true;
      }
      const leadId = item.link?.kind === 'lead' ? item.link.id : typeof item.data.leadId === 'string' ? item.data.leadId : null;
      if (!leadId) return false;
      void navigate({ to: '/leads/$leadId', params: { leadId } });
      return true;
    },
    [navigate],
  );
}
