import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createHookLimiter } from './hook-limits.ts';
import type { MetaService } from './meta.service.ts';

/** Rejected deliveries (bad signature, malformed body, unknown page) an address may send per page and minute. */
export const META_REJECTIONS_PER_MINUTE = 120;
/** The parsed body (undefined when it is not JSON) and the page ids it names (entry ids), for the rejection budget. */
function parse(raw: Buffer): { body: { value: unknown } | undefined; pages: string } {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    const entry = (value as { entry?: unknown } | null)?.entry;
    const ids = Array.isArray(entry) ? entry.map((e) => (typeof (e as { id?: unknown })?.id === 'string' ? (e as { id: string }).id : '')).filter(Boolean) : [];
    return { body: { value }, pages: ids.length ? [...new Set(ids)].sort().join(',').slice(0, 200) : '-' };
  } catch {
    return { body: undefined, pages: '-' };
  }
}

/** Meta's deliveries are small (a few KB even with many changes). */
const META_BODY_LIMIT = 512 * 1024;

/**
 * `/hooks/meta`: Meta's verification handshake and Lead Ads deliveries. Outside `/api/v1`, so no session or
 * CSRF: the X-Hub-Signature-256 over the raw body is the authentication.
 *
 * Also the lifecycle of the inbox workers: they start when the app is ready (on instances that run jobs) and
 * stop, finishing the batches in hand, when it closes — before the database does.
 */
export const metaWebhookRoutes: FastifyPluginAsyncZod<{ meta: MetaService; jobsEnabled?: boolean; rejectionsPerMinute?: number }> = async (app, options) => {
  const { meta, rejectionsPerMinute } = options;
  const jobsEnabled = options.jobsEnabled ?? app.deps.config.jobsEnabled;
  const tags = ['Webhooks'];
  // The signature covers the bytes as sent: keep them, in this plugin only, instead of parsed JSON.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: META_BODY_LIMIT }, (_request, body, done) => done(null, body));

  if (jobsEnabled) {
    app.addHook('onReady', async () => meta.startInbox());
    app.addHook('onClose', async () => meta.stopInbox());
  }

  // Only rejections spend the budget: a connected page's burst of valid deliveries is never refused. (One that
  // comes after a run of rejections for the same page gets 429 until the minute ends: Meta retries it.)
  const rejections = createHookLimiter({ perMinute: rejectionsPerMinute ?? META_REJECTIONS_PER_MINUTE });

  app.get('/hooks/meta', {
    schema: {
      tags,
      summary: 'Verification handshake: answers hub.challenge when hub.verify_token is one of ours',
      querystring: z.object({ 'hub.mode': z.string().optional(), 'hub.verify_token': z.string().optional(), 'hub.challenge': z.string().max(200).optional() }),
    },
    handler: async (request, reply) => {
      if (rejections.exhausted(request.ip)) return reply.status(429).header('retry-after', String(rejections.retryAfterSeconds())).type('text/plain').send('Too many requests');
      const q = request.query;
      if (!(await meta.verifyHandshake(q['hub.mode'], q['hub.verify_token']))) {
        rejections.spend(request.ip);
        return reply.status(403).type('text/plain').send('Forbidden');
      }
      return reply.status(200).type('text/plain').send(q['hub.challenge'] ?? '');
    },
  });

  app.post('/hooks/meta', {
    // A JSON answer to Meta's servers, never rendered by a browser: no security headers to compute per delivery.
    helmet: false,
    schema: {
      tags,
      summary:
        'Lead Ads delivery, signed with X-Hub-Signature-256 over the raw body; answered 200 as soon as each leadgen change is stored, the lead is fetched by the inbox workers. 429 only for an address that keeps sending rejected deliveries.',
    },
    handler: async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      // Budgets per address and page: a page whose deliveries are rejected (say, a mistyped app secret) does
      // not hold up the deliveries of other pages that come from the same Meta servers.
      const parsed = parse(raw);
      const key = `${request.ip}|${parsed.pages}`;
      if (rejections.exhausted(key)) {
        return reply.status(429).header('retry-after', String(rejections.retryAfterSeconds())).send({ error: 'Too many rejected deliveries from this address for this page' });
      }
      const header = request.headers['x-hub-signature-256'];
      const answer = await meta.receiveWebhook(raw, typeof header === 'string' ? header : undefined, parsed.body);
      if (answer.unknownPageIds) request.log.warn({ pageIds: answer.unknownPageIds }, 'Meta webhook for a page no workspace has connected; ignored');
      if (answer.status !== 200 || answer.unknownPageIds) {
        rejections.spend(key);
        if (answer.status !== 200) request.log.warn({ status: answer.status, error: answer.body.error }, 'Meta webhook rejected');
      }
      return reply.status(answer.status).send(answer.body);
    },
  });
};
