import { z } from 'zod';
import { isoDay as isoDayIn } from './dates.ts';
import { leadFilter, leadLanguage } from './leads.ts';

/**
 * Strategies a rule may use. `first_to_claim` offers the lead to every available member of the group at once;
 * the first to claim it gets it, and when nobody does within `claimTimeoutMinutes` the rule's fallback applies.
 */
export const DISTRIBUTION_STRATEGIES = ['round_robin', 'weighted', 'least_loaded', 'manual', 'first_to_claim'] as const;
export const ASSIGNMENT_REASONS = ['rule', 'claim', 'sla', 'manual', 'existing_owner', 'fallback', 'unassigned'] as const;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, { message: 'Use HH:MM (24 h)' });
const isoDay = isoDayIn();

const dayRanges = z.array(z.strictObject({ start: hhmm, end: hhmm })).max(6);
export const workingHours = z
  .strictObject({ '1': dayRanges, '2': dayRanges, '3': dayRanges, '4': dayRanges, '5': dayRanges, '6': dayRanges, '7': dayRanges })
  .partial();
/** Time ranges per ISO weekday ('1' = Monday … '7' = Sunday), in the workspace time zone. */
export type WorkingHours = z.infer<typeof workingHours>;

export const ruleMemberInput = z.strictObject({
  userId: z.uuid({ message: 'Must be a UUID' }),
  /** Percent of the leads for the weighted strategy (all weights add up to 100); ignored by other strategies. */
  weight: z.int().min(0).max(100).optional(),
});

const capField = z.int({ message: 'Must be a whole number' }).min(0, { message: 'A cap cannot be below zero' }).max(1_000_000, { message: 'At most 1,000,000' }).nullable();

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
  /**
   * The group's working hours per ISO weekday (1 = Monday), in the workspace time zone: outside them nobody of the
   * group is available and the rule's fallback applies. null = any time (each agent's own hours still apply).
   */
  workingHours: workingHours.nullable(),
  /** first_to_claim: minutes an offer stays open before the rule's fallback applies. */
  claimTimeoutMinutes: z.int({ message: 'Must be a whole number' }).min(1, { message: 'At least 1 minute' }).max(1440, { message: 'At most 1440 minutes (a day)' }),
  /**
   * SLA: minutes the owner has for a first action (a call or message logged, a stage change, a note) before the
   * lead is reassigned by the rule's strategy to someone else of the group; null = no SLA.
   */
  slaMinutes: z.int({ message: 'Must be a whole number' }).min(1, { message: 'At least 1 minute' }).max(10080, { message: 'At most 10080 minutes (a week)' }).nullable(),
  /** SLA: how many times one lead may be reassigned for missing its SLA; after that it stays with its owner. */
  maxReassignments: z.int({ message: 'Must be a whole number' }).min(0, { message: 'Cannot be below zero' }).max(20, { message: 'At most 20' }),
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
  workingHours: ruleFields.workingHours.default(null),
  claimTimeoutMinutes: ruleFields.claimTimeoutMinutes.default(5),
  slaMinutes: ruleFields.slaMinutes.default(null),
  maxReassignments: ruleFields.maxReassignments.default(2),
});
export type DistributionRuleInput = z.infer<typeof distributionRuleInput>;

export const distributionRulePatch = z.strictObject(ruleFields).partial();

export const distributionRule = z.object({
  id: z.string(),
  name: z.string(),
  priority: z.number(),
  enabled: z.boolean(),
  conditions: z.array(leadFilter),
  strategy: z.enum(DISTRIBUTION_STRATEGIES),
  loadMeasure: z.enum(['open_leads', 'received_today']),
  members: z.array(z.object({ userId: z.string(), name: z.string(), weight: z.number(), position: z.number() })),
  dailyCap: z.number().nullable(),
  weeklyCap: z.number().nullable(),
  fallback: z.enum(['next_rule', 'user', 'unassigned']),
  fallbackUserId: z.string().nullable(),
  existingOwner: z.boolean(),
  workingHours: workingHours.nullable(),
  claimTimeoutMinutes: z.number(),
  slaMinutes: z.number().nullable(),
  maxReassignments: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DistributionRule = z.infer<typeof distributionRule>;

export const distributionRuleList = z.object({ rules: z.array(distributionRule) });

/** Rule ids in their new order: priorities become 10, 20, 30… */
export const reorderRulesRequest = z.strictObject({ ruleIds: z.array(z.uuid({ message: 'Must be a UUID' })).min(1).max(500) });


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
export const availabilityList = z.object({
  agents: z.array(agentAvailability),
  /** Today in the workspace's time zone (YYYY-MM-DD): out-of-office days are days there. */
  today: z.string(),
});

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

/** What the assignment log and its export filter on. */
const assignmentLogFilterFields = {
  /** Records that gave a lead to this user. */
  userId: z.uuid({ message: 'Must be a UUID' }).optional(),
  ruleId: z.uuid({ message: 'Must be a UUID' }).optional(),
  reason: z.enum(ASSIGNMENT_REASONS, { message: `Use one of ${ASSIGNMENT_REASONS.join(', ')}` }).optional(),
  since: isoDay.optional(),
  until: isoDay.optional(),
  /** Only the records that gave a lead to the caller or took one from them, whatever their role may read. */
  mine: z.enum(['true', 'false'], { message: 'Use true or false' }).optional(),
};
const untilAfterSince = (q: { since?: string | undefined; until?: string | undefined }) => !q.since || !q.until || q.since <= q.until;
const untilAfterSinceError = { path: ['until'], message: 'Must be on or after since' };

/**
 * GET /distribution/assignments: the workspace's assignment log, newest first, in keyset pages. Days are in the
 * workspace time zone, both ends included. Holders of leads.view_all see every record; others the records that gave
 * a lead to them or took one from them.
 */
export const assignmentLogQuery = z
  .strictObject({
    ...assignmentLogFilterFields,
    limit: z.coerce.number().int({ message: 'Must be a whole number' }).min(1, { message: 'At least 1' }).max(200, { message: 'At most 200' }).default(50),
    cursor: z.string().max(200).optional(),
  })
  .refine(untilAfterSince, untilAfterSinceError);

/** The log's filters for a CSV download; `workspaceId` because a download link cannot send the x-workspace-id header. */
export const assignmentLogExportQuery = z
  .strictObject({ ...assignmentLogFilterFields, workspaceId: z.uuid({ message: 'Must be a UUID' }).optional() })
  .refine(untilAfterSince, untilAfterSinceError);

export type AssignmentLogExportQuery = z.infer<typeof assignmentLogExportQuery>;

export const assignmentLogItem = assignmentRecord.extend({
  /** The lead's name now; `deleted` when it is in the trash. */
  lead: z.object({ id: z.string(), name: z.string(), deleted: z.boolean() }),
});

export const assignmentLog = z.object({
  items: z.array(assignmentLogItem),
  nextCursor: z.string().nullable(),
  /**
   * First page only (null when a cursor is passed): how many records the whole filter holds, and how many of them
   * gave a lead to each recipient (`to` null: left unassigned), most first.
   */
  summary: z
    .object({
      total: z.number(),
      byRecipient: z.array(z.object({ to: z.object({ id: z.string(), name: z.string() }).nullable(), count: z.number() })),
    })
    .nullable(),
});

/** Lead fields the simulator matches rules on. */
export const simulateRequest = z.strictObject({
  firstName: z.string().max(200).optional(),
  lastName: z.string().max(200).optional(),
  company: z.string().max(200).optional(),
  /** Conditions on the email or phone (a domain, an area code) match these, as a lead's would. */
  email: z.string().trim().toLowerCase().pipe(z.email({ message: 'Enter a valid email address' })).optional(),
  phone: z.string().trim().min(3, 'Phone is too short').max(40, 'Phone is too long').optional(),
  source: z.string().max(200).optional(),
  sourceDetail: z.string().max(200).optional(),
  campaign: z.string().max(200).optional(),
  city: z.string().max(200).optional(),
  state: z.string().max(200).optional(),
  country: z.string().length(2).optional(),
  zip: z.string().max(40).optional(),
  /** A tag or a name, read as a lead's language is (`Spanish` → `es`). */
  language: leadLanguage.optional(),
  tags: z.array(z.string().max(60)).max(50).optional(),
  custom: z.record(z.string(), z.unknown()).optional(),
});

export const simulateResponse = z.object({
  rule: z.object({ id: z.string(), name: z.string(), strategy: z.string() }).nullable(),
  agent: z.object({ id: z.string(), name: z.string() }).nullable(),
  reason: z.enum(ASSIGNMENT_REASONS).nullable(),
  /** Rules tried in order, and why each did not take the lead. */
  trace: z.array(z.object({ ruleId: z.string(), name: z.string(), outcome: z.enum(['no_match', 'nobody_available', 'picked', 'manual', 'fallback', 'offered']) })),
  /** first_to_claim: the available members the lead would be offered to (agent is then null). */
  offeredTo: z.array(z.object({ id: z.string(), name: z.string() })).default([]),
});

// ---------------------------------------------------------------------------------------------------------------
// First-to-claim offers

export const OFFER_STATUSES = ['open', 'claimed', 'expired', 'withdrawn'] as const;

/** An offer of a new lead to a group: every listed member may claim it until it expires. */
export const leadOffer = z.object({
  id: z.string(),
  leadId: z.string(),
  /** What the Claim card shows. */
  lead: z.object({ id: z.string(), name: z.string(), source: z.string().nullable(), campaign: z.string().nullable(), city: z.string().nullable() }),
  ruleId: z.string().nullable(),
  ruleName: z.string().nullable(),
  offeredTo: z.array(z.object({ id: z.string(), name: z.string() })),
  status: z.enum(OFFER_STATUSES),
  offeredAt: z.string(),
  expiresAt: z.string(),
  claimedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  claimedAt: z.string().nullable(),
});
export type LeadOffer = z.infer<typeof leadOffer>;

/** GET /distribution/offers: my open offers (managers with leads.view_all may pass ?all=true for every open offer). */
export const offerListQuery = z.strictObject({ all: z.enum(['true', 'false']).optional() });
export const offerList = z.object({ offers: z.array(leadOffer) });

/**
 * POST /leads/{id}/claim (no body): exactly one member wins. Losers get 409 CONFLICT ("Someone else claimed this
 * lead first" / "This offer has expired"); a member the lead was not offered to gets 404.
 */
export const claimResponse = z.object({
  leadId: z.string(),
  offerId: z.string(),
  owner: z.object({ id: z.string(), name: z.string() }),
  claimedAt: z.string(),
});
export type ClaimResponse = z.infer<typeof claimResponse>;

// ---------------------------------------------------------------------------------------------------------------
// Speed to lead

/** Timeline activity types that count as the owner's first action (SLA and speed to lead). */
export const FIRST_ACTION_TYPES = ['call', 'message', 'stage_changed', 'note'] as const;

/** GET /leads/{id}/speed: how fast the lead got a first action. */
export const leadSpeed = z.object({
  leadId: z.string(),
  createdAt: z.string(),
  /** When the current owner got the lead; null = never assigned. */
  assignedAt: z.string().nullable(),
  /** The first action by an owner (any of FIRST_ACTION_TYPES); null = none yet. */
  firstActionAt: z.string().nullable(),
  firstActionType: z.string().nullable(),
  /** From creation to the first action, in seconds; null while waiting. */
  responseSeconds: z.number().nullable(),
  /** When the current owner's SLA runs out (null: no SLA, or already acted). */
  slaDueAt: z.string().nullable(),
  /** How many times the lead was taken from an owner who missed the SLA. */
  slaBreaches: z.number(),
});
export type LeadSpeed = z.infer<typeof leadSpeed>;

/** GET /distribution/speed-to-lead?mine=true: only the caller's own figures and waiting leads (a manager's "my new leads"). */
export const speedToLeadQuery = z.strictObject({ mine: z.enum(['true', 'false']).optional() });

/** GET /distribution/unassigned: the leads waiting for a manager, oldest first (needs leads.assign). */
export const unassignedQueueQuery = z.strictObject({
  limit: z.coerce.number({ message: 'Must be a number' }).int('Must be a whole number').min(1, 'At least 1').max(100, 'At most 100').default(50),
});
export const unassignedQueue = z.object({
  /** Every lead of the workspace without an owner, not in the trash and not on offer to a group. */
  total: z.number().int(),
  leads: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      source: z.string().nullable(),
      campaign: z.string().nullable(),
      city: z.string().nullable(),
      language: z.string().nullable(),
      createdAt: z.string(),
      /** For the assignment: `PATCH /leads/{id}` with this version fails with 409 if someone took the lead since. */
      version: z.number().int(),
      /** Why it waits: the last record of its distribution (a manual rule, nobody available, an offer nobody claimed). */
      reason: z.enum(ASSIGNMENT_REASONS).nullable(),
      rule: z.object({ id: z.string(), name: z.string() }).nullable(),
    }),
  ),
});

/** GET /distribution/speed-to-lead: today in the workspace time zone; agents without leads.view_all see only themselves. */
export const speedToLeadTeam = z.object({
  /** YYYY-MM-DD in the workspace time zone, and the instants it spans. */
  day: z.string(),
  from: z.string(),
  to: z.string(),
  /** Assigned leads whose owner has taken no action yet (any day). */
  waitingNow: z.number(),
  /** Median seconds from creation to first action of the leads created today that got one; null = none yet. */
  medianResponseSeconds: z.number().nullable(),
  respondedToday: z.number(),
  slaBreachesToday: z.number(),
  agents: z.array(
    z.object({
      userId: z.string(),
      name: z.string(),
      waitingNow: z.number(),
      respondedToday: z.number(),
      medianResponseSeconds: z.number().nullable(),
      /** Leads taken from this agent today for missing the SLA. */
      slaBreachesToday: z.number(),
    }),
  ),
  /** The oldest waiting leads (at most 200; `waitingNow` says how many there are), for the "waiting now" list. */
  waiting: z.array(z.object({ leadId: z.string(), name: z.string(), ownerId: z.string(), ownerName: z.string(), assignedAt: z.string(), slaDueAt: z.string().nullable() })),
});
export type SpeedToLeadTeam = z.infer<typeof speedToLeadTeam>;

// ---------------------------------------------------------------------------------------------------------------
// Bus events (WebSocket /realtime, and server-side subscribers such as notifications)

/** `lead.assigned` — to the new owner and leads.view_all holders. */
export const leadAssignedEvent = z.object({
  leadId: z.string(),
  ownerId: z.string(),
  ruleId: z.string().nullable().optional(),
  reason: z.enum(ASSIGNMENT_REASONS).nullable().optional(),
  /** Set when the lead came through capture. */
  origin: z.string().optional(),
  /** The owner before (SLA or manual reassignment). */
  fromUserId: z.string().nullable().optional(),
  /** The manager who changed the owner by hand. */
  byUserId: z.string().nullable().optional(),
});

/** Leads given to one agent at once are announced one by one up to this many, else once with the count. */
export const ANNOUNCE_EACH_ASSIGNMENT_UP_TO = 10;

/**
 * Many leads went to one agent at once — a manager's bulk change of owner, or a batch of an import through
 * distribution (`byUserId` is then who ran the import): one notification with the count.
 */
export const leadsBulkAssignedEvent = z.object({
  ownerId: z.string(),
  byUserId: z.string(),
  count: z.number().int().positive(),
  at: z.string(),
  /** What tells this announcement from another at the same instant (an import's batch); `at` when absent. */
  key: z.string().optional(),
});

/** `lead.offered` — to every member the lead is offered to, and leads.view_all holders. */
export const leadOfferedEvent = z.object({
  offerId: z.string(),
  leadId: z.string(),
  leadName: z.string(),
  ruleId: z.string().nullable(),
  ruleName: z.string().nullable(),
  offeredTo: z.array(z.string()),
  expiresAt: z.string(),
});

/** `lead.offer_taken` — to the same audience as the offer: the card disappears (claimed by someone, or expired). */
export const leadOfferTakenEvent = z.object({
  offerId: z.string(),
  leadId: z.string(),
  outcome: z.enum(['claimed', 'expired', 'withdrawn']),
  /** Who claimed it (outcome claimed), or who got it by the fallback (expired), or null (unassigned queue). */
  ownerId: z.string().nullable(),
  offeredTo: z.array(z.string()),
});

/**
 * `lead.sla_breached` — the owner took no first action within the rule's SLA. Audience: holders of leads.assign
 * (managers), the owner who missed it and the new owner. `toUserId` null: nobody else was available (the lead
 * stays); `capReached`: the lead was not reassigned because it reached the rule's maxReassignments.
 */
export const leadSlaBreachedEvent = z.object({
  leadId: z.string(),
  leadName: z.string(),
  ruleId: z.string().nullable(),
  ruleName: z.string().nullable(),
  fromUserId: z.string(),
  toUserId: z.string().nullable(),
  slaMinutes: z.number(),
  reassignments: z.number(),
  capReached: z.boolean(),
});

/**
 * `lead.unassigned` — a rule left a new lead in the unassigned queue (a manual rule, or nobody of its group was
 * available and its fallback is the queue): holders of leads.assign (managers) are told, so it is not forgotten.
 */
export const leadUnassignedEvent = z.object({
  leadId: z.string(),
  ruleId: z.string().nullable(),
  ruleName: z.string().nullable(),
  /** `manual`: the rule's strategy is to wait for a manager; `nobody_available`: its fallback was the queue. */
  why: z.enum(['manual', 'nobody_available']),
});

export const DISTRIBUTION_EVENTS = {
  'lead.assigned': leadAssignedEvent,
  'lead.unassigned': leadUnassignedEvent,
  'lead.offered': leadOfferedEvent,
  'lead.offer_taken': leadOfferTakenEvent,
  'lead.sla_breached': leadSlaBreachedEvent,
} as const;
export type DistributionEventType = keyof typeof DISTRIBUTION_EVENTS;
