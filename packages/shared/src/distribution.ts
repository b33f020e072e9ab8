import { z } from 'zod';
import { leadFilter } from './leads.ts';

/** Strategies a rule may use today; `first_to_claim` is reserved in the data model for the claim flow. */
export const DISTRIBUTION_STRATEGIES = ['round_robin', 'weighted', 'least_loaded', 'manual'] as const;
export const ASSIGNMENT_REASONS = ['rule', 'claim', 'sla', 'manual', 'existing_owner', 'fallback', 'unassigned'] as const;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, { message: 'Use HH:MM (24 h)' });
const isoDay = z.iso.date({ message: 'Use YYYY-MM-DD' });

export const ruleMemberInput = z.strictObject({
  userId: z.uuid({ message: 'Must be a UUID' }),
  /** Percent of the leads for the weighted strategy (all weights add up to 100); ignored by other strategies. */
  weight: z.int().min(0).max(100).optional(),
});

const capField = z.int({ message: 'Must be a whole number' }).min(0, { message: 'A cap cannot be below zero' }).nullable();

/** The fields of a rule without defaults (a PATCH sends only what changes). */
const ruleFields = {
  name: z.string().trim().min(1, { message: 'Give the rule a name' }).max(120),
  /** Lower runs first; unique per workspace. */
  priority: z.int().min(0).max(1_000_000),
  enabled: z.boolean(),
  /** Lead list filters (the same fields and operators as the lead list); empty = every lead (a default rule). */
  conditions: z.array(leadFilter).max(30),
  strategy: z.enum(DISTRIBUTION_STRATEGIES),
  loadMeasure: z.enum(['open_leads', 'received_today']),
  /** In group order (round-robin order). */
  members: z.array(ruleMemberInput).max(200),
  dailyCap: capField,
  weeklyCap: capField,
  fallback: z.enum(['next_rule', 'user', 'unassigned']),
  fallbackUserId: z.uuid({ message: 'Must be a UUID' }).nullable(),
  /** A returning person goes to the active owner of their earlier lead. */
  existingOwner: z.boolean(),
};

export const distributionRuleInput = z.strictObject({
  ...ruleFields,
  enabled: ruleFields.enabled.default(true),
  conditions: ruleFields.conditions.default([]),
  loadMeasure: ruleFields.loadMeasure.default('open_leads'),
  members: ruleFields.members.default([]),
  dailyCap: capField.default(null),
  weeklyCap: capField.default(null),
  fallback: ruleFields.fallback.default('next_rule'),
  fallbackUserId: ruleFields.fallbackUserId.default(null),
  existingOwner: ruleFields.existingOwner.default(true),
});
export type DistributionRuleInput = z.infer<typeof distributionRuleInput>;

export const distributionRulePatch = z.strictObject(ruleFields).partial();

export const distributionRule = z.object({
  id: z.string(),
  name: z.string(),
  priority: z.number(),
  enabled: z.boolean(),
  conditions: z.array(leadFilter),
  strategy: z.enum(['round_robin', 'weighted', 'least_loaded', 'manual', 'first_to_claim']),
  loadMeasure: z.enum(['open_leads', 'received_today']),
  members: z.array(z.object({ userId: z.string(), name: z.string(), weight: z.number(), position: z.number() })),
  dailyCap: z.number().nullable(),
  weeklyCap: z.number().nullable(),
  fallback: z.enum(['next_rule', 'user', 'unassigned']),
  fallbackUserId: z.string().nullable(),
  existingOwner: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DistributionRule = z.infer<typeof distributionRule>;

export const distributionRuleList = z.object({ rules: z.array(distributionRule) });

/** Rule ids in their new order: priorities become 10, 20, 30… */
export const reorderRulesRequest = z.strictObject({ ruleIds: z.array(z.uuid({ message: 'Must be a UUID' })).min(1).max(500) });

const dayRanges = z.array(z.strictObject({ start: hhmm, end: hhmm })).max(6);
export const workingHours = z
  .strictObject({ '1': dayRanges, '2': dayRanges, '3': dayRanges, '4': dayRanges, '5': dayRanges, '6': dayRanges, '7': dayRanges })
  .partial();

export const availabilityPatch = z.strictObject({
  paused: z.boolean().optional(),
  /** Per ISO weekday (1 = Monday), in the workspace time zone; null = any time. */
  workingHours: workingHours.nullable().optional(),
  outOfOffice: z.array(z.strictObject({ from: isoDay, to: isoDay })).max(100).optional(),
});

export const agentAvailability = z.object({
  userId: z.string(),
  name: z.string(),
  paused: z.boolean(),
  workingHours: workingHours.nullable(),
  outOfOffice: z.array(z.object({ from: z.string(), to: z.string() })),
  /** Whether the agent could take a lead right now, and if not why. */
  availableNow: z.boolean(),
  unavailableReason: z.string().nullable(),
});
export const availabilityList = z.object({ agents: z.array(agentAvailability) });

export const assignmentRecord = z.object({
  id: z.string(),
  leadId: z.string(),
  to: z.object({ id: z.string(), name: z.string() }).nullable(),
  from: z.object({ id: z.string(), name: z.string() }).nullable(),
  by: z.object({ id: z.string(), name: z.string() }).nullable(),
  ruleId: z.string().nullable(),
  ruleName: z.string().nullable(),
  strategy: z.string().nullable(),
  reason: z.enum(ASSIGNMENT_REASONS),
  at: z.string(),
});
export const assignmentHistory = z.object({ assignments: z.array(assignmentRecord) });

/** Lead fields the simulator matches rules on. */
export const simulateRequest = z.strictObject({
  firstName: z.string().max(200).optional(),
  lastName: z.string().max(200).optional(),
  company: z.string().max(200).optional(),
  source: z.string().max(200).optional(),
  sourceDetail: z.string().max(200).optional(),
  campaign: z.string().max(200).optional(),
  city: z.string().max(200).optional(),
  state: z.string().max(200).optional(),
  country: z.string().length(2).optional(),
  zip: z.string().max(40).optional(),
  tags: z.array(z.string().max(60)).max(50).optional(),
  custom: z.record(z.string(), z.unknown()).optional(),
});

export const simulateResponse = z.object({
  rule: z.object({ id: z.string(), name: z.string(), strategy: z.string() }).nullable(),
  agent: z.object({ id: z.string(), name: z.string() }).nullable(),
  reason: z.enum(ASSIGNMENT_REASONS).nullable(),
  /** Rules tried in order, and why each did not take the lead. */
  trace: z.array(z.object({ ruleId: z.string(), name: z.string(), outcome: z.enum(['no_match', 'nobody_available', 'picked', 'manual', 'fallback']) })),
});
