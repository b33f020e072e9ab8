import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { exportDetail, exportList } from '@leadflow/shared/exports';
import { sendDownload } from '../../platform/http/download.ts';
import { actorOf } from '../accounts/auth.plugin.ts';
import type { ExportsService } from './exports.service.ts';

const idParams = z.object({ id: z.uuid({ message: 'Must be a UUID' }) });

/** Full workspace exports (ADR 019): every route needs workspace.export and sees only the workspace's exports. */
export const exportsRoutes: FastifyPluginAsyncZod<{ exports: ExportsService }> = async (app, { exports }) => {
  const tags = ['Exports'];
  const config = { permission: 'workspace.export' as const };

  app.post('/exports', {
    config,
    schema: {
      tags,
      summary: 'Start a full export of the workspace: every entity as CSV in a ZIP with manifest.json, written in the background',
      description: 'One export runs at a time per workspace (409 while one is queued or running). Follow it with GET /exports/:id or the `export.progress` event.',
      response: { 202: exportDetail },
    },
    handler: async (request, reply) => reply.status(202).send(await exports.start(actorOf(request))),
  });

  app.get('/exports', {
    config,
    schema: { tags, summary: 'The workspace’s latest exports, newest first, with status, progress, size and download link', response: { 200: exportList } },
    handler: async (request) => ({ exports: await exports.list(actorOf(request)) }),
  });

  app.get('/exports/:id', {
    config,
    schema: { tags, summary: 'An export: status, progress, files with row counts, size and download link', params: idParams, response: { 200: exportDetail } },
    handler: async (request) => exports.get(actorOf(request), request.params.id),
  });

  app.get('/exports/:id/download', {
    config,
    schema: {
      tags,
      summary: 'Download a finished export (ZIP) until it expires',
      description: `Answers 410 once the export has expired and 409 while it is not finished. A browser link may name the workspace with ?workspaceId=.`,
      params: idParams,
      querystring: z.object({ workspaceId: z.uuid().optional() }),
    },
    handler: async (request, reply) => {
      const file = await exports.download(actorOf(request), request.params.id);
      return sendDownload(reply, { filename: file.fileName, contentType: 'application/zip', body: file.stream, bytes: file.sizeBytes });
    },
  });
};
