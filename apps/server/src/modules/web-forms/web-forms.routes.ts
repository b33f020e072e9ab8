import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  UTM_PARAMETERS,
  createWebFormRequest,
  updateWebFormRequest,
  webForm,
  webFormList,
  webFormSubmissionBody,
  webFormSubmissionList,
  webFormSubmitResult,
  webFormSubmission,
} from '@leadflow/shared/web-forms';
import { randomToken } from '../../platform/secrets/crypto.ts';
import { actorOf } from '../accounts/auth.plugin.ts';
import { renderEmbedScript, renderFormPage, renderMessagePage, type PageContext } from './web-form-page.ts';
import { formTexts, type FormTexts } from './web-form-texts.ts';
import { contextOf, type PublicFormView, type WebFormsService } from './web-forms.service.ts';

const idParams = z.object({ id: z.uuid({ message: 'Must be a UUID' }) });
const config = { permission: 'marketing.manage' } as const;

/** Admin side, under /api/v1: building forms and reading what they brought. */
export const webFormsRoutes: FastifyPluginAsyncZod<{ webForms: WebFormsService }> = async (app, { webForms }) => {
  const tags = ['Web forms'];

  app.get('/web-forms', {
    config,
    schema: { tags, summary: 'Web forms of the workspace, newest first, with their submission counts', response: { 200: webFormList } },
    handler: async (request) => ({ webForms: await webForms.listForms(actorOf(request)) }),
  });

  app.post('/web-forms', {
    config,
    schema: { tags, summary: 'Build a web form: its fields, texts, spam check and where its leads go', body: createWebFormRequest, response: { 201: webForm } },
    handler: async (request, reply) => reply.status(201).send(await webForms.createForm(actorOf(request), request.body)),
  });

  app.get('/web-forms/:id', {
    config,
    schema: { tags, summary: 'One web form with its hosted link and embed snippets', params: idParams, response: { 200: webForm } },
    handler: async (request) => webForms.getForm(actorOf(request), request.params.id),
  });

  app.patch('/web-forms/:id', {
    config,
    schema: { tags, summary: 'Change a web form; `fields` replaces the whole list; `active: false` closes it', params: idParams, body: updateWebFormRequest, response: { 200: webForm } },
    handler: async (request) => webForms.updateForm(actorOf(request), request.params.id, request.body),
  });

  app.delete('/web-forms/:id', {
    config,
    schema: { tags, summary: 'Delete a web form and its submission records; the leads it brought stay', params: idParams, response: { 200: webForm } },
    handler: async (request) => webForms.deleteForm(actorOf(request), request.params.id),
  });

  app.get('/web-forms/:id/submissions', {
    config,
    schema: {
      tags,
      summary: 'Accepted submissions of a form, newest first, with their UTM tags and page address',
      params: idParams,
      querystring: z.object({ cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: { 200: webFormSubmissionList },
    },
    handler: async (request) => webForms.formSubmissions(actorOf(request), request.params.id, request.query),
  });

  app.get('/leads/:id/web-form-submissions', {
    schema: {
      tags,
      summary: "The web form submissions that brought a lead (or brought it back), for anyone who may see the lead",
      params: idParams,
      response: { 200: z.object({ submissions: z.array(webFormSubmission) }) },
    },
    handler: async (request) => ({ submissions: await webForms.leadSubmissions(actorOf(request), request.params.id) }),
  });
};

const publicParams = z.object({ publicId: z.string().min(1).max(64) });
const pageQuery = z.object({
  embed: z.string().optional().describe('`1` when shown in a frame: a compact page that reports its height'),
  page: z.string().optional().describe('Address of the page showing the frame (the embed script sends it)'),
  ref: z.string().optional().describe("That page's referrer"),
  ...Object.fromEntries(UTM_PARAMETERS.map((k) => [k, z.string().optional()])),
});
const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional(), issues: z.array(z.object({ field: z.string(), message: z.string() })).optional() }),
});
const html = z.string().describe('An HTML page');
// The public pages are framed by other sites and carry their own nonce-based policy, set per response.
const helmet = { contentSecurityPolicy: false, frameguard: false, crossOriginResourcePolicy: { policy: 'cross-origin' as const } };
const security: { [name: string]: string[] }[] = [];

const httpUrl = (s: string | undefined): string => {
  if (!s) return '';
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? s.slice(0, 2000) : '';
  } catch {
    return '';
  }
};

/** The form page's policy: only its own nonce'd style and script; framed only where the admin allows. */
function pageHeaders(reply: FastifyReply, nonce: string, view: PublicFormView | null): void {
  const origins = view?.form.allowedOrigins ?? [];
  const ancestors = origins.length ? `'self' ${origins.join(' ')}` : '*';
  let formAction = "'self'";
  if (view?.form.redirectUrl) formAction += ` ${new URL(view.form.redirectUrl).origin}`;
  reply
    .header(
      'content-security-policy',
      `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src data:; base-uri 'none'; form-action ${formAction}; frame-ancestors ${ancestors}`,
    )
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8');
}

function wantsJson(request: FastifyRequest): boolean {
  if ((request.headers['content-type'] ?? '').includes('application/json')) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

function unavailablePage(texts: FormTexts, publicId: string, nonce: string, embed: boolean): string {
  return renderMessagePage({ texts, title: texts.closed, heading: texts.closed, message: texts.closedDetail, nonce, embed, publicId });
}

/**
 * Public side, no session: the hosted page, its submission (form-encoded from the page, or JSON) and the embed
 * script. Plain server-rendered HTML that works without JavaScript; the script only adds frame resizing.
 */
export const publicWebFormRoutes: FastifyPluginAsyncZod<{ webForms: WebFormsService }> = async (app, { webForms }) => {
  const tags = ['Web forms (public)'];
  const baseUrl = app.deps.config.publicUrl;

  // Repeated names (several checkboxes) become lists; everything else a string, as the JSON body would have it.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_request, body, done) => {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(body as string)) {
      const prev = out[k];
      out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    done(null, out);
  });

  app.get('/f/:publicId', {
    helmet,
    schema: {
      tags,
      summary: "A form's hosted page (HTML, in the workspace's language); `?embed=1` is the framed version",
      security,
      params: publicParams,
      querystring: pageQuery,
      produces: ['text/html'],
      response: { 200: html, 404: html },
    },
    handler: async (request, reply) => {
      const nonce = randomToken(16);
      const q = request.query as Record<string, string | undefined>;
      const embed = q.embed === '1';
      const view = await webForms.publicForm(request.params.publicId);
      pageHeaders(reply, nonce, view);
      if (!view || !view.form.active) {
        return reply.status(404).send(unavailablePage(view?.texts ?? formTexts(null), request.params.publicId, nonce, embed));
      }
      const referer = httpUrl(request.headers.referer);
      const utm: PageContext['utm'] = {};
      for (const k of UTM_PARAMETERS) if (q[k]) utm[k] = q[k]!.trim().slice(0, 200);
      const ctx: PageContext = {
        token: webForms.issueToken(view),
        embed,
        // Framed, the page being read is the one around the frame; on its own, it is this address.
        page: embed ? httpUrl(q.page) || referer : `${baseUrl}${request.url}`.slice(0, 2000),
        ref: embed ? httpUrl(q.ref) : referer,
        utm,
      };
      return reply.send(renderFormPage(view.page, ctx, view.texts, nonce));
    },
  });

  app.post('/f/:publicId', {
    helmet,
    schema: {
      tags,
      summary: 'Submit a form (form-encoded from its page, or JSON): errors name the field; spam gets an ordinary answer and makes no lead',
      description:
        'Fields by key (`email`, `phone`, `custom.<key>`), `consent` when the form asks for it, and the hidden `_token` of the served page (required when the form has a minimum time to submit), `_page`, `_ref` and the UTM parameters. JSON callers get JSON; browsers get the page again with the errors, the thank-you page or a redirect (303).',
      security,
      params: publicParams,
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      body: webFormSubmissionBody,
      response: {
        200: z.union([webFormSubmitResult, html]),
        303: z.null().describe('To the form\'s "thank you" address'),
        400: z.union([errorBody, html]),
        404: z.union([errorBody, html]),
        429: z.union([errorBody, html]),
      },
    },
    handler: async (request, reply) => {
      const json = wantsJson(request);
      const body = request.body;
      const nonce = randomToken(16);
      const ctx = contextOf(body);
      const outcome = await webForms.submit(request.params.publicId, body, { ip: request.ip });

      if (outcome.kind === 'unavailable') {
        if (json) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: outcome.texts.closed } });
        pageHeaders(reply, nonce, null);
        return reply.status(404).send(unavailablePage(outcome.texts, outcome.publicId, nonce, ctx.embed));
      }
      const { view } = outcome;
      const { texts } = view;
      if (outcome.kind === 'rate_limited') {
        reply.header('retry-after', '60');
        if (json) return reply.status(429).send({ error: { code: 'RATE_LIMITED', message: texts.rateLimited } });
        pageHeaders(reply, nonce, view);
        return reply
          .status(429)
          .send(renderMessagePage({ texts, title: view.form.title ?? view.form.name, message: texts.rateLimited, nonce, embed: ctx.embed, publicId: view.form.publicId }));
      }
      if (outcome.kind === 'invalid') {
        const [first] = outcome.errors;
        if (json) {
          return reply.status(400).send({ error: { code: 'VALIDATION_FAILED', message: `${first!.field}: ${first!.message}`, field: first!.field, issues: outcome.errors } });
        }
        pageHeaders(reply, nonce, view);
        return reply.status(400).send(renderFormPage(view.page, ctx, texts, nonce, body, outcome.errors));
      }

      const redirectUrl = view.form.redirectUrl;
      const message = view.form.successMessage ?? texts.thankYou;
      if (json) return reply.send({ ok: true as const, message, redirectUrl });
      if (redirectUrl && !ctx.embed) return reply.status(303).header('location', redirectUrl).header('cache-control', 'no-store').send(null);
      pageHeaders(reply, nonce, view);
      return reply.send(
        renderMessagePage({
          texts,
          title: view.form.title ?? view.form.name,
          message: redirectUrl ? texts.redirecting : message,
          nonce,
          embed: ctx.embed,
          publicId: view.form.publicId,
          redirect: redirectUrl ?? undefined,
        }),
      );
    },
  });

  app.get('/f/:publicId/embed.js', {
    helmet,
    schema: {
      tags,
      summary: 'The embed script: `<script src=".../embed.js" async>` puts a self-resizing frame of the form in its place, passing the page address and UTM tags',
      security,
      params: publicParams,
      produces: ['text/javascript'],
      response: { 200: z.string().describe('JavaScript'), 404: z.string().describe('JavaScript') },
    },
    handler: async (request, reply) => {
      const view = await webForms.publicForm(request.params.publicId);
      reply.type('text/javascript; charset=utf-8');
      if (!view) return reply.status(404).header('cache-control', 'no-store').send('/* LeadFlow: no such form */\n');
      return reply
        .header('cache-control', 'public, max-age=300')
        .send(renderEmbedScript({ baseUrl, publicId: view.form.publicId, title: view.form.title ?? view.form.name }));
    },
  });
};
