import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.table.ts';
import { leads } from '../leads/leads.table.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/** A Facebook Page whose Lead Ads flow into a workspace. Secrets are AES-256-GCM sealed by the app's cipher. */
export const metaConnections = pgTable(
  'meta_connections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    pageId: text('page_id').notNull(),
    pageName: text('page_name'),
    appId: text('app_id').notNull(),
    appSecretSealed: text('app_secret_sealed').notNull(),
    pageTokenSealed: text('page_token_sealed').notNull(),
    verifyToken: text('verify_token').notNull(),
    status: text('status').$type<'active' | 'broken'>().notNull().default('active'),
    lastError: text('last_error'),
    lastErrorAt: timestamp('last_error_at', { withTimezone: true }),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    lastPolledAt: timestamp('last_polled_at', { withTimezone: true }),
    /** Graph said "rate limited": no lead fetch for this page before this moment. */
    throttledUntil: timestamp('throttled_until', { withTimezone: true }),
    graphBaseUrl: text('graph_base_url').notNull(),
    graphVersion: text('graph_version').notNull().default('v26.0'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('meta_connections_page_key').on(t.workspaceId, t.pageId), index('meta_connections_page_idx').on(t.pageId)],
);

/** How a lead form's answers become lead fields; forms without a row use the automatic mapping. */
export const metaFormMappings = pgTable(
  'meta_form_mappings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => metaConnections.id, { onDelete: 'cascade' }),
    formId: text('form_id').notNull(),
    name: text('name'),
    /** Meta question name → lead field (`firstName`, `emails`, …) or `custom.<key>`. */
    fieldMap: jsonb('field_map').$type<Record<string, string>>().notNull().default({}),
    pipelineId: uuid('pipeline_id'),
    stageId: uuid('stage_id'),
    source: text('source'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    /** A disabled form is not polled, and its webhook leads are recorded as `skipped`, not ingested. */
    enabled: boolean('enabled').notNull().default(true),
    /** When a poll or sync of this form last read its leads to the last page. */
    lastSyncedAt: timestamp('last_synced_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('meta_form_mappings_form_key').on(t.workspaceId, t.connectionId, t.formId)],
);

/**
 * Every leadgen notification (webhook or poll), written before it is answered: the durable inbox of lead
 * fetches, drained by the workers (claim with a lease, fetch, ingest). A crash between the answer and the
 * fetch leaves the row pending, or claimed with a lease that runs out: it is claimed again.
 */
export const metaLeadEvents = pgTable(
  'meta_lead_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => metaConnections.id, { onDelete: 'cascade' }),
    leadgenId: text('leadgen_id').notNull(),
    pageId: text('page_id').notNull(),
    formId: text('form_id'),
    adId: text('ad_id'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    /** pending → done; failed after the last retry or a permanent error; skipped when its form is disabled. */
    status: text('status').$type<'pending' | 'done' | 'failed' | 'skipped'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** When a pending event is due (now, or later after a retriable failure). */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** Claimed by a worker until then; a worker that dies lets it run out and another claims the event. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    leadId: uuid('lead_id').references(() => leads.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('meta_lead_events_leadgen_key').on(t.workspaceId, t.leadgenId),
    index('meta_lead_events_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('meta_lead_events_conn_idx').on(t.connectionId, t.status, t.updatedAt),
  ],
);

/** Every external call and every provider webhook, for the admin's integration log. Never holds tokens. */
export const integrationLog = pgTable(
  'integration_log',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    /** The Meta connection that made the call or received the webhook, when there is one. */
    connectionId: uuid('connection_id'),
    direction: text('direction').$type<'in' | 'out'>().notNull(),
    method: text('method').notNull(),
    url: text('url').notNull(),
    status: integer('status'),
    durationMs: integer('duration_ms'),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('integration_log_ws_idx').on(t.workspaceId, t.id.desc())],
);

/** Workspace-wide rules of lead capture. No row means the defaults. */
export const captureSettings = pgTable('capture_settings', {
  workspaceId: uuid('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  /** `merge`: a submission by a known person (same E.164 phone or email) goes to the existing lead. */
  duplicatePolicy: text('duplicate_policy').$type<'merge' | 'always_create'>().notNull().default('merge'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Workspace API keys for the public intake endpoint. Only a SHA-256 of the key is kept; it is shown once. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The first characters of the key, to recognise it in a list. */
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('api_keys_hash_key').on(t.keyHash), index('api_keys_ws_idx').on(t.workspaceId)],
);

/** What each idempotency key of the intake endpoint produced, so a replay answers with the same lead. */
export const intakeRequests = pgTable(
  'intake_requests',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    idempotencyKey: text('idempotency_key').notNull(),
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    outcome: text('outcome').$type<'created' | 'came_back'>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.idempotencyKey] })],
);
