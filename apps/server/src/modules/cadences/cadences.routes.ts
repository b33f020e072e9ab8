import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { cadenceItem, cadenceList, createCadenceRequest, enrollmentItem, enrollRequest, leadCadences, updateCadenceRequest } from '@leadflow/shared/cadences';
import { actorOf } from '../accounts/auth.plugin.ts';
import type { CadencesService } from './cadences.service.ts';

const uuid = z.uuid({ message: 'Must be a UUID' });
const idParams = z.object({ id: uuid });
const enrollmentParams = z.object({ id: uuid, enrollmentId: uuid });

/** Follow-up cadences: admins (workspace.manage) define them; members with tasks.manage apply and stop them on leads they see. */
export const cadencesRoutes: FastifyPluginAsyncZod<{ cadences: CadencesService }> = async (app, { cadences }) => {
  const tags = ['Cadences'];

  app.get('/cadences', {
    schema: { tags, summary: 'The workspace’s cadences (not archived), with how many leads are in each', response: { 200: cadenceList } },
    handler: async (request) => ({ items: await cadences.list(actorOf(request)) }),
  });

  app.post('/cadences', {
    config: { permission: 'workspace.manage' },
    schema: {
      tags,
      summary: 'Define a cadence: steps in day order (day offset, task type, title, time of day or all day) and triggers (a stage entered, or a lead source)',
      body: createCadenceRequest,
      response: { 201: cadenceItem },
    },
    handler: async (request, reply) => reply.status(201).send(await cadences.create(actorOf(request), request.body)),
  });

  app.get('/cadences/:id', {
    schema: { tags, summary: 'One cadence', params: idParams, response: { 200: cadenceItem } },
    handler: async (request) => cadences.get(actorOf(request), request.params.id),
  });

  app.patch('/cadences/:id', {
    config: { permission: 'workspace.manage' },
    schema: { tags, summary: 'Change a cadence (leads already in it keep the steps they started with); pass version to refuse a stale edit', params: idParams, body: updateCadenceRequest, response: { 200: cadenceItem } },
    handler: async (request) => cadences.update(actorOf(request), request.params.id, request.body),
  });

  app.delete('/cadences/:id', {
    config: { permission: 'workspace.manage' },
    schema: { tags, summary: 'Archive a cadence: it no longer starts; the follow-up history of its leads stays', params: idParams, response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (request) => {
      await cadences.archive(actorOf(request), request.params.id);
      return { ok: true as const };
    },
  });

  app.get('/leads/:id/cadences', {
    schema: { tags, summary: 'The cadences of a lead: the running ones (tier N of M) and the follow-up history, each with its attempts', params: idParams, response: { 200: leadCadences } },
    handler: async (request) => cadences.forLead(actorOf(request), request.params.id),
  });

  app.post('/leads/:id/cadences', {
    config: { permission: 'tasks.manage' },
    schema: { tags, summary: 'Apply a cadence to a lead by hand: its first task is created for the lead’s owner', params: idParams, body: enrollRequest, response: { 201: enrollmentItem } },
    handler: async (request, reply) => reply.status(201).send(await cadences.apply(actorOf(request), request.params.id, request.body.cadenceId)),
  });

  app.post('/leads/:id/cadences/:enrollmentId/stop', {
    config: { permission: 'tasks.manage' },
    schema: { tags, summary: 'Stop a running cadence of a lead (no further steps; open tasks stay)', params: enrollmentParams, response: { 200: enrollmentItem } },
    handler: async (request) => cadences.stop(actorOf(request), request.params.id, request.params.enrollmentId),
  });
};
