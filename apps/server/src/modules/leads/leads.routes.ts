import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contactInput, createLeadRequest, leadContact, leadDetail, noteInput, timelineItem, timelinePage, updateLeadRequest } from '@leadflow/shared/leads';
import { actorOf } from '../accounts/auth.plugin.ts';
import type { LeadsService } from './leads.service.ts';
import type { TrashService } from './trash.service.ts';

const ok = z.object({ ok: z.literal(true) });
const uuid = z.uuid({ message: 'Must be a UUID' });
const idParams = z.object({ id: uuid });
const contactParams = z.object({ id: uuid, contactId: uuid });
const noteParams = z.object({ id: uuid, noteId: z.string().regex(/^\d{1,19}$/, 'Must be a note id') });
const timelineQuery = z.object({
  cursor: z.string().max(20).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** One lead and everything on it. Lists, search, bulk actions and exports live in the lead-list routes. */
export const leadsRoutes: FastifyPluginAsyncZod<{ leads: LeadsService; trash: TrashService }> = async (app, { leads, trash }) => {
  const tags = ['Leads'];

  app.post('/leads', {
    config: { permission: 'leads.create' },
    schema: { tags, summary: 'Create a lead', body: createLeadRequest, response: { 201: leadDetail } },
    handler: async (request, reply) => reply.status(201).send(await leads.createLead(actorOf(request), request.body)),
  });

  app.get('/leads/:id', {
    schema: { tags, summary: 'A lead with its contacts (also when it is in the trash)', params: idParams, response: { 200: leadDetail } },
    handler: async (request) => leads.getLead(actorOf(request), request.params.id),
  });

  app.patch('/leads/:id', {
    config: { permission: 'leads.edit' },
    schema: {
      tags,
      summary: 'Change a lead; give the version you read, a stale one gets 409',
      params: idParams,
      body: updateLeadRequest,
      response: { 200: leadDetail },
    },
    handler: async (request) => leads.updateLead(actorOf(request), request.params.id, request.body),
  });

  app.delete('/leads/:id', {
    config: { permission: 'leads.delete' },
    schema: { tags, summary: 'Move a lead to the trash', params: idParams, response: { 200: leadDetail } },
    handler: async (request) => leads.deleteLead(actorOf(request), request.params.id),
  });

  app.post('/leads/:id/restore', {
    config: { permission: 'trash.manage' },
    schema: { tags, summary: 'Bring a lead back from the trash', params: idParams, response: { 200: leadDetail } },
    handler: async (request) => leads.restoreLead(actorOf(request), request.params.id),
  });

  app.delete('/trash', {
    config: { permission: 'trash.manage' },
    schema: {
      tags,
      summary: 'Empty the trash: delete every trashed lead of the workspace for good',
      response: { 200: z.object({ deleted: z.number().int() }) },
    },
    handler: async (request) => trash.emptyTrash(actorOf(request)),
  });

  app.post('/leads/:id/contacts', {
    config: { permission: 'leads.edit' },
    schema: { tags, summary: 'Add a contact person to a lead', params: idParams, body: contactInput, response: { 201: leadContact } },
    handler: async (request, reply) => reply.status(201).send(await leads.addContact(actorOf(request), request.params.id, request.body)),
  });

  app.patch('/leads/:id/contacts/:contactId', {
    config: { permission: 'leads.edit' },
    schema: { tags, summary: 'Change a contact of a lead', params: contactParams, body: contactInput.partial(), response: { 200: leadContact } },
    handler: async (request) => leads.updateContact(actorOf(request), request.params.id, request.params.contactId, request.body),
  });

  app.delete('/leads/:id/contacts/:contactId', {
    config: { permission: 'leads.edit' },
    schema: { tags, summary: 'Remove a contact from a lead', params: contactParams, response: { 200: ok } },
    handler: async (request) => {
      await leads.removeContact(actorOf(request), request.params.id, request.params.contactId);
      return { ok: true as const };
    },
  });

  app.post('/leads/:id/notes', {
    config: { permission: 'leads.edit' },
    schema: {
      tags,
      summary: 'Add a markdown note; `@[Name](user:<id>)` mentions a member',
      params: idParams,
      body: noteInput,
      response: { 201: timelineItem },
    },
    handler: async (request, reply) => reply.status(201).send(await leads.addNote(actorOf(request), request.params.id, request.body.body)),
  });

  app.patch('/leads/:id/notes/:noteId', {
    schema: { tags, summary: 'Change a note (its author, or a manager)', params: noteParams, body: noteInput, response: { 200: timelineItem } },
    handler: async (request) => leads.updateNote(actorOf(request), request.params.id, request.params.noteId, request.body.body),
  });

  app.delete('/leads/:id/notes/:noteId', {
    schema: { tags, summary: 'Delete a note (its author, or a manager)', params: noteParams, response: { 200: ok } },
    handler: async (request) => {
      await leads.deleteNote(actorOf(request), request.params.id, request.params.noteId);
      return { ok: true as const };
    },
  });

  app.get('/leads/:id/timeline', {
    schema: {
      tags,
      summary: 'Everything that happened to a lead, newest first',
      params: idParams,
      querystring: timelineQuery,
      response: { 200: timelinePage },
    },
    handler: async (request) => leads.timeline(actorOf(request), request.params.id, request.query),
  });
};
