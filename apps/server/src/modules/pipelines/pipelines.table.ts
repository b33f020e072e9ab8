import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.table.ts';

export const pipelines = pgTable(
  'pipelines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    position: integer('position').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
  },
  (t) => [index('pipelines_ws_idx').on(t.workspaceId)],
);

export const pipelineStages = pgTable(
  'pipeline_stages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    pipelineId: uuid('pipeline_id')
      .notNull()
      .references(() => pipelines.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** open: still being worked; won: became a client; lost: needs a lost reason. */
    kind: text('kind', { enum: ['open', 'won', 'lost'] }).notNull().default('open'),
    /**
     * Stable category whatever the name (imports, reports): new, in_contact or qualified for open stages,
     * converted for won, lost for lost (a CHECK keeps it in line with the kind).
     */
    status: text('status', { enum: ['new', 'in_contact', 'qualified', 'converted', 'lost'] }).notNull().default('in_contact'),
    position: integer('position').notNull(),
    color: text('color').notNull().default('gray'),
    /** Days without activity after which a card is flagged as rotting; null = never. */
    rottingDays: integer('rotting_days'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
  },
  (t) => [
    index('pipeline_stages_pipeline_idx').on(t.pipelineId, t.position),
    uniqueIndex('pipeline_stages_ws_id_key').on(t.workspaceId, t.id),
    // One active stage of a name per pipeline, whatever the case; archived ones may share it.
    check(
      'pipeline_stages_status_kind_check',
      sql`(kind = 'open' AND status IN ('new', 'in_contact', 'qualified')) OR (kind = 'won' AND status = 'converted') OR (kind = 'lost' AND status = 'lost')`,
    ),
    uniqueIndex('pipeline_stages_active_name_key').on(t.pipelineId, sql`lower(${t.name})`).where(sql`archived_at IS NULL`),
  ],
);

/** Why leads are lost: a workspace-defined, ordered list offered when a card moves to a lost stage. */
export const lostReasons = pgTable(
  'lost_reasons',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    position: integer('position').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
  },
  (t) => [
    index('lost_reasons_ws_idx').on(t.workspaceId, t.position),
    uniqueIndex('lost_reasons_active_name_key').on(t.workspaceId, sql`lower(${t.name})`).where(sql`archived_at IS NULL`),
  ],
);
