import type { CustomFieldType } from '@leadflow/shared/leads';
import type { LeadSourceKind } from '@leadflow/shared/marketing';
import type { PresetKey } from '@leadflow/shared/presets';
import type { StageKind, StageStatus } from '@leadflow/shared/pipelines';

/** A text in every language the app speaks; the workspace's locale picks one when the preset is applied. */
export type Text = { en: string; 'pt-BR': string };

/**
 * One industry preset: plain data. Add a trade by writing a file like these and listing it in data/index.ts
 * (and its key in PRESET_KEYS of packages/shared/src/presets.ts). Keys of fields never change once released:
 * re-applying a preset matches fields by key, pipelines, sources, tags and lost reasons by their translated name.
 */
export type PresetDefinition = {
  key: PresetKey;
  name: Text;
  description: Text;
  pipelines: { name: Text; stages: { name: Text; kind: StageKind; status?: StageStatus; color: string; rottingDays?: number }[] }[];
  fields: {
    key: string;
    label: Text;
    type: CustomFieldType;
    options?: { value: string; label: Text }[];
    helpText?: Text;
  }[];
  sources: { name: Text; kind: LeadSourceKind; subtypes?: Text[] }[];
  lostReasons: Text[];
  tags: { name: Text; color: string }[];
};
