import { z } from 'zod';

export const STAGE_KINDS = ['open', 'won', 'lost'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

export const pipelineStage = z.object({
  id: z.string(),
  name: z.string(),
  /** open: still being worked; won: became a client; lost: needs a lost reason. */
  kind: z.enum(STAGE_KINDS),
  position: z.number().int(),
  color: z.string(),
  /** Days without activity after which a card is flagged as rotting; null = never. */
  rottingDays: z.number().int().nullable(),
});
export type PipelineStage = z.infer<typeof pipelineStage>;

export const pipeline = z.object({
  id: z.string(),
  name: z.string(),
  position: z.number().int(),
  stages: z.array(pipelineStage),
});
export type Pipeline = z.infer<typeof pipeline>;

export const pipelineList = z.object({ pipelines: z.array(pipeline) });
