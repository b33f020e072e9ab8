import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** A generated file for the browser to save: its name, type and streamed body (and its size, when known ahead). */
export type Download = { filename: string; contentType: string; body: Readable; bytes?: number };

/** Sends a generated file as an attachment that no cache keeps (exports hold workspace data). */
export function sendDownload(reply: FastifyReply, file: Download): FastifyReply {
  if (file.bytes !== undefined) reply.header('content-length', String(file.bytes));
  return reply
    .header('content-type', file.contentType)
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .header('cache-control', 'no-store')
    .send(file.body);
}
