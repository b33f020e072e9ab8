import { PRESET_KEYS, type PresetApplyResult, type PresetKey, type PresetPreview } from '@leadflow/shared/presets';
import type { Locale } from '@leadflow/shared/fields';
import { writeAudit } from '../../platform/audit/audit.ts';
import type { DbOrTx } from '../../platform/db/client.ts';
import { invalid } from '../../platform/errors.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import { ensureCustomFields } from '../custom-fields/custom-fields.service.ts';
import { createCustomFieldsRepository } from '../custom-fields/custom-fields.repository.ts';
import { ensureSources, ensureTags, existingSourceAndTagNames } from '../marketing/marketing.service.ts';
import { PRESETS } from './data/index.ts';
import { addLostReasons, addPipeline, existingLostReasonNames, existingPipelineNames } from './preset-pipelines.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import type { PresetDefinition, Text } from './preset-types.ts';

const fold = (s: string) => s.trim().toLocaleLowerCase();

export function isPresetKey(key: string): key is PresetKey {
  return (PRESET_KEYS as readonly string[]).includes(key);
}

export function presetOrInvalid(key: string, field = 'preset'): PresetDefinition {
  if (!isPresetKey(key)) throw invalid(field, `Unknown preset "${key}": use one of ${PRESET_KEYS.join(', ')}`);
  return PRESETS[key];
}

/** A preset in one language: what gets written. */
export function localize(preset: PresetDefinition, locale: Locale) {
  const tr = (text: Text) => text[locale];
  return {
    key: preset.key,
    name: tr(preset.name),
    description: tr(preset.description),
    pipelines: preset.pipelines.map((p) => ({
      name: tr(p.name),
      stages: p.stages.map((s) => ({ name: tr(s.name), kind: s.kind, status: s.status, color: s.color, rottingDays: s.rottingDays ?? null })),
    })),
    fields: preset.fields.map((f) => ({
      key: f.key,
      label: tr(f.label),
      type: f.type,
      options: (f.options ?? []).map((o) => ({ value: o.value, label: tr(o.label) })),
      helpText: f.helpText ? tr(f.helpText) : null,
    })),
    sources: preset.sources.map((s) => ({ name: tr(s.name), kind: s.kind, subtypes: (s.subtypes ?? []).map(tr) })),
    lostReasons: preset.lostReasons.map(tr),
    tags: preset.tags.map((t) => ({ name: tr(t.name), color: t.color })),
  };
}

/**
 * Writes what the workspace lacks of a preset, inside the caller's transaction (workspace creation, or applying
 * from settings): pipelines and lost reasons through the pipelines module, custom fields through the custom-fields
 * module, sources and tags through the marketing module. Matching is by field key and by name (case ignored), so
 * applying again adds nothing and never changes what the workspace has.
 */
export async function applyPresetRecords(tx: DbOrTx, workspaceId: string, key: string, locale: Locale): Promise<PresetApplyResult> {
  const preset = presetOrInvalid(key);
  const data = localize(preset, locale);
  const pipelineNames = await existingPipelineNames(tx, workspaceId);
  const pipelinesAdded: string[] = [];
  for (const p of data.pipelines) {
    if (pipelineNames.has(fold(p.name))) continue;
    await addPipeline(tx, workspaceId, p.name, p.stages);
    pipelineNames.add(fold(p.name));
    pipelinesAdded.push(p.name);
  }
  return {
    key: preset.key,
    added: {
      pipelines: pipelinesAdded,
      fields: await ensureCustomFields(tx, workspaceId, data.fields),
      sources: await ensureSources(tx, workspaceId, data.sources),
      lostReasons: await addLostReasons(tx, workspaceId, data.lostReasons),
      tags: await ensureTags(tx, workspaceId, data.tags),
    },
  };
}

export function createPresetsService(deps: AppDeps, services: { workspaces: WorkspacesService }) {
  const db = deps.database.db;

  /** The workspace's language decides (it was the owner's at creation), unless the request names one. */
  async function workspaceLocale(actor: Actor): Promise<Locale> {
    return (await services.workspaces.getSettings(actor)).locale;
  }

  return {
    async list(actor: Actor, locale?: Locale) {
      const lang = locale ?? (await workspaceLocale(actor));
      return PRESET_KEYS.map((key) => {
        const p = PRESETS[key];
        return { key, name: p.name[lang], description: p.description[lang] };
      });
    },

    /** What applying would write, each item flagged when the workspace already has it. */
    async preview(actor: Actor, key: string, locale?: Locale): Promise<PresetPreview> {
      const preset = presetOrInvalid(key, 'key');
      const lang = locale ?? (await workspaceLocale(actor));
      const data = localize(preset, lang);
      const pipelineNames = await existingPipelineNames(db, actor.workspaceId);
      const reasons = await existingLostReasonNames(db, actor.workspaceId);
      const keys = new Set((await createCustomFieldsRepository(db).listFields(actor.workspaceId, true)).map((f) => f.key));
      const names = await existingSourceAndTagNames(db, actor.workspaceId);
      return {
        key: preset.key,
        name: data.name,
        description: data.description,
        locale: lang,
        pipelines: data.pipelines.map((p) => ({
          name: p.name,
          exists: pipelineNames.has(fold(p.name)),
          stages: p.stages.map((s) => ({ name: s.name, kind: s.kind, color: s.color })),
        })),
        fields: data.fields.map((f) => ({ key: f.key, label: f.label, type: f.type, exists: keys.has(f.key) })),
        sources: data.sources.map((s) => ({ ...s, exists: names.sources.has(s.name.toLowerCase()) })),
        lostReasons: data.lostReasons.map((name) => ({ name, exists: reasons.has(fold(name)) })),
        tags: data.tags.map((t) => ({ name: t.name, exists: names.tags.has(t.name.toLowerCase()) })),
      };
    },

    async apply(actor: Actor, key: string, locale?: Locale): Promise<PresetApplyResult> {
      presetOrInvalid(key, 'key');
      const lang = locale ?? (await workspaceLocale(actor));
      const result = await db.transaction(async (tx) => {
        const applied = await applyPresetRecords(tx, actor.workspaceId, key, lang);
        await writeAudit(tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: 'workspace.preset_apply',
          entityType: 'workspace',
          entityId: actor.workspaceId,
          newValues: { preset: key, locale: lang, added: applied.added },
          ip: actor.ip,
        });
        return applied;
      });
      // Fields, pipelines and lists changed: open pages refetch them.
      await deps.events.publish({ workspaceId: actor.workspaceId, type: 'custom_field.changed', data: { preset: key } });
      await deps.events.publish({ workspaceId: actor.workspaceId, type: 'workspace.preset_applied', data: { preset: key, added: result.added } });
      return result;
    },
  };
}

export type PresetsService = ReturnType<typeof createPresetsService>;
