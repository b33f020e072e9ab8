import { languageName } from '@leadflow/shared/language';
import type { CustomField, Lead, LeadStandardField } from '@leadflow/shared/leads';
import { formatDateTime } from '@/lib/format';
import { currentLanguage, i18n } from '@/lib/i18n';
import type { LeadReferences } from '../hooks/use-lead-references';
import { findStage, memberName } from '../hooks/use-lead-references';
import { countryName } from './countries';
import { resolveLeadField, standardOptions } from './lead-fields';

export const EMPTY_VALUE = '—';

function formatNumber(value: number): string {
  return new Intl.NumberFormat(currentLanguage()).format(value);
}

export function formatMoney(value: number, currency: string): string {
  try {
    return new Intl.NumberFormat(currentLanguage(), { style: 'currency', currency }).format(value);
  } catch {
    return `${currency} ${formatNumber(value)}`;
  }
}

/** A calendar day (YYYY-MM-DD) in the user's language, without any time zone shift. */
export function formatDay(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return day;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

export function originLabel(origin: string): string {
  switch (origin) {
    case 'manual':
      return i18n.t('leads.origins.manual');
    case 'import':
      return i18n.t('leads.origins.import');
    case 'api':
      return i18n.t('leads.origins.api');
    case 'meta':
      return i18n.t('leads.origins.meta');
    case 'web_form':
      return i18n.t('leads.origins.web_form');
    default:
      return origin;
  }
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** A custom field's stored value as text. */
export function formatCustomValue(field: CustomField, value: unknown, references: LeadReferences): string {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return EMPTY_VALUE;
  switch (field.type) {
    case 'number':
      return typeof value === 'number' ? formatNumber(value) : String(value);
    case 'money':
      return typeof value === 'number' ? formatMoney(value, references.currency) : String(value);
    case 'date':
      return isString(value) ? formatDay(value) : String(value);
    case 'datetime':
      return isString(value) ? formatDateTime(value) : String(value);
    case 'boolean':
      return value === true ? i18n.t('leads.values.yes') : i18n.t('leads.values.no');
    case 'select':
      return field.options.find((option) => option.value === value)?.label ?? String(value);
    case 'multi_select':
      return Array.isArray(value)
        ? value.map((v) => field.options.find((option) => option.value === v)?.label ?? String(v)).join(', ')
        : String(value);
    case 'user':
      return isString(value) ? (memberName(references, value) ?? i18n.t('leads.values.member')) : String(value);
    default:
      return isString(value) ? value : JSON.stringify(value);
  }
}

type PhoneValue = { raw: string; e164?: string | null };

function isPhoneValue(value: unknown): value is PhoneValue {
  return typeof value === 'object' && value !== null && 'raw' in value && typeof value.raw === 'string';
}

/** A standard field's value as the API or a timeline change holds it, as text. */
export function formatStandardValue(field: LeadStandardField, value: unknown, references: LeadReferences): string {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return EMPTY_VALUE;
  switch (field) {
    case 'phone':
      return Array.isArray(value) ? value.map((p) => (isPhoneValue(p) ? p.raw : String(p))).join(', ') : String(value);
    case 'email':
    case 'tags':
      return Array.isArray(value) ? value.map(String).join(', ') : String(value);
    case 'country':
      return isString(value) ? countryName(value, currentLanguage()) : String(value);
    case 'language':
      return isString(value) ? languageName(value, currentLanguage()) : String(value);
    case 'score':
      return typeof value === 'number' ? formatNumber(value) : String(value);
    case 'nextFollowUpAt':
    case 'createdAt':
    case 'updatedAt':
    case 'lastActivityAt':
      return isString(value) ? formatDateTime(value) : String(value);
    case 'ownerId':
      return isString(value) ? (memberName(references, value) ?? i18n.t('leads.values.member')) : String(value);
    case 'stageId':
      return isString(value) ? (findStage(references, value)?.stage.name ?? EMPTY_VALUE) : String(value);
    case 'pipelineId':
      return isString(value) ? (references.pipelines.find((p) => p.id === value)?.name ?? EMPTY_VALUE) : String(value);
    case 'origin':
      return isString(value) ? originLabel(value) : String(value);
    case 'eventId':
      return isString(value) ? (references.events?.find((e) => e.id === value)?.name ?? EMPTY_VALUE) : String(value);
    case 'referralType':
      return value === 'regular' || value === 'interim' ? i18n.t(`leads.values.referral.${value}`) : String(value);
    case 'referredAt':
    case 'clientSince':
      return isString(value) ? formatDateTime(value) : String(value);
    case 'isClient':
      return value === true ? i18n.t('leads.values.yes') : i18n.t('leads.values.no');
    case 'stageStatus':
      return standardOptions('stageStatus').find((option) => option.value === value)?.label ?? String(value);
    default:
      return isString(value) ? value : JSON.stringify(value);
  }
}

/** A field change of the timeline (`phones`, `emails`, `custom.budget`…) as text. */
export function formatChangeValue(name: string, value: unknown, references: LeadReferences): string {
  if (name === 'phones') return formatStandardValue('phone', value, references);
  if (name === 'emails') return formatStandardValue('email', value, references);
  const field = resolveLeadField(name, references.customFields);
  if (!field) {
    if (value === null || value === undefined) return EMPTY_VALUE;
    return typeof value === 'string' ? value : JSON.stringify(value);
  }
  return field.custom ? formatCustomValue(field.custom, value, references) : formatStandardValue(field.id, value, references);
}

/** What a list column shows for a lead, as text. */
export function leadColumnText(lead: Lead, columnId: string, references: LeadReferences): string {
  const field = resolveLeadField(columnId, references.customFields);
  if (!field) return EMPTY_VALUE;
  if (field.custom) return formatCustomValue(field.custom, lead.custom[field.custom.key], references);
  switch (field.id) {
    case 'name':
      return lead.displayName;
    case 'phone':
      return lead.phones[0]?.raw ?? EMPTY_VALUE;
    case 'email':
      return lead.emails[0] ?? EMPTY_VALUE;
    case 'ownerId':
      return lead.owner?.name ?? i18n.t('leads.values.unassigned');
    case 'stageId':
      return lead.stage?.name ?? EMPTY_VALUE;
    case 'referralType':
      return lead.referral ? i18n.t(`leads.values.referral.${lead.referral.type}`) : EMPTY_VALUE;
    case 'referredByLeadId':
    case 'referredByContactId':
      return lead.referral ? i18n.t('leads.values.yes') : EMPTY_VALUE;
    case 'referredAt':
      return lead.referral?.at ? formatDateTime(lead.referral.at) : EMPTY_VALUE;
    case 'eventId':
      return lead.eventId ? (references.events?.find((e) => e.id === lead.eventId)?.name ?? EMPTY_VALUE) : EMPTY_VALUE;
    case 'isClient':
      return formatStandardValue('isClient', lead.clientSince !== null, references);
    case 'stageStatus':
      return lead.stage?.status ? formatStandardValue('stageStatus', lead.stage.status, references) : EMPTY_VALUE;
    default:
      return formatStandardValue(field.id, lead[field.id], references);
  }
}
