import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { board, boardColumnPage, boardColumnParams, boardParams } from '@leadflow/shared/board';
import {
  archiveStageRequest,
  archiveStageResponse,
  createLostReasonRequest,
  createPipelineRequest,
  createStageRequest,
  lostReason,
  lostReasonList,
  lostReasonListParams,
  lostReasonOrderRequest,
  moveLeadRequest,
  moveLeadResponse,
  pipeline,
  pipelineList,
  pipelineListParams,
  pipelineOrderRequest,
  pipelineStage,
  stageOrderRequest,
  updateLostReasonRequest,
  updatePipelineRequest,
  updateStageRequest,
} from '@leadflow/shared/pipelines';
import { actorOf, authOf } from '../accounts/auth.plugin.ts';
import type { LeadListActor } from '../leads/lead-list.service.ts';
import type { BoardService } from './board.service.ts';
import type { PipelinesService } from './pipelines.service.ts';

const uuid = z.uuid({ message: 'Must be a UUID' });
const idParams = z.object({ id: uuid });
const stageParams = z.object({ id: uuid, stageId: uuid });
const manage = { permission: 'pipelines.manage' as const };

const QUERY_HELP =
  '`query` is the JSON-encoded lead query of `GET /leads` (filters and `q`; its sort is ignored: cards keep their board order). Without leads.view_all only your own leads show.';

function listActorOf(request: FastifyRequest): LeadListActor {
  return { ...actorOf(request), timeZone: authOf(request).workspace?.timeZone ?? 'UTC' };
}

/** Pipelines and stages (reads for every member, changes with pipelines.manage), lost reasons, the board and card moves. */
export const pipelinesRoutes: FastifyPluginAsyncZod<{ pipelines: PipelinesService; board: BoardService }> = async (app, { pipelines, board: boards }) => {
  const tags = ['Pipelines'];

  app.get('/pipelines', {
    schema: {
      tags,
      summary: 'Pipelines of the workspace with their stages, in order',
      description: 'includeArchived=true adds archived pipelines and stages (archivedAt set); withCounts=true adds leadCount to every stage.',
      querystring: pipelineListParams,
      response: { 200: pipelineList },
    },
    handler: async (request) =>
      pipelines.list(actorOf(request), { includeArchived: request.query.includeArchived === 'true', withCounts: request.query.withCounts === 'true' }),
  });

  app.post('/pipelines', {
    config: manage,
    schema: { tags, summary: 'Create a pipeline (default stages New, Contacted, Qualified, Won, Lost)', body: createPipelineRequest, response: { 201: pipeline } },
    handler: async (request, reply) => reply.status(201).send(await pipelines.createPipeline(actorOf(request), request.body)),
  });

  app.put('/pipelines/order', {
    config: manage,
    schema: { tags, summary: 'Reorder the active pipelines: every one of them, once, in the new order', body: pipelineOrderRequest, response: { 200: pipelineList } },
    handler: async (request) => pipelines.reorderPipelines(actorOf(request), request.body.pipelineIds),
  });

  app.patch('/pipelines/:id', {
    config: manage,
    schema: { tags, summary: 'Rename a pipeline', params: idParams, body: updatePipelineRequest, response: { 200: pipeline } },
    handler: async (request) => pipelines.renamePipeline(actorOf(request), request.params.id, request.body.name),
  });

  app.post('/pipelines/:id/archive', {
    config: manage,
    schema: {
      tags,
      summary: 'Archive a pipeline (its board is hidden; its leads keep their stage). The last active pipeline cannot be archived',
      params: idParams,
      response: { 200: pipeline },
    },
    handler: async (request) => pipelines.setPipelineArchived(actorOf(request), request.params.id, true),
  });

  app.post('/pipelines/:id/restore', {
    config: manage,
    schema: { tags, summary: 'Bring an archived pipeline back, as the last one', params: idParams, response: { 200: pipeline } },
    handler: async (request) => pipelines.setPipelineArchived(actorOf(request), request.params.id, false),
  });

  app.post('/pipelines/:id/stages', {
    config: manage,
    schema: {
      tags,
      summary: 'Add a stage (name unique in the pipeline whatever the case; status must fit the kind)',
      params: idParams,
      body: createStageRequest,
      response: { 201: pipelineStage },
    },
    handler: async (request, reply) => reply.status(201).send(await pipelines.createStage(actorOf(request), request.params.id, request.body)),
  });

  app.put('/pipelines/:id/stages/order', {
    config: manage,
    schema: {
      tags,
      summary: 'Reorder the stages: every active stage of this pipeline, once, in the new order',
      params: idParams,
      body: stageOrderRequest,
      response: { 200: pipeline },
    },
    handler: async (request) => pipelines.reorderStages(actorOf(request), request.params.id, request.body.stageIds),
  });

  app.patch('/pipelines/:id/stages/:stageId', {
    config: manage,
    schema: {
      tags,
      summary: 'Change a stage: name, colour, rotting limit, status; its kind only while it holds no leads',
      params: stageParams,
      body: updateStageRequest,
      response: { 200: pipelineStage },
    },
    handler: async (request) => pipelines.updateStage(actorOf(request), request.params.id, request.params.stageId, request.body),
  });

  app.post('/pipelines/:id/stages/:stageId/archive', {
    config: manage,
    schema: {
      tags,
      summary: 'Archive a stage; if it holds leads, moveToStageId (an active stage of the same pipeline) says where they go',
      description:
        'The leads move in the same transaction, each with a stage_changed timeline entry and an audit entry. A lost target needs lostReason; a won target makes them clients. A pipeline keeps at least one open stage.',
      params: stageParams,
      body: archiveStageRequest,
      response: { 200: archiveStageResponse },
    },
    handler: async (request) => pipelines.archiveStage(actorOf(request), request.params.id, request.params.stageId, request.body),
  });

  app.post('/pipelines/:id/stages/:stageId/restore', {
    config: manage,
    schema: { tags, summary: 'Bring an archived stage back, as the last stage', params: stageParams, response: { 200: pipelineStage } },
    handler: async (request) => pipelines.restoreStage(actorOf(request), request.params.id, request.params.stageId),
  });

  app.get('/pipelines/:id/board', {
    schema: {
      tags,
      summary: 'The Kanban board: every active stage with its exact count, the sum of a money field, and its first cards in order',
      description: `${QUERY_HELP} \`limit\` is cards per column (default 25); \`sumField\` the key of a money or number custom field. Each column's \`nextCursor\` pages on with /board/stages/{stageId}.`,
      params: idParams,
      querystring: boardParams,
      response: { 200: board },
    },
    handler: async (request) => boards.board(listActorOf(request), request.params.id, request.query),
  });

  app.get('/pipelines/:id/board/stages/:stageId', {
    schema: {
      tags,
      summary: 'The next cards of one board column, after `cursor`',
      description: QUERY_HELP,
      params: stageParams,
      querystring: boardColumnParams,
      response: { 200: boardColumnPage },
    },
    handler: async (request) => boards.column(listActorOf(request), request.params.id, request.params.stageId, request.query),
  });

  app.post('/leads/:id/move', {
    config: { permission: 'leads.edit' },
    schema: {
      tags: ['Pipelines', 'Leads'],
      summary: 'Move a card: to another stage and/or another place in its column; give the version you read (stale: 409)',
      description:
        'Place: `beforeId` = the card that will be right after it, `afterId` = the card right before it, `beforeId: null` = last in the column, neither = first. A lost stage needs `lostReason` (one of GET /lost-reasons, or any text while that list is empty); a won stage makes the lead a client (`clientSince`); leaving them clears both. Other boards hear a `lead.moved` event.',
      params: idParams,
      body: moveLeadRequest,
      response: { 200: moveLeadResponse },
    },
    handler: async (request) => boards.moveLead(actorOf(request), request.params.id, request.body),
  });

  app.get('/lost-reasons', {
    schema: { tags, summary: 'Lost reasons of the workspace, in order', querystring: lostReasonListParams, response: { 200: lostReasonList } },
    handler: async (request) => pipelines.listLostReasons(actorOf(request), request.query.includeArchived === 'true'),
  });

  app.post('/lost-reasons', {
    config: manage,
    schema: { tags, summary: 'Add a lost reason (last in the list)', body: createLostReasonRequest, response: { 201: lostReason } },
    handler: async (request, reply) => reply.status(201).send(await pipelines.createLostReason(actorOf(request), request.body)),
  });

  app.put('/lost-reasons/order', {
    config: manage,
    schema: { tags, summary: 'Reorder the active lost reasons: every one, once', body: lostReasonOrderRequest, response: { 200: lostReasonList } },
    handler: async (request) => pipelines.reorderLostReasons(actorOf(request), request.body.reasonIds),
  });

  app.patch('/lost-reasons/:id', {
    config: manage,
    schema: { tags, summary: 'Rename, archive (archived: true) or restore a lost reason', params: idParams, body: updateLostReasonRequest, response: { 200: lostReason } },
    handler: async (request) => pipelines.updateLostReason(actorOf(request), request.params.id, request.body),
  });
};
