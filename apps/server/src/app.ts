import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authPlugin } from './modules/accounts/auth.plugin.ts';
import { accountsRoutes } from './modules/accounts/accounts.routes.ts';
import { createAccountsService } from './modules/accounts/accounts.service.ts';
import { cadencesRoutes } from './modules/cadences/cadences.routes.ts';
import { createCadencesService, registerCadenceJobs } from './modules/cadences/cadences.service.ts';
import { captureRoutes } from './modules/capture/capture.routes.ts';
import { apiKeysRoutes, intakeRoutes } from './modules/capture/intake.routes.ts';
import { createIntakeService } from './modules/capture/intake.service.ts';
import { createMetaService, registerCaptureJobs } from './modules/capture/meta.service.ts';
import { metaWebhookRoutes } from './modules/capture/meta-webhook.routes.ts';
import { distributionRoutes } from './modules/distribution/distribution.routes.ts';
import { createOfferService } from './modules/distribution/distribution.offers.ts';
import { createDistributionService } from './modules/distribution/distribution.service.ts';
import { createSlaService, registerDistributionJobs } from './modules/distribution/distribution.sla.ts';
import { createSpeedService } from './modules/distribution/distribution.speed.ts';
import { customFieldsRoutes } from './modules/custom-fields/custom-fields.routes.ts';
import { createCustomFieldsService } from './modules/custom-fields/custom-fields.service.ts';
import { exportsRoutes } from './modules/exports/exports.routes.ts';
import { createExportsService, registerExportJobs } from './modules/exports/exports.service.ts';
import { importsRoutes } from './modules/imports/imports.routes.ts';
import { createImportsService, registerImportJobs } from './modules/imports/imports.service.ts';
import { leadListRoutes } from './modules/leads/lead-list.routes.ts';
import { leadsRoutes } from './modules/leads/leads.routes.ts';
import { createLeadsService } from './modules/leads/leads.service.ts';
import { createTrashService, registerTrashJobs } from './modules/leads/trash.service.ts';
import { autovacuumRuns, createDatabaseMaintenance, DB_MAINTENANCE_CRON, DB_MAINTENANCE_JOB } from './platform/db/maintenance.ts';
import { subscribeNotificationSources } from './modules/notifications/notification-sources.ts';
import { notificationsRoutes } from './modules/notifications/notifications.routes.ts';
import { createNotificationsService, registerNotificationJobs } from './modules/notifications/notifications.service.ts';
import { marketingRoutes } from './modules/marketing/marketing.routes.ts';
import { createMarketingService } from './modules/marketing/marketing.service.ts';
import { presetsRoutes } from './modules/presets/presets.routes.ts';
import { createPresetsService } from './modules/presets/presets.service.ts';
import { referralsRoutes } from './modules/referrals/referrals.routes.ts';
import { createReferralsService } from './modules/referrals/referrals.service.ts';
import { calendarFeedRoutes, publicCalendarRoutes } from './modules/calendar/calendar.routes.ts';
import { createCalendarService } from './modules/calendar/calendar.service.ts';
import { createBoardService } from './modules/pipelines/board.service.ts';
import { createPipelinesService } from './modules/pipelines/pipelines.service.ts';
import { pipelinesRoutes } from './modules/pipelines/pipelines.routes.ts';
import { productionRoutes } from './modules/production/production.routes.ts';
import { createProductionService } from './modules/production/production.service.ts';
import { tasksRoutes } from './modules/tasks/tasks.routes.ts';
import { createTasksService, registerTaskJobs } from './modules/tasks/tasks.service.ts';
import { workspacesRoutes } from './modules/workspaces/workspaces.routes.ts';
import { createWorkspacesService } from './modules/workspaces/workspaces.service.ts';
import { publicWebFormRoutes, webFormsRoutes } from './modules/web-forms/web-forms.routes.ts';
import { createWebFormsService, registerWebFormJobs } from './modules/web-forms/web-forms.service.ts';
import { realtimeRoutes } from './platform/events/realtime.routes.ts';
import { createFileStorage } from './platform/files/storage.ts';
import { registerErrorHandler } from './platform/http/error-handler.ts';
import { registerNulGuard } from './platform/http/nul-guard.ts';
import { testControlRoutes } from './platform/http/test-controls.ts';
import type { AppDeps } from './platform/http/types.ts';

export type BuildAppOptions = {
  logger?: boolean | { level: string };
  /** Requests per minute per client address on the API; off in tests that sign in many times. */
  rateLimitPerMinute?: number | false;
  webDistDir?: string;
};

const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Builds the whole app (plugins, modules, routes) without listening: main.ts and the tests share it. */
export async function buildApp(deps: AppDeps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: deps.config.trustProxy,
    bodyLimit: 2 * 1024 * 1024,
  });
  app.decorate('deps', deps);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  registerNulGuard(app);

  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Mantine writes style attributes at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'self'"],
        upgradeInsecureRequests: deps.config.secureCookies ? [] : null,
      },
    },
    hsts: deps.config.secureCookies,
  });
  if (options.rateLimitPerMinute !== false) {
    await app.register(fastifyRateLimit, {
      max: options.rateLimitPerMinute ?? 1200,
      timeWindow: '1 minute',
      allowList: (req) => !req.url.startsWith('/api/'),
    });
  }
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'LeadFlow API',
        version: '1.0.0',
        description:
          'REST API of LeadFlow. Browser sessions use the `lf_session` cookie and must echo the `lf_csrf` cookie in the `x-csrf-token` header on writes. Errors are `{ error: { code, message, field } }`. Live events arrive on the WebSocket `/api/v1/ws` as JSON `{ type, workspaceId, data, at }`.',
      },
      servers: [{ url: deps.config.publicUrl }],
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'lf_session' } },
      },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  // End-to-end tests only (TEST_CONTROLS, never outside NODE_ENV=test): before the services read the clock.
  if (deps.config.testControls) await testControlRoutes(app, deps);

  const accounts = createAccountsService(deps);
  const workspaces = createWorkspacesService(deps, accounts);
  const customFields = createCustomFieldsService(deps);
  const marketing = createMarketingService(deps);
  const leads = createLeadsService(deps, { workspaces, customFields, marketing });
  const trash = createTrashService(deps);
  await registerTrashJobs(deps, trash);
  await registerDatabaseMaintenance(deps);
  const meta = createMetaService(deps);
  await registerCaptureJobs(deps, meta);
  const intake = createIntakeService(deps);
  const webForms = createWebFormsService(deps, { customFields, leads });
  await registerWebFormJobs(deps, webForms);
  const importsService = createImportsService(deps);
  await registerImportJobs(deps, importsService);
  const exportsService = createExportsService(deps);
  await registerExportJobs(deps, exportsService);
  const offers = createOfferService(deps);
  await registerDistributionJobs(deps, offers, createSlaService(deps));
  const notifications = createNotificationsService(deps);
  await registerNotificationJobs(deps, notifications);
  const stopNotificationSources = subscribeNotificationSources(deps, notifications, app.log);
  app.addHook('onClose', stopNotificationSources);
  const tasks = createTasksService(deps, { notifications });
  await registerTaskJobs(deps, tasks);
  const cadences = createCadencesService(deps, { tasks });
  await registerCadenceJobs(deps, cadences);
  const stopCadenceTriggers = cadences.subscribe(app.log);
  app.addHook('onClose', async () => stopCadenceTriggers());
  const calendar = createCalendarService(deps);
  await app.register(authPlugin, { accounts });
  await app.register(
    async (api) => {
      await api.register(accountsRoutes, { accounts });
      await api.register(workspacesRoutes, { workspaces });
      await api.register(pipelinesRoutes, { pipelines: createPipelinesService(deps), board: createBoardService(deps) });
      await api.register(customFieldsRoutes, { customFields });
      await api.register(leadsRoutes, { leads, trash });
      await api.register(leadListRoutes);
      await api.register(realtimeRoutes, { events: deps.events });
      await api.register(captureRoutes, { meta });
      await api.register(apiKeysRoutes, { intake });
      await api.register(webFormsRoutes, { webForms });
      await api.register(marketingRoutes, { marketing });
      await api.register(referralsRoutes, { referrals: createReferralsService(deps) });
      await api.register(presetsRoutes, { presets: createPresetsService(deps, { workspaces }) });
      await api.register(distributionRoutes, { distribution: createDistributionService(deps), offers, speed: createSpeedService(deps) });
      await api.register(importsRoutes, { imports: importsService });
      await api.register(exportsRoutes, { exports: exportsService });
      await api.register(notificationsRoutes, { notifications });
      await api.register(tasksRoutes, { tasks });
      await api.register(productionRoutes, { production: createProductionService(deps, { tasks, files: createFileStorage(deps.config) }) });
      await api.register(cadencesRoutes, { cadences });
      await api.register(calendarFeedRoutes, { calendar });
    },
    { prefix: '/api/v1' },
  );
  await app.register(metaWebhookRoutes, { meta });
  await app.register(intakeRoutes, { intake });
  await app.register(publicWebFormRoutes, { webForms });
  await app.register(publicCalendarRoutes, { calendar });

  let shuttingDown = false;
  app.addHook('preClose', async () => {
    shuttingDown = true;
  });
  app.get('/healthz', { schema: { tags: ['Health'], summary: 'The process is alive', response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));
  app.get(
    '/readyz',
    { schema: { tags: ['Health'], summary: 'The app can serve: database reachable, not shutting down', response: { 200: z.object({ status: z.literal('ready'), database: z.string() }), 503: z.object({ status: z.string() }) } } },
    async (_request, reply) => {
      if (shuttingDown) return reply.status(503).send({ status: 'shutting_down' });
      try {
        await deps.database.query('SELECT 1');
        return { status: 'ready' as const, database: deps.database.kind };
      } catch {
        return reply.status(503).send({ status: 'database_unavailable' });
      }
    },
  );

  serveWebApp(app, options.webDistDir ?? DEFAULT_WEB_DIST);
  return app;
}

/** The built single-page app (when built): static files, and index.html for every other browser route. */
function serveWebApp(app: FastifyInstance, distDir: string): void {
  const index = path.join(distDir, 'index.html');
  const html = fs.existsSync(index) ? fs.readFileSync(index, 'utf8') : null;
  if (html) void app.register(fastifyStatic, { root: distDir, wildcard: false, index: false, maxAge: '1h' });
  app.setNotFoundHandler((request, reply) => {
    const wantsPage = request.method === 'GET' && !request.url.startsWith('/api/') && !request.url.startsWith('/hooks/');
    if (html && wantsPage) return reply.type('text/html').header('cache-control', 'no-cache').send(html);
    return reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url}` } });
  });
}

/** Statistics and vacuuming where PostgreSQL's autovacuum does not run (PGlite, or a server with it off): ADR 016. */
async function registerDatabaseMaintenance(deps: AppDeps): Promise<void> {
  if (await autovacuumRuns(deps.database)) return;
  const maintenance = createDatabaseMaintenance(deps.database);
  await deps.jobs.register(DB_MAINTENANCE_JOB, async () => {
    await maintenance.run();
  });
  if (deps.config.jobsEnabled) await deps.jobs.schedule(DB_MAINTENANCE_JOB, DB_MAINTENANCE_CRON);
}
