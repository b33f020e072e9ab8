import { z } from 'zod';

export const STAGE_KINDS = ['open', 'won', 'lost'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

/**
 * A stable category for every stage, whatever its name: what imports from other systems map to and what reports
 * group by. Open stages are new, in_contact or qualified; a won stage is converted; a lost stage is lost.
 */
export const STAGE_STATUSES = ['new', 'in_contact', 'qualified', 'converted', 'lost'] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];
export const OPEN_STAGE_STATUSES = ['new', 'in_contact', 'qualified'] as const;

/** The statuses a stage of a kind may have (the first is the default). */
export function statusesForKind(kind: StageKind): readonly StageStatus[] {
  if (kind === 'won') return ['converted'];
  if (kind === 'lost') return ['lost'];
  return OPEN_STAGE_STATUSES;
}

/** Mantine colour names the board and settings use. */
export const STAGE_COLORS = ['gray', 'red', 'pink', 'grape', 'violet', 'indigo', 'blue', 'cyan', 'teal', 'green', 'lime', 'yellow', 'orange'] as const;

export const pipelineStage = z.object({
  id: z.string(),
  name: z.string(),
  /** open: still being worked; won: became a client; lost: needs a lost reason. */
  kind: z.enum(STAGE_KINDS),
  /** Stable category (new, in_contact, qualified for open stages; converted for won; lost for lost). */
  status: z.enum(STAGE_STATUSES),
  position: z.number().int(),
  color: z.string(),
  /** Days without activity after which a card is flagged as rotting; null = never. */
  rottingDays: z.number().int().nullable(),
  /** Set on archived stages (listed only with includeArchived=true). */
  archivedAt: z.string().nullable(),
  /** Leads (not in the trash) in the stage; only with withCounts=true. */
  leadCount: z.number().int().optional(),
});
export type PipelineStage = z.infer<typeof pipelineStage>;

export const pipeline = z.object({
  id: z.string(),
  name: z.string(),
  position: z.number().int(),
  archivedAt: z.string().nullable(),
  stages: z.array(pipelineStage),
});
export type Pipeline = z.infer<typeof pipeline>;

export const pipelineList = z.object({ pipelines: z.array(pipeline) });

export const pipelineListParams = z.object({
  /** Also archived pipelines and stages (settings, to restore them). */
  includeArchived: z.enum(['true', 'false']).optional(),
  /** Count the leads of every stage (settings: archiving a stage with leads asks where they go). */
  withCounts: z.enum(['true', 'false']).optional(),
});

const name = (what: string) =>
  z
    .string({ message: `${what} is required` })
    .trim()
    .min(1, `${what} is required`)
    .max(60, `${what} is too long (at most 60 characters)`);
const stageColor = z.enum(STAGE_COLORS, { message: `Use one of the colours ${STAGE_COLORS.join(', ')}` });
const rottingDays = z
  .number()
  .int('Use a whole number of days')
  .min(1, 'At least 1 day')
  .max(365, 'At most 365 days')
  .nullable();

/** A new stage. `status` defaults from the kind (open: in_contact, or new for a pipeline's first open stage). */
export const stageInput = z.object({
  name: name('Stage name'),
  kind: z.enum(STAGE_KINDS).default('open'),
  status: z.enum(STAGE_STATUSES).optional(),
  color: stageColor.default('gray'),
  rottingDays: rottingDays.default(null),
});
export type StageInput = z.input<typeof stageInput>;

export const createStageRequest = stageInput.extend({
  /** Where to insert it among the active stages (0 = first); default last. */
  position: z.number().int().min(0).max(1000).optional(),
});

/** Changing `kind` is refused while the stage holds leads (clients would stop being clients unseen). */
export const updateStageRequest = z
  .object({
    name: name('Stage name'),
    kind: z.enum(STAGE_KINDS),
    status: z.enum(STAGE_STATUSES),
    color: stageColor,
    rottingDays,
  })
  .partial();

export const createPipelineRequest = z.object({
  name: name('Pipeline name'),
  /** Default: New, Contacted, Qualified, Won, Lost. Needs at least one open stage. */
  stages: z.array(stageInput).min(1).max(50).optional(),
});
export const updatePipelineRequest = z.object({ name: name('Pipeline name') });

/** Full lists in the new order: every active pipeline / stage exactly once. */
export const pipelineOrderRequest = z.object({ pipelineIds: z.array(z.uuid({ message: 'Must be a UUID' })).min(1).max(200) });
export const stageOrderRequest = z.object({ stageIds: z.array(z.uuid({ message: 'Must be a UUID' })).min(1).max(100) });

export const archiveStageRequest = z.object({
  /** Required when the stage has leads: an active stage of the same pipeline; they move there in one transaction. */
  moveToStageId: z.uuid({ message: 'Must be a UUID' }).optional(),
  /** Required when moving leads to a lost stage (from the workspace's list when it has one). */
  lostReason: z.string().trim().min(1).max(200).optional(),
});
export const archiveStageResponse = z.object({ stage: pipelineStage, moved: z.number().int() });

// ---------------------------------------------------------------------------------------------------------------
// Lost reasons

export const lostReason = z.object({
  id: z.string(),
  name: z.string(),
  position: z.number().int(),
  archivedAt: z.string().nullable(),
});
export type LostReason = z.infer<typeof lostReason>;
export const lostReasonList = z.object({ reasons: z.array(lostReason) });
export const lostReasonListParams = z.object({ includeArchived: z.enum(['true', 'false']).optional() });
const reasonName = z.string({ message: 'Name is required' }).trim().min(1, 'Name is required').max(200, 'At most 200 characters');
export const createLostReasonRequest = z.object({ name: reasonName });
export const updateLostReasonRequest = z.object({ name: reasonName, archived: z.boolean() }).partial();
export const lostReasonOrderRequest = z.object({ reasonIds: z.array(z.uuid({ message: 'Must be a UUID' })).min(1).max(500) });

// ---------------------------------------------------------------------------------------------------------------
// Moving a card

/**
 * Move a lead to a stage (another column, or another place in the same column).
 * Position: `beforeId` = the card that will be right after it; `afterId` = the card right before it (use it when
 * dropping below the last loaded card); `beforeId: null` = last in the column; neither = first in the column.
 */
export const moveLeadRequest = z
  .object({
    stageId: z.uuid({ message: 'Must be a UUID' }),
    /** The version of the lead you read; a stale one gets 409 (code CONFLICT). */
    version: z.number().int().min(1, 'version is required'),
    beforeId: z.uuid({ message: 'Must be a UUID' }).nullable().optional(),
    afterId: z.uuid({ message: 'Must be a UUID' }).optional(),
    /** Required for a lost stage: one of the workspace's lost reasons (free text when the list is empty). */
    lostReason: z.string().trim().min(1, 'Give a lost reason').max(200).optional(),
  })
  .strict()
  .refine((v) => !(v.afterId && v.beforeId !== undefined), { message: 'Give beforeId or afterId, not both', path: ['afterId'] });

/** What changed; also the data of the `lead.moved` live event (with leadId, ownerId and fromStageId). */
export const moveLeadResponse = z.object({
  id: z.string(),
  pipelineId: z.string(),
  stageId: z.string(),
  fromStageId: z.string().nullable(),
  stagePosition: z.number().int(),
  version: z.number().int(),
  lostReason: z.string().nullable(),
  clientSince: z.string().nullable(),
  /** The whole target column was renumbered to make room: boards reload that column. */
  renumbered: z.boolean(),
});
export type MoveLeadResponse = z.infer<typeof moveLeadResponse>;
