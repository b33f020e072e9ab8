import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { calendarFeedCreated, calendarFeedStatus } from '@leadflow/shared/calendar';
import { actorOf } from '../accounts/auth.plugin.ts';
import type { CalendarService } from './calendar.service.ts';

/** The signed-in member's iCalendar feed: its state, a new secret URL (rotate), revoke. Under /api/v1. */
export const calendarFeedRoutes: FastifyPluginAsyncZod<{ calendar: CalendarService }> = async (app, { calendar }) => {
  const tags = ['Calendar'];
  app.get('/calendar/feed', {
    schema: { tags, summary: 'My iCalendar feed: whether it is on, when it was created and last read', response: { 200: calendarFeedStatus } },
    handler: async (request) => calendar.status(actorOf(request)),
  });
  app.post('/calendar/feed', {
    schema: { tags, summary: 'Create or rotate my iCalendar feed: returns the secret URL once; the previous URL stops working', response: { 201: calendarFeedCreated } },
    handler: async (request, reply) => reply.status(201).send(await calendar.rotate(actorOf(request))),
  });
  app.delete('/calendar/feed', {
    schema: { tags, summary: 'Revoke my iCalendar feed: its URL answers 404 from now on', response: { 200: calendarFeedStatus } },
    handler: async (request) => calendar.revoke(actorOf(request)),
  });
};

const feedParams = z.object({ file: z.string().max(100) });
const notFoundBody = z.object({ error: z.object({ code: z.literal('NOT_FOUND'), message: z.string() }) });

/** The public feed a calendar app subscribes to: no session, the token in the URL is the credential. */
export const publicCalendarRoutes: FastifyPluginAsyncZod<{ calendar: CalendarService }> = async (app, { calendar }) => {
  app.get('/ical/:file', {
    schema: {
      tags: ['Calendar'],
      summary: 'iCalendar feed (RFC 5545, text/calendar) of the token owner’s open tasks: /ical/<token>.ics; 404 for an unknown or revoked token',
      security: [],
      params: feedParams,
      produces: ['text/calendar'],
      response: { 200: z.string(), 404: notFoundBody },
    },
    handler: async (request, reply) => {
      const token = request.params.file.endsWith('.ics') ? request.params.file.slice(0, -4) : '';
      const body = token ? await calendar.feed(token) : null;
      if (body === null) return reply.status(404).send({ error: { code: 'NOT_FOUND' as const, message: 'No such calendar feed' } });
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header('content-disposition', 'inline; filename="leadflow-tasks.ics"')
        .header('cache-control', 'private, max-age=300')
        .header('x-robots-tag', 'noindex')
        .send(body);
    },
  });
};
