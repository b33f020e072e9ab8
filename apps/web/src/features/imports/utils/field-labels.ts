import type { CustomField } from '@leadflow/shared/leads';
import { i18n } from '@/lib/i18n';

const LEAD_FIELD_KEYS: Record<string, string> = { owner: 'ownerId', stage: 'stageId' };

/** A target's name for people: a standard lead field in the user's language, or the custom field's label. */
export function targetLabel(target: string, customFields: readonly Pick<CustomField, 'key' | 'label'>[]): string {
  if (target.startsWith('custom.')) {
    const key = target.slice('custom.'.length);
    return customFields.find((f) => f.key === key)?.label ?? key;
  }
  if (target === 'externalId') return i18n.t('imports.fields.externalId');
  if (target === 'name') return i18n.t('imports.fields.fullName');
  return i18n.t(`leads.fields.${LEAD_FIELD_KEYS[target] ?? target}` as 'leads.fields.name');
}
