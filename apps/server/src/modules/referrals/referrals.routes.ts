import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  markReferralRequest,
  referralInfo,
  referredLeadList,
  referrerReport,
  referrerReportQuery,
  referrerSearchQuery,
  referrerSearchResult,
} from '@leadflow/shared/marketing';
import { actorOf } from '../accounts/auth.plugin.ts';
import type { ReferralsService } from './referrals.service.ts';

const idParams = z.object({ id: z.uuid({ message: 'Must be a UUID' }) });

export const referralsRoutes: FastifyPluginAsyncZod<{ referrals: ReferralsService }> = async (app, { referrals }) => {
  const tags = ['Referrals'];

  app.get('/leads/:id/referral', {
    schema: { tags, summary: 'Whether the lead came as a referral, and from whom', params: idParams, response: { 200: z.object({ referral: referralInfo.nullable() }) } },
    handler: async (request) => ({ referral: await referrals.getReferral(actorOf(request), request.params.id) }),
  });

  app.put('/leads/:id/referral', {
    config: { permission: 'leads.edit' },
    schema: {
      tags,
      summary: 'Mark the lead (or client) as referred by a client or a contact; replaces an earlier referrer',
      params: idParams,
      body: markReferralRequest.and(z.object({ version: z.number().int().min(1).optional() })),
      response: { 200: referralInfo },
    },
    handler: async (request) => referrals.mark(actorOf(request), request.params.id, request.body),
  });

  app.delete('/leads/:id/referral', {
    config: { permission: 'leads.edit' },
    schema: { tags, summary: 'Unmark the lead as a referral', params: idParams, response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (request) => {
      await referrals.unmark(actorOf(request), request.params.id);
      return { ok: true as const };
    },
  });

  app.get('/leads/:id/referred', {
    schema: { tags, summary: 'Leads this client referred, directly or through one of its contacts', params: idParams, response: { 200: referredLeadList } },
    handler: async (request) => ({ leads: await referrals.referredBy(actorOf(request), request.params.id) }),
  });

  app.get('/referrers', {
    schema: { tags, summary: 'Clients and contacts whose name matches, for choosing a referrer', querystring: referrerSearchQuery, response: { 200: referrerSearchResult } },
    handler: async (request) => ({ referrers: await referrals.searchReferrers(actorOf(request), request.query.q) }),
  });

  app.get('/reports/referrers', {
    schema: {
      tags: [...tags, 'Reports'],
      summary: 'Leads by referrer: referred leads per client or contact and how many became clients (optionally by referral time)',
      querystring: referrerReportQuery,
      response: { 200: referrerReport },
    },
    handler: async (request) => ({ rows: await referrals.report(actorOf(request), request.query) }),
  });
};
