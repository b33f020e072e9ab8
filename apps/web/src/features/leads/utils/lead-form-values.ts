import type { CustomField } from '@leadflow/shared/leads';
import type { LeadDetail } from '../api/get-lead';
import { isoToLocalInput, localInputToIso } from './date-input';
import { NONE_VALUE } from './filters';

export type PhoneRow = { raw: string; label: string };

export type LeadFormValues = {
  firstName: string;
  lastName: string;
  company: string;
  phones: PhoneRow[];
  emails: string[];
  source: string;
  sourceDetail: string;
  /** A marketing event id; null: none. */
  eventId: string | null;
  campaign: string;
  city: string;
  state: string;
  country: string | null;
  zip: string;
  timeZone: string | null;
  /** A BCP 47 tag; null: none. */
  language: string | null;
  tags: string[];
  /** NONE_VALUE: unassigned; null: not chosen (a new lead gets the server's default). */
  ownerId: string | null;
  stageId: string | null;
  score: number | string;
  /** `datetime-local` text. */
  nextFollowUpAt: string;
  lostReason: string;
  custom: Record<string, unknown>;
};

function customInitial(field: CustomField, stored: unknown): unknown {
  switch (field.type) {
    case 'number':
    case 'money':
      return typeof stored === 'number' ? stored : '';
    case 'boolean':
      return stored === true;
    case 'multi_select':
      return Array.isArray(stored) ? stored : [];
    case 'select':
    case 'user':
      return typeof stored === 'string' ? stored : null;
    case 'datetime':
      return typeof stored === 'string' ? isoToLocalInput(stored) : '';
    default:
      return typeof stored === 'string' ? stored : '';
  }
}

export function leadFormValues(lead: LeadDetail | null, customFields: readonly CustomField[]): LeadFormValues {
  return {
    firstName: lead?.firstName ?? '',
    lastName: lead?.lastName ?? '',
    company: lead?.company ?? '',
    phones: lead ? lead.phones.map((p) => ({ raw: p.raw, label: p.label ?? '' })) : [{ raw: '', label: '' }],
    emails: lead ? [...lead.emails] : [''],
    source: lead?.source ?? '',
    sourceDetail: lead?.sourceDetail ?? '',
    eventId: lead?.eventId ?? null,
    campaign: lead?.campaign ?? '',
    city: lead?.city ?? '',
    state: lead?.state ?? '',
    country: lead?.country ?? null,
    zip: lead?.zip ?? '',
    timeZone: lead?.timeZone ?? null,
    language: lead?.language ?? null,
    tags: lead ? [...lead.tags] : [],
    ownerId: lead ? (lead.owner?.id ?? NONE_VALUE) : null,
    stageId: lead?.stage?.id ?? null,
    score: lead?.score ?? '',
    nextFollowUpAt: isoToLocalInput(lead?.nextFollowUpAt),
    lostReason: lead?.lostReason ?? '',
    custom: Object.fromEntries(customFields.map((field) => [field.key, customInitial(field, lead?.custom[field.key])])),
  };
}

/** Blank phone and email rows are dropped before validation, so error paths match the rows left. */
export function withoutBlankRows(values: LeadFormValues): LeadFormValues {
  return {
    ...values,
    phones: values.phones.filter((p) => p.raw.trim() !== ''),
    emails: values.emails.filter((e) => e.trim() !== ''),
  };
}

const text = (value: string): string | null => value.trim() || null;

function customRequestValue(field: CustomField, value: unknown): unknown {
  switch (field.type) {
    case 'number':
    case 'money':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return value === true;
    case 'multi_select':
      return Array.isArray(value) ? value : [];
    case 'select':
    case 'user':
      return typeof value === 'string' && value ? value : null;
    case 'datetime':
      return typeof value === 'string' ? localInputToIso(value) : null;
    default:
      return typeof value === 'string' ? text(value) : null;
  }
}

export function isEmptyCustomValue(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/** Every field as the API takes it, empty ones as null. */
function normalized(values: LeadFormValues, customFields: readonly CustomField[]) {
  return {
    firstName: text(values.firstName),
    lastName: text(values.lastName),
    company: text(values.company),
    phones: values.phones.map((p) => ({ raw: p.raw.trim(), ...(p.label.trim() ? { label: p.label.trim() } : {}) })),
    emails: values.emails.map((e) => e.trim()),
    source: text(values.source),
    sourceDetail: text(values.sourceDetail),
    eventId: values.eventId || null,
    campaign: text(values.campaign),
    city: text(values.city),
    state: text(values.state),
    country: values.country || null,
    zip: text(values.zip),
    timeZone: values.timeZone || null,
    language: values.language || null,
    tags: values.tags,
    ownerId: values.ownerId === NONE_VALUE ? null : values.ownerId,
    stageId: values.stageId,
    score: typeof values.score === 'number' ? values.score : null,
    nextFollowUpAt: localInputToIso(values.nextFollowUpAt),
    lostReason: text(values.lostReason),
    custom: Object.fromEntries(customFields.map((field) => [field.key, customRequestValue(field, values.custom[field.key])])),
  };
}

type Normalized = ReturnType<typeof normalized>;

/** A new lead: only what was filled in, so the server derives the rest (time zone, owner, first stage). */
export function createLeadBody(values: LeadFormValues, customFields: readonly CustomField[]) {
  const all = normalized(values, customFields);
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all) as [keyof Normalized, unknown][]) {
    if (key === 'custom') continue;
    if (key === 'ownerId') {
      if (values.ownerId !== null) body.ownerId = value;
      continue;
    }
    if (value !== null && !(Array.isArray(value) && value.length === 0)) body[key] = value;
  }
  const custom = Object.fromEntries(
    customFields.flatMap((field) => {
      const value = all.custom[field.key];
      return field.type === 'boolean' || !isEmptyCustomValue(value) ? [[field.key, value]] : [];
    }),
  );
  if (Object.keys(custom).length > 0) body.custom = custom;
  return body;
}

/** A change: only the fields that differ from what was read, so untouched ones keep what the server derived. */
export function updateLeadBody(values: LeadFormValues, initial: LeadFormValues, customFields: readonly CustomField[]) {
  const next = normalized(values, customFields);
  const before = normalized(initial, customFields);
  const body: Record<string, unknown> = {};
  for (const key of Object.keys(next) as (keyof Normalized)[]) {
    if (key === 'custom') continue;
    if (JSON.stringify(next[key]) !== JSON.stringify(before[key])) body[key] = next[key];
  }
  const custom = Object.fromEntries(
    customFields.flatMap((field) =>
      JSON.stringify(next.custom[field.key]) !== JSON.stringify(before.custom[field.key]) ? [[field.key, next.custom[field.key]]] : [],
    ),
  );
  if (Object.keys(custom).length > 0) body.custom = custom;
  return body;
}
