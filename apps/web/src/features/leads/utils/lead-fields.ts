import type { CustomField, CustomFieldType, FilterOperator, LeadStandardField } from '@leadflow/shared/leads';
import { LEAD_STANDARD_FIELDS } from '@leadflow/shared/leads';
import { STAGE_STATUSES } from '@leadflow/shared/pipelines';
import { i18n } from '@/lib/i18n';

/** How a field compares; mirrors the server's query compiler, which decides the operators and value shapes. */
export type FieldKind =
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
  | 'language'
  | 'custom_phone';

export const OPERATORS: Record<FieldKind, readonly FilterOperator[]> = {
  text: ['eq', 'neq', 'contains', 'not_contains', 'starts_with', 'in', 'not_in', 'empty', 'not_empty'],
  name: ['contains', 'not_contains', 'starts_with', 'empty', 'not_empty'],
  phone: ['eq', 'neq', 'contains', 'not_contains', 'empty', 'not_empty'],
  email: ['eq', 'neq', 'contains', 'not_contains', 'starts_with', 'empty', 'not_empty'],
  tags: ['in', 'not_in', 'contains', 'not_contains', 'empty', 'not_empty'],
  multi_select: ['in', 'not_in', 'contains', 'not_contains', 'empty', 'not_empty'],
  member: ['eq', 'neq', 'in', 'not_in', 'empty', 'not_empty'],
  reference: ['eq', 'neq', 'in', 'not_in', 'empty', 'not_empty'],
  select: ['eq', 'neq', 'in', 'not_in', 'empty', 'not_empty'],
  // Values are tags or names; the server matches a base tag (`es`) to its regions (`es-MX`) too.
  language: ['eq', 'neq', 'in', 'not_in', 'empty', 'not_empty'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'empty', 'not_empty'],
  instant: ['today', 'this_week', 'this_month', 'last_days', 'next_days', 'eq', 'gt', 'gte', 'lt', 'lte', 'between', 'empty', 'not_empty'],
  date: ['today', 'this_week', 'this_month', 'last_days', 'next_days', 'eq', 'gt', 'gte', 'lt', 'lte', 'between', 'empty', 'not_empty'],
  boolean: ['eq', 'neq', 'empty', 'not_empty'],
  custom_phone: ['eq', 'neq', 'contains', 'not_contains', 'empty', 'not_empty'],
};

/** Operators that take no value. */
export const NO_VALUE_OPERATORS: ReadonlySet<FilterOperator> = new Set(['empty', 'not_empty', 'today', 'this_week', 'this_month']);

const STANDARD_KINDS: Record<LeadStandardField, FieldKind> = {
  name: 'name',
  firstName: 'text',
  lastName: 'text',
  company: 'text',
  phone: 'phone',
  email: 'email',
  source: 'text',
  campaign: 'text',
  city: 'text',
  state: 'text',
  country: 'text',
  zip: 'text',
  timeZone: 'text',
  language: 'language',
  tags: 'tags',
  ownerId: 'member',
  pipelineId: 'reference',
  stageId: 'reference',
  score: 'number',
  nextFollowUpAt: 'instant',
  lostReason: 'text',
  origin: 'text',
  createdAt: 'instant',
  updatedAt: 'instant',
  lastActivityAt: 'instant',
  cameBackAt: 'instant',
  sourceDetail: 'text',
  eventId: 'reference',
  referralType: 'select',
  referredByLeadId: 'reference',
  referredByContactId: 'reference',
  referredAt: 'instant',
  clientSince: 'instant',
  isClient: 'boolean',
  stageStatus: 'select',
};

const CUSTOM_KINDS: Record<CustomFieldType, FieldKind> = {
  text: 'text',
  long_text: 'text',
  email: 'text',
  url: 'text',
  phone: 'custom_phone',
  number: 'number',
  money: 'number',
  date: 'date',
  datetime: 'instant',
  boolean: 'boolean',
  select: 'select',
  multi_select: 'multi_select',
  user: 'member',
};

/** A field a list can filter, sort and show: a standard one, or `custom.<key>`. */
export type LeadField =
  | { id: LeadStandardField; kind: FieldKind; custom: null }
  | { id: `custom.${string}`; kind: FieldKind; custom: CustomField };

/** The columns a new list shows. */
export const DEFAULT_COLUMNS: readonly string[] = ['name', 'phone', 'email', 'source', 'stageId', 'ownerId', 'createdAt'];

/** The name column is how a row is recognised and opened: it is always shown. */
export const FIXED_COLUMN = 'name';

function isStandardField(id: string): id is LeadStandardField {
  return (LEAD_STANDARD_FIELDS as readonly string[]).includes(id);
}

export function customFieldId(field: CustomField): `custom.${string}` {
  return `custom.${field.key}`;
}

/** Standard fields first, then the workspace's custom fields in their order. */
export function leadFields(customFields: readonly CustomField[]): LeadField[] {
  return [
    ...LEAD_STANDARD_FIELDS.map((id): LeadField => ({ id, kind: STANDARD_KINDS[id], custom: null })),
    ...customFields.map((field): LeadField => ({ id: customFieldId(field), kind: CUSTOM_KINDS[field.type], custom: field })),
  ];
}

export function resolveLeadField(id: string, customFields: readonly CustomField[]): LeadField | null {
  if (isStandardField(id)) return { id, kind: STANDARD_KINDS[id], custom: null };
  if (!id.startsWith('custom.')) return null;
  const field = customFields.find((f) => customFieldId(f) === id);
  return field ? { id: customFieldId(field), kind: CUSTOM_KINDS[field.type], custom: field } : null;
}

/** The choices of a standard field of kind select (custom select fields carry their own options). */
export function standardOptions(id: string): { value: string; label: string }[] {
  if (id === 'stageStatus') return STAGE_STATUSES.map((status) => ({ value: status, label: i18n.t(`pipelineSettings.statuses.${status}`) }));
  if (id === 'referralType') return (['regular', 'interim'] as const).map((type) => ({ value: type, label: i18n.t(`leads.values.referral.${type}`) }));
  return [];
}

export function standardFieldLabel(id: LeadStandardField): string {
  return i18n.t(`leads.fields.${id}`);
}

export function fieldLabel(field: LeadField): string {
  return field.custom ? field.custom.label : standardFieldLabel(field.id);
}

/** The label of a field name as stored in a timeline change or a filter: custom ones by their definition's label. */
export function fieldNameLabel(name: string, customFields: readonly CustomField[]): string {
  if (isStandardField(name)) return standardFieldLabel(name);
  const field = resolveLeadField(name, customFields);
  return field ? fieldLabel(field) : name.replace(/^custom\./, '');
}
