import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, conflict, forbidden, notFound } from '../errors.ts';
import type { AppDeps } from './types.ts';

/** At most a year forward in one step; the clock never goes back (what is due stays due). */
const MAX_ADVANCE_MS = 366 * 24 * 60 * 60 * 1000;
/** How long `POST /api/test/jobs/:name` waits for the job it sent to finish. */
const JOB_WAIT_MS = 30_000;

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const clockView = z.object({ now: z.iso.datetime(), offsetMs: z.number().int() });

/**
 * Test controls (ADR 031): end-to-end tests drive a running server's clock and its scheduled jobs, so that what the
 * server does minutes or days later (an offer nobody claimed, an SLA missed, a reminder) can be watched in a real
 * browser within seconds. `deps.now()` — the clock every service reads — is moved forward by an offset; a scheduled
 * job is sent through the real queue and the call returns when a worker has run it.
 *
 * Registered only when `TEST_CONTROLS` is on, which the config accepts only with `NODE_ENV=test`: on any other
 * server these routes do not exist. Not in the OpenAPI document (not part of the product's API).
 */
export async function testControlRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const realNow = deps.now;
  let offsetMs = 0;
  deps.now = () => new Date(realNow().getTime() + offsetMs);
  const view = () => ({ now: deps.now().toISOString(), offsetMs });
  // Belt and braces: even on a test server, only a caller on this machine (the e2e harness) may use them.
  const onRequest = async (request: FastifyRequest) => {
    if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) throw forbidden('Test controls answer only on the loopback address');
  };

  api.get('/api/test/clock', { onRequest, schema: { hide: true, response: { 200: clockView } } }, async () => view());

  api.post(
    '/api/test/clock',
    {
      onRequest,
      schema: {
        hide: true,
        body: z.strictObject({ advanceMs: z.number().int().min(1).max(MAX_ADVANCE_MS) }),
        response: { 200: clockView },
      },
    },
    async (request) => {
      offsetMs += request.body.advanceMs;
      return view();
    },
  );

  api.post(
    '/api/test/jobs/:name',
    {
      onRequest,
      schema: {
        hide: true,
        params: z.object({ name: z.string().regex(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/, 'A job name such as distribution.sweep') }),
        response: { 200: z.object({ id: z.string(), state: z.enum(['completed', 'failed']) }) },
      },
    },
    async (request) => {
      const { name } = request.params;
      if (!(await queueExists(deps, name))) throw notFound(`Job queue "${name}"`);
      const id = await deps.jobs.send(name, {}, { retryLimit: 0 });
      if (!id) throw conflict(`Job "${name}" was not queued`, 'name');
      const deadline = Date.now() + JOB_WAIT_MS;
      for (;;) {
        const { rows } = await deps.database.query<{ state: string }>('SELECT state FROM pgboss.job WHERE name = $1 AND id = $2', [name, id]);
        const state = rows[0]?.state;
        if (state === 'completed' || state === 'failed') return { id, state: state as 'completed' | 'failed' };
        if (Date.now() > deadline) throw new AppError('INTERNAL', `Job "${name}" did not finish within ${JOB_WAIT_MS / 1000} s (state ${state ?? 'unknown'})`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  );
}

async function queueExists(deps: AppDeps, name: string): Promise<boolean> {
  const { rows } = await deps.database.query<{ n: number }>('SELECT count(*)::int AS n FROM pgboss.queue WHERE name = $1', [name]);
  return Number(rows[0]?.n) > 0;
}
