import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigserial,
  boolean,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.table.ts';
import { marketingEvents } from '../marketing/marketing.table.ts';
import { pipelineStages, pipelines } from '../pipelines/pipelines.table.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';
import { NAME_SEARCH_SQL } from './search-text.ts';

export type LeadPhone = { raw: string; e164: string | null; label?: string | undefined };

export const leads = pgTable(
  'leads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    firstName: text('first_name'),
    lastName: text('last_name'),
    company: text('company'),
    /** Phones as typed, with their E.164 form when the number is valid. */
    phones: jsonb('phones').$type<LeadPhone[]>().notNull().default([]),
    /** E.164 numbers only: exact match for duplicate detection (GIN). */
    phoneE164: text('phone_e164').array().notNull().default(sql`'{}'::text[]`),
    emails: text('emails').array().notNull().default(sql`'{}'::text[]`),
    source: text('source'),
    /** Sub-type of the source, e.g. "Doctor" for the word-of-mouth source (lead_sources.subtypes). */
    sourceDetail: text('source_detail'),
    /** The marketing event the lead came from; a foreign key within the workspace (leads_event_fk). */
    eventId: uuid('event_id'),
    /** Set when the lead came as a referral: regular or interim (a temporary referral, e.g. respite care). */
    referralType: text('referral_type', { enum: ['regular', 'interim'] }),
    /** Who referred it: a client (a lead) or one of a client's contacts. Checked against the workspace by the service. */
    referredByLeadId: uuid('referred_by_lead_id').references((): AnyPgColumn => leads.id, { onDelete: 'set null' }),
    referredByContactId: uuid('referred_by_contact_id').references((): AnyPgColumn => leadContacts.id, { onDelete: 'set null' }),
    referredAt: timestamp('referred_at', { withTimezone: true }),
    campaign: text('campaign'),
    city: text('city'),
    state: text('state'),
    country: text('country'),
    zip: text('zip'),
    timeZone: text('time_zone'),
    /** The language the lead speaks, a BCP 47 tag (`en`, `pt-BR`) as `parseLanguage` reads it (ADR 033). */
    language: text('language'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    pipelineId: uuid('pipeline_id').references(() => pipelines.id),
    stageId: uuid('stage_id').references(() => pipelineStages.id),
    /** Order of the card inside its board column (lower first). */
    stagePosition: integer('stage_position').notNull().default(0),
    score: integer('score'),
    nextFollowUpAt: timestamp('next_follow_up_at', { withTimezone: true }),
    lostReason: text('lost_reason'),
    /**
     * When the lead became a client: set when it enters a won stage, cleared when it leaves every won stage
     * (ADR 009). Non-null exactly while the lead sits in a won stage.
     */
    clientSince: timestamp('client_since', { withTimezone: true }),
    custom: jsonb('custom').$type<Record<string, unknown>>().notNull().default({}),
    /** Where the lead came in: manual, import, api, web_form, meta, whatsapp. */
    origin: text('origin').notNull().default('manual'),
    /** Id in the system it came from (Meta leadgen id, import row key): unique per workspace and origin. */
    externalId: text('external_id'),
    /** Optimistic concurrency: every update must name the version it read. */
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true }).notNull().defaultNow(),
    /** Last time a known person submitted again through a capture channel (Meta, web form, intake API). */
    cameBackAt: timestamp('came_back_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    deletedBy: uuid('deleted_by').references(() => users.id, { onDelete: 'set null' }),
    /** Name and company without case or accents (search-text.ts) for trigram (fragment, typo) search. */
    nameSearch: text('name_search').notNull().generatedAlwaysAs(sql.raw(NAME_SEARCH_SQL)),
    /** Digits of every phone (E.164 and national forms) so a number typed in any format matches. Kept by the repository. */
    phoneSearch: text('phone_search').notNull().default(''),
    /** Lower-cased emails joined by spaces, for fragment search. Kept by the repository. */
    emailSearch: text('email_search').notNull().default(''),
  },
  (t) => [
    index('leads_ws_created_idx').on(t.workspaceId, t.createdAt.desc(), t.id.desc()).where(sql`deleted_at IS NULL`),
    index('leads_ws_owner_created_idx').on(t.workspaceId, t.ownerId, t.createdAt.desc(), t.id.desc()).where(sql`deleted_at IS NULL`),
    // Board columns: cards in order (position, then id as the tie-break and keyset), counts per stage.
    index('leads_ws_stage_pos_idx').on(t.workspaceId, t.stageId, t.stagePosition, t.id).where(sql`deleted_at IS NULL`),
    // The Clients list, newest clients first.
    index('leads_ws_client_since_idx').on(t.workspaceId, t.clientSince.desc(), t.id.desc()).where(sql`client_since IS NOT NULL AND deleted_at IS NULL`),
    index('leads_ws_updated_idx').on(t.workspaceId, t.updatedAt.desc(), t.id.desc()).where(sql`deleted_at IS NULL`),
    // Sorts people use most: ORDER BY <column> DESC NULLS LAST, id DESC NULLS LAST reads the index forwards;
    // ascending pages read it backwards (lead-list.repository.ts splits nullable keys into non-null and null parts).
    index('leads_ws_score_idx').on(t.workspaceId, t.score.desc(), t.id.desc()).where(sql`deleted_at IS NULL`),
    index('leads_ws_follow_up_idx').on(t.workspaceId, t.nextFollowUpAt.desc(), t.id.desc()).where(sql`deleted_at IS NULL`),
    index('leads_ws_last_activity_idx').on(t.workspaceId, t.lastActivityAt.desc(), t.id.desc()).where(sql`deleted_at IS NULL`),
    index('leads_ws_came_back_idx').on(t.workspaceId, t.cameBackAt.desc(), t.id.desc()).where(sql`came_back_at IS NOT NULL AND deleted_at IS NULL`),
    index('leads_ws_deleted_idx').on(t.workspaceId, t.deletedAt).where(sql`deleted_at IS NOT NULL`),
    index('leads_name_trgm_idx').using('gin', t.nameSearch.op('gin_trgm_ops')),
    index('leads_phone_trgm_idx').using('gin', t.phoneSearch.op('gin_trgm_ops')),
    index('leads_email_trgm_idx').using('gin', t.emailSearch.op('gin_trgm_ops')),
    index('leads_phone_e164_idx').using('gin', t.phoneE164),
    index('leads_emails_idx').using('gin', t.emails),
    index('leads_tags_idx').using('gin', t.tags),
    uniqueIndex('leads_external_key').on(t.workspaceId, t.origin, t.externalId),
    foreignKey({ name: 'leads_event_fk', columns: [t.workspaceId, t.eventId], foreignColumns: [marketingEvents.workspaceId, marketingEvents.id] }),
    index('leads_ws_event_idx').on(t.workspaceId, t.eventId).where(sql`event_id IS NOT NULL AND deleted_at IS NULL`),
    index('leads_ws_referrer_idx').on(t.workspaceId, t.referredByLeadId).where(sql`referred_by_lead_id IS NOT NULL`),
    index('leads_ws_referrer_contact_idx').on(t.workspaceId, t.referredByContactId).where(sql`referred_by_contact_id IS NOT NULL`),
  ],
);

export const leadContacts = pgTable(
  'lead_contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    role: text('role'),
    phoneRaw: text('phone_raw'),
    phoneE164: text('phone_e164'),
    email: text('email'),
    linkedin: text('linkedin'),
    position: integer('position').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('lead_contacts_lead_idx').on(t.leadId)],
);

/**
 * One timeline for everything that happens to a lead. Later modules (messages, calls, tasks, assignments)
 * add their own `type`s here instead of their own timelines.
 */
export const activities = pgTable(
  'activities',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    /** Users @mentioned in a note, for notifications. */
    mentions: uuid('mentions').array().notNull().default(sql`'{}'::uuid[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }),
  },
  (t) => [index('activities_lead_idx').on(t.leadId, t.id.desc())],
);

export const savedViews = pgTable(
  'saved_views',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Shared views are visible to the whole workspace; private ones to their owner. */
    shared: boolean('shared').notNull().default(false),
    query: jsonb('query').$type<Record<string, unknown>>().notNull(),
    columns: text('columns').array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('saved_views_ws_idx').on(t.workspaceId)],
);
