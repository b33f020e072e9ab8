import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  markNotificationRequest,
  notificationItem,
  notificationList,
  notificationListQuery,
  notificationPreferences,
  unreadCount,
  updateNotificationPreferences,
} from '@leadflow/shared/notifications';
import { actorOf } from '../accounts/auth.plugin.ts';
import type { NotificationsService } from './notifications.service.ts';

const idParams = z.object({ id: z.uuid({ message: 'Must be a UUID' }) });

/** The signed-in member's own notifications in the current workspace: nobody reads or changes anyone else's. */
export const notificationsRoutes: FastifyPluginAsyncZod<{ notifications: NotificationsService }> = async (app, { notifications }) => {
  const tags = ['Notifications'];

  app.get('/notifications', {
    schema: {
      tags,
      summary: 'My notifications, newest first (keyset pages: pass nextCursor as cursor); unread=true for unread only',
      querystring: notificationListQuery,
      response: { 200: notificationList },
    },
    handler: async (request) => notifications.list(actorOf(request), request.query),
  });

  app.get('/notifications/unread-count', {
    schema: { tags, summary: 'How many of my notifications are unread (the bell)', response: { 200: unreadCount } },
    handler: async (request) => ({ unread: await notifications.unreadCount(actorOf(request)) }),
  });

  app.patch('/notifications/:id', {
    schema: { tags, summary: 'Mark one of my notifications read or unread', params: idParams, body: markNotificationRequest, response: { 200: notificationItem } },
    handler: async (request) => notifications.mark(actorOf(request), request.params.id, request.body.read),
  });

  app.post('/notifications/mark-all-read', {
    schema: { tags, summary: 'Mark all my notifications read', response: { 200: z.object({ marked: z.number() }) } },
    handler: async (request) => ({ marked: await notifications.markAllRead(actorOf(request)) }),
  });

  app.get('/notifications/preferences', {
    schema: { tags, summary: 'My channels per notification type (in-app, desktop, email) and quiet hours', response: { 200: notificationPreferences } },
    handler: async (request) => notifications.getPreferences(actorOf(request), request.auth!.user.timeZone),
  });

  app.put('/notifications/preferences', {
    schema: {
      tags,
      summary: 'Change my channels for some types and/or my quiet hours (read in my profile time zone)',
      body: updateNotificationPreferences,
      response: { 200: notificationPreferences },
    },
    handler: async (request) => notifications.updatePreferences(actorOf(request), request.body, request.auth!.user.timeZone),
  });
};
