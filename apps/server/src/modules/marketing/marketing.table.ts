import { sql } from 'drizzle-orm';
import { date, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.table.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/**
 * Where leads come from, as a workspace list the lead form offers. A lead keeps its source as text (`leads.source`)
 * so imports and integrations can write any value; word-of-mouth sources list sub-types ("Family", "Doctor")
 * that go to `leads.source_detail`.
 */
export const leadSources = pgTable(
  'lead_sources',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['paid', 'organic', 'referral', 'word_of_mouth', 'event', 'other'] }).notNull().default('other'),
    subtypes: text('subtypes').array().notNull().default(sql`'{}'::text[]`),
    position: integer('position').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('lead_sources_ws_name_key').on(t.workspaceId, sql`lower(${t.name})`)],
);

/** Fairs, talks, open houses: a lead can come from one (`leads.event_id`, a foreign key within the workspace). */
export const marketingEvents = pgTable(
  'marketing_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Calendar day of the event (in the workspace's time zone). */
    eventDate: date('event_date', { mode: 'string' }),
    place: text('place'),
    notes: text('notes'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
  },
  (t) => [
    index('marketing_events_ws_date_idx').on(t.workspaceId, t.eventDate.desc()),
    // Target of the workspace-scoped foreign key leads(workspace_id, event_id).
    uniqueIndex('marketing_events_ws_id_key').on(t.workspaceId, t.id),
  ],
);

/** Tags a workspace offers in the lead form (leads keep tags as text); presets fill it with the trade's usual ones. */
export const workspaceTags = pgTable(
  'workspace_tags',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    color: text('color').notNull().default('gray'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('workspace_tags_ws_name_key').on(t.workspaceId, sql`lower(${t.name})`)],
);
