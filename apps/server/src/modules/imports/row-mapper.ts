import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { parseLanguage } from '@leadflow/shared/language';
import { z } from 'zod';
import type { ImportSettings } from '@leadflow/shared/imports';
import { AppError } from '../../platform/errors.ts';
import { normalizePhone } from '../../platform/geo/phone.ts';
import { isKnownCountry } from '../../platform/geo/time-zone.ts';
import { applyCustomValues, type CustomFieldDefinition } from '../custom-fields/custom-values.ts';
import { foldSearchText } from '../leads/search-text.ts';
import { zoneOffsetCache } from '../leads/zone-offsets.ts';

/**
 * Turns one file row into lead values by the mapping, or into a list of errors naming the column, the value and
 * the reason. Pure apart from custom-value checks, so validation of a million rows is a loop over this.
 */

export type RowError = { column: string | null; value: string | null; reason: string };

export type LeadValues = {
  firstName?: string;
  lastName?: string;
  company?: string;
  phones?: { raw: string; e164: string | null }[];
  emails?: string[];
  source?: string;
  sourceDetail?: string;
  campaign?: string;
  city?: string;
  state?: string;
  country?: string;
  zip?: string;
  /** A BCP 47 tag (`parseLanguage`). */
  language?: string;
  tags?: string[];
  ownerId?: string;
  stageId?: string;
  score?: number;
  nextFollowUpAt?: string;
  externalId?: string;
  custom?: Record<string, unknown>;
};

export type MapContext = {
  settings: ImportSettings;
  /** Column index in the file of each mapped column, by header. */
  columnIndex: Map<string, number>;
  definitions: CustomFieldDefinition[];
  defaultCountry: string;
  timeZone: string;
  /** Active members by lower-cased email and by folded name. */
  members: { byEmail: Map<string, string>; byName: Map<string, string>; ids: Set<string> };
  /** Open stages by folded name (the first pipeline's stage wins a name used twice). */
  stages: Map<string, string>;
};

const MAX_TEXT = 500;
const emailSchema = z.email();

/** OWASP CSV injection: text a spreadsheet would run as a formula. Numbers and phones (+55…, -3) are fine. */
export function looksLikeFormula(v: string): boolean {
  return /^[=@\t\r]/.test(v) || /^[+-][^\d\s(.]/.test(v);
}

/** Neutralises a cell for a CSV people open in a spreadsheet (the rejected-rows download). */
export function safeCell(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

function pad(n: number) {
  return String(n).padStart(2, '0');
}

/**
 * A date as written in the file, in the chosen order (DMY 31/12/2025, MDY 12/31/2025, YMD 2025-12-31), with an
 * optional time; ISO dates are always understood. Returns [YYYY-MM-DD, HH:MM:SS | null] or null.
 */
export function parseDate(text: string, format: ImportSettings['dateFormat']): [string, string | null] | null {
  const t = text.trim();
  let y: number, m: number, d: number;
  let rest: string | undefined;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](.*))?$/.exec(t);
  const other = /^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[ T](.*))?$/.exec(t);
  if (iso) {
    [y, m, d, rest] = [Number(iso[1]), Number(iso[2]), Number(iso[3]), iso[4]];
  } else if (other) {
    const [a, b, c] = [Number(other[1]), Number(other[2]), Number(other[3])];
    rest = other[4];
    if (format === 'DMY') [d, m, y] = [a, b, c];
    else if (format === 'MDY') [m, d, y] = [a, b, c];
    else [y, m, d] = [a, b, c];
    if (other[format === 'YMD' ? 1 : 3]!.length === 2) y += y < 70 ? 2000 : 1900;
  } else {
    return null;
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1000 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  let time: string | null = null;
  if (rest) {
    const tm = /^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(rest.trim());
    if (!tm || Number(tm[1]) > 23 || Number(tm[2]) > 59) return null;
    time = `${pad(Number(tm[1]))}:${tm[2]}:${tm[3] ?? '00'}`;
  }
  return [`${y}-${pad(m)}-${pad(d)}`, time];
}

/**
 * Offsets by zone, worked out once per UTC day (asking Intl for every date cell was a tenth of a dry run's CPU).
 * A handful of zones at most (one per workspace importing); cleared if it ever holds many.
 */
const offsetCaches = new Map<string, (at: Date) => number>();
function offsetAt(at: Date, timeZone: string): number {
  let cache = offsetCaches.get(timeZone);
  if (!cache) {
    if (offsetCaches.size >= 64) offsetCaches.clear();
    cache = zoneOffsetCache(timeZone);
    offsetCaches.set(timeZone, cache);
  }
  return cache(at);
}

/** A wall-clock time in a zone as an instant. */
function zonedInstant(date: string, time: string, timeZone: string): Date {
  const wall = new Date(`${date}T${time}Z`);
  const first = new Date(wall.getTime() - offsetAt(wall, timeZone) * 60_000);
  return new Date(wall.getTime() - offsetAt(first, timeZone) * 60_000);
}

function parseNumber(text: string): number | null {
  let t = text.trim().replace(/\s/g, '').replace(/^[^\d-]*(?=[\d-])/, '');
  // 1.234,56 (pt-BR) and 1,234.56 (en): the last separator is the decimal one.
  const lastComma = t.lastIndexOf(',');
  const lastDot = t.lastIndexOf('.');
  if (lastComma > lastDot) t = t.replace(/\./g, '').replace(',', '.');
  else t = t.replace(/,/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(t)) return null;
  return Number(t);
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'sim', 's', 'x', 'verdadeiro']);
const FALSE = new Set(['false', 'no', 'n', '0', 'nao', 'falso']);

/** A custom value as the API would take it, from text; throws a message when the text cannot be read. */
function customRaw(def: CustomFieldDefinition, text: string, ctx: MapContext): unknown {
  switch (def.type) {
    case 'number':
    case 'money': {
      const n = parseNumber(text);
      if (n === null) throw new Error('Not a number');
      return def.type === 'money' ? Math.round(n * 100) / 100 : n;
    }
    case 'boolean': {
      const f = foldSearchText(text);
      if (TRUE.has(f)) return true;
      if (FALSE.has(f)) return false;
      throw new Error('Use yes or no');
    }
    case 'date': {
      const p = parseDate(text, ctx.settings.dateFormat);
      if (!p) throw new Error(`Not a date in the chosen format (${ctx.settings.dateFormat})`);
      return p[0];
    }
    case 'datetime': {
      const p = parseDate(text, ctx.settings.dateFormat);
      if (!p) throw new Error(`Not a date in the chosen format (${ctx.settings.dateFormat})`);
      return zonedInstant(p[0], p[1] ?? '00:00:00', ctx.timeZone).toISOString();
    }
    case 'select': {
      const f = foldSearchText(text);
      const o = def.options.find((x) => foldSearchText(x.value) === f || foldSearchText(x.label) === f);
      if (!o) throw new Error(`Not one of the options of ${def.label}`);
      return o.value;
    }
    case 'multi_select': {
      const parts = splitList(text);
      return parts.map((p) => {
        const f = foldSearchText(p);
        const o = def.options.find((x) => foldSearchText(x.value) === f || foldSearchText(x.label) === f);
        if (!o) throw new Error(`"${p}" is not one of the options of ${def.label}`);
        return o.value;
      });
    }
    case 'user': {
      const id = memberId(text, ctx);
      if (!id) throw new Error('No member with this email or name');
      return id;
    }
    default:
      return text;
  }
}

function splitList(text: string): string[] {
  return [...new Set(text.split(/[,;|]/).map((s) => s.trim()).filter(Boolean))];
}

function memberId(text: string, ctx: MapContext): string | undefined {
  const t = text.trim();
  return ctx.members.byEmail.get(t.toLowerCase()) ?? ctx.members.byName.get(foldSearchText(t)) ?? (ctx.members.ids.has(t.toLowerCase()) ? t.toLowerCase() : undefined);
}

const TEXT_TARGETS = ['firstName', 'lastName', 'company', 'source', 'sourceDetail', 'campaign', 'city', 'state', 'zip', 'externalId'] as const;

export async function mapRow(cells: string[], ctx: MapContext): Promise<{ values: LeadValues; errors: RowError[] }> {
  const values: LeadValues = {};
  const errors: RowError[] = [];
  const customInput: Record<string, unknown> = {};
  const customColumns = new Map<string, { column: string; value: string }>();
  let phoneColumn: { column: string; value: string } | null = null;

  for (const { column, target } of ctx.settings.columns) {
    if (!target) continue;
    const index = ctx.columnIndex.get(column);
    if (index === undefined) continue;
    const raw = cells[index] ?? '';
    const value = raw.trim();
    if (!value) continue;
    const fail = (reason: string) => errors.push({ column, value: raw.length > 200 ? `${raw.slice(0, 200)}…` : raw, reason });
    const isPhoneLike = target === 'phone' || target === 'score';
    if (!isPhoneLike && looksLikeFormula(value)) {
      fail('Starts like a spreadsheet formula (=, +, -, @); remove it, or put an apostrophe before it if it is really text');
      continue;
    }
    if ((TEXT_TARGETS as readonly string[]).includes(target)) {
      if (value.length > MAX_TEXT) fail(`Longer than ${MAX_TEXT} characters`);
      else values[target as (typeof TEXT_TARGETS)[number]] = value;
      continue;
    }
    switch (target) {
      case 'name': {
        const parts = value.split(/\s+/);
        if (value.length > MAX_TEXT) fail(`Longer than ${MAX_TEXT} characters`);
        else {
          values.firstName ??= parts.length > 1 ? parts.slice(0, -1).join(' ') : parts[0]!;
          if (parts.length > 1) values.lastName ??= parts[parts.length - 1]!;
        }
        break;
      }
      case 'phone': {
        phoneColumn ??= { column, value: raw };
        for (const p of value.split(/\s*[;|/]\s*|\s*,\s*(?=\+)/).filter(Boolean)) {
          (values.phones ??= []).push({ raw: p, e164: null });
        }
        break;
      }
      case 'email': {
        for (const e of value.split(/[;,\s]+/).filter(Boolean)) {
          const email = e.toLowerCase();
          if (email.length > 254 || !emailSchema.safeParse(email).success) fail('Not a valid email address');
          else values.emails = [...new Set([...(values.emails ?? []), email])];
        }
        break;
      }
      case 'country': {
        const code = value.toUpperCase();
        if (code.length === 2 && isKnownCountry(code)) values.country = code;
        else {
          const byName = COUNTRY_NAMES.get(foldSearchText(value));
          if (byName) values.country = byName;
          else fail('Unknown country; use a two-letter code like BR or US');
        }
        break;
      }
      case 'language': {
        const tag = parseLanguage(value);
        if (tag) values.language = tag;
        else fail('Unknown language; use a code like en or pt-BR, or a name like Spanish');
        break;
      }
      case 'tags': {
        const tags = splitList(value);
        if (tags.some((t) => t.length > 100)) fail('A tag is longer than 100 characters');
        else values.tags = [...new Set([...(values.tags ?? []), ...tags])];
        break;
      }
      case 'owner': {
        if (ctx.settings.assignment.kind !== 'column') break;
        const id = memberId(value, ctx);
        if (!id) fail('No active member with this email or name');
        else values.ownerId = id;
        break;
      }
      case 'stage': {
        const id = ctx.stages.get(foldSearchText(value));
        if (!id) fail('No open stage with this name');
        else values.stageId = id;
        break;
      }
      case 'score': {
        const n = parseNumber(value);
        if (n === null || !Number.isInteger(n) || Math.abs(n) > 1_000_000) fail('Not a whole number');
        else values.score = n;
        break;
      }
      case 'nextFollowUpAt': {
        const p = parseDate(value, ctx.settings.dateFormat);
        if (!p) fail(`Not a date in the chosen format (${ctx.settings.dateFormat})`);
        else values.nextFollowUpAt = zonedInstant(p[0], p[1] ?? '09:00:00', ctx.timeZone).toISOString();
        break;
      }
      default: {
        const key = target.slice('custom.'.length);
        const def = ctx.definitions.find((d) => d.key === key && !d.deletedAt);
        if (!def) {
          fail('Unknown custom field');
          break;
        }
        try {
          customInput[key] = customRaw(def, value, ctx);
          customColumns.set(key, { column, value: raw });
        } catch (err) {
          fail((err as Error).message);
        }
      }
    }
  }

  const country = values.country ?? ctx.defaultCountry;
  if (values.phones) {
    for (const p of values.phones) {
      const n = normalizePhone(p.raw, country);
      if (n.e164) p.e164 = n.e164;
      else if (!parsePhoneNumberFromString(p.raw, { defaultCountry: country as CountryCode })?.isPossible()) {
        errors.push({ column: phoneColumn?.column ?? null, value: p.raw, reason: `Not a valid phone number for ${country}` });
      }
    }
    values.phones = values.phones.filter((p, i, all) => all.findIndex((q) => (q.e164 ?? q.raw) === (p.e164 ?? p.raw)) === i);
  }

  if (Object.keys(customInput).length || ctx.settings.mode === 'create') {
    try {
      // Update mode checks values only; required fields are checked against the lead at run time.
      const { custom } = await applyCustomValues(ctx.definitions, customInput, ctx.settings.mode === 'create' ? null : {}, {
        defaultCountry: country,
        activeMemberIds: async (ids) => new Set(ids.filter((id) => ctx.members.ids.has(id))),
      });
      if (Object.keys(custom).length) values.custom = custom;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const key = err.field?.slice('custom.'.length) ?? '';
      const col = customColumns.get(key);
      errors.push({ column: col?.column ?? null, value: col?.value ?? null, reason: err.message });
    }
  }

  const identified = values.firstName || values.lastName || values.company || values.phones?.length || values.emails?.length;
  if (!identified && !errors.length && ctx.settings.mode !== 'update') {
    errors.push({ column: null, value: null, reason: 'The row has no name, company, phone or email' });
  }
  return { values, errors };
}

/** The key a row is matched on, normalised as stored on leads; null when the row has none. */
export function matchKeyOf(values: LeadValues, matchOn: ImportSettings['matchOn']): string | null {
  if (!matchOn) return null;
  if (matchOn === 'email') return values.emails?.[0] ?? null;
  if (matchOn === 'phone') return values.phones?.find((p) => p.e164)?.e164 ?? null;
  if (matchOn === 'externalId') return values.externalId ?? null;
  const v = values.custom?.[matchOn.slice('custom.'.length)];
  return v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v);
}

const regionNames = new Intl.DisplayNames('en', { type: 'region' });
const regionNamesPt = new Intl.DisplayNames('pt', { type: 'region' });
/** Country names in English and Portuguese → code ("Brasil", "Brazil" → BR). */
const COUNTRY_NAMES = new Map<string, string>();
for (let a = 65; a <= 90; a++) {
  for (let b = 65; b <= 90; b++) {
    const code = String.fromCharCode(a, b);
    if (!isKnownCountry(code)) continue;
    for (const names of [regionNames, regionNamesPt]) {
      const name = names.of(code);
      if (name && name !== code) COUNTRY_NAMES.set(foldSearchText(name), code);
    }
  }
}
