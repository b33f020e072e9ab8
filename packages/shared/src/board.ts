import { z } from 'zod';
import { STAGE_KINDS, STAGE_STATUSES } from './pipelines.ts';

/** One card of the Kanban board: what a column shows without opening the lead. */
export const boardCard = z.object({
  id: z.string(),
  displayName: z.string(),
  company: z.string().nullable(),
  /** The owner; initials for the avatar come from the name. */
  owner: z.object({ id: z.string(), name: z.string() }).nullable(),
  stageId: z.string(),
  stagePosition: z.number().int(),
  version: z.number().int(),
  tags: z.array(z.string()),
  source: z.string().nullable(),
  createdAt: z.string(),
  nextFollowUpAt: z.string().nullable(),
  lastActivityAt: z.string(),
  /** The stage has a rotting limit and the lead had no activity for longer. */
  rotting: z.boolean(),
  lostReason: z.string().nullable(),
  clientSince: z.string().nullable(),
  /** The `sumField` money value of the lead, when the board was asked for one. */
  value: z.number().nullable(),
});
export type BoardCard = z.infer<typeof boardCard>;

export const boardColumn = z.object({
  stage: z.object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(STAGE_KINDS),
    status: z.enum(STAGE_STATUSES),
    color: z.string(),
    position: z.number().int(),
    rottingDays: z.number().int().nullable(),
  }),
  /** Exact number of matching leads in the column. */
  count: z.number().int(),
  /** Sum of the `sumField` money field over the matching leads of the column (null without sumField). */
  sum: z.number().nullable(),
  cards: z.array(boardCard),
  /** Pass back as `cursor` to `/board/stages/:stageId` for the next cards; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type BoardColumn = z.infer<typeof boardColumn>;

export const board = z.object({
  pipeline: z.object({ id: z.string(), name: z.string() }),
  sumField: z.string().nullable(),
  columns: z.array(boardColumn),
});
export type Board = z.infer<typeof board>;

export const boardParams = z.object({
  /** The same JSON-encoded LeadQuery the lead list takes (filters and q; sort is ignored: cards keep their order). */
  query: z.string().max(20000).optional(),
  /** Cards per column. */
  limit: z.coerce.number().int().min(1).max(100).default(25),
  /** Key of a money (or number) custom field to total per column and show on cards. */
  sumField: z.string().max(60).optional(),
});

export const boardColumnParams = boardParams.extend({ cursor: z.string().max(200).optional() });

export const boardColumnPage = z.object({ cards: z.array(boardCard), nextCursor: z.string().nullable() });
