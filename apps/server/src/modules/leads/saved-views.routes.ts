import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { leadQuery, savedView, savedViewInput, savedViewList } from '@leadflow/shared/leads';
import { actorOf, authOf } from '../accounts/auth.plugin.ts';
import type { LeadListActor } from './lead-list.service.ts';
import type { SavedViewsService } from './saved-views.service.ts';

const idParams = z.object({ id: z.uuid({ message: 'Must be a UUID' }) });
const ok = z.object({ ok: z.literal(true) });
const updateViewRequest = z
  .object({
    name: savedViewInput.shape.name,
    shared: z.boolean(),
    query: leadQuery,
    columns: z.array(z.string().max(60)).max(60),
  })
  .partial();

function listActorOf(request: FastifyRequest): LeadListActor {
  return { ...actorOf(request), timeZone: authOf(request).workspace?.timeZone ?? 'UTC' };
}

export const savedViewsRoutes: FastifyPluginAsyncZod<{ views: SavedViewsService }> = async (app, { views }) => {
  const tags = ['Saved views'];

  app.get('/views', {
    schema: { tags, summary: 'Your saved views and the views shared with the workspace, by name', response: { 200: savedViewList } },
    handler: async (request) => ({ views: await views.list(listActorOf(request)) }),
  });

  app.post('/views', {
    schema: {
      tags,
      summary: 'Save a lead list query and its columns as a view, private or shared with the workspace',
      body: savedViewInput,
      response: { 201: savedView },
    },
    handler: async (request, reply) => reply.status(201).send(await views.create(listActorOf(request), request.body)),
  });

  app.patch('/views/:id', {
    schema: {
      tags,
      summary: 'Rename a view, share or unshare it, or change its query or columns (its owner, or an admin for shared views)',
      params: idParams,
      body: updateViewRequest,
      response: { 200: savedView },
    },
    handler: async (request) => views.update(listActorOf(request), request.params.id, request.body),
  });

  app.delete('/views/:id', {
    schema: { tags, summary: 'Delete a view (its owner, or an admin for shared views)', params: idParams, response: { 200: ok } },
    handler: async (request) => {
      await views.delete(listActorOf(request), request.params.id);
      return { ok: true as const };
    },
  });
};
