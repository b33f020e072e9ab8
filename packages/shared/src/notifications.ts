import { z } from 'zod';

/**
 * Every capability raises its notifications through the notification centre with one of these types. Users choose,
 * per type, the channels: in-app (the bell, a toast and a sound), desktop (the browser's Notification API) and email.
 */
export const NOTIFICATION_TYPES = ['lead_assigned', 'lead_offered', 'lead_unassigned', 'sla_breached', 'mention', 'task_due', 'task_reminder'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const channelPrefs = z.strictObject({ inApp: z.boolean(), desktop: z.boolean(), email: z.boolean() });
export type ChannelPrefs = z.infer<typeof channelPrefs>;

/** Out of the box: in-app and desktop for everything, email only for what would be lost otherwise. */
export const DEFAULT_CHANNELS: Record<NotificationType, ChannelPrefs> = {
  lead_assigned: { inApp: true, desktop: true, email: false },
  lead_offered: { inApp: true, desktop: true, email: false },
  lead_unassigned: { inApp: true, desktop: true, email: false },
  sla_breached: { inApp: true, desktop: true, email: false },
  mention: { inApp: true, desktop: true, email: false },
  task_due: { inApp: true, desktop: true, email: false },
  task_reminder: { inApp: true, desktop: true, email: true },
};

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'Use HH:MM (24 h)' });

/** Between start and end (in the user's time zone; may wrap past midnight) nothing beeps, pops up or is emailed. */
export const quietHours = z
  .strictObject({ enabled: z.boolean(), start: hhmm, end: hhmm })
  .refine((q) => q.start !== q.end, { message: 'Quiet hours must start and end at different times', path: ['end'] });

export const notificationPreferences = z.object({
  types: z.record(z.enum(NOTIFICATION_TYPES), channelPrefs),
  quietHours,
  /** The time zone quiet hours are read in: the user's profile time zone. */
  timeZone: z.string(),
});
export type NotificationPreferences = z.infer<typeof notificationPreferences>;

/** PUT /notifications/preferences: the types given replace their channels; the others keep theirs. */
export const updateNotificationPreferences = z.strictObject({
  types: z.partialRecord(z.enum(NOTIFICATION_TYPES, { message: 'Unknown notification type' }), channelPrefs).optional(),
  quietHours: quietHours.optional(),
});

export const notificationLink = z.object({ kind: z.enum(['lead', 'task', 'message']), id: z.string() });

export const notificationItem = z.object({
  id: z.string(),
  type: z.string(),
  /** Title and body parameters: leadName, actorName, ruleName, expiresAt, slaMinutes, taskTitle, dueAt... */
  data: z.record(z.string(), z.unknown()),
  link: notificationLink.nullable(),
  readAt: z.string().nullable(),
  createdAt: z.string(),
});
export type NotificationItem = z.infer<typeof notificationItem>;

export const notificationListQuery = z.strictObject({
  unread: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1, { message: 'At least 1' }).max(100, { message: 'At most 100' }).default(30),
  cursor: z.string().max(200).optional(),
});

export const notificationList = z.object({ items: z.array(notificationItem), nextCursor: z.string().nullable(), unread: z.number() });

export const unreadCount = z.object({ unread: z.number() });

export const markNotificationRequest = z.strictObject({ read: z.boolean() });

/**
 * WebSocket `notification.created`, to the one user: the item, and whether this tab should beep / pop a desktop
 * notification (the user's channels, and not in quiet hours).
 */
export const notificationCreatedEvent = z.object({
  notification: notificationItem,
  /** Shown in the bell and as a toast (false: the user wants only desktop and/or email for this type). */
  inApp: z.boolean(),
  sound: z.boolean(),
  desktop: z.boolean(),
  unread: z.number(),
});

/** WebSocket `notification.read`: counts changed on another tab or by a resolved offer. */
export const notificationReadEvent = z.object({ unread: z.number() });
