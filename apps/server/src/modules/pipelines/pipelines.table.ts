import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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
  ],
);
