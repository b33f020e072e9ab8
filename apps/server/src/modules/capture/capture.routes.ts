import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  captureSettings,
  createMetaConnectionRequest,
  integrationLogEntry,
  metaConnection,
  metaConnectionTestResult,
  metaFormMapping,
  metaFormMappingInput,
  metaLeadEvent,
  metaSyncResult,
  updateMetaConnectionRequest,
} from '@leadflow/shared/capture';
import { actorOf } from '../accounts/auth.plugin.ts';
import type { MetaService } from './meta.service.ts';

const ok = z.object({ ok: z.literal(true) });
const idParams = z.object({ id: z.uuid({ message: 'Must be a UUID' }) });
const formParams = idParams.extend({ formId: z.string().regex(/^\d{1,30}$/, 'Use the numeric form id') });
const config = { permission: 'integrations.manage' } as const;

/** Lead capture settings: Meta connections, their form mappings, Sync now, and the integration log. */
export const captureRoutes: FastifyPluginAsyncZod<{ meta: MetaService }> = async (app, { meta }) => {
  const tags = ['Integrations'];

  app.get('/integrations/meta', {
    config,
    schema: { tags, summary: 'Meta Lead Ads connections with their health (never their secrets)', response: { 200: z.object({ connections: z.array(metaConnection) }) } },
    handler: async (request) => ({ connections: await meta.listConnections(actorOf(request)) }),
  });

  app.post('/integrations/meta', {
    config,
    schema: { tags, summary: 'Connect a Facebook Page: secrets are stored encrypted', body: createMetaConnectionRequest, response: { 201: metaConnection } },
    handler: async (request, reply) => reply.status(201).send(await meta.createConnection(actorOf(request), request.body)),
  });

  app.get('/integrations/meta/:id', {
    config,
    schema: { tags, summary: 'One Meta connection', params: idParams, response: { 200: metaConnection } },
    handler: async (request) => meta.getConnection(actorOf(request), request.params.id),
  });

  app.patch('/integrations/meta/:id', {
    config,
    schema: { tags, summary: 'Change a connection; a new page token makes a broken one active again', params: idParams, body: updateMetaConnectionRequest, response: { 200: metaConnection } },
    handler: async (request) => meta.updateConnection(actorOf(request), request.params.id, request.body),
  });

  app.delete('/integrations/meta/:id', {
    config,
    schema: { tags, summary: 'Disconnect a page', params: idParams, response: { 200: ok } },
    handler: async (request) => {
      await meta.deleteConnection(actorOf(request), request.params.id);
      return { ok: true as const };
    },
  });

  app.post('/integrations/meta/:id/test', {
    config,
    schema: { tags, summary: "Read the page's name and lead forms with the stored token; Meta's exact error when it fails", params: idParams, response: { 200: metaConnectionTestResult } },
    handler: async (request) => meta.testConnection(actorOf(request), request.params.id),
  });

  app.post('/integrations/meta/:id/sync', {
    config,
    schema: {
      tags,
      summary: 'Sync now: fetch the leads since the last sync (of every form, or of `formId`), or of the last `days` (backfill); then fetch again the leads that failed',
      params: idParams,
      querystring: z.object({
        days: z.coerce.number().int().min(1).max(90).optional(),
        formId: z.string().regex(/^\d{1,30}$/, 'Use the numeric form id').optional(),
      }),
      response: { 200: metaSyncResult },
    },
    handler: async (request) => meta.syncConnection(actorOf(request), request.params.id, request.query),
  });

  app.get('/integrations/meta/:id/events', {
    config,
    schema: {
      tags,
      summary: "The connection's leadgen notifications, newest first: failed ones with Meta's error, waiting ones with their next try",
      params: idParams,
      querystring: z.object({
        status: z.enum(['pending', 'done', 'failed', 'skipped']).optional(),
        cursor: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z_[0-9a-f-]{36}$/, 'Use the nextCursor of the previous page')
          .optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: { 200: z.object({ events: z.array(metaLeadEvent), nextCursor: z.string().nullable() }) },
    },
    handler: async (request) => meta.listEvents(actorOf(request), request.params.id, { status: request.query.status, cursor: request.query.cursor, limit: request.query.limit }),
  });

  app.post('/integrations/meta/:id/events/retry', {
    config,
    schema: {
      tags,
      summary: 'Fetch again now: the listed failed or skipped events, or every failed one of the connection',
      params: idParams,
      body: z.object({ eventIds: z.array(z.uuid({ message: 'Must be a UUID' })).min(1).max(500).optional() }).strict(),
      response: { 200: z.object({ requeued: z.number().int() }) },
    },
    handler: async (request) => meta.retryEvents(actorOf(request), request.params.id, request.body.eventIds),
  });

  app.get('/integrations/meta/:id/forms', {
    config,
    schema: { tags, summary: 'Form mappings of a connection (forms without one use the automatic mapping)', params: idParams, response: { 200: z.object({ mappings: z.array(metaFormMapping) }) } },
    handler: async (request) => ({ mappings: await meta.listMappings(actorOf(request), request.params.id) }),
  });

  app.put('/integrations/meta/:id/forms/:formId', {
    config,
    schema: { tags, summary: "Set how a form's answers become lead fields, and where its leads land", params: formParams, body: metaFormMappingInput, response: { 200: metaFormMapping } },
    handler: async (request) => meta.putMapping(actorOf(request), request.params.id, request.params.formId, request.body),
  });

  app.delete('/integrations/meta/:id/forms/:formId', {
    config,
    schema: { tags, summary: 'Back to the automatic mapping for a form', params: formParams, response: { 200: ok } },
    handler: async (request) => {
      await meta.deleteMapping(actorOf(request), request.params.id, request.params.formId);
      return { ok: true as const };
    },
  });

  app.get('/integrations/log', {
    config,
    schema: {
      tags,
      summary: 'Integration log: every external call and webhook, newest first; filter by connection, direction (in = webhooks, out = calls), status and text (URL, method, error)',
      querystring: z.object({
        provider: z.string().max(40).optional(),
        status: z.enum(['ok', 'error']).optional(),
        connectionId: z.uuid({ message: 'Must be a UUID' }).optional(),
        direction: z.enum(['in', 'out']).optional(),
        q: z.string().trim().min(1).max(200).optional(),
        cursor: z.string().regex(/^\d{1,19}$/, 'Use the nextCursor of the previous page').optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: { 200: z.object({ entries: z.array(integrationLogEntry), nextCursor: z.string().nullable() }) },
    },
    handler: async (request) => {
      const q = request.query;
      return meta.listLog(actorOf(request), {
        provider: q.provider,
        status: q.status,
        connectionId: q.connectionId,
        direction: q.direction,
        q: q.q,
        beforeId: q.cursor ? BigInt(q.cursor) : undefined,
        limit: q.limit,
      });
    },
  });

  app.get('/integrations/capture-settings', {
    config,
    schema: { tags, summary: 'How captured leads of a known person are handled', response: { 200: captureSettings } },
    handler: async (request) => meta.getSettings(actorOf(request)),
  });

  app.put('/integrations/capture-settings', {
    config,
    schema: { tags, summary: 'merge: a known person (same phone or email) gets a came_back activity on their lead; always_create: a new lead', body: captureSettings, response: { 200: captureSettings } },
    handler: async (request) => meta.updateSettings(actorOf(request), request.body),
  });
};
