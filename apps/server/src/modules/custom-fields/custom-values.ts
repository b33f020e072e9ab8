import { z } from 'zod';
import type { CustomFieldType } from '@leadflow/shared/leads';
import { invalid } from '../../platform/errors.ts';
import { normalizePhone } from '../../platform/geo/phone.ts';
import type { CustomFieldOption } from './custom-fields.table.ts';

/** What validation needs of a field definition; deleted ones are passed too, so their stored values are recognised. */
export type CustomFieldDefinition = {
  key: string;
  label: string;
  type: CustomFieldType;
  required: boolean;
  options: CustomFieldOption[];
  deletedAt: Date | null;
};

export type CustomValueContext = {
  /** Parses national-format numbers of `phone` fields. */
  defaultCountry: string;
  /** The ids among these that are active members of the workspace (for `user` fields). */
  activeMemberIds(ids: string[]): Promise<Set<string>>;
};

type CustomValueChange = { key: string; old: unknown; new: unknown };

const MAX_TEXT = 2000;
const MAX_LONG_TEXT = 20000;
const MAX_URL = 2000;

const emailSchema = z.email();
const datetimeSchema = z.iso.datetime({ offset: true });
const uuidSchema = z.uuid();

/** A required field counts as filled unless it is absent, null, blank text or an empty list; `false` is a value. */
function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Checks and normalises the custom values of a lead being created (`current` null) or updated, and returns the
 * whole new `custom` object with the list of changed keys. On update only the keys given change; null (or an
 * empty value) clears one. Values of deleted fields stay as stored: they cannot be set or cleared here, so a
 * restored field shows them again. Errors name the field as `custom.<key>`.
 */
export async function applyCustomValues(
  definitions: CustomFieldDefinition[],
  input: Record<string, unknown>,
  current: Record<string, unknown> | null,
  ctx: CustomValueContext,
): Promise<{ custom: Record<string, unknown>; changes: CustomValueChange[] }> {
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const stored = current ?? {};
  const next: Record<string, unknown> = { ...stored };
  const changes: CustomValueChange[] = [];
  const userChecks: { key: string; ids: string[] }[] = [];

  for (const [key, raw] of Object.entries(input)) {
    const field = `custom.${key}`;
    const def = byKey.get(key);
    if (!def) throw invalid(field, 'Unknown field');
    // A client that sends back the whole `custom` object it read must not trip over unchanged values.
    if (key in stored && same(raw, stored[key])) continue;
    if (def.deletedAt) throw invalid(field, `The field "${def.label}" was deleted; restore it to change its value`);
    const value = isEmpty(raw) ? null : normalizeValue(def, raw, field, ctx);
    if (value === null) {
      if (def.required) throw invalid(field, `${def.label} is required`);
      if (key in next) {
        changes.push({ key, old: stored[key], new: null });
        delete next[key];
      }
      continue;
    }
    if (def.type === 'user') userChecks.push({ key, ids: [value as string] });
    if (!same(value, stored[key])) changes.push({ key, old: stored[key] ?? null, new: value });
    next[key] = value;
  }

  if (current === null) {
    for (const def of definitions) {
      if (def.required && !def.deletedAt && isEmpty(next[def.key])) throw invalid(`custom.${def.key}`, `${def.label} is required`);
    }
  }

  if (userChecks.length) {
    const active = await ctx.activeMemberIds([...new Set(userChecks.flatMap((c) => c.ids))]);
    const bad = userChecks.find((c) => c.ids.some((id) => !active.has(id)));
    if (bad) throw invalid(`custom.${bad.key}`, 'No such member in this workspace');
  }
  return { custom: next, changes };
}

/** The stored form of one non-empty value, or a validation error naming the field. */
function normalizeValue(def: CustomFieldDefinition, raw: unknown, field: string, ctx: CustomValueContext): unknown {
  switch (def.type) {
    case 'text':
    case 'long_text': {
      if (typeof raw !== 'string') throw invalid(field, 'Enter text');
      const max = def.type === 'text' ? MAX_TEXT : MAX_LONG_TEXT;
      const text = raw.trim();
      if (text.length > max) throw invalid(field, `Use at most ${max} characters`);
      return text;
    }
    case 'number': {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) throw invalid(field, 'Enter a number');
      return raw;
    }
    case 'money': {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) throw invalid(field, 'Enter an amount');
      if (Number(raw.toFixed(2)) !== raw) throw invalid(field, 'Use at most 2 decimal places');
      return raw;
    }
    case 'date': {
      if (typeof raw !== 'string' || !isRealDate(raw)) throw invalid(field, 'Use a date as YYYY-MM-DD');
      return raw;
    }
    case 'datetime': {
      if (typeof raw !== 'string' || !datetimeSchema.safeParse(raw).success) {
        throw invalid(field, 'Use an ISO date-time with a time zone offset, like 2025-03-01T14:30:00-03:00');
      }
      // Stored in UTC so values compare and sort as text.
      return new Date(raw).toISOString();
    }
    case 'boolean': {
      if (typeof raw !== 'boolean') throw invalid(field, 'Use true or false');
      return raw;
    }
    case 'select': {
      if (typeof raw !== 'string' || !def.options.some((o) => o.value === raw)) throw invalid(field, 'Choose one of the options');
      return raw;
    }
    case 'multi_select': {
      if (!Array.isArray(raw) || raw.some((v) => typeof v !== 'string')) throw invalid(field, 'Use a list of options');
      const unknown = (raw as string[]).find((v) => !def.options.some((o) => o.value === v));
      if (unknown !== undefined) throw invalid(field, `"${unknown}" is not one of the options`);
      // Option order, no repeats: the same choice always stores the same value.
      return def.options.map((o) => o.value).filter((v) => (raw as string[]).includes(v));
    }
    case 'phone': {
      if (typeof raw !== 'string') throw invalid(field, 'Enter a phone number');
      const phone = normalizePhone(raw, ctx.defaultCountry);
      if (!phone.e164) throw invalid(field, invalidPhoneMessage(ctx.defaultCountry));
      return phone.e164;
    }
    case 'email': {
      const email = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
      if (email.length > 254 || !emailSchema.safeParse(email).success) throw invalid(field, 'Enter a valid email address');
      return email;
    }
    case 'url': {
      const url = typeof raw === 'string' ? raw.trim() : '';
      if (url.length > MAX_URL || !isWebUrl(url)) throw invalid(field, 'Enter a web address starting with http:// or https://');
      return url;
    }
    case 'user': {
      if (typeof raw !== 'string' || !uuidSchema.safeParse(raw).success) throw invalid(field, 'No such member in this workspace');
      return raw.toLowerCase();
    }
  }
}

function isRealDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function isWebUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}

const regionNames = new Intl.DisplayNames('en', { type: 'region' });

/** "Brazil" for BR; the code itself when the name is unknown. */
function countryName(code: string): string {
  try {
    return regionNames.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** National formats are read with a country; say which, and how to type a number of another one. */
export function invalidPhoneMessage(country: string): string {
  return `Not a valid phone number for ${countryName(country)}; numbers of other countries start with + and the country code`;
}
