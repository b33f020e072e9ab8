import type { ApiErrorBody } from '@leadflow/shared/errors';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../errors.ts';

/** One place turns every error into `{ error: { code, message, field } }`; 5xx never reveal internals. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) {
      const body: ApiErrorBody = { error: { code: err.code, message: err.message } };
      if (err.field) body.error.field = err.field;
      return reply.status(err.status).send(body);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      const issues = err.validation.map((v) => {
        const path = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
        // A key the schema does not know is named itself, not its parent object (or "body" / "querystring").
        const keys: unknown = v.keyword === 'unrecognized_keys' ? (v.params as { keys?: unknown }).keys : undefined;
        if (Array.isArray(keys) && typeof keys[0] === 'string') {
          return { field: path ? `${path}.${keys[0]}` : keys[0], message: keys.length > 1 ? `Unknown fields: ${keys.join(', ')}` : 'Unknown field' };
        }
        return { field: path || where, message: v.message ?? 'Invalid value' };
      });
      const first = issues[0]!;
      const body: ApiErrorBody = {
        error: { code: 'VALIDATION_FAILED', message: `${first.field}: ${first.message}`, field: first.field, issues },
      };
      return reply.status(400).send(body);
    }
    if (err.statusCode === 429) {
      return reply.status(429).send({ error: { code: 'RATE_LIMITED', message: 'Too many requests, try again shortly' } });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      // Fastify's own 4xx (malformed JSON, body too large, wrong content type).
      return reply
        .status(err.statusCode)
        .send({ error: { code: err.statusCode === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED', message: err.message } });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: 'Something went wrong on our side' } });
  });
}
