import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { CadenceStep, CadenceTrigger } from '@leadflow/shared/cadences';
import { users } from '../accounts/accounts.table.ts';
import { leads } from '../leads/leads.table.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/** A follow-up cadence: ordered steps (day offset, task type, title, time), started by triggers or by hand (ADR 017). */
export const cadences = pgTable(
  'cadences',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    steps: jsonb('steps').$type<CadenceStep[]>().notNull(),
    triggers: jsonb('triggers').$type<CadenceTrigger[]>().notNull().default([]),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Deleted cadences are archived: their enrollments (follow-up history) stay. */
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('cadences_ws_idx').on(t.workspaceId, t.name).where(sql`archived_at IS NULL`)],
);

/** A lead in a cadence: the steps as they were when it started, the current step, and how it ended. */
export const leadCadences = pgTable(
  'lead_cadences',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    cadenceId: uuid('cadence_id')
      .notNull()
      .references(() => cadences.id, { onDelete: 'cascade' }),
    cadenceName: text('cadence_name').notNull(),
    steps: jsonb('steps').$type<CadenceStep[]>().notNull(),
    status: text('status', { enum: ['active', 'completed', 'stopped'] }).notNull().default('active'),
    /** 0-based index of the step whose task is open (or was the last one). */
    currentStep: integer('current_step').notNull().default(0),
    /** What started it: 'manual', 'source', or 'stage:<activity id or created>' (one enrollment per stage entry). */
    trigger: text('trigger').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    startedBy: uuid('started_by').references(() => users.id, { onDelete: 'set null' }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    stopReason: text('stop_reason'),
    stoppedBy: uuid('stopped_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    // One active enrollment per lead and cadence: applying it again is a no-op.
    uniqueIndex('lead_cadences_one_active_idx').on(t.leadId, t.cadenceId).where(sql`status = 'active'`),
    // A trigger fires once per cause (the same stage entry or source never enrolls twice).
    uniqueIndex('lead_cadences_trigger_idx').on(t.leadId, t.cadenceId, t.trigger).where(sql`trigger <> 'manual'`),
    index('lead_cadences_ws_lead_idx').on(t.workspaceId, t.leadId, t.startedAt),
  ],
);
