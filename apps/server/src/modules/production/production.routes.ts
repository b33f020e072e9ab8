import fastifyMultipart from '@fastify/multipart';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  createProductionTaskRequest,
  moveProductionTaskRequest,
  moveProductionTaskResponse,
  PRODUCTION_COLUMNS,
  PRODUCTION_FILE_MAX_BYTES,
  PRODUCTION_FILE_TYPES,
  productionBoard,
  productionBoardQuery,
  productionCard,
  productionClientList,
  productionClientsQuery,
  productionColumnPage,
  productionColumnQuery,
  productionFile,
  productionFileList,
  productionMemberList,
  updateProductionTaskRequest,
} from '@leadflow/shared/production';
import { invalid } from '../../platform/errors.ts';
import { actorOf } from '../accounts/auth.plugin.ts';
import type { ProductionService } from './production.service.ts';

const uuid = z.uuid({ message: 'Must be a UUID' });
const idParams = z.object({ id: uuid });
const fileParams = idParams.extend({ fileId: uuid });
const ok = z.object({ ok: z.literal(true) });
const INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf']);

/** `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266), with an ASCII fallback. */
function disposition(kind: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** The production board (ADR 021): every route needs production.manage and sees only the workspace's production tasks. */
export const productionRoutes: FastifyPluginAsyncZod<{ production: ProductionService }> = async (app, { production }) => {
  const tags = ['Production'];
  const config = { permission: 'production.manage' as const };
  // One more byte than allowed reaches the storage, which refuses it.
  await app.register(fastifyMultipart, { limits: { fileSize: PRODUCTION_FILE_MAX_BYTES + 1, files: 1, fields: 2, parts: 3 } });

  app.get('/production/board', {
    config,
    schema: {
      tags,
      summary: 'The production board: columns todo, doing, review, done with counts and the first cards of each, for the workspace or one client (leadId), by assignee or priority',
      querystring: productionBoardQuery,
      response: { 200: productionBoard },
    },
    handler: async (request) => production.board(actorOf(request), request.query),
  });

  app.get('/production/board/columns/:column', {
    config,
    schema: {
      tags,
      summary: 'The next page of one column (cursor from the previous page)',
      params: z.object({ column: z.enum(PRODUCTION_COLUMNS, { message: `One of: ${PRODUCTION_COLUMNS.join(', ')}` }) }),
      querystring: productionColumnQuery,
      response: { 200: productionColumnPage },
    },
    handler: async (request) => production.column(actorOf(request), request.params.column, request.query),
  });

  app.get('/production/clients', {
    config,
    schema: { tags, summary: 'Clients (leads in a won stage) to open a board for, those with open production tasks first; q searches names and companies', querystring: productionClientsQuery, response: { 200: productionClientList } },
    handler: async (request) => ({ items: await production.clients(actorOf(request), request.query.q) }),
  });

  app.get('/production/members', {
    config,
    schema: { tags, summary: 'Active members of the workspace, to assign production tasks to', response: { 200: productionMemberList } },
    handler: async (request) => ({ items: await production.members(actorOf(request)) }),
  });

  app.post('/production/tasks', {
    config,
    schema: { tags, summary: 'Create a production task on top of a column, optionally for a client; on the client’s timeline and in the audit log', body: createProductionTaskRequest, response: { 201: productionCard } },
    handler: async (request, reply) => reply.status(201).send(await production.create(actorOf(request), request.body)),
  });

  app.get('/production/tasks/:id', {
    config,
    schema: { tags, summary: 'One production task as a card', params: idParams, response: { 200: productionCard } },
    handler: async (request) => production.get(actorOf(request), request.params.id),
  });

  app.patch('/production/tasks/:id', {
    config,
    schema: { tags, summary: 'Edit a production task (title, priority, due date, assignee, client, description); a stale version gets 409', params: idParams, body: updateProductionTaskRequest, response: { 200: productionCard } },
    handler: async (request) => production.update(actorOf(request), request.params.id, request.body),
  });

  app.post('/production/tasks/:id/move', {
    config,
    schema: {
      tags,
      summary: 'Move a card to a column between two neighbours (afterId above, beforeId below; neither: top). To done completes the task, out of done reopens it; a stale version gets 409',
      params: idParams,
      body: moveProductionTaskRequest,
      response: { 200: moveProductionTaskResponse },
    },
    handler: async (request) => production.move(actorOf(request), request.params.id, request.body),
  });

  app.delete('/production/tasks/:id', {
    config,
    schema: { tags, summary: 'Delete a production task and its files', params: idParams, response: { 200: ok } },
    handler: async (request) => {
      await production.remove(actorOf(request), request.params.id);
      return { ok: true as const };
    },
  });

  app.get('/production/tasks/:id/files', {
    config,
    schema: { tags, summary: 'The files attached to a production task, oldest first', params: idParams, response: { 200: productionFileList } },
    handler: async (request) => ({ items: await production.listFiles(actorOf(request), request.params.id) }),
  });

  app.post('/production/tasks/:id/files', {
    config,
    schema: {
      tags,
      summary: 'Attach a file (multipart field "file")',
      description: `At most ${PRODUCTION_FILE_MAX_BYTES / 1024 / 1024} MB; accepted types: ${PRODUCTION_FILE_TYPES.join(', ')}. The file's first bytes must agree with its declared type.`,
      params: idParams,
      consumes: ['multipart/form-data'],
      response: { 201: productionFile },
    },
    handler: async (request, reply) => {
      if (!request.isMultipart()) throw invalid('file', 'Send the file as multipart/form-data in a field named "file"');
      const part = await request.file();
      if (!part || part.fieldname !== 'file') throw invalid('file', 'Send the file in a field named "file"');
      const file = await production.upload(actorOf(request), request.params.id, { stream: part.file, fileName: part.filename, contentType: part.mimetype });
      return reply.status(201).send(file);
    },
  });

  app.get('/production/tasks/:id/files/:fileId', {
    config,
    schema: { tags, summary: 'Download an attachment (images and PDFs inline, the rest as a download)', params: fileParams },
    handler: async (request, reply) => {
      const file = await production.download(actorOf(request), request.params.id, request.params.fileId);
      return reply
        .header('content-type', file.contentType)
        .header('content-length', String(file.sizeBytes))
        .header('content-disposition', disposition(INLINE.has(file.contentType) ? 'inline' : 'attachment', file.fileName))
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .send(file.stream);
    },
  });

  app.delete('/production/tasks/:id/files/:fileId', {
    config,
    schema: { tags, summary: 'Remove an attachment', params: fileParams, response: { 200: ok } },
    handler: async (request) => {
      await production.removeFile(actorOf(request), request.params.id, request.params.fileId);
      return { ok: true as const };
    },
  });
};
