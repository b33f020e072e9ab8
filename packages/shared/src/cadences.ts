import { z } from 'zod';
import { TASK_TYPES } from './tasks.ts';

const uuid = z.uuid({ message: 'Must be a UUID' });

/** One step of a cadence: a task of `type` due `dayOffset` days after the start (at `time`, or all day). */
export const cadenceStep = z.strictObject({
  dayOffset: z.int({ message: 'A whole number of days' }).min(0, { message: 'Day 0 or later' }).max(365, { message: 'At most day 365' }),
  type: z.enum(TASK_TYPES, { message: `One of: ${TASK_TYPES.join(', ')}` }),
  title: z.string().trim().min(1, { message: 'Give the step a title' }).max(200),
  /** Local time in the workspace's time zone (HH:MM); without it the task is all-day. */
  time: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'Use HH:MM, e.g. 09:30' })
    .nullable()
    .default(null),
  note: z.string().max(2000).nullable().default(null),
});
export type CadenceStep = z.infer<typeof cadenceStep>;

/** What starts a cadence by itself: a lead entering a stage of a pipeline, or a new lead from a source. */
export const cadenceTrigger = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('stage'), pipelineId: uuid, stageId: uuid }),
    z.strictObject({ kind: z.literal('source'), source: z.string().trim().min(1, { message: 'Choose a source' }).max(100) }),
  ],
  { message: 'kind is stage or source' },
);
export type CadenceTrigger = z.infer<typeof cadenceTrigger>;

const stepsField = z
  .array(cadenceStep)
  .min(1, { message: 'A cadence needs at least one step' })
  .max(20, { message: 'At most 20 steps' })
  .superRefine((steps, ctx) => {
    // Steps run in order: each one's day comes after the previous one's (no two on the same day).
    steps.forEach((s, i) => {
      const prev = steps[i - 1];
      if (prev && s.dayOffset <= prev.dayOffset) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'dayOffset'],
          message: s.dayOffset === prev.dayOffset ? `Day ${s.dayOffset} is already step ${i}` : `Steps must be in day order: day ${s.dayOffset} comes after day ${prev.dayOffset}`,
        });
      }
    });
  });

const triggersField = z
  .array(cadenceTrigger)
  .max(20, { message: 'At most 20 triggers' })
  .superRefine((triggers, ctx) => {
    const seen = new Set<string>();
    triggers.forEach((t, i) => {
      const key = t.kind === 'stage' ? `stage:${t.stageId}` : `source:${t.source.toLowerCase()}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i], message: 'This trigger is already listed' });
      seen.add(key);
    });
  });

export const createCadenceRequest = z.strictObject({
  name: z.string().trim().min(1, { message: 'Name the cadence' }).max(100),
  steps: stepsField,
  triggers: triggersField.default([]),
});

export const updateCadenceRequest = z.strictObject({
  name: createCadenceRequest.shape.name.optional(),
  steps: stepsField.optional(),
  triggers: triggersField.optional(),
  version: z.int().min(1).optional(),
});

export const cadenceItem = z.object({
  id: z.string(),
  name: z.string(),
  steps: z.array(
    z.object({ dayOffset: z.number(), type: z.enum(TASK_TYPES), title: z.string(), time: z.string().nullable(), note: z.string().nullable() }),
  ),
  triggers: z.array(
    z.union([
      z.object({ kind: z.literal('stage'), pipelineId: z.string(), stageId: z.string(), pipelineName: z.string().optional(), stageName: z.string().optional() }),
      z.object({ kind: z.literal('source'), source: z.string() }),
    ]),
  ),
  activeLeads: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type CadenceItem = z.infer<typeof cadenceItem>;
export const cadenceList = z.object({ items: z.array(cadenceItem) });

export const enrollRequest = z.strictObject({ cadenceId: uuid });

export const ENROLLMENT_STATUSES = ['active', 'completed', 'stopped'] as const;
export const STOP_REASONS = ['won', 'lost', 'replied', 'user', 'deleted'] as const;

/** One attempt of a cadence: the task of a step, with its status and outcome. */
export const cadenceAttempt = z.object({
  step: z.number(),
  taskId: z.string(),
  title: z.string(),
  type: z.enum(TASK_TYPES),
  status: z.enum(['open', 'done']),
  dueAt: z.string(),
  allDay: z.boolean(),
  outcome: z.string().nullable(),
  note: z.string().nullable(),
  completedAt: z.string().nullable(),
});

export const enrollmentItem = z.object({
  id: z.string(),
  cadenceId: z.string(),
  name: z.string(),
  status: z.enum(ENROLLMENT_STATUSES),
  /** 1-based tier the lead is in ("tier 2 of 4"). */
  tier: z.number(),
  tiers: z.number(),
  trigger: z.string(),
  startedAt: z.string(),
  startedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  endedAt: z.string().nullable(),
  stopReason: z.enum(STOP_REASONS).nullable(),
  attempts: z.array(cadenceAttempt),
});
export type EnrollmentItem = z.infer<typeof enrollmentItem>;

/** GET /leads/:id/cadences: the active enrollments first, then the ended ones, newest first. */
export const leadCadences = z.object({ active: z.array(enrollmentItem), history: z.array(enrollmentItem) });
export type LeadCadences = z.infer<typeof leadCadences>;
