import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  createLeadSourceRequest,
  createMarketingEventRequest,
  createWorkspaceTagRequest,
  leadSource,
  leadSourceList,
  leadSourceListQuery,
  marketingEvent,
  marketingEventList,
  marketingEventListQuery,
  updateLeadSourceRequest,
  updateMarketingEventRequest,
  workspaceTag,
  workspaceTagList,
} from '@leadflow/shared/marketing';
import { actorOf } from '../accounts/auth.plugin.ts';
import type { MarketingService } from './marketing.service.ts';

const idParams = z.object({ id: z.uuid({ message: 'Must be a UUID' }) });
const ok = z.object({ ok: z.literal(true) });
const archivedFlag = (v: 'true' | 'false' | undefined) => (v === undefined ? undefined : v === 'true');

/** Lead sources, marketing events and the workspace's tag list. Every member reads them (the lead form offers them). */
export const marketingRoutes: FastifyPluginAsyncZod<{ marketing: MarketingService }> = async (app, { marketing }) => {
  const sourceTags = ['Lead sources'];
  const eventTags = ['Marketing events'];
  const tagTags = ['Tags'];

  app.get('/lead-sources', {
    schema: { tags: sourceTags, summary: 'Lead sources of the workspace, in order (archived=false for the active ones)', querystring: leadSourceListQuery, response: { 200: leadSourceList } },
    handler: async (request) => ({ sources: await marketing.listSources(actorOf(request), archivedFlag(request.query.archived)) }),
  });
  app.post('/lead-sources', {
    config: { permission: 'marketing.manage' },
    schema: { tags: sourceTags, summary: 'Add a lead source (name unique in the workspace, case ignored)', body: createLeadSourceRequest, response: { 201: leadSource } },
    handler: async (request, reply) => reply.status(201).send(await marketing.createSource(actorOf(request), request.body)),
  });
  app.patch('/lead-sources/:id', {
    config: { permission: 'marketing.manage' },
    schema: { tags: sourceTags, summary: 'Rename, re-kind, reorder or archive a lead source, or change its sub-types', params: idParams, body: updateLeadSourceRequest, response: { 200: leadSource } },
    handler: async (request) => marketing.updateSource(actorOf(request), request.params.id, request.body),
  });
  app.delete('/lead-sources/:id', {
    config: { permission: 'marketing.manage' },
    schema: { tags: sourceTags, summary: 'Remove a lead source from the list (leads keep their source text)', params: idParams, response: { 200: ok } },
    handler: async (request) => {
      await marketing.deleteSource(actorOf(request), request.params.id);
      return { ok: true as const };
    },
  });

  app.get('/events', {
    schema: { tags: eventTags, summary: 'Marketing events, newest first, with the number of leads from each', querystring: marketingEventListQuery, response: { 200: marketingEventList } },
    handler: async (request) => ({ events: await marketing.listEvents(actorOf(request), archivedFlag(request.query.archived)) }),
  });
  app.get('/events/:id', {
    schema: { tags: eventTags, summary: 'One marketing event', params: idParams, response: { 200: marketingEvent } },
    handler: async (request) => marketing.getEvent(actorOf(request), request.params.id),
  });
  app.post('/events', {
    config: { permission: 'marketing.manage' },
    schema: { tags: eventTags, summary: 'Add a marketing event (name, date, place, notes)', body: createMarketingEventRequest, response: { 201: marketingEvent } },
    handler: async (request, reply) => reply.status(201).send(await marketing.createEvent(actorOf(request), request.body)),
  });
  app.patch('/events/:id', {
    config: { permission: 'marketing.manage' },
    schema: { tags: eventTags, summary: 'Change or archive a marketing event', params: idParams, body: updateMarketingEventRequest, response: { 200: marketingEvent } },
    handler: async (request) => marketing.updateEvent(actorOf(request), request.params.id, request.body),
  });
  app.delete('/events/:id', {
    config: { permission: 'marketing.manage' },
    schema: { tags: eventTags, summary: 'Delete an event no lead came from (archive it otherwise)', params: idParams, response: { 200: ok } },
    handler: async (request) => {
      await marketing.deleteEvent(actorOf(request), request.params.id);
      return { ok: true as const };
    },
  });

  app.get('/tags', {
    schema: { tags: tagTags, summary: 'Tags the workspace offers in the lead form (leads may carry others too)', response: { 200: workspaceTagList } },
    handler: async (request) => ({ tags: await marketing.listTags(actorOf(request)) }),
  });
  app.post('/tags', {
    config: { permission: 'fields.manage' },
    schema: { tags: tagTags, summary: 'Add a tag to the list', body: createWorkspaceTagRequest, response: { 201: workspaceTag } },
    handler: async (request, reply) => reply.status(201).send(await marketing.createTag(actorOf(request), request.body)),
  });
  app.delete('/tags/:id', {
    config: { permission: 'fields.manage' },
    schema: { tags: tagTags, summary: 'Remove a tag from the list (leads keep it)', params: idParams, response: { 200: ok } },
    handler: async (request) => {
      await marketing.deleteTag(actorOf(request), request.params.id);
      return { ok: true as const };
    },
  });
};
