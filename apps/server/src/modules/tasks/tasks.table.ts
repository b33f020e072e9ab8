import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { TaskRecurrence } from '@leadflow/shared/tasks';
import { users } from '../accounts/accounts.table.ts';
import { leads } from '../leads/leads.table.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/** A task (call, follow-up, meeting, ...) for one assignee, optionally about a lead or client. */
export const tasks = pgTable(
  'tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    type: text('type').notNull(),
    priority: text('priority').notNull().default('normal'),
    status: text('status', { enum: ['open', 'done'] }).notNull().default('open'),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    allDay: boolean('all_day').notNull().default(false),
    /** Reminder moments; each is a pg-boss job keyed by task and moment (fires once), checked against this list when it runs. */
    reminders: timestamp('reminders', { withTimezone: true }).array().notNull().default(sql`'{}'::timestamptz[]`),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    leadId: uuid('lead_id').references(() => leads.id, { onDelete: 'cascade' }),
    description: text('description'),
    checklist: jsonb('checklist').$type<{ text: string; done: boolean }[]>().notNull().default([]),
    outcome: text('outcome'),
    outcomeNote: text('outcome_note'),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    completedBy: uuid('completed_by').references(() => users.id, { onDelete: 'set null' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
    /** How the task repeats (normalised rule, ADR 017); completing an occurrence creates the next one. */
    recurrence: jsonb('recurrence').$type<TaskRecurrence>(),
    /** The first occurrence of a recurring series (itself for the first); null when the task does not repeat. */
    seriesId: uuid('series_id'),
    /** 1 for the first occurrence of a series. */
    occurrence: integer('occurrence').notNull().default(1),
    /** The occurrence created when this one was completed: set once, so completing it again (after a reopen) creates no other. */
    nextTaskId: uuid('next_task_id'),
    /** The cadence enrollment (lead_cadences.id) and step (0-based) this task is an attempt of. */
    enrollmentId: uuid('enrollment_id'),
    cadenceStep: integer('cadence_step'),
    /** Production board (ADR 021): the open column the task is in (to do, doing, review); kept while it is done, so a reopen puts it back. */
    boardColumn: text('board_column', { enum: ['todo', 'doing', 'review'] }).notNull().default('todo'),
    /** The column shown: done exactly while the task is done, whatever path completed it; otherwise board_column. */
    boardLane: text('board_lane', { enum: ['todo', 'doing', 'review', 'done'] })
      .notNull()
      .generatedAlwaysAs(sql`CASE WHEN status = 'done' THEN 'done' ELSE board_column END`),
    /** Order within the lane (sparse integers, ADR 009/021); new tasks get minus their creation time in ms, so they land on top. */
    boardPosition: bigint('board_position', { mode: 'number' })
      .notNull()
      .default(sql`(-(extract(epoch from clock_timestamp()) * 1000))::bigint`),
  },
  (t) => [
    // "My tasks" queues: open tasks of one assignee by due time.
    index('tasks_ws_assignee_open_due_idx').on(t.workspaceId, t.assigneeId, t.dueAt, t.id).where(sql`status = 'open'`),
    index('tasks_ws_open_due_idx').on(t.workspaceId, t.dueAt, t.id).where(sql`status = 'open'`),
    index('tasks_ws_lead_idx').on(t.workspaceId, t.leadId).where(sql`lead_id IS NOT NULL`),
    index('tasks_ws_done_idx').on(t.workspaceId, t.assigneeId, t.completedAt).where(sql`status = 'done'`),
    index('tasks_enrollment_idx').on(t.enrollmentId, t.cadenceStep).where(sql`enrollment_id IS NOT NULL`),
    // Production board columns: one index scan per lane, in board order.
    index('tasks_production_board_idx').on(t.workspaceId, t.boardLane, t.boardPosition, t.id).where(sql`type = 'production'`),
    check('tasks_board_column_check', sql`board_column IN ('todo', 'doing', 'review')`),
  ],
);

/** A comment on a task; `@[Name](user:id)` mentions notify the member. */
export const taskComments = pgTable(
  'task_comments',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    mentions: uuid('mentions').array().notNull().default(sql`'{}'::uuid[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('task_comments_task_idx').on(t.workspaceId, t.taskId, t.id)],
);
