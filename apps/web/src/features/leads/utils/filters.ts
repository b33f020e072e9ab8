import type { FilterOperator, LeadFilter } from '@leadflow/shared/leads';
import { currentLanguage, i18n } from '@/lib/i18n';
import type { LeadReferences } from '../hooks/use-lead-references';
import { findStage, memberName, referenceOptions } from '../hooks/use-lead-references';
import { countryName } from './countries';
import { formatDay } from './format-lead-value';
import { languageLabel } from './languages';
import type { LeadField } from './lead-fields';
import { fieldLabel, NO_VALUE_OPERATORS, resolveLeadField } from './lead-fields';

/** Stands for "no owner", "no stage" in selects, whose values must be strings; the API wants null. */
export const NONE_VALUE = '__none__';

export function operatorLabel(op: FilterOperator): string {
  return i18n.t(`leads.filters.ops.${op}`);
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function isList(value: unknown, item: (v: unknown) => boolean): value is unknown[] {
  return Array.isArray(value) && value.length > 0 && value.every(item);
}

function isPair(value: unknown, item: (v: unknown) => boolean): value is [unknown, unknown] {
  return Array.isArray(value) && value.length === 2 && value.every(item);
}

const isDay = (value: unknown): value is string => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);

/** Whether the value typed so far makes a filter the server accepts. */
export function isCompleteValue(field: LeadField, op: FilterOperator, value: unknown): boolean {
  if (NO_VALUE_OPERATORS.has(op)) return true;
  if (op === 'last_days' || op === 'next_days') return isNumber(value) && Number.isInteger(value) && value >= 1 && value <= 3650;
  switch (field.kind) {
    case 'number':
      if (op === 'between') return isPair(value, isNumber) && (value[0] as number) <= (value[1] as number);
      return isNumber(value);
    case 'instant':
    case 'date':
      if (op === 'between') return isPair(value, isDay) && String(value[0]) <= String(value[1]);
      return isDay(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'member':
    case 'reference':
    case 'select':
    case 'language':
      return op === 'in' || op === 'not_in' ? isList(value, isText) : isText(value);
    case 'multi_select':
    case 'tags':
      return isList(value, isText);
    default:
      return op === 'in' || op === 'not_in' ? isList(value, isText) : isText(value);
  }
}

/** The filter as the API takes it: no value for value-less operators, null for "none". */
export function toLeadFilter(field: LeadField, op: FilterOperator, value: unknown): LeadFilter {
  if (NO_VALUE_OPERATORS.has(op)) return { field: field.id, op };
  const none = (v: unknown) => (v === NONE_VALUE ? null : v);
  const converted = Array.isArray(value) ? value.map(none) : none(value);
  return { field: field.id, op, value: typeof converted === 'string' ? converted.trim() : converted };
}

function singleValueLabel(field: LeadField, value: unknown, references: LeadReferences): string {
  if (value === null) {
    return field.id === 'ownerId' || field.custom?.type === 'user' ? i18n.t('leads.values.unassigned') : i18n.t('leads.filters.none');
  }
  if (typeof value === 'boolean') return value ? i18n.t('leads.values.yes') : i18n.t('leads.values.no');
  if (typeof value === 'number') return new Intl.NumberFormat(currentLanguage()).format(value);
  if (typeof value !== 'string') return JSON.stringify(value);
  switch (field.kind) {
    case 'member':
      return value === 'me' ? i18n.t('leads.filters.me') : (memberName(references, value) ?? i18n.t('leads.values.member'));
    case 'reference':
      return field.id === 'stageId'
        ? (findStage(references, value)?.stage.name ?? value)
        : (referenceOptions(references, field.id).find((option) => option.value === value)?.label ?? value);
    case 'select':
    case 'multi_select':
      return field.custom?.options.find((option) => option.value === value)?.label ?? value;
    case 'language':
      return languageLabel(value, currentLanguage());
    case 'instant':
    case 'date':
      return formatDay(value);
    default:
      return field.id === 'country' ? countryName(value, currentLanguage()) : `"${value}"`;
  }
}

/** "Source is "Facebook"", "Created at in the last 7 days" — what a filter chip says. */
export function filterLabel(filter: LeadFilter, references: LeadReferences): string {
  const field = resolveLeadField(filter.field, references.customFields);
  const name = field ? fieldLabel(field) : filter.field;
  const op = operatorLabel(filter.op);
  if (NO_VALUE_OPERATORS.has(filter.op)) return `${name} ${op}`;
  if (filter.op === 'last_days' || filter.op === 'next_days') {
    return `${name} ${op} ${i18n.t('leads.filters.days', { count: Number(filter.value) })}`;
  }
  if (!field) return `${name} ${op} ${JSON.stringify(filter.value)}`;
  if (filter.op === 'between' && Array.isArray(filter.value)) {
    const [from, to] = filter.value;
    return `${name} ${op} ${singleValueLabel(field, from, references)} – ${singleValueLabel(field, to, references)}`;
  }
  const values = Array.isArray(filter.value) ? filter.value : [filter.value];
  return `${name} ${op} ${values.map((v) => singleValueLabel(field, v, references)).join(', ')}`;
}
