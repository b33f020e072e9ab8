import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { apiKey, createApiKeyRequest, createdApiKey, intakeLeadRequest, intakeLeadResponse } from '@leadflow/shared/capture';
import { AppError } from '../../platform/errors.ts';
import { actorOf } from '../accounts/auth.plugin.ts';
import { createHookLimiter } from './hook-limits.ts';
import type { IntakeCaller, IntakeService } from './intake.service.ts';

/** Leads one API key may push per minute (a refused request gets 429 with Retry-After). */
export const INTAKE_PER_KEY_PER_MINUTE = 1200;
/** Requests without a valid key an address may send per minute. */
export const INTAKE_UNAUTHENTICATED_PER_MINUTE = 30;

const idParams = z.object({ id: z.uuid({ message: 'Must be a UUID' }) });
const config = { permission: 'integrations.manage' } as const;

/** API keys of the workspace, under /api/v1. */
export const apiKeysRoutes: FastifyPluginAsyncZod<{ intake: IntakeService }> = async (app, { intake }) => {
  const tags = ['API keys'];

  app.get('/api-keys', {
    config,
    schema: { tags, summary: 'API keys of the workspace (never the keys themselves)', response: { 200: z.object({ apiKeys: z.array(apiKey) }) } },
    handler: async (request) => ({ apiKeys: await intake.listApiKeys(actorOf(request)) }),
  });

  app.post('/api-keys', {
    config,
    schema: { tags, summary: 'Create an API key: the full key is in this answer only', body: createApiKeyRequest, response: { 201: createdApiKey } },
    handler: async (request, reply) => reply.status(201).send(await intake.createApiKey(actorOf(request), request.body)),
  });

  app.delete('/api-keys/:id', {
    config,
    schema: { tags, summary: 'Revoke an API key; it stops working at once', params: idParams, response: { 200: apiKey } },
    handler: async (request) => intake.revokeApiKey(actorOf(request), request.params.id),
  });
};

/**
 * `POST /hooks/intake`: leads from web forms and other tools, authenticated by a workspace API key. Every call
 * with a valid key lands in the integration log (provider `intake`: status, time, the error message; never
 * the key or the body).
 */
export const intakeRoutes: FastifyPluginAsyncZod<{ intake: IntakeService; perKeyPerMinute?: number; unauthenticatedPerMinute?: number }> = async (app, options) => {
  const { intake } = options;
  const perKey = createHookLimiter({ perMinute: options.perKeyPerMinute ?? INTAKE_PER_KEY_PER_MINUTE });
  const unauthenticated = createHookLimiter({ perMinute: options.unauthenticatedPerMinute ?? INTAKE_UNAUTHENTICATED_PER_MINUTE });
  const errors = new WeakMap<object, string>();
  app.decorateRequest('intakeCaller', null);
  app.post('/hooks/intake', {
    schema: {
      tags: ['Webhooks'],
      summary:
        'Push a lead with `Authorization: Bearer <API key>`; `Idempotency-Key` makes retries answer with the same lead (200). 429 with Retry-After past the per-key budget.',
      body: intakeLeadRequest,
      headers: z.object({ 'idempotency-key': z.string().trim().min(1).max(200).optional() }).passthrough(),
      response: { 200: intakeLeadResponse, 201: intakeLeadResponse },
    },
    // Authenticate before the body is validated: an anonymous caller learns nothing about our schema.
    onRequest: async (request, reply) => {
      const caller = await intake.authenticate(request.headers.authorization);
      if (!caller) {
        // Only failed attempts spend the address's budget: callers with a valid key are never held up by it.
        if (unauthenticated.spend(request.ip)) {
          void reply.header('retry-after', String(unauthenticated.retryAfterSeconds()));
          throw new AppError('RATE_LIMITED', 'Too many requests without a valid API key');
        }
        throw new AppError('UNAUTHENTICATED', 'Send a valid API key as Authorization: Bearer <key>');
      }
      request.intakeCaller = caller;
      if (perKey.spend(caller.keyId)) {
        void reply.header('retry-after', String(perKey.retryAfterSeconds()));
        throw new AppError('RATE_LIMITED', `This API key sent more than ${options.perKeyPerMinute ?? INTAKE_PER_KEY_PER_MINUTE} requests this minute; retry after Retry-After seconds`);
      }
      if (!caller.scopes.includes('leads.create')) throw new AppError('FORBIDDEN', 'This API key may not create leads (leads.create)');
    },
    onSend: async (request, reply, payload) => {
      if (request.intakeCaller && reply.statusCode >= 400 && typeof payload === 'string') {
        try {
          const message = (JSON.parse(payload) as { error?: { message?: unknown; field?: unknown } }).error;
          if (typeof message?.message === 'string') errors.set(request, `${message.message}${typeof message.field === 'string' ? ` (${message.field})` : ''}`);
        } catch {
          // not JSON: no message to keep
        }
      }
      return payload;
    },
    onResponse: async (request, reply) => {
      const caller = request.intakeCaller;
      if (!caller) return;
      await intake
        .logCall(caller, { status: reply.statusCode, durationMs: Math.round(reply.elapsedTime), error: reply.statusCode >= 400 ? (errors.get(request) ?? `HTTP ${reply.statusCode}`) : null })
        .catch(() => undefined);
    },
    handler: async (request, reply) => {
      const result = await intake.intakeLead(request.intakeCaller!, request.body, request.headers['idempotency-key']);
      return reply.status(result.outcome === 'created' && !result.replayed ? 201 : 200).send(result);
    },
  });
};

declare module 'fastify' {
  interface FastifyRequest {
    intakeCaller: IntakeCaller | null;
  }
}
