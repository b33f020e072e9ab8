import { z } from 'zod';
import { isoDateTime as isoDateTimeIn, isoDay } from './dates.ts';

export const TASK_TYPES = ['call', 'follow_up', 'meeting', 'email', 'whatsapp', 'todo', 'production'] as const;
export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TASK_QUEUES = ['overdue', 'today', 'upcoming', 'open', 'done', 'all'] as const;
export type TaskQueue = (typeof TASK_QUEUES)[number];

const isoDateTime = isoDateTimeIn();

export const checklistItem = z.strictObject({
  text: z.string().trim().min(1, { message: 'Write the item' }).max(200),
  done: z.boolean().default(false),
});

export const RECURRENCE_FREQUENCIES = ['daily', 'weekly', 'monthly', 'custom'] as const;
export const RECURRENCE_UNITS = ['day', 'week', 'month'] as const;

/**
 * How a task repeats: daily, weekly (on chosen weekdays, 0 = Sunday), monthly (on a day of the month, the last day
 * when the month is shorter) or custom (every `interval` days, weeks or months); optionally until a date (in the
 * workspace's time zone) or for `count` occurrences in all. Completing an occurrence creates the next (ADR 017).
 */
export const recurrenceRule = z
  .strictObject({
    frequency: z.enum(RECURRENCE_FREQUENCIES, { message: `One of: ${RECURRENCE_FREQUENCIES.join(', ')}` }),
    interval: z.int({ message: 'A whole number' }).min(1, { message: 'At least 1' }).max(365, { message: 'At most 365' }).default(1),
    unit: z.enum(RECURRENCE_UNITS, { message: `One of: ${RECURRENCE_UNITS.join(', ')}` }).nullable().default(null),
    weekdays: z
      .array(z.int().min(0, { message: '0 (Sunday) to 6 (Saturday)' }).max(6, { message: '0 (Sunday) to 6 (Saturday)' }))
      .max(7)
      .nullable()
      .default(null),
    monthDay: z.int().min(1, { message: '1 to 31' }).max(31, { message: '1 to 31' }).nullable().default(null),
    until: isoDay('Use a date, e.g. 2027-03-31').nullable().default(null),
    count: z.int().min(2, { message: 'At least 2 occurrences' }).max(1000, { message: 'At most 1000 occurrences' }).nullable().default(null),
  })
  .superRefine((r, ctx) => {
    if (r.frequency === 'custom' && !r.unit) ctx.addIssue({ code: 'custom', path: ['unit'], message: 'Choose days, weeks or months' });
    if (r.frequency !== 'custom' && r.unit) ctx.addIssue({ code: 'custom', path: ['unit'], message: 'Only a custom rule has a unit' });
    if (r.frequency !== 'custom' && r.interval !== 1) ctx.addIssue({ code: 'custom', path: ['interval'], message: 'Use a custom rule to repeat every few days, weeks or months' });
    const unit = r.frequency === 'custom' ? r.unit : r.frequency === 'daily' ? 'day' : r.frequency === 'weekly' ? 'week' : 'month';
    if (r.weekdays && unit !== 'week') ctx.addIssue({ code: 'custom', path: ['weekdays'], message: 'Weekdays are for weekly rules' });
    if (r.weekdays && !r.weekdays.length) ctx.addIssue({ code: 'custom', path: ['weekdays'], message: 'Choose at least one weekday' });
    if (r.monthDay && unit !== 'month') ctx.addIssue({ code: 'custom', path: ['monthDay'], message: 'A day of the month is for monthly rules' });
    if (r.until && r.count) ctx.addIssue({ code: 'custom', path: ['count'], message: 'End on a date or after a number of occurrences, not both' });
  });
export type RecurrenceRuleInput = z.input<typeof recurrenceRule>;

/** The rule as stored and returned: unit always set, weekdays and month day filled from the first due date. */
export type TaskRecurrence = {
  frequency: (typeof RECURRENCE_FREQUENCIES)[number];
  unit: (typeof RECURRENCE_UNITS)[number];
  interval: number;
  weekdays: number[] | null;
  monthDay: number | null;
  until: string | null;
  count: number | null;
  /** Wall-clock time (HH:MM:SS, workspace zone) of the series, so a time moved by a DST gap does not drift. */
  time: string;
};

const recurrenceItem = z.object({
  frequency: z.enum(RECURRENCE_FREQUENCIES),
  unit: z.enum(RECURRENCE_UNITS),
  interval: z.number(),
  weekdays: z.array(z.number()).nullable(),
  monthDay: z.number().nullable(),
  until: z.string().nullable(),
  count: z.number().nullable(),
  time: z.string(),
});

const taskFields = {
  title: z.string().trim().min(1, { message: 'Give the task a title' }).max(200),
  type: z.enum(TASK_TYPES, { message: `One of: ${TASK_TYPES.join(', ')}` }),
  priority: z.enum(TASK_PRIORITIES, { message: `One of: ${TASK_PRIORITIES.join(', ')}` }),
  /** When it is due; for an all-day task, any time of that day in the assignee's time zone (stored as its start). */
  dueAt: isoDateTime,
  allDay: z.boolean(),
  /** Moments to remind the assignee (in-app, desktop, email as they chose); none after the due time. */
  reminders: z.array(isoDateTime).max(5, { message: 'At most 5 reminders' }),
  /** Default: the member creating it. Someone else needs tasks.view_all (managers). */
  assigneeId: z.uuid({ message: 'Must be a UUID' }),
  /** The lead or client it is about; the creator must be allowed to see it. */
  leadId: z.uuid({ message: 'Must be a UUID' }).nullable(),
  description: z.string().max(10_000).nullable(),
  checklist: z.array(checklistItem).max(50, { message: 'At most 50 checklist items' }),
  /** null: does not repeat. */
  recurrence: recurrenceRule.nullable(),
};

export const createTaskRequest = z.strictObject({
  ...taskFields,
  type: taskFields.type.default('todo'),
  priority: taskFields.priority.default('normal'),
  allDay: taskFields.allDay.default(false),
  reminders: taskFields.reminders.default([]),
  assigneeId: taskFields.assigneeId.optional(),
  leadId: taskFields.leadId.default(null),
  description: taskFields.description.default(null),
  checklist: taskFields.checklist.default([]),
  recurrence: taskFields.recurrence.default(null),
});

/** Only what changes; `version` (from the task read) refuses a stale edit with 409. */
export const updateTaskRequest = z.strictObject({
  title: taskFields.title.optional(),
  type: taskFields.type.optional(),
  priority: taskFields.priority.optional(),
  dueAt: taskFields.dueAt.optional(),
  allDay: taskFields.allDay.optional(),
  reminders: taskFields.reminders.optional(),
  assigneeId: taskFields.assigneeId.optional(),
  leadId: taskFields.leadId.optional(),
  description: taskFields.description.optional(),
  checklist: taskFields.checklist.optional(),
  recurrence: taskFields.recurrence.optional(),
  version: z.int().min(1).optional(),
});

export const completeTaskRequest = z.strictObject({
  outcome: z.string().trim().min(1, { message: 'Say how it went' }).max(100),
  note: z.string().max(5000).nullable().default(null),
});

export const taskItem = z.object({
  id: z.string(),
  title: z.string(),
  type: z.enum(TASK_TYPES),
  priority: z.enum(TASK_PRIORITIES),
  status: z.enum(['open', 'done']),
  dueAt: z.string(),
  allDay: z.boolean(),
  reminders: z.array(z.string()),
  assignee: z.object({ id: z.string(), name: z.string() }).nullable(),
  lead: z.object({ id: z.string(), name: z.string() }).nullable(),
  description: z.string().nullable(),
  checklist: z.array(z.object({ text: z.string(), done: z.boolean() })),
  outcome: z.string().nullable(),
  outcomeNote: z.string().nullable(),
  completedAt: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
  recurrence: recurrenceItem.nullable(),
  /** Occurrence number in its series (1 for the first or a task that does not repeat). */
  occurrence: z.number(),
  seriesId: z.string().nullable(),
  /** The cadence step this task is an attempt of. */
  cadence: z.object({ enrollmentId: z.string(), step: z.number() }).nullable(),
});
export type TaskItem = z.infer<typeof taskItem>;

/** The widest calendar range one GET /tasks may ask for. */
export const MAX_RANGE_DAYS = 100;

/**
 * GET /tasks: a queue of open tasks (overdue; today = due before the end of today in my time zone; upcoming) or done
 * tasks; mine by default, `assigneeId` (or `scope=team`) for managers with tasks.view_all.
 */
export const taskListQuery = z
  .strictObject({
    queue: z.enum(TASK_QUEUES, { message: `One of: ${TASK_QUEUES.join(', ')}` }).default('open'),
    scope: z.enum(['mine', 'team']).default('mine'),
    assigneeId: z.uuid({ message: 'Must be a UUID' }).optional(),
    type: z.enum(TASK_TYPES).optional(),
    priority: z.enum(TASK_PRIORITIES).optional(),
    leadId: z.uuid({ message: 'Must be a UUID' }).optional(),
    limit: z.coerce.number().int().min(1, { message: 'At least 1' }).max(200, { message: 'At most 200' }).default(50),
    cursor: z.string().max(200).optional(),
    /** Calendar range: only tasks due at or after `from` and before `to` (at most 100 days apart). */
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
  })
  .superRefine((q, ctx) => {
    if (!q.from !== !q.to) ctx.addIssue({ code: 'custom', path: [q.from ? 'to' : 'from'], message: 'Give both from and to' });
    if (q.from && q.to) {
      const span = new Date(q.to).getTime() - new Date(q.from).getTime();
      if (span <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'Must be after from' });
      else if (span > MAX_RANGE_DAYS * 86_400_000) ctx.addIssue({ code: 'custom', path: ['to'], message: `At most ${MAX_RANGE_DAYS} days after from` });
    }
  });

export const taskList = z.object({ items: z.array(taskItem), nextCursor: z.string().nullable() });

export const taskCommentRequest = z.strictObject({
  /** Markdown; `@[Name](user:<id>)` mentions a member, who is notified. */
  body: z.string().trim().min(1, { message: 'Write a comment' }).max(5000, { message: 'At most 5000 characters' }),
});

export const taskComment = z.object({
  id: z.string(),
  taskId: z.string(),
  body: z.string(),
  author: z.object({ id: z.string(), name: z.string() }).nullable(),
  mentions: z.array(z.string()),
  createdAt: z.string(),
});
export type TaskComment = z.infer<typeof taskComment>;
export const taskCommentList = z.object({ items: z.array(taskComment) });
