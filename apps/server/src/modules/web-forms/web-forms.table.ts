import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.table.ts';
import { leads } from '../leads/leads.table.ts';
import { pipelineStages } from '../pipelines/pipelines.table.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

export type WebFormFieldRow = { key: string; label: string; required: boolean; placeholder: string | null };

/** A lead capture form an admin built: what it asks, what it says, and where its leads go. */
export const webForms = pgTable(
  'web_forms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** Unguessable id in the public addresses (/f/<publicId>), unique across workspaces. */
    publicId: text('public_id').notNull(),
    name: text('name').notNull(),
    title: text('title'),
    intro: text('intro'),
    /** In display order. */
    fields: jsonb('fields').$type<WebFormFieldRow[]>().notNull(),
    consentText: text('consent_text'),
    submitLabel: text('submit_label'),
    successMessage: text('success_message'),
    redirectUrl: text('redirect_url'),
    source: text('source'),
    campaign: text('campaign'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    stageId: uuid('stage_id').references(() => pipelineStages.id, { onDelete: 'set null' }),
    active: boolean('active').notNull().default(true),
    allowedOrigins: text('allowed_origins').array().notNull().default(sql`'{}'::text[]`),
    minSecondsToSubmit: integer('min_seconds_to_submit').notNull().default(3),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('web_forms_public_key').on(t.publicId), index('web_forms_ws_idx').on(t.workspaceId, t.createdAt)],
);

export type WebFormAttribution = {
  utmSource?: string;
  utmMedium?: string;
  utmCampaign?: string;
  utmTerm?: string;
  utmContent?: string;
  pageUrl?: string;
  referrer?: string;
};

/**
 * Every accepted submission. The nonce of the page's form token is unique per form, so a double-click or a
 * replayed token never makes a second lead or a second "came back".
 */
export const webFormSubmissions = pgTable(
  'web_form_submissions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    formId: uuid('form_id')
      .notNull()
      .references(() => webForms.id, { onDelete: 'cascade' }),
    nonce: text('nonce').notNull(),
    leadId: uuid('lead_id').references(() => leads.id, { onDelete: 'set null' }),
    outcome: text('outcome').$type<'created' | 'came_back'>(),
    /** Field label → the answer as text, for people reading it later. */
    answers: jsonb('answers').$type<Record<string, string>>().notNull().default({}),
    attribution: jsonb('attribution').$type<WebFormAttribution>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('web_form_submissions_nonce_key').on(t.formId, t.nonce),
    index('web_form_submissions_form_idx').on(t.workspaceId, t.formId, t.createdAt.desc()),
    index('web_form_submissions_lead_idx').on(t.leadId),
  ],
);

/** Submissions per client address per form in the current one-minute window (the address is kept hashed). */
export const webFormThrottle = pgTable(
  'web_form_throttle',
  {
    formId: uuid('form_id')
      .notNull()
      .references(() => webForms.id, { onDelete: 'cascade' }),
    clientKey: text('client_key').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    hits: integer('hits').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.formId, t.clientKey] }), index('web_form_throttle_window_idx').on(t.windowStart)],
);
