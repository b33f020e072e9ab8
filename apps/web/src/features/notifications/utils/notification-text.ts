import type { NotificationItem } from '@leadflow/shared/notifications';
import type { TFunction } from 'i18next';
import { currentLanguage } from '@/lib/i18n';

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** Title and body of a notification in the reader's language (the server keeps only the parameters). */
export function notificationText(t: TFunction, item: Pick<NotificationItem, 'type' | 'data'>): { title: string; body: string } {
  const d = item.data;
  const params = {
    leadName: str(d.leadName) || t('notifications.aLead'),
    actorName: str(d.actorName) || t('notifications.someone'),
    ruleName: str(d.ruleName),
    slaMinutes: str(d.slaMinutes),
    fromUserName: str(d.fromUserName) || t('notifications.theOwner'),
    toUserName: str(d.toUserName),
    taskTitle: str(d.taskTitle),
  };
  switch (item.type) {
    case 'lead_assigned':
      if (typeof d.count === 'number') return { title: t('notifications.text.leadsAssigned.title'), body: t('notifications.text.leadsAssigned.body', { ...params, count: d.count }) };
      return {
        title: t('notifications.text.leadAssigned.title'),
        body: str(d.actorName) ? t('notifications.text.leadAssigned.bodyBy', params) : t('notifications.text.leadAssigned.body', params),
      };
    case 'lead_offered':
      return { title: t('notifications.text.leadOffered.title'), body: t('notifications.text.leadOffered.body', params) };
    case 'lead_unassigned':
      return {
        title: t('notifications.text.leadUnassigned.title'),
        body: d.why === 'manual' ? t('notifications.text.leadUnassigned.bodyManual', params) : t('notifications.text.leadUnassigned.bodyNobody', params),
      };
    case 'sla_breached':
      return {
        title: t('notifications.text.slaBreached.title'),
        body: params.toUserName ? t('notifications.text.slaBreached.bodyMoved', params) : t('notifications.text.slaBreached.body', params),
      };
    case 'mention':
      return { title: t('notifications.text.mention.title', params), body: t('notifications.text.mention.body', params) };
    case 'task_due':
      return { title: t('notifications.text.taskDue.title'), body: params.taskTitle };
    case 'task_reminder':
      return { title: t('notifications.text.taskReminder.title'), body: params.taskTitle };
    default:
      return { title: str(d.title) || item.type, body: str(d.body) };
  }
}

/** The local calendar day of an ISO time (YYYY-MM-DD), in the browser's time zone. */
function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Items (newest first) grouped by day: "Today", "Yesterday", then dates. */
export function groupByDay<T extends { createdAt: string }>(items: T[], t: TFunction, now = new Date()): { key: string; label: string; items: T[] }[] {
  const today = dayKey(now.toISOString());
  const yesterday = dayKey(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1, 12).toISOString());
  const groups: { key: string; label: string; items: T[] }[] = [];
  for (const item of items) {
    const key = dayKey(item.createdAt);
    let group = groups.at(-1);
    if (!group || group.key !== key) {
      const label =
        key === today
          ? t('notifications.today')
          : key === yesterday
            ? t('notifications.yesterday')
            : new Intl.DateTimeFormat(currentLanguage(), { weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(item.createdAt));
      group = { key, label, items: [] };
      groups.push(group);
    }
    group.items.push(item);
  }
  return groups;
}

export function timeOfDay(iso: string): string {
  return new Intl.DateTimeFormat(currentLanguage(), { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}
