import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { z } from 'zod';
import {
  LEAD_STANDARD_FIELDS,
  leadQuery,
  type CustomFieldType,
  type FilterOperator,
  type LeadFilter,
  type LeadQuery,
} from '@leadflow/shared/leads';
import { invalid } from '../../platform/errors.ts';
import { NUL_MESSAGE, nulAt } from '../../platform/http/nul-guard.ts';
import { phoneQueryDigits } from '../../platform/geo/phone.ts';
import { users } from '../accounts/accounts.table.ts';
import { pipelineStages, pipelines } from '../pipelines/pipelines.table.ts';
import { leads } from './leads.table.ts';
import { STAGE_STATUSES } from '@leadflow/shared/pipelines';
import { instantInRange, YEAR_RANGE_MESSAGE, yearInRange } from '@leadflow/shared/dates';
import { parseLanguage } from '@leadflow/shared/language';
import { foldSearchText } from './search-text.ts';

/**
 * The one compiler of lead queries (filters, free-text search, sort) into SQL, shared by lists, counts, bulk
 * actions, exports, saved views and — later — boards and distribution rules. Every value travels as a bound
 * parameter; field names and operators are checked against the field's type before any SQL is built.
 */

export type LeadFieldDefinition = {
  key: string;
  label: string;
  type: CustomFieldType;
  options: { value: string; label: string }[];
};

export type LeadQueryContext = {
  /** Who `me` is in owner and user filters; null where there is no signed-in user (distribution rules). */
  userId: string | null;
  /** The workspace's time zone: date values and presets (today, this week…) are calendar days there. */
  timeZone: string;
  now: Date;
  /** Active custom fields of the workspace by key. */
  customFields: ReadonlyMap<string, LeadFieldDefinition>;
  /** Where the query sits in the request, for error fields (`query`, `selection.query`). */
  path?: string;
};

type Kind =
  | 'text'
  | 'name'
  | 'phone'
  | 'email'
  | 'tags'
  | 'member'
  | 'reference'
  | 'number'
  | 'instant'
  | 'date'
  | 'boolean'
  | 'select'
  | 'multi_select'
  | 'custom_phone'
  | 'language';

const OPERATORS: Record<Kind, readonly FilterOperator[]> = {
  text: ['eq', 'neq', 'contains', 'not_contains', 'starts_with', 'in', 'not_in', 'empty', 'not_empty'],
  name: ['contains', 'not_contains', 'starts_with', 'empty', 'not_empty'],
  phone: ['eq', 'neq', 'contains', 'not_contains', 'empty', 'not_empty'],
  email: ['eq', 'neq', 'contains', 'not_contains', 'starts_with', 'empty', 'not_empty'],
  tags: ['in', 'not_in', 'contains', 'not_contains', 'empty', 'not_empty'],
  multi_select: ['in', 'not_in', 'contains', 'not_contains', 'empty', 'not_empty'],
  member: ['eq', 'neq', 'in', 'not_in', 'empty', 'not_empty'],
  reference: ['eq', 'neq', 'in', 'not_in', 'empty', 'not_empty'],
  select: ['eq', 'neq', 'in', 'not_in', 'empty', 'not_empty'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not_in', 'empty', 'not_empty'],
  instant: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'empty', 'not_empty', 'last_days', 'next_days', 'today', 'this_week', 'this_month'],
  date: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'empty', 'not_empty', 'last_days', 'next_days', 'today', 'this_week', 'this_month'],
  boolean: ['eq', 'neq', 'empty', 'not_empty'],
  custom_phone: ['eq', 'neq', 'contains', 'not_contains', 'empty', 'not_empty'],
  language: ['eq', 'neq', 'in', 'not_in', 'empty', 'not_empty'],
};

const KIND_NAMES: Record<Kind, string> = {
  text: 'a text field',
  name: 'the name',
  phone: 'the phone',
  email: 'the email',
  tags: 'the tags',
  multi_select: 'a multiple-choice field',
  member: 'a member field',
  reference: 'a reference field',
  select: 'a choice field',
  number: 'a number field',
  instant: 'a date field',
  date: 'a date field',
  boolean: 'a yes/no field',
  custom_phone: 'a phone field',
  language: 'the language',
};

/** How a field compares: its kind decides the operators and the form of values. */
type FieldSpec = {
  kind: Kind;
  label: string;
  expr: SQL;
  options?: readonly string[];
};

const customValue = (key: string) => sql`(${leads.custom} ->> ${key}::text)`;
const customJson = (key: string) => sql`(${leads.custom} -> ${key}::text)`;
const customNumber = (key: string) =>
  sql`(CASE WHEN jsonb_typeof(${customJson(key)}) = 'number' THEN ${customValue(key)}::numeric END)`;

const STANDARD: Record<(typeof LEAD_STANDARD_FIELDS)[number], FieldSpec> = {
  name: { kind: 'name', label: 'Name', expr: sql`${leads.nameSearch}` },
  firstName: { kind: 'text', label: 'First name', expr: sql`${leads.firstName}` },
  lastName: { kind: 'text', label: 'Last name', expr: sql`${leads.lastName}` },
  company: { kind: 'text', label: 'Company', expr: sql`${leads.company}` },
  phone: { kind: 'phone', label: 'Phone', expr: sql`${leads.phoneSearch}` },
  email: { kind: 'email', label: 'Email', expr: sql`${leads.emailSearch}` },
  source: { kind: 'text', label: 'Source', expr: sql`${leads.source}` },
  campaign: { kind: 'text', label: 'Campaign', expr: sql`${leads.campaign}` },
  city: { kind: 'text', label: 'City', expr: sql`${leads.city}` },
  state: { kind: 'text', label: 'State', expr: sql`${leads.state}` },
  country: { kind: 'text', label: 'Country', expr: sql`${leads.country}` },
  zip: { kind: 'text', label: 'ZIP', expr: sql`${leads.zip}` },
  timeZone: { kind: 'text', label: 'Time zone', expr: sql`${leads.timeZone}` },
  language: { kind: 'language', label: 'Language', expr: sql`${leads.language}` },
  tags: { kind: 'tags', label: 'Tags', expr: sql`${leads.tags}` },
  ownerId: { kind: 'member', label: 'Owner', expr: sql`${leads.ownerId}` },
  pipelineId: { kind: 'reference', label: 'Pipeline', expr: sql`${leads.pipelineId}` },
  stageId: { kind: 'reference', label: 'Stage', expr: sql`${leads.stageId}` },
  score: { kind: 'number', label: 'Score', expr: sql`${leads.score}` },
  nextFollowUpAt: { kind: 'instant', label: 'Next follow-up', expr: sql`${leads.nextFollowUpAt}` },
  lostReason: { kind: 'text', label: 'Lost reason', expr: sql`${leads.lostReason}` },
  origin: { kind: 'text', label: 'Origin', expr: sql`${leads.origin}` },
  createdAt: { kind: 'instant', label: 'Created at', expr: sql`${leads.createdAt}` },
  updatedAt: { kind: 'instant', label: 'Updated at', expr: sql`${leads.updatedAt}` },
  lastActivityAt: { kind: 'instant', label: 'Last activity', expr: sql`${leads.lastActivityAt}` },
  cameBackAt: { kind: 'instant', label: 'Came back', expr: sql`${leads.cameBackAt}` },
  sourceDetail: { kind: 'text', label: 'Source detail', expr: sql`${leads.sourceDetail}` },
  eventId: { kind: 'reference', label: 'Event', expr: sql`${leads.eventId}` },
  referralType: { kind: 'select', label: 'Referral', expr: sql`${leads.referralType}`, options: ['regular', 'interim'] },
  referredByLeadId: { kind: 'reference', label: 'Referred by (client)', expr: sql`${leads.referredByLeadId}` },
  referredByContactId: { kind: 'reference', label: 'Referred by (contact)', expr: sql`${leads.referredByContactId}` },
  referredAt: { kind: 'instant', label: 'Referred at', expr: sql`${leads.referredAt}` },
  clientSince: { kind: 'instant', label: 'Client since', expr: sql`${leads.clientSince}` },
  // Compared as JSON like custom yes/no fields; `clientSince not_empty` is the indexed form of "is a client".
  isClient: { kind: 'boolean', label: 'Client', expr: sql`to_jsonb(${leads.clientSince} IS NOT NULL)` },
  stageStatus: {
    kind: 'select',
    label: 'Stage status',
    expr: sql`(SELECT s.status FROM pipeline_stages s WHERE s.id = ${leads.stageId})`,
    options: STAGE_STATUSES,
  },
};

const CUSTOM_KIND: Record<CustomFieldType, Kind> = {
  text: 'text',
  long_text: 'text',
  email: 'text',
  url: 'text',
  phone: 'custom_phone',
  number: 'number',
  money: 'number',
  date: 'date',
  // Stored as ISO text in UTC (custom-values.ts), so it compares as text with ISO bounds.
  datetime: 'instant',
  boolean: 'boolean',
  select: 'select',
  multi_select: 'multi_select',
  user: 'member',
};

function isStandardField(name: string): name is (typeof LEAD_STANDARD_FIELDS)[number] {
  return (LEAD_STANDARD_FIELDS as readonly string[]).includes(name);
}

function customKeyOf(name: string): string | null {
  return name.startsWith('custom.') ? name.slice('custom.'.length) : null;
}

/** Field names a query uses, to load custom field definitions only when they are needed. */
export function usesCustomFields(query: Pick<LeadQuery, 'filters' | 'sort'>, columns: readonly string[] = []): boolean {
  return [...query.filters.map((f) => f.field), query.sort.field, ...columns].some((f) => f.startsWith('custom.'));
}

function resolveField(name: string, ctx: LeadQueryContext): FieldSpec | null {
  if (isStandardField(name)) return STANDARD[name];
  const key = customKeyOf(name);
  const def = key ? ctx.customFields.get(key) : undefined;
  if (!key || !def) return null;
  const kind = CUSTOM_KIND[def.type];
  const expr = kind === 'number' ? customNumber(key) : kind === 'boolean' || kind === 'multi_select' ? customJson(key) : customValue(key);
  return { kind, label: def.label, expr, options: def.options.map((o) => o.value) };
}

function unknownFieldMessage(name: string): string {
  const key = customKeyOf(name);
  if (key !== null) return `No custom field "${key}" in this workspace`;
  return `Unknown field "${name}": use one of ${LEAD_STANDARD_FIELDS.join(', ')}, or custom.<key>`;
}

// ---------------------------------------------------------------------------------------------------------------
// Calendar days in a time zone

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneParts(at: Date, timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** Minutes the zone is ahead of UTC at an instant (−180 in São Paulo). */
export function zoneOffsetMinutes(at: Date, timeZone: string): number {
  const p = zoneParts(at, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((wall - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The calendar day (YYYY-MM-DD) an instant falls on in a zone. */
export function dayInZone(at: Date, timeZone: string): string {
  const p = zoneParts(at, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** ISO 8601 in a zone with its offset, to the second: 2025-03-01T14:30:00-03:00. */
export function isoInZone(at: Date, timeZone: string): string {
  const p = zoneParts(at, timeZone);
  const offset = zoneOffsetMinutes(at, timeZone);
  const abs = Math.abs(offset);
  const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${zone}`;
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The first instant of a calendar day in a zone (midnight, or the end of a daylight-saving gap at midnight). */
export function startOfDayInZone(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wallMidnight = Date.UTC(y, m - 1, d);
  const first = wallMidnight - zoneOffsetMinutes(new Date(wallMidnight), timeZone) * 60_000;
  const second = wallMidnight - zoneOffsetMinutes(new Date(first), timeZone) * 60_000;
  const candidates = [first, second].filter((t) => dayInZone(new Date(t), timeZone) === day).sort((a, b) => a - b);
  return new Date(candidates[0] ?? first);
}

/** Days [from, to) of a preset, in the zone of the context. */
function presetDays(op: 'last_days' | 'next_days' | 'today' | 'this_week' | 'this_month', n: number, ctx: LeadQueryContext) {
  const today = dayInZone(ctx.now, ctx.timeZone);
  switch (op) {
    case 'today':
      return { from: today, to: addDays(today, 1) };
    case 'last_days':
      return { from: addDays(today, -(n - 1)), to: addDays(today, 1) };
    case 'next_days':
      return { from: today, to: addDays(today, n) };
    case 'this_week': {
      const [y, m, d] = today.split('-').map(Number) as [number, number, number];
      const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday = 0
      const monday = addDays(today, -weekday);
      return { from: monday, to: addDays(monday, 7) };
    }
    case 'this_month': {
      const first = `${today.slice(0, 7)}-01`;
      const [y, m] = first.split('-').map(Number) as [number, number];
      return { from: first, to: new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10) };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Values

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const datetimeSchema = z.iso.datetime({ offset: true });
const uuidSchema = z.uuid();
const MAX_LIST = 200;

function isRealDay(s: string): boolean {
  const m = DAY.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

type TimeValue = { day: string } | { instant: Date };

/** Escapes LIKE wildcards so a typed `%` or `_` matches itself. */
export function likeFragment(s: string): string {
  return s.replace(/[\\%_]/g, '\\$&');
}

/** A PostgreSQL array literal for one bound parameter (10,000 ids stay one parameter, not 10,000). */
export function pgArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

class FilterCompiler {
  constructor(
    private readonly ctx: LeadQueryContext,
    private readonly at: string,
    private readonly field: FieldSpec,
    private readonly filter: LeadFilter,
  ) {}

  private bad(message: string): never {
    throw invalid(`${this.at}.value`, message);
  }

  private noValue(): void {
    if (this.filter.value !== undefined && this.filter.value !== null) this.bad(`"${this.filter.op}" takes no value`);
  }

  private text(v: unknown = this.filter.value): string {
    if (typeof v !== 'string' || v.trim() === '') this.bad('Enter some text');
    if (v.length > 500) this.bad('Use at most 500 characters');
    return v.trim();
  }

  private list<T>(parse: (v: unknown) => T, v: unknown = this.filter.value): T[] {
    if (!Array.isArray(v) || v.length === 0) this.bad('Give a non-empty list of values');
    if (v.length > MAX_LIST) this.bad(`Give at most ${MAX_LIST} values`);
    return v.map((x) => parse(x));
  }

  private textOrList(): string[] {
    const v = this.filter.value;
    return Array.isArray(v) ? this.list((x) => this.text(x)) : [this.text()];
  }

  private number(v: unknown = this.filter.value): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.bad('Enter a number');
    return v;
  }

  private pair<T>(parse: (v: unknown) => T, order: (a: T, b: T) => boolean): [T, T] {
    const v = this.filter.value;
    if (!Array.isArray(v) || v.length !== 2) this.bad('"between" takes [from, to]');
    const a = parse(v[0]);
    const b = parse(v[1]);
    if (!order(a, b)) this.bad('"between" needs from ≤ to');
    return [a, b];
  }

  private days(): number {
    const v = this.filter.value;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 3650) this.bad('Give a whole number of days from 1 to 3650');
    return v;
  }

  private member(v: unknown): string | null {
    if (v === null) return null;
    if (v === 'me') {
      if (!this.ctx.userId) this.bad('"me" needs a signed-in user');
      return this.ctx.userId;
    }
    if (typeof v !== 'string' || !uuidSchema.safeParse(v).success) this.bad('Use a member id, "me" or null');
    return v.toLowerCase();
  }

  private reference(v: unknown): string | null {
    if (v === null) return null;
    if (typeof v !== 'string' || !uuidSchema.safeParse(v).success) this.bad('Use an id or null');
    return v.toLowerCase();
  }

  private option(v: unknown): string {
    const options = this.field.options ?? [];
    if (typeof v !== 'string' || !options.includes(v)) this.bad(`Use one of the options of ${this.field.label}: ${options.join(', ')}`);
    return v;
  }

  private time(v: unknown, dayOnly: boolean): TimeValue {
    if (typeof v === 'string' && isRealDay(v)) {
      if (!yearInRange(v)) this.bad(YEAR_RANGE_MESSAGE);
      return { day: v };
    }
    if (!dayOnly && typeof v === 'string' && datetimeSchema.safeParse(v).success) {
      const instant = new Date(v);
      if (!instantInRange(instant)) this.bad(YEAR_RANGE_MESSAGE);
      return { instant };
    }
    this.bad(dayOnly ? 'Use a date as YYYY-MM-DD' : 'Use a date as YYYY-MM-DD or an ISO date-time with offset');
  }

  private phoneDigits(): string {
    const v = this.text();
    const digits = phoneQueryDigits(v);
    if (!digits) this.bad('Enter at least 4 digits of a phone number');
    return digits;
  }

  /** Conditions that are NULL on missing values must still let a negation match them: "not X" includes "no value". */
  private not(positive: SQL): SQL {
    return sql`NOT coalesce(${positive}, false)`;
  }

  compile(): SQL {
    const { op } = this.filter;
    const e = this.field.expr;
    switch (this.field.kind) {
      case 'text':
        return this.compileText(e);
      case 'language':
        return this.compileLanguage(e);
      case 'name':
        return this.compileName(e);
      case 'phone':
        return this.compilePhone();
      case 'email':
        return this.compileEmail();
      case 'tags':
        return this.compileTags();
      case 'multi_select':
        return this.compileMultiSelect(e);
      case 'member':
      case 'reference':
      case 'select':
        return this.compileChoice(e);
      case 'number':
        return this.compileNumber(e);
      case 'instant':
      case 'date':
        return this.compileTime(e);
      case 'boolean': {
        if (op === 'empty' || op === 'not_empty') {
          this.noValue();
          const isEmpty = sql`(${e} IS NULL OR ${e} = 'null'::jsonb)`;
          return op === 'empty' ? isEmpty : sql`NOT ${isEmpty}`;
        }
        const v = this.filter.value;
        if (typeof v !== 'boolean') this.bad('Use true or false');
        // An unticked box and one never set both read as "no".
        const isTrue = sql`coalesce(${e} = 'true'::jsonb, false)`;
        return (op === 'eq') === v ? isTrue : sql`NOT ${isTrue}`;
      }
      case 'custom_phone': {
        if (op === 'empty' || op === 'not_empty') return this.emptiness(sql`coalesce(${e}, '') = ''`);
        const digits = this.phoneDigits();
        const stored = sql`regexp_replace(${e}, '\\D', '', 'g')`;
        // Stored in E.164: a number typed in national format is its tail.
        const positive = op === 'eq' || op === 'neq' ? sql`${stored} LIKE ${`%${digits}`}` : sql`${stored} LIKE ${`%${digits}%`}`;
        return op === 'eq' || op === 'contains' ? positive : this.not(positive);
      }
    }
  }

  private emptiness(isEmpty: SQL): SQL {
    this.noValue();
    return this.filter.op === 'empty' ? isEmpty : sql`NOT ${isEmpty}`;
  }

  private compileText(e: SQL): SQL {
    const { op } = this.filter;
    switch (op) {
      case 'empty':
      case 'not_empty':
        return this.emptiness(sql`coalesce(btrim(${e}), '') = ''`);
      case 'eq':
        return sql`lower(${e}) = lower(${this.text()})`;
      case 'neq':
        return this.not(sql`lower(${e}) = lower(${this.text()})`);
      case 'contains':
        return sql`${e} ILIKE ${`%${likeFragment(this.text())}%`}`;
      case 'not_contains':
        return this.not(sql`${e} ILIKE ${`%${likeFragment(this.text())}%`}`);
      case 'starts_with':
        return sql`${e} ILIKE ${`${likeFragment(this.text())}%`}`;
      case 'in':
      case 'not_in': {
        const values = this.list((x) => this.text(x));
        const positive = sql`lower(${e}) IN (${sql.join(
          values.map((v) => sql`lower(${v})`),
          sql`, `,
        )})`;
        return op === 'in' ? positive : this.not(positive);
      }
      default:
        return this.unsupported();
    }
  }

  /**
   * Values are read as a lead's language is (`Spanish` → `es`, ADR 033); a language without a region also matches
   * its regional forms (`es` matches `es-MX`), one with a region only itself.
   */
  private compileLanguage(e: SQL): SQL {
    const { op } = this.filter;
    if (op === 'empty' || op === 'not_empty') return this.emptiness(sql`coalesce(${e}, '') = ''`);
    const tag = (value: unknown) => {
      const parsed = parseLanguage(this.text(value));
      if (!parsed) this.bad('Not a language: use a code like en or pt-BR, or a name like Spanish');
      return parsed;
    };
    const matches = (t: string) => (t.includes('-') ? sql`lower(${e}) = ${t.toLowerCase()}` : sql`(lower(${e}) = ${t.toLowerCase()} OR lower(${e}) LIKE ${`${t.toLowerCase()}-%`})`);
    switch (op) {
      case 'eq':
        return matches(tag(this.filter.value));
      case 'neq':
        return this.not(matches(tag(this.filter.value)));
      case 'in':
      case 'not_in': {
        const positive = sql`(${sql.join(this.list((x) => tag(x)).map(matches), sql` OR `)})`;
        return op === 'in' ? positive : this.not(positive);
      }
      default:
        return this.unsupported();
    }
  }

  private compileName(e: SQL): SQL {
    const { op } = this.filter;
    switch (op) {
      case 'empty':
      case 'not_empty':
        return this.emptiness(sql`btrim(${e}) = ''`);
      // name_search is folded (search-text.ts): so is the value, and accents never matter.
      case 'contains':
        return sql`${e} LIKE ${`%${likeFragment(foldSearchText(this.text()))}%`}`;
      case 'not_contains':
        return sql`NOT (${e} LIKE ${`%${likeFragment(foldSearchText(this.text()))}%`})`;
      case 'starts_with':
        return sql`ltrim(${e}) LIKE ${`${likeFragment(foldSearchText(this.text()))}%`}`;
      default:
        return this.unsupported();
    }
  }

  private compilePhone(): SQL {
    const { op } = this.filter;
    if (op === 'empty' || op === 'not_empty') return this.emptiness(sql`jsonb_array_length(${leads.phones}) = 0`);
    const digits = this.phoneDigits();
    // phone_search holds every stored number as digit groups (E.164 and national): "eq" is a whole group.
    const positive =
      op === 'eq' || op === 'neq'
        ? sql`(' ' || ${leads.phoneSearch} || ' ') LIKE ${`% ${digits} %`}`
        : sql`${leads.phoneSearch} LIKE ${`%${digits}%`}`;
    return op === 'eq' || op === 'contains' ? positive : sql`NOT ${positive}`;
  }

  private compileEmail(): SQL {
    const { op } = this.filter;
    switch (op) {
      case 'empty':
      case 'not_empty':
        return this.emptiness(sql`cardinality(${leads.emails}) = 0`);
      case 'eq':
        return sql`${leads.emails} @> ${pgArrayLiteral([this.text().toLowerCase()])}::text[]`;
      case 'neq':
        return sql`NOT (${leads.emails} @> ${pgArrayLiteral([this.text().toLowerCase()])}::text[])`;
      case 'contains':
        return sql`${leads.emailSearch} ILIKE ${`%${likeFragment(this.text())}%`}`;
      case 'not_contains':
        return sql`NOT (${leads.emailSearch} ILIKE ${`%${likeFragment(this.text())}%`})`;
      case 'starts_with':
        return sql`(' ' || ${leads.emailSearch}) ILIKE ${`% ${likeFragment(this.text())}%`}`;
      default:
        return this.unsupported();
    }
  }

  private compileTags(): SQL {
    const { op } = this.filter;
    const tags = leads.tags;
    switch (op) {
      case 'empty':
      case 'not_empty':
        return this.emptiness(sql`cardinality(${tags}) = 0`);
      case 'in':
        return sql`${tags} && ${pgArrayLiteral(this.list((x) => this.text(x)))}::text[]`;
      case 'not_in':
        return sql`NOT (${tags} && ${pgArrayLiteral(this.list((x) => this.text(x)))}::text[])`;
      case 'contains':
        return sql`${tags} @> ${pgArrayLiteral(this.textOrList())}::text[]`;
      case 'not_contains':
        return sql`NOT (${tags} @> ${pgArrayLiteral(this.textOrList())}::text[])`;
      default:
        return this.unsupported();
    }
  }

  private compileMultiSelect(e: SQL): SQL {
    const { op } = this.filter;
    const asArray = sql`(CASE WHEN jsonb_typeof(${e}) = 'array' THEN ${e} END)`;
    switch (op) {
      case 'empty':
      case 'not_empty':
        return this.emptiness(sql`coalesce(jsonb_array_length(${asArray}), 0) = 0`);
      case 'in':
      case 'not_in': {
        const positive = sql`${asArray} ?| ${pgArrayLiteral(this.list((x) => this.option(x)))}::text[]`;
        return op === 'in' ? positive : this.not(positive);
      }
      case 'contains':
      case 'not_contains': {
        const v = this.filter.value;
        const values = Array.isArray(v) ? this.list((x) => this.option(x)) : [this.option(v)];
        const positive = sql`${asArray} @> ${JSON.stringify(values)}::jsonb`;
        return op === 'contains' ? positive : this.not(positive);
      }
      default:
        return this.unsupported();
    }
  }

  /** Owner, pipeline, stage, select and user fields: equality on one value, null meaning "none". */
  private compileChoice(e: SQL): SQL {
    const { op, value } = this.filter;
    const kind = this.field.kind;
    const custom = this.isCustom();
    const parse = (v: unknown): string | null =>
      kind === 'member' ? this.member(v) : kind === 'reference' ? this.reference(v) : v === null ? null : this.option(v);
    // Member and reference columns are uuid; standard choice columns and custom values are text.
    const literal = (v: string) => (custom || kind === 'select' ? sql`${v}` : sql`${v}::uuid`);
    const isNone = custom ? sql`coalesce(${e}, '') = ''` : sql`${e} IS NULL`;
    const equals = (v: string | null) => (v === null ? isNone : sql`${e} = ${literal(v)}`);
    switch (op) {
      case 'empty':
      case 'not_empty':
        return this.emptiness(isNone);
      case 'eq':
        if (value === undefined) this.bad('Give a value, or null for none');
        return equals(parse(value));
      case 'neq':
        if (value === undefined) this.bad('Give a value, or null for none');
        return this.not(equals(parse(value)));
      case 'in':
      case 'not_in': {
        const values = this.list(parse);
        const some = values.filter((v): v is string => v !== null);
        const parts: SQL[] = [];
        if (some.length) parts.push(sql`${e} IN (${sql.join(some.map(literal), sql`, `)})`);
        if (some.length < values.length) parts.push(isNone);
        const positive = sql`(${sql.join(parts, sql` OR `)})`;
        return op === 'in' ? positive : this.not(positive);
      }
      default:
        return this.unsupported();
    }
  }

  private compileNumber(e: SQL): SQL {
    const { op } = this.filter;
    const n = (v: number) => sql`${String(v)}::numeric`;
    switch (op) {
      case 'empty':
      case 'not_empty':
        return this.emptiness(sql`${e} IS NULL`);
      case 'eq':
        return sql`${e} = ${n(this.number())}`;
      case 'neq':
        return this.not(sql`${e} = ${n(this.number())}`);
      case 'gt':
        return sql`${e} > ${n(this.number())}`;
      case 'gte':
        return sql`${e} >= ${n(this.number())}`;
      case 'lt':
        return sql`${e} < ${n(this.number())}`;
      case 'lte':
        return sql`${e} <= ${n(this.number())}`;
      case 'between': {
        const [a, b] = this.pair((v) => this.number(v), (a, b) => a <= b);
        return sql`${e} BETWEEN ${n(a)} AND ${n(b)}`;
      }
      case 'in':
      case 'not_in': {
        const positive = sql`${e} IN (${sql.join(
          this.list((v) => this.number(v)).map(n),
          sql`, `,
        )})`;
        return op === 'in' ? positive : this.not(positive);
      }
      default:
        return this.unsupported();
    }
  }

  /**
   * Timestamps, custom datetimes (ISO text in UTC) and custom dates (YYYY-MM-DD text). A day value means the
   * whole calendar day in the workspace's zone: `eq 2025-03-01` is that day, `lte 2025-03-01` includes it.
   */
  private compileTime(e: SQL): SQL {
    const { op } = this.filter;
    const dayOnly = this.field.kind === 'date';
    const isColumn = this.field.kind === 'instant' && !this.isCustom();
    const tz = this.ctx.timeZone;
    const dayStart = (day: string): SQL => {
      if (dayOnly) return sql`${day}`;
      const iso = startOfDayInZone(day, tz).toISOString();
      return isColumn ? sql`${iso}::timestamptz` : sql`${iso}`;
    };
    const instant = (t: Date): SQL => (isColumn ? sql`${t.toISOString()}::timestamptz` : sql`${t.toISOString()}`);
    const lower = (v: TimeValue, inclusive: boolean) =>
      'day' in v ? sql`${e} >= ${dayStart(inclusive ? v.day : addDays(v.day, 1))}` : sql`${e} ${sql.raw(inclusive ? '>=' : '>')} ${instant(v.instant)}`;
    const upper = (v: TimeValue, inclusive: boolean) =>
      'day' in v ? sql`${e} < ${dayStart(inclusive ? addDays(v.day, 1) : v.day)}` : sql`${e} ${sql.raw(inclusive ? '<=' : '<')} ${instant(v.instant)}`;
    const within = (from: string, to: string) => sql`(${e} >= ${dayStart(from)} AND ${e} < ${dayStart(to)})`;
    const equals = (v: TimeValue) => ('day' in v ? within(v.day, addDays(v.day, 1)) : sql`${e} = ${instant(v.instant)}`);
    const value = () => this.time(this.filter.value, dayOnly);
    switch (op) {
      case 'empty':
      case 'not_empty':
        return this.emptiness(isColumn ? sql`${e} IS NULL` : sql`coalesce(${e}, '') = ''`);
      case 'eq':
        return equals(value());
      case 'neq':
        return this.not(equals(value()));
      case 'gt':
        return lower(value(), false);
      case 'gte':
        return lower(value(), true);
      case 'lt':
        return upper(value(), false);
      case 'lte':
        return upper(value(), true);
      case 'between': {
        const startOf = (v: TimeValue) => ('day' in v ? startOfDayInZone(v.day, tz).getTime() : v.instant.getTime());
        const [a, b] = this.pair((v) => this.time(v, dayOnly), (a, b) => startOf(a) <= startOf(b));
        return sql`(${lower(a, true)} AND ${upper(b, true)})`;
      }
      case 'last_days':
      case 'next_days': {
        const range = presetDays(op, this.days(), this.ctx);
        return within(range.from, range.to);
      }
      case 'today':
      case 'this_week':
      case 'this_month': {
        this.noValue();
        const range = presetDays(op, 0, this.ctx);
        return within(range.from, range.to);
      }
      default:
        return this.unsupported();
    }
  }

  private isCustom(): boolean {
    return this.filter.field.startsWith('custom.');
  }

  private unsupported(): never {
    throw invalid(`${this.at}.op`, operatorMessage(this.filter, this.field));
  }
}

function operatorMessage(filter: LeadFilter, field: FieldSpec): string {
  return `"${filter.op}" does not apply to ${KIND_NAMES[field.kind]} (${field.label}); use one of ${OPERATORS[field.kind].join(', ')}`;
}

/**
 * The SQL conditions of a list of filters (all must hold), or a VALIDATION_FAILED error naming
 * `<path>.filters.<i>.field|op|value`.
 */
export function compileLeadFilters(filters: readonly LeadFilter[], ctx: LeadQueryContext): SQL[] {
  const path = ctx.path ?? 'query';
  return filters.map((filter, i) => {
    const at = `${path}.filters.${i}`;
    const field = resolveField(filter.field, ctx);
    if (!field) throw invalid(`${at}.field`, unknownFieldMessage(filter.field));
    if (!OPERATORS[field.kind].includes(filter.op)) throw invalid(`${at}.op`, operatorMessage(filter, field));
    return new FilterCompiler(ctx, at, field, filter).compile();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Free-text search

/**
 * A search text compiled into its parts. `exact` and `typo` are each served by the trigram indexes; which of them a
 * query uses is the caller's choice (lead-list.service.ts): typos count only when the exact matches are few.
 */
export type CompiledSearch = {
  /** Every word is in the name or company (fragments; 1–2 letter words at the start of a word), or the text is in an email; for a number, its digits are in a phone. */
  exact: SQL;
  /** The name is like the text (pg_trgm word similarity ≥ 0.6): typos. Only for texts of 4 or more letters (and spaces, hyphens, apostrophes). */
  typo: SQL | null;
  /**
   * Integer relevance, higher first: 3000 the name or an email starts with the text (or a phone with the number),
   * 2000 every word starts a word of the name, 1000 other exact matches, 0 typos; plus the word similarity × 999.
   */
  rank: SQL;
};

/** The typo branch joins the exact matches only when there are fewer of them than this. */
export const TYPO_WHEN_FEWER_THAN = 20;
const MAX_SEARCH_WORDS = 8;
const ALPHANUMERIC = /[\p{L}\p{N}]/u;
const NAME_LIKE = /^[\p{L}][\p{L}\p{M}' -]*$/u;

/** Which leads a search matches, given whether typos count. */
export function searchCondition(search: CompiledSearch, withTypos: boolean): SQL {
  return withTypos && search.typo ? sql`(${search.exact} OR ${search.typo})` : search.exact;
}

/**
 * Fragments of the name, surname or company (words in any order), email fragments, phones by their digits in any
 * format, typos of the name; case and accents ignored (search-text.ts). A word of 3 or more characters matches
 * anywhere in the name; a shorter one only at the start of a word, the longest fragment the trigram index can
 * still serve.
 */
export function compileLeadSearch(q: string | undefined): CompiledSearch | null {
  const text = foldSearchText(q ?? '');
  if (!text) return null;
  const name = leads.nameSearch;
  const email = leads.emailSearch;
  // Words without a letter or digit give the trigram index nothing to look up (it would read all of itself).
  const words = [...new Set(text.split(' '))].filter((w) => ALPHANUMERIC.test(w)).slice(0, MAX_SEARCH_WORDS);
  const wordStarts = (col: SQLWrapper, fragment: string) =>
    sql`(${col} LIKE ${`${likeFragment(fragment)}%`} OR ${col} LIKE ${`% ${likeFragment(fragment)}%`})`;
  const nameWord = (w: string) => (w.length >= 3 ? sql`${name} LIKE ${`%${likeFragment(w)}%`}` : wordStarts(name, w));
  // A text of digits and phone punctuation is a number being looked for: phones only (digit trigrams are common in
  // emails, and every extra branch is another index lookup).
  const digits = phoneQueryDigits(q ?? '');
  const hits: SQL[] = [];
  const starts: SQL[] = [];
  if (words.length && !digits) {
    hits.push(sql`(${sql.join(words.map(nameWord), sql` AND `)})`);
    starts.push(sql`ltrim(${name}) LIKE ${`${likeFragment(text)}%`}`);
  }
  // Emails hold no spaces: only a one-word text can be part of one.
  if (!digits && !text.includes(' ') && ALPHANUMERIC.test(text)) {
    hits.push(text.length >= 3 ? sql`${email} LIKE ${`%${likeFragment(text)}%`}` : wordStarts(email, text));
    starts.push(wordStarts(email, text));
  }
  if (digits) {
    hits.push(sql`${leads.phoneSearch} LIKE ${`%${digits}%`}`);
    starts.push(wordStarts(leads.phoneSearch, digits));
  }
  if (!hits.length) return { exact: sql`false`, typo: null, rank: sql`0` };
  const exact = sql`(${sql.join(hits, sql` OR `)})`;
  // Typos are for names: a text with digits, @, dots or underscores is an email or a number being typed.
  const typo = text.length >= 4 && NAME_LIKE.test(text) ? sql`${text}::text <% ${name}` : null;
  const everyWordStarts = words.length
    ? sql.join(
        words.map((w) => sql`(' ' || ${name}) LIKE ${`% ${likeFragment(w)}%`}`),
        sql` AND `,
      )
    : sql`false`;
  const rank = sql`((CASE WHEN ${sql.join(starts, sql` OR `)} THEN 3
    WHEN ${everyWordStarts} THEN 2
    WHEN ${exact} THEN 1
    ELSE 0 END) * 1000 + round(word_similarity(${text}::text, ${name}) * 999))::int`;
  return { exact, typo, rank };
}

// ---------------------------------------------------------------------------------------------------------------
// Sort and keyset cursors

type SortType = 'text' | 'integer' | 'numeric' | 'timestamptz';

export type LeadSort = {
  field: string;
  dir: 'asc' | 'desc';
  expr: SQL;
  type: SortType;
  /** Never null. Nullable keys are paged in two parts, the non-null rows then the null ones (keyedPart, nullPart). */
  notNull: boolean;
};

export type LeadCursor = { value: string | null; id: string };

/**
 * Text sorts use the first 100 characters: the key travels in the cursor (at most 1,000 characters), and ORDER BY
 * and the keyset comparison use the same expression, so pages stay exact (longer ties fall back to the id).
 */
const textKey = (expr: SQL) => sql`left(${expr}, 100)`;
const lowerText = (col: SQL) => textKey(sql`lower(${col})`);

const SORTS: Record<(typeof LEAD_STANDARD_FIELDS)[number], Omit<LeadSort, 'field' | 'dir'>> = {
  name: { expr: textKey(sql`nullif(btrim(${leads.nameSearch}), '')`), type: 'text', notNull: false },
  firstName: { expr: lowerText(sql`${leads.firstName}`), type: 'text', notNull: false },
  lastName: { expr: lowerText(sql`${leads.lastName}`), type: 'text', notNull: false },
  company: { expr: lowerText(sql`${leads.company}`), type: 'text', notNull: false },
  phone: { expr: textKey(sql`nullif(${leads.phoneSearch}, '')`), type: 'text', notNull: false },
  email: { expr: textKey(sql`nullif(${leads.emailSearch}, '')`), type: 'text', notNull: false },
  source: { expr: lowerText(sql`${leads.source}`), type: 'text', notNull: false },
  campaign: { expr: lowerText(sql`${leads.campaign}`), type: 'text', notNull: false },
  city: { expr: lowerText(sql`${leads.city}`), type: 'text', notNull: false },
  state: { expr: lowerText(sql`${leads.state}`), type: 'text', notNull: false },
  country: { expr: textKey(sql`${leads.country}`), type: 'text', notNull: false },
  zip: { expr: textKey(sql`${leads.zip}`), type: 'text', notNull: false },
  timeZone: { expr: textKey(sql`${leads.timeZone}`), type: 'text', notNull: false },
  language: { expr: textKey(sql`${leads.language}`), type: 'text', notNull: false },
  tags: { expr: textKey(sql`nullif(lower(array_to_string(${leads.tags}, ', ')), '')`), type: 'text', notNull: false },
  // By the owner's name and the stage's place in its pipeline: what a person sorting the column means.
  ownerId: { expr: lowerText(sql`${users.name}`), type: 'text', notNull: false },
  pipelineId: {
    expr: textKey(sql`(SELECT lower(${pipelines.name}) FROM ${pipelines} WHERE ${pipelines.id} = ${leads.pipelineId})`),
    type: 'text',
    notNull: false,
  },
  stageId: { expr: sql`${pipelineStages.position}`, type: 'integer', notNull: false },
  score: { expr: sql`${leads.score}`, type: 'integer', notNull: false },
  nextFollowUpAt: { expr: sql`${leads.nextFollowUpAt}`, type: 'timestamptz', notNull: false },
  lostReason: { expr: lowerText(sql`${leads.lostReason}`), type: 'text', notNull: false },
  origin: { expr: textKey(sql`${leads.origin}`), type: 'text', notNull: true },
  createdAt: { expr: sql`${leads.createdAt}`, type: 'timestamptz', notNull: true },
  updatedAt: { expr: sql`${leads.updatedAt}`, type: 'timestamptz', notNull: true },
  lastActivityAt: { expr: sql`${leads.lastActivityAt}`, type: 'timestamptz', notNull: true },
  cameBackAt: { expr: sql`${leads.cameBackAt}`, type: 'timestamptz', notNull: false },
  sourceDetail: { expr: lowerText(sql`${leads.sourceDetail}`), type: 'text', notNull: false },
  eventId: { expr: textKey(sql`${leads.eventId}::text`), type: 'text', notNull: false },
  referralType: { expr: textKey(sql`${leads.referralType}`), type: 'text', notNull: false },
  referredByLeadId: { expr: textKey(sql`${leads.referredByLeadId}::text`), type: 'text', notNull: false },
  referredByContactId: { expr: textKey(sql`${leads.referredByContactId}::text`), type: 'text', notNull: false },
  referredAt: { expr: sql`${leads.referredAt}`, type: 'timestamptz', notNull: false },
  clientSince: { expr: sql`${leads.clientSince}`, type: 'timestamptz', notNull: false },
  isClient: { expr: sql`(${leads.clientSince} IS NOT NULL)::int`, type: 'integer', notNull: true },
  stageStatus: {
    expr: sql`array_position('{new,in_contact,qualified,converted,lost}'::text[], (SELECT s.status FROM pipeline_stages s WHERE s.id = ${leads.stageId}))`,
    type: 'integer',
    notNull: false,
  },
};

/** Trash lists are ordered by deletion; every row there has a deletedAt. */
export function trashSort(): LeadSort {
  return { field: 'deletedAt', dir: 'desc', expr: sql`${leads.deletedAt}`, type: 'timestamptz', notNull: true };
}

export function relevanceSort(search: CompiledSearch): LeadSort {
  return { field: 'relevance', dir: 'desc', expr: search.rank, type: 'integer', notNull: true };
}

/** The sort of a query; `relevance` needs a search. Errors name `<path>.sort.field`. */
export function resolveLeadSort(sort: LeadQuery['sort'], ctx: LeadQueryContext, search: CompiledSearch | null): LeadSort {
  const at = `${ctx.path ?? 'query'}.sort.field`;
  const { field, dir } = sort;
  if (field === 'relevance') {
    if (!search) throw invalid(at, 'Sorting by relevance needs a search text (q)');
    return { ...relevanceSort(search), dir };
  }
  if (isStandardField(field)) return { field, dir, ...SORTS[field] };
  const key = customKeyOf(field);
  const def = key ? ctx.customFields.get(key) : undefined;
  if (!key || !def) throw invalid(at, unknownFieldMessage(field));
  switch (def.type) {
    case 'number':
    case 'money':
      return { field, dir, expr: customNumber(key), type: 'numeric', notNull: false };
    case 'select':
      // In the order the options are listed, like stages on a board.
      return {
        field,
        dir,
        expr: sql`array_position(${pgArrayLiteral(def.options.map((o) => o.value))}::text[], ${customValue(key)})`,
        type: 'integer',
        notNull: false,
      };
    case 'user':
      return {
        field,
        dir,
        expr: textKey(sql`(SELECT lower(u.name) FROM users u WHERE u.id::text = ${customValue(key)})`),
        type: 'text',
        notNull: false,
      };
    case 'date':
    case 'datetime':
    case 'boolean':
    case 'multi_select':
      return { field, dir, expr: textKey(sql`nullif(${customValue(key)}, '')`), type: 'text', notNull: false };
    default:
      return { field, dir, expr: textKey(sql`nullif(lower(${customValue(key)}), '')`), type: 'text', notNull: false };
  }
}

/**
 * ORDER BY in the order of the (workspace, column DESC NULLS LAST, id DESC NULLS LAST) indexes: read forwards for
 * desc, backwards for asc. Nulls come last in both directions because nullable keys are read in two parts (keyedPart
 * then nullPart), each in this order.
 */
export function sortOrder(sort: LeadSort): SQL[] {
  const dir = sql.raw(sort.dir === 'desc' ? 'DESC' : 'ASC');
  const nulls = sql.raw(sort.dir === 'desc' ? 'NULLS LAST' : 'NULLS FIRST');
  return [sql`${sort.expr} ${dir} ${nulls}`, sql`${leads.id} ${dir} ${nulls}`];
}

/** The sort key as exact text for a cursor (timestamps with microseconds, numerics in full). */
export function sortKeyText(sort: LeadSort): SQL {
  switch (sort.type) {
    case 'timestamptz':
      return sql`to_char(${sort.expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
    case 'integer':
    case 'numeric':
    case 'text':
      return sql`(${sort.expr})::text`;
  }
}

const CURSOR_CAST: Record<SortType, string> = { timestamptz: 'timestamptz', integer: 'int', numeric: 'numeric', text: 'text' };

/**
 * Conditions of the rows with a sort key (every row for never-null keys) after the cursor: a row comparison the
 * sort indexes turn into a range. Null when the cursor is already among the rows without a key.
 */
export function keyedPart(sort: LeadSort, cursor: LeadCursor | null): SQL[] | null {
  if (cursor && cursor.value === null) return null;
  const where = sort.notNull ? [] : [sql`${sort.expr} IS NOT NULL`];
  if (cursor) {
    const cmp = sql.raw(sort.dir === 'desc' ? '<' : '>');
    where.push(sql`(${sort.expr}, ${leads.id}) ${cmp} (${cursor.value}::${sql.raw(CURSOR_CAST[sort.type])}, ${cursor.id}::uuid)`);
  }
  return where;
}

/** Conditions of the rows without a sort key, after the cursor when it is among them; null for never-null keys. */
export function nullPart(sort: LeadSort, cursor: LeadCursor | null): SQL[] | null {
  if (sort.notNull) return null;
  const where = [sql`${sort.expr} IS NULL`];
  if (cursor && cursor.value === null) where.push(sql`${leads.id} ${sql.raw(sort.dir === 'desc' ? '<' : '>')} ${cursor.id}::uuid`);
  return where;
}

const CURSOR_VALUE: Record<SortType, RegExp> = {
  timestamptz: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/,
  integer: /^-?\d{1,10}$/,
  numeric: /^-?\d+(\.\d+)?$/,
  text: /^[\s\S]{0,100}$/,
};

/** Opaque to clients: base64url JSON of [sort value, id, sort signature]. */
export function encodeCursor(sort: LeadSort, cursor: LeadCursor): string {
  return Buffer.from(JSON.stringify([cursor.value, cursor.id, `${sort.field}:${sort.dir}`])).toString('base64url');
}

export function decodeCursor(raw: string, sort: LeadSort, field = 'cursor'): LeadCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid(field, 'This cursor is not valid: start again from the first page');
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid(field, 'This cursor is not valid: start again from the first page');
  const [value, id, signature] = parsed as unknown[];
  if (signature !== `${sort.field}:${sort.dir}`) throw invalid(field, 'This cursor belongs to another sort: start again from the first page');
  const validValue =
    value === null
      ? !sort.notNull
      : typeof value === 'string' && CURSOR_VALUE[sort.type].test(value) && (sort.type !== 'integer' || Math.abs(Number(value)) <= 2 ** 31 - 1);
  if (!validValue || typeof id !== 'string' || !uuidSchema.safeParse(id).success) {
    throw invalid(field, 'This cursor is not valid: start again from the first page');
  }
  return { value: value as string | null, id };
}

// ---------------------------------------------------------------------------------------------------------------
// The `query` parameter

/** Parses the JSON `query` parameter of lists, counts and exports; `sortGiven` tells a default sort from a chosen one. */
export function parseLeadQueryParam(raw: string | undefined, field = 'query'): { query: LeadQuery; sortGiven: boolean } {
  let value: unknown = {};
  if (raw !== undefined && raw.trim() !== '') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw invalid(field, 'query must be JSON, like {"filters":[{"field":"source","op":"eq","value":"Facebook"}],"q":"ana","sort":{"field":"createdAt","dir":"desc"}}');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(field, 'query must be a JSON object');
  const nul = nulAt(value);
  if (nul !== null) throw invalid(`${field}.${nul}`, NUL_MESSAGE);
  const result = leadQuery.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw invalid([field, ...issue.path.map(String)].join('.'), issue.message);
  }
  return { query: result.data, sortGiven: 'sort' in value };
}

/** Checks a column list (saved views, exports): standard fields and active custom fields. */
export function checkColumns(columns: readonly string[], ctx: LeadQueryContext, field = 'columns'): void {
  columns.forEach((c, i) => {
    if (!resolveField(c, ctx)) throw invalid(`${field}.${i}`, unknownFieldMessage(c));
  });
}
