import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { bulkActionRequest, bulkActionResponse, exportRequestParams, leadCount, leadList, leadListParams } from '@leadflow/shared/leads';
import { sendDownload } from '../../platform/http/download.ts';
import { actorOf, authOf } from '../accounts/auth.plugin.ts';
import { createLeadListService, type LeadListActor } from './lead-list.service.ts';
import { savedViewsRoutes } from './saved-views.routes.ts';
import { createSavedViewsService } from './saved-views.service.ts';

const QUERY_HELP =
  '`query` is a JSON-encoded object: `{"filters":[{"field":"source","op":"eq","value":"Facebook"},{"field":"createdAt","op":"last_days","value":7}],"q":"ana","sort":{"field":"createdAt","dir":"desc"}}`. ' +
  'Fields: the standard lead fields and `custom.<key>`; operators depend on the field type. Date values are days (YYYY-MM-DD, whole days in the workspace time zone) or ISO date-times; presets today, this_week, this_month, last_days N and next_days N count calendar days including today. ' +
  'Without leads.view_all only your own leads match.';

function listActorOf(request: FastifyRequest): LeadListActor {
  return { ...actorOf(request), timeZone: authOf(request).workspace?.timeZone ?? 'UTC' };
}

/** Lists, counts, bulk actions, exports and saved views. Static paths, so they never clash with /leads/:id. */
export const leadListRoutes: FastifyPluginAsyncZod = async (app) => {
  const leads = createLeadListService(app.deps);
  const tags = ['Leads'];

  app.get('/leads', {
    schema: {
      tags,
      summary: 'List leads with filters, search and sort, a keyset page at a time; trash=true lists deleted leads (trash.manage)',
      description: `${QUERY_HELP} With \`q\` and no sort, the best matches come first, ranked among the first 200 matches (typos of a name join when fewer than 20 leads match exactly); sort by a field to page through every match. Search ignores case and accents. Pass \`nextCursor\` back as \`cursor\` for the next page; it is null on the last page.`,
      querystring: leadListParams,
      response: { 200: leadList },
    },
    handler: async (request) => leads.list(listActorOf(request), request.query),
  });

  app.get('/leads/count', {
    schema: {
      tags,
      summary: 'How many leads match a query: exact up to 10,000, else { count: 10000, exact: false }',
      description: QUERY_HELP,
      querystring: leadListParams.pick({ query: true, trash: true }),
      response: { 200: leadCount },
    },
    handler: async (request) => leads.count(listActorOf(request), request.query),
  });

  app.post('/leads/bulk', {
    schema: {
      tags,
      summary: 'Assign, move to a stage, tag, untag or delete many leads at once: listed ids, or everything a query matches',
      description:
        'Permissions: assign needs leads.assign, set_stage and tags leads.edit, delete leads.delete. Leads you may not see are never touched. Every changed lead gets a timeline entry and an audit entry; `affected` counts the leads that changed.',
      body: bulkActionRequest,
      response: { 200: bulkActionResponse },
    },
    handler: async (request) => leads.bulk(listActorOf(request), request.body),
  });

  app.get('/leads/export', {
    config: { permission: 'leads.export' },
    schema: {
      tags,
      summary: 'Download the leads a query matches as CSV (UTF-8 with BOM) or XLSX, streamed',
      description: `${QUERY_HELP} \`columns\` is a comma-separated list of fields (default: the usual list columns and every custom field). CSV dates are ISO 8601 with the workspace offset; XLSX dates are date cells in workspace time.`,
      querystring: exportRequestParams,
    },
    handler: async (request, reply) => {
      const file = await leads.exportLeads(listActorOf(request), request.query);
      return sendDownload(reply, file);
    },
  });

  await app.register(savedViewsRoutes, { views: createSavedViewsService(app.deps, leads) });
};
