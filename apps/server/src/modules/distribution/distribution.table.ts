import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.table.ts';
import { leads } from '../leads/leads.table.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/** A lead list filter, as rule conditions store it (compiled by leads/lead-query.ts). */
export type StoredLeadFilter = { field: string; op: string; value?: unknown };
/** Working hours per ISO weekday (1 = Monday … 7 = Sunday): ranges "HH:MM"–"HH:MM" in the workspace time zone. */
export type WorkingHours = Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', { start: string; end: string }[]>>;
export type OutOfOffice = { from: string; to: string }[];

/** Strategies; `first_to_claim` is reserved for the claim flow (the API refuses it until it exists). */
export const DISTRIBUTION_STRATEGIES = ['round_robin', 'weighted', 'least_loaded', 'manual', 'first_to_claim'] as const;

/**
 * Distribution rules of a workspace, tried in priority order (lower first); the first enabled rule whose
 * conditions match a new lead hands it to one of its members (ADR 011).
 */
export const distributionRules = pgTable(
  'distribution_rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    priority: integer('priority').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Lead list filters (all must hold); empty matches every lead (a default rule). */
    conditions: jsonb('conditions').$type<StoredLeadFilter[]>().notNull().default([]),
    strategy: text('strategy', { enum: DISTRIBUTION_STRATEGIES }).notNull(),
    /** least_loaded: fewest open leads now, or fewest leads received today. */
    loadMeasure: text('load_measure', { enum: ['open_leads', 'received_today'] }).notNull().default('open_leads'),
    /** Per agent, per rule, in the workspace time zone; null = no cap. */
    dailyCap: integer('daily_cap'),
    weeklyCap: integer('weekly_cap'),
    /** When nobody of the group is available: the next matching rule, a named user, or the unassigned queue. */
    fallback: text('fallback', { enum: ['next_rule', 'user', 'unassigned'] }).notNull().default('next_rule'),
    fallbackUserId: uuid('fallback_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** A returning person (same phone or email as an older lead) goes to that lead's active owner. */
    existingOwner: boolean('existing_owner').notNull().default(true),
    /** The group's working hours (workspace time zone); outside them the rule's fallback applies. null = any time. */
    workingHours: jsonb('working_hours').$type<WorkingHours>(),
    /** first_to_claim: how long an offer stays open before the fallback applies. */
    claimTimeoutMinutes: integer('claim_timeout_minutes').notNull().default(5),
    /** Minutes the owner has for a first action before the lead is reassigned; null = no SLA. */
    slaMinutes: integer('sla_minutes'),
    /** SLA reassignments allowed per lead. */
    maxReassignments: integer('max_reassignments').notNull().default(2),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('distribution_rules_ws_priority_key').on(t.workspaceId, t.priority)],
);

/** The group of a rule: agents in round-robin order, with weights (percent) for the weighted strategy. */
export const distributionRuleMembers = pgTable(
  'distribution_rule_members',
  {
    ruleId: uuid('rule_id')
      .notNull()
      .references(() => distributionRules.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    weight: integer('weight').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.userId] })],
);

/**
 * The rotation state of a rule, one row per rule. Assignments lock it (SELECT … FOR UPDATE) inside the lead's
 * transaction, so two instances never pick from the same state (ADR 011).
 */
export const distributionPointers = pgTable('distribution_pointers', {
  ruleId: uuid('rule_id')
    .primaryKey()
    .references(() => distributionRules.id, { onDelete: 'cascade' }),
  workspaceId: uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  /** round_robin: the user who got the last lead. */
  lastUserId: uuid('last_user_id'),
  /** weighted: smooth weighted round-robin credits per user id. */
  credits: jsonb('credits').$type<Record<string, number>>().notNull().default({}),
  assignedCount: integer('assigned_count').notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Whether an agent takes leads: paused by themself, working hours and out-of-office days set by managers. */
export const agentAvailability = pgTable(
  'agent_availability',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    paused: boolean('paused').notNull().default(false),
    /** null: any time. */
    workingHours: jsonb('working_hours').$type<WorkingHours>(),
    outOfOffice: jsonb('out_of_office').$type<OutOfOffice>().notNull().default([]),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] })],
);

/**
 * Every change of a lead's owner by distribution (and later claims, SLA and manual moves): who, from whom, why.
 * Append-only: `assignment_counts` follows its inserts and deletes by triggers (ADR 022), so a row is never updated
 * except by the foreign keys' SET NULL.
 */
export const assignments = pgTable(
  'assignments',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    toUserId: uuid('to_user_id').references(() => users.id, { onDelete: 'set null' }),
    fromUserId: uuid('from_user_id').references(() => users.id, { onDelete: 'set null' }),
    ruleId: uuid('rule_id').references(() => distributionRules.id, { onDelete: 'set null' }),
    strategy: text('strategy'),
    byUserId: uuid('by_user_id').references(() => users.id, { onDelete: 'set null' }),
    reason: text('reason', { enum: ['rule', 'claim', 'sla', 'manual', 'existing_owner', 'fallback', 'unassigned'] }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('assignments_ws_lead_idx').on(t.workspaceId, t.leadId, t.at),
    index('assignments_ws_rule_user_idx').on(t.workspaceId, t.ruleId, t.toUserId, t.at),
    index('assignments_ws_user_idx').on(t.workspaceId, t.toUserId, t.at).where(sql`to_user_id IS NOT NULL`),
    // The workspace's assignment log, newest first (GET /distribution/assignments, ADR 030).
    index('assignments_ws_at_idx').on(t.workspaceId, t.at, t.id),
    // An agent's log also lists the leads taken from them; capture's records have no from_user_id, so it skips this.
    index('assignments_ws_from_idx').on(t.workspaceId, t.fromUserId, t.at).where(sql`from_user_id IS NOT NULL`),
    // The log's counts: records that left a lead without an owner, which assignment_counts does not hold (ADR 030).
    index('assignments_ws_ownerless_idx').on(t.workspaceId, t.at).where(sql`to_user_id IS NULL`),
  ],
);

/**
 * How many open leads (live, in no won or lost stage) each user owns, kept by triggers on `leads` and
 * `pipeline_stages` (migration 0022, ADR 022): least-loaded by open leads reads a row per member instead of
 * counting their leads on every batch.
 */
export const ownerOpenLeads = pgTable(
  'owner_open_leads',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** No foreign key: a deleted user's leads lose their owner (an UPDATE the triggers count) after the user is gone. */
    userId: uuid('user_id').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] })],
);

/** `assignment_counts.rule_key` of assignments made by no rule (manual changes of owner). */
export const NO_RULE_KEY = '00000000-0000-0000-0000-000000000000';

/**
 * How many leads each agent received per rule and per day (the workspace's local date), kept by triggers on
 * `assignments` (migration 0021, ADR 022): caps and "fewest received today" read a handful of rows here instead of
 * counting the day's or week's assignments on every batch.
 */
export const assignmentCounts = pgTable(
  'assignment_counts',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The rule that gave the leads, or NO_RULE_KEY. */
    ruleKey: uuid('rule_key').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId, t.day, t.ruleKey] })],
);

/**
 * A first-to-claim offer: the lead is offered to every available member of the rule's group at once. Claiming is
 * one conditional UPDATE (`status = 'open' AND expires_at > now AND $user = ANY(offered_to)`), so exactly one
 * member wins; an expired open offer is resolved by the distribution sweep job with the rule's fallback (ADR 012).
 */
export const leadOffers = pgTable(
  'lead_offers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    ruleId: uuid('rule_id').references(() => distributionRules.id, { onDelete: 'set null' }),
    offeredTo: uuid('offered_to').array().notNull(),
    status: text('status', { enum: ['open', 'claimed', 'expired', 'withdrawn'] }).notNull().default('open'),
    offeredAt: timestamp('offered_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    claimedBy: uuid('claimed_by').references(() => users.id, { onDelete: 'set null' }),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    /** Claimed, expired (fallback applied) or withdrawn (the lead got an owner another way). */
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('lead_offers_open_lead_key').on(t.leadId).where(sql`status = 'open'`),
    index('lead_offers_open_due_idx').on(t.expiresAt).where(sql`status = 'open'`),
    index('lead_offers_ws_open_idx').on(t.workspaceId, t.offeredAt).where(sql`status = 'open'`),
  ],
);

/**
 * Speed to lead and the SLA clock, one row per lead that was ever assigned. Each assignment resets the owner's
 * clock (`assigned_at`, `sla_due_at`, `owner_acted_at`); a trigger on `activities` stamps the first action of the
 * owner (call, message, stage change, note) in the same statement that writes it (ADR 012).
 */
export const leadSpeed = pgTable(
  'lead_speed',
  {
    leadId: uuid('lead_id')
      .primaryKey()
      .references(() => leads.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    /** The rule whose SLA applies (the rule that last assigned the lead). */
    ruleId: uuid('rule_id').references(() => distributionRules.id, { onDelete: 'set null' }),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull(),
    /** When the current owner's first action is due; null = no SLA or already acted. */
    slaDueAt: timestamp('sla_due_at', { withTimezone: true }),
    /** The current owner's first action since they got the lead. */
    ownerActedAt: timestamp('owner_acted_at', { withTimezone: true }),
    /** The first action by any owner of the lead (speed to lead); never reset. */
    firstActionAt: timestamp('first_action_at', { withTimezone: true }),
    firstActionType: text('first_action_type'),
    firstActionBy: uuid('first_action_by').references(() => users.id, { onDelete: 'set null' }),
    /** SLA reassignments so far. */
    reassignments: integer('reassignments').notNull().default(0),
  },
  (t) => [
    index('lead_speed_ws_waiting_idx').on(t.workspaceId, t.ownerId).where(sql`owner_acted_at IS NULL`),
    index('lead_speed_sla_due_idx').on(t.slaDueAt).where(sql`sla_due_at IS NOT NULL`),
    index('lead_speed_ws_first_action_idx').on(t.workspaceId, t.firstActionAt),
  ],
);

/**
 * What distribution caches per workspace (its enabled rules with their groups, member status and names, lead
 * custom fields, time zone) changes with this number: triggers on every table it reads from set it to the next
 * value of a sequence (migration 0025, ADR 025), so a number is never reused, even after a rollback. The hot path
 * reads it with the state it locks; a different number than the cache's reloads the rules. No foreign key: the
 * triggers fire while a workspace's rows are deleted with it.
 */
export const distributionVersions = pgTable('distribution_versions', {
  workspaceId: uuid('workspace_id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull(),
});
