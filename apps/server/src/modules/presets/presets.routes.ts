import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { applyPresetRequest, presetApplyResult, presetList, presetParams, presetPreview, presetQuery } from '@leadflow/shared/presets';
import { actorOf } from '../accounts/auth.plugin.ts';
import type { PresetsService } from './presets.service.ts';

export const presetsRoutes: FastifyPluginAsyncZod<{ presets: PresetsService }> = async (app, { presets }) => {
  const tags = ['Presets'];

  app.get('/presets', {
    schema: { tags, summary: 'Industry presets (Real estate, Insurance, Home care, Agency, Blank) in the workspace language', querystring: presetQuery, response: { 200: presetList } },
    handler: async (request) => ({ presets: await presets.list(actorOf(request), request.query.locale) }),
  });

  app.get('/presets/:key', {
    config: { permission: 'workspace.manage' },
    schema: {
      tags,
      summary: 'What a preset holds (pipelines, fields, sources, lost reasons, tags), each flagged when the workspace has it',
      params: presetParams,
      querystring: presetQuery,
      response: { 200: presetPreview },
    },
    handler: async (request) => presets.preview(actorOf(request), request.params.key, request.query.locale),
  });

  app.post('/presets/:key/apply', {
    config: { permission: 'workspace.manage' },
    schema: {
      tags,
      summary: 'Add what the workspace lacks of a preset; nothing it has is duplicated or changed',
      params: presetParams,
      body: applyPresetRequest,
      response: { 200: presetApplyResult },
    },
    handler: async (request) => presets.apply(actorOf(request), request.params.key, request.body.locale),
  });
};
