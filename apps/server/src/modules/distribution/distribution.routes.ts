import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  assignmentHistory,
  assignmentLog,
  assignmentLogQuery,
  assignmentLogExportQuery,
  agentAvailability,
  availabilityList,
  availabilityPatch,
  claimResponse,
  distributionRule,
  distributionRuleInput,
  distributionRuleList,
  distributionRulePatch,
  leadSpeed,
  offerList,
  offerListQuery,
  reorderRulesRequest,
  simulateRequest,
  simulateResponse,
  speedToLeadQuery,
  speedToLeadTeam,
  unassignedQueue,
  unassignedQueueQuery,
} from '@leadflow/shared/distribution';
import { sendDownload } from '../../platform/http/download.ts';
import { actorOf } from '../accounts/auth.plugin.ts';
import type { OfferService } from './distribution.offers.ts';
import type { DistributionService } from './distribution.service.ts';
import type { SpeedService } from './distribution.speed.ts';

const idParams = z.object({ id: z.uuid({ message: 'Must be a UUID' }) });
const userParams = z.object({ userId: z.uuid({ message: 'Must be a UUID' }) });
const ok = z.object({ ok: z.literal(true) });

/** Lead distribution: rules (distribution.manage to change; managers read), availability, history, simulator. */
export const distributionRoutes: FastifyPluginAsyncZod<{ distribution: DistributionService; offers: OfferService; speed: SpeedService }> = async (
  app,
  { distribution, offers, speed },
) => {
  const tags = ['Lead distribution'];

  app.get('/distribution/rules', {
    schema: { tags, summary: 'Distribution rules in priority order (first match wins), with their groups', response: { 200: distributionRuleList } },
    handler: async (request) => ({ rules: await distribution.listRules(actorOf(request)) }),
  });
  app.get('/distribution/rules/:id', {
    schema: { tags, summary: 'One distribution rule', params: idParams, response: { 200: distributionRule } },
    handler: async (request) => distribution.getRule(actorOf(request), request.params.id),
  });
  app.post('/distribution/rules', {
    config: { permission: 'distribution.manage' },
    schema: {
      tags,
      summary: 'Add a rule: conditions (lead list filters), a group of agents and a strategy, caps and a fallback',
      body: distributionRuleInput,
      response: { 201: distributionRule },
    },
    handler: async (request, reply) => reply.status(201).send(await distribution.createRule(actorOf(request), request.body)),
  });
  app.patch('/distribution/rules/:id', {
    config: { permission: 'distribution.manage' },
    schema: { tags, summary: 'Change a rule (the whole rule is validated again)', params: idParams, body: distributionRulePatch, response: { 200: distributionRule } },
    handler: async (request) => distribution.updateRule(actorOf(request), request.params.id, request.body),
  });
  app.delete('/distribution/rules/:id', {
    config: { permission: 'distribution.manage' },
    schema: { tags, summary: 'Delete a rule (its assignment records stay, without the rule)', params: idParams, response: { 200: ok } },
    handler: async (request) => {
      await distribution.deleteRule(actorOf(request), request.params.id);
      return { ok: true as const };
    },
  });
  app.post('/distribution/rules/reorder', {
    config: { permission: 'distribution.manage' },
    schema: { tags, summary: 'Put every rule in a new priority order (priorities become 10, 20, 30…)', body: reorderRulesRequest, response: { 200: distributionRuleList } },
    handler: async (request) => ({ rules: await distribution.reorder(actorOf(request), request.body.ruleIds) }),
  });

  app.post('/distribution/simulate', {
    schema: {
      tags,
      summary: 'Where would this lead go now? The matching rule and the agent it would pick, without assigning or advancing any rotation',
      body: simulateRequest,
      response: { 200: simulateResponse },
    },
    handler: async (request) => distribution.simulate(actorOf(request), request.body),
  });

  app.get('/distribution/availability', {
    schema: { tags, summary: 'Who takes leads now: paused, working hours, out of office (managers see everyone, agents themselves)', response: { 200: availabilityList } },
    handler: async (request) => distribution.listAvailability(actorOf(request)),
  });
  app.patch('/distribution/availability/:userId', {
    schema: {
      tags,
      summary: 'Pause or resume taking leads (an agent for themself); working hours and out-of-office days (managers)',
      params: userParams,
      body: availabilityPatch,
      response: { 200: agentAvailability },
    },
    handler: async (request) => distribution.updateAvailability(actorOf(request), request.params.userId, request.body),
  });

  app.get('/leads/:id/assignments', {
    schema: { tags, summary: 'Assignment history of a lead: to whom, from whom, by which rule or user, why and when', params: idParams, response: { 200: assignmentHistory } },
    handler: async (request) => ({ assignments: await distribution.history(actorOf(request), request.params.id) }),
  });

  app.get('/distribution/assignments', {
    schema: {
      tags,
      summary:
        "The workspace's assignment log, newest first (keyset pages: pass nextCursor as cursor), filtered by recipient, rule, reason and days in the workspace time zone; the first page counts the whole filter per recipient. leads.view_all: every record (or their own with mine=true); others: the records that gave them a lead or took one from them",
      querystring: assignmentLogQuery,
      response: { 200: assignmentLog },
    },
    handler: async (request) => distribution.log(actorOf(request), request.query),
  });

  app.get('/distribution/assignments/export', {
    schema: {
      tags,
      summary: 'Download the assignment log as CSV (UTF-8 with BOM), streamed: every record the filters match, newest first',
      description:
        'The same filters and scope as GET /distribution/assignments; dates are ISO 8601 with the workspace offset. Columns: When, Lead, Lead ID, Lead in trash, Given to, Taken from, Why, Rule, Strategy, Changed by. Needs leads.export. `workspaceId` names the workspace for a download link, which cannot send the x-workspace-id header.',
      querystring: assignmentLogExportQuery,
    },
    config: { permission: 'leads.export' },
    handler: async (request, reply) => {
      const file = await distribution.exportLog(actorOf(request), request.query);
      return sendDownload(reply, file);
    },
  });

  app.get('/distribution/offers', {
    schema: {
      tags,
      summary: 'First-to-claim: the open offers I may claim now (with all=true, leads.view_all holders see every open offer)',
      querystring: offerListQuery,
      response: { 200: offerList },
    },
    handler: async (request) => ({ offers: await offers.listOpen(actorOf(request), request.query.all === 'true') }),
  });
  app.post('/leads/:id/claim', {
    schema: {
      tags,
      summary:
        'Claim a lead offered to me (first-to-claim): exactly one member wins; the others get 409 (taken or expired), a member it was not offered to 404. The winner claiming again gets the same answer while the lead is still theirs',
      params: idParams,
      response: { 200: claimResponse },
    },
    handler: async (request) => offers.claim(actorOf(request), request.params.id),
  });

  app.get('/leads/:id/speed', {
    schema: { tags, summary: 'Speed to lead of one lead: created, assigned, first action by the owner, SLA due time and breaches', params: idParams, response: { 200: leadSpeed } },
    handler: async (request) => speed.forLead(actorOf(request), request.params.id),
  });
  app.get('/distribution/unassigned', {
    config: { permission: 'leads.assign' },
    schema: {
      tags,
      summary: 'The unassigned queue: leads waiting for a manager (no owner, not on offer), oldest first, with why they wait',
      querystring: unassignedQueueQuery,
      response: { 200: unassignedQueue },
    },
    handler: async (request) => speed.unassigned(actorOf(request), request.query.limit),
  });
  app.get('/distribution/speed-to-lead', {
    schema: {
      tags,
      summary: "Speed to lead today (workspace time zone): waiting now, median first response, SLA breaches per agent (leads.view_all: the team, or themselves with mine=true; others: themselves)",
      querystring: speedToLeadQuery,
      response: { 200: speedToLeadTeam },
    },
    handler: async (request) => speed.team(actorOf(request), { mine: request.query.mine === 'true' }),
  });
};
