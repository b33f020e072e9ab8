import type { CustomField, CustomFieldType } from '@leadflow/shared/leads';
import { diffValues, writeAudit } from '../../platform/audit/audit.ts';
import type { DbOrTx } from '../../platform/db/client.ts';
import { conflict, invalid, isUniqueViolation, notFound } from '../../platform/errors.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import type { CustomFieldOption } from './custom-fields.table.ts';
import { createCustomFieldsRepository, type CustomFieldPatch, type CustomFieldRow } from './custom-fields.repository.ts';
import type { CustomFieldDefinition } from './custom-values.ts';

const SELECT_TYPES: readonly CustomFieldType[] = ['select', 'multi_select'];
const MAX_KEY = 50;

type CreateCustomFieldInput = {
  key?: string | undefined;
  label: string;
  type: CustomFieldType;
  required: boolean;
  options: CustomFieldOption[];
  helpText?: string | null | undefined;
  position?: number | undefined;
};

type UpdateCustomFieldInput = {
  label?: string | undefined;
  required?: boolean | undefined;
  options?: CustomFieldOption[] | undefined;
  helpText?: string | null | undefined;
  position?: number | undefined;
  /** Accepted only to refuse it with a clear message: a field's type and key never change. */
  type?: string | undefined;
  key?: string | undefined;
};

function toCustomField(row: CustomFieldRow): CustomField {
  return {
    id: row.id,
    key: row.key,
    label: row.label,
    type: row.type,
    required: row.required,
    options: row.options,
    helpText: row.helpText,
    position: row.position,
    deletedAt: row.deletedAt ? row.deletedAt.toISOString() : null,
  };
}

/** "Property type" → property_type; "Data de nascimento" → data_de_nascimento; a key always starts with a letter. */
function keyFromLabel(label: string): string {
  const base = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const key = /^[a-z]/.test(base) ? base : `field_${base}`.replace(/_+$/, '');
  return key.slice(0, MAX_KEY).replace(/_+$/, '');
}

function checkOptions(type: CustomFieldType, options: CustomFieldOption[]): void {
  if (!SELECT_TYPES.includes(type)) {
    if (options.length) throw invalid('options', 'Only select fields have options');
    return;
  }
  if (!options.length) throw invalid('options', 'A select field needs at least one option');
  const seen = new Set<string>();
  options.forEach((o, i) => {
    if (seen.has(o.value)) throw invalid(`options.${i}.value`, `The option value "${o.value}" appears twice`);
    seen.add(o.value);
  });
}

/** A field an industry preset asks for; its key is fixed by the preset (re-applying matches on it). */
export type CustomFieldSpec = { key: string; label: string; type: CustomFieldType; options: CustomFieldOption[]; helpText?: string | null };

/**
 * Inside the caller's transaction (workspace creation, presets): adds the fields whose key the workspace does not use
 * yet, after the others. A key already used — by a live or a deleted field — is left alone, so applying twice adds
 * nothing and a deleted field is not brought back. Returns the keys added.
 */
export async function ensureCustomFields(tx: DbOrTx, workspaceId: string, specs: CustomFieldSpec[]): Promise<string[]> {
  const repo = createCustomFieldsRepository(tx);
  const taken = new Set((await repo.listFields(workspaceId, true)).map((f) => f.key));
  let position = await repo.nextPosition(workspaceId);
  const added: string[] = [];
  for (const spec of specs) {
    if (taken.has(spec.key)) continue;
    checkOptions(spec.type, spec.options);
    await repo.insertField(tx, { workspaceId, key: spec.key, label: spec.label, type: spec.type, required: false, options: spec.options, helpText: spec.helpText ?? null, position: position++ });
    taken.add(spec.key);
    added.push(spec.key);
  }
  return added;
}

export function createCustomFieldsService(deps: AppDeps) {
  const db = deps.database.db;
  const repo = createCustomFieldsRepository(db);

  async function fieldOrNotFound(actor: Actor, id: string): Promise<CustomFieldRow> {
    const row = await repo.findField(actor.workspaceId, id);
    if (!row) throw notFound('Field');
    return row;
  }

  /** The label's key, or the first free `<key>_2`, `<key>_3`… (deleted fields keep theirs). */
  async function freeKeyFor(workspaceId: string, label: string): Promise<string> {
    const base = keyFromLabel(label) || 'field';
    const taken = await repo.keysStartingWith(workspaceId, base);
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) {
      const suffix = `_${n}`;
      const candidate = `${base.slice(0, MAX_KEY - suffix.length)}${suffix}`;
      if (!taken.has(candidate)) return candidate;
    }
  }

  async function publishChange(actor: Actor, fieldId: string): Promise<void> {
    await deps.events.publish({ workspaceId: actor.workspaceId, type: 'custom_field.changed', data: { fieldId } });
  }

  async function audit(actor: Actor, action: string, id: string, values: { oldValues?: Record<string, unknown>; newValues?: Record<string, unknown> }, tx: DbOrTx) {
    await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action, entityType: 'custom_field', entityId: id, ...values, ip: actor.ip });
  }

  return {
    async listFields(actor: Actor, includeDeleted: boolean): Promise<CustomField[]> {
      return (await repo.listFields(actor.workspaceId, includeDeleted)).map(toCustomField);
    },

    /** Every definition, deleted ones included, for validating and keeping lead values. */
    async definitionsForValues(workspaceId: string): Promise<CustomFieldDefinition[]> {
      return repo.listFields(workspaceId, true);
    },

    async createField(actor: Actor, input: CreateCustomFieldInput): Promise<CustomField> {
      checkOptions(input.type, input.options);
      let key = input.key;
      if (key) {
        const existing = (await repo.keysStartingWith(actor.workspaceId, key)).has(key);
        if (existing) throw conflict('Another field, maybe a deleted one, uses this key; choose another key', 'key');
      } else {
        key = await freeKeyFor(actor.workspaceId, input.label);
      }
      const position = input.position ?? (await repo.nextPosition(actor.workspaceId));
      try {
        const row = await db.transaction(async (tx) => {
          const created = await repo.insertField(tx, {
            workspaceId: actor.workspaceId,
            key: key!,
            label: input.label,
            type: input.type,
            required: input.required,
            options: input.options,
            helpText: input.helpText ?? null,
            position,
          });
          await audit(actor, 'custom_field.create', created.id, { newValues: snapshot(created) }, tx);
          return created;
        });
        await publishChange(actor, row.id);
        return toCustomField(row);
      } catch (err) {
        if (isUniqueViolation(err, 'custom_fields_key')) throw conflict('Another field uses this key; choose another key', 'key');
        throw err;
      }
    },

    async updateField(actor: Actor, id: string, input: UpdateCustomFieldInput): Promise<CustomField> {
      const before = await fieldOrNotFound(actor, id);
      if (before.deletedAt) throw conflict('This field is deleted; restore it before changing it');
      if (input.type !== undefined && input.type !== before.type) {
        throw invalid('type', 'The type of a field cannot be changed; create a new field instead');
      }
      if (input.key !== undefined && input.key !== before.key) throw invalid('key', 'The key of a field cannot be changed');
      if (input.options !== undefined) checkOptions(before.type, input.options);
      const patch: CustomFieldPatch = {};
      if (input.label !== undefined) patch.label = input.label;
      if (input.required !== undefined) patch.required = input.required;
      if (input.options !== undefined) patch.options = input.options;
      if (input.helpText !== undefined) patch.helpText = input.helpText;
      if (input.position !== undefined) patch.position = input.position;
      const diff = diffValues(snapshot(before), patch);
      if (!diff) return toCustomField(before);
      const row = await db.transaction(async (tx) => {
        const updated = await repo.updateField(tx, actor.workspaceId, id, patch);
        await audit(actor, 'custom_field.update', id, diff, tx);
        return updated!;
      });
      await publishChange(actor, id);
      return toCustomField(row);
    },

    /** Hides the field; lead values stay where they are and come back with a restore. */
    async deleteField(actor: Actor, id: string): Promise<CustomField> {
      const before = await fieldOrNotFound(actor, id);
      if (before.deletedAt) throw conflict('This field is already deleted');
      const row = await db.transaction(async (tx) => {
        const updated = await repo.updateField(tx, actor.workspaceId, id, { deletedAt: deps.now() });
        await audit(actor, 'custom_field.delete', id, { oldValues: snapshot(before) }, tx);
        return updated!;
      });
      await publishChange(actor, id);
      return toCustomField(row);
    },

    async restoreField(actor: Actor, id: string): Promise<CustomField> {
      const before = await fieldOrNotFound(actor, id);
      if (!before.deletedAt) throw conflict('This field is not deleted');
      const row = await db.transaction(async (tx) => {
        const updated = await repo.updateField(tx, actor.workspaceId, id, { deletedAt: null });
        await audit(actor, 'custom_field.restore', id, { newValues: snapshot(updated!) }, tx);
        return updated!;
      });
      await publishChange(actor, id);
      return toCustomField(row);
    },
  };
}

function snapshot(row: CustomFieldRow): Record<string, unknown> {
  return {
    key: row.key,
    label: row.label,
    type: row.type,
    required: row.required,
    options: row.options,
    helpText: row.helpText,
    position: row.position,
  };
}

export type CustomFieldsService = ReturnType<typeof createCustomFieldsService>;
