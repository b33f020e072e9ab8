import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pipelineList } from '@leadflow/shared/pipelines';
import { actorOf } from '../accounts/auth.plugin.ts';
import type { PipelinesRepository } from './pipelines.repository.ts';

/** Read-only for now: the lead form and lists need the stages. Editing pipelines comes with the pipelines module. */
export const pipelinesRoutes: FastifyPluginAsyncZod<{ pipelines: PipelinesRepository }> = async (app, { pipelines }) => {
  app.get('/pipelines', {
    schema: { tags: ['Pipelines'], summary: 'Pipelines of the workspace with their stages, in order', response: { 200: pipelineList } },
    handler: async (request) => {
      const rows = await pipelines.listPipelinesWithStages(actorOf(request).workspaceId);
      return {
        pipelines: rows.map((p) => ({
          id: p.id,
          name: p.name,
          position: p.position,
          archivedAt: p.archivedAt?.toISOString() ?? null,
          stages: p.stages.map((s) => ({
            id: s.id,
            name: s.name,
            kind: s.kind,
            status: s.status,
            position: s.position,
            color: s.color,
            rottingDays: s.rottingDays,
            archivedAt: s.archivedAt?.toISOString() ?? null,
          })),
        })),
      };
    },
  });
};
