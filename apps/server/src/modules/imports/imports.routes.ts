import { Readable } from 'node:stream';
import fastifyMultipart from '@fastify/multipart';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  importDetail,
  importErrorsPage,
  importErrorsQuery,
  importList,
  importSettings,
  importTemplate,
  importTemplateInput,
  importTemplateList,
  importUploadQuery,
  importUploadResponse,
} from '@leadflow/shared/imports';
import { invalid } from '../../platform/errors.ts';
import { actorOf } from '../accounts/auth.plugin.ts';
import type { ImportsService } from './imports.service.ts';

const idParams = z.object({ id: z.uuid({ message: 'Must be a UUID' }) });
const ok = z.object({ ok: z.literal(true) });
const MAX_FILE_BYTES = 1024 * 1024 * 1024;

/** Lead imports (ADR 013): every route needs leads.import and sees only the workspace's imports. */
export const importsRoutes: FastifyPluginAsyncZod<{ imports: ImportsService }> = async (app, { imports }) => {
  const tags = ['Imports'];
  const config = { permission: 'leads.import' as const };
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 5, parts: 6 } });

  app.post('/imports', {
    config,
    schema: {
      tags,
      summary: 'Upload a CSV or XLSX file (multipart field "file"): its rows are stored, columns detected and a mapping suggested',
      description:
        'CSV in UTF-8 (with or without BOM), UTF-16 or Windows-1252/Latin-1, delimiter , ; tab or | detected; XLSX: the first worksheet or `sheet`. The answer lists the columns with sample values and the suggested field for each.',
      querystring: importUploadQuery,
      consumes: ['multipart/form-data'],
      response: { 201: importUploadResponse },
    },
    handler: async (request, reply) => {
      if (!request.isMultipart()) throw invalid('file', 'Send the file as multipart/form-data in a field named "file"');
      const part = await request.file();
      if (!part || part.fieldname !== 'file') throw invalid('file', 'Send the file in a field named "file"');
      const result = await imports.upload(actorOf(request), { stream: part.file, fileName: part.filename }, request.query);
      return reply.status(201).send(result);
    },
  });

  app.get('/imports', {
    config,
    schema: { tags, summary: 'The workspace’s latest imports, newest first', response: { 200: importList } },
    handler: async (request) => ({ imports: await imports.list(actorOf(request)) }),
  });

  app.get('/imports/:id', {
    config,
    schema: { tags, summary: 'An import: status, summary of the dry run, progress and report, columns', params: idParams, response: { 200: importUploadResponse } },
    handler: async (request) => imports.get(actorOf(request), request.params.id),
  });

  app.post('/imports/:id/dry-run', {
    config,
    schema: {
      tags,
      summary: 'Save the mapping and validate every row in the background (status validating → validated with the summary)',
      params: idParams,
      body: importSettings,
      response: { 202: importDetail },
    },
    handler: async (request, reply) => reply.status(202).send(await imports.validate(actorOf(request), request.params.id, request.body)),
  });

  app.post('/imports/:id/run', {
    config,
    schema: {
      tags,
      summary: 'Run a validated import in the background; rows with errors are skipped only when skipRejected is true',
      params: idParams,
      body: z.strictObject({ skipRejected: z.boolean().default(false) }),
      response: { 202: importDetail },
    },
    handler: async (request, reply) => reply.status(202).send(await imports.start(actorOf(request), request.params.id, request.body)),
  });

  app.post('/imports/:id/cancel', {
    config,
    schema: { tags, summary: 'Cancel: a running import stops after the batch in flight (whole batches only); others are discarded', params: idParams, response: { 200: importDetail } },
    handler: async (request) => imports.cancel(actorOf(request), request.params.id),
  });

  app.post('/imports/:id/undo', {
    config,
    schema: { tags, summary: 'Undo an import (within 30 days): its created leads are deleted and updated fields restored, in the background', params: idParams, response: { 202: importDetail } },
    handler: async (request, reply) => reply.status(202).send(await imports.undo(actorOf(request), request.params.id)),
  });

  app.get('/imports/:id/errors', {
    config,
    schema: { tags, summary: 'Rows with errors: row, column, value and reason, by page', params: idParams, querystring: importErrorsQuery, response: { 200: importErrorsPage } },
    handler: async (request) => imports.errors(actorOf(request), request.params.id, request.query),
  });

  app.get('/imports/:id/rejected.csv', {
    config,
    schema: { tags, summary: 'The rows that will not go in (errors, duplicates, skipped) as CSV with a Row and a Reason column', params: idParams },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const rows = imports.rejectedCsv(actor, request.params.id);
      // The first chunk checks the import exists before the answer starts.
      const first = await rows.next();
      const body = Readable.from(
        (async function* () {
          if (!first.done) yield first.value;
          yield* rows;
        })(),
      );
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="rejected-rows-${request.params.id.slice(0, 8)}.csv"`)
        .header('cache-control', 'no-store')
        .send(body);
    },
  });

  app.get('/import-templates', {
    config,
    schema: { tags, summary: 'Saved mappings of the workspace', response: { 200: importTemplateList } },
    handler: async (request) => ({ templates: await imports.listTemplates(actorOf(request)) }),
  });
  app.post('/import-templates', {
    config,
    schema: { tags, summary: 'Save a mapping as a template', body: importTemplateInput, response: { 201: importTemplate } },
    handler: async (request, reply) => reply.status(201).send(await imports.createTemplate(actorOf(request), request.body)),
  });
  app.delete('/import-templates/:id', {
    config,
    schema: { tags, summary: 'Delete a template', params: idParams, response: { 200: ok } },
    handler: async (request) => {
      await imports.deleteTemplate(actorOf(request), request.params.id);
      return { ok: true as const };
    },
  });
};
