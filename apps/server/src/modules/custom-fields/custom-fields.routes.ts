import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CUSTOM_FIELD_TYPES, createCustomFieldRequest, customField, customFieldList, updateCustomFieldRequest } from '@leadflow/shared/leads';
import { actorOf } from '../accounts/auth.plugin.ts';
import type { CustomFieldsService } from './custom-fields.service.ts';

const idParams = z.object({ id: z.uuid({ message: 'Must be a UUID' }) });
const listQuery = z.object({ includeDeleted: z.enum(['true', 'false']).optional() });
// type and key are accepted only so that a change is refused with a message instead of being silently dropped.
const updateBody = updateCustomFieldRequest.extend({ type: z.enum(CUSTOM_FIELD_TYPES).optional(), key: z.string().max(50).optional() });

export const customFieldsRoutes: FastifyPluginAsyncZod<{ customFields: CustomFieldsService }> = async (app, { customFields }) => {
  const tags = ['Custom fields'];

  app.get('/custom-fields', {
    schema: { tags, summary: 'Custom lead fields of the workspace, in display order', querystring: listQuery, response: { 200: customFieldList } },
    handler: async (request) => ({ fields: await customFields.listFields(actorOf(request), request.query.includeDeleted === 'true') }),
  });

  app.post('/custom-fields', {
    config: { permission: 'fields.manage' },
    schema: {
      tags,
      summary: 'Add a custom lead field; its key comes from the label when not given',
      body: createCustomFieldRequest,
      response: { 201: customField },
    },
    handler: async (request, reply) => reply.status(201).send(await customFields.createField(actorOf(request), request.body)),
  });

  app.patch('/custom-fields/:id', {
    config: { permission: 'fields.manage' },
    schema: {
      tags,
      summary: 'Rename a field, make it required or not, change its options, help text or position (never its type or key)',
      params: idParams,
      body: updateBody,
      response: { 200: customField },
    },
    handler: async (request) => customFields.updateField(actorOf(request), request.params.id, request.body),
  });

  app.delete('/custom-fields/:id', {
    config: { permission: 'fields.manage' },
    schema: { tags, summary: 'Delete a field; lead values are kept and come back when it is restored', params: idParams, response: { 200: customField } },
    handler: async (request) => customFields.deleteField(actorOf(request), request.params.id),
  });

  app.post('/custom-fields/:id/restore', {
    config: { permission: 'fields.manage' },
    schema: { tags, summary: 'Restore a deleted field with its lead values', params: idParams, response: { 200: customField } },
    handler: async (request) => customFields.restoreField(actorOf(request), request.params.id),
  });
};
