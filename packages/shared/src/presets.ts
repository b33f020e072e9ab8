import { z } from 'zod';
import { CUSTOM_FIELD_TYPES } from './leads.ts';

/** Industry presets a workspace can start from (data files in apps/server/src/modules/presets/data). */
export const PRESET_KEYS = ['real_estate', 'insurance', 'home_care', 'agency', 'blank'] as const;
export type PresetKey = (typeof PRESET_KEYS)[number];
export const presetKeyField = z.enum(PRESET_KEYS, { message: `Unknown preset: use one of ${PRESET_KEYS.join(', ')}` });

export const presetSummary = z.object({
  key: z.enum(PRESET_KEYS),
  name: z.string(),
  description: z.string(),
});
export const presetList = z.object({ presets: z.array(presetSummary) });

/** What a preset holds, in the workspace's language, each item flagged when the workspace already has it. */
export const presetPreview = presetSummary.extend({
  locale: z.enum(['en', 'pt-BR']),
  pipelines: z.array(
    z.object({
      name: z.string(),
      exists: z.boolean(),
      stages: z.array(z.object({ name: z.string(), kind: z.enum(['open', 'won', 'lost']), color: z.string() })),
    }),
  ),
  fields: z.array(z.object({ key: z.string(), label: z.string(), type: z.enum(CUSTOM_FIELD_TYPES), exists: z.boolean() })),
  sources: z.array(z.object({ name: z.string(), kind: z.string(), subtypes: z.array(z.string()), exists: z.boolean() })),
  lostReasons: z.array(z.object({ name: z.string(), exists: z.boolean() })),
  tags: z.array(z.object({ name: z.string(), exists: z.boolean() })),
});
export type PresetPreview = z.infer<typeof presetPreview>;

export const presetParams = z.object({ key: z.string().max(40) });
export const presetQuery = z.object({ locale: z.enum(['en', 'pt-BR']).optional() });
export const applyPresetRequest = z.object({ locale: z.enum(['en', 'pt-BR']).optional() });

/** Names of what applying added (existing items are never duplicated or changed). */
export const presetApplyResult = z.object({
  key: z.enum(PRESET_KEYS),
  added: z.object({
    pipelines: z.array(z.string()),
    fields: z.array(z.string()),
    sources: z.array(z.string()),
    lostReasons: z.array(z.string()),
    tags: z.array(z.string()),
  }),
});
export type PresetApplyResult = z.infer<typeof presetApplyResult>;
