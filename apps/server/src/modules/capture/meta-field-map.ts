import { parseLanguage } from '@leadflow/shared/language';
import { AUTOMATIC_FIELD_MAP, MAPPABLE_LEAD_FIELDS, type MappableLeadField } from '@leadflow/shared/capture';

// One table for the server and the mapping editor of the web app.
export { AUTOMATIC_FIELD_MAP, MAPPABLE_LEAD_FIELDS, type MappableLeadField };

/** A form's mapping target that keeps the answer on the timeline only (overrides the automatic mapping). */
export const ANSWER_ONLY = 'answer';

export const CUSTOM_TARGET = /^custom\.[a-z][a-z0-9_]{0,62}$/;

export function isMappingTarget(value: string): boolean {
  return (MAPPABLE_LEAD_FIELDS as readonly string[]).includes(value) || value === ANSWER_ONLY || CUSTOM_TARGET.test(value);
}

export type CapturedPerson = {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  emails: string[];
  phones: string[];
  city: string | null;
  state: string | null;
  zip: string | null;
  country: string | null;
  /** A BCP 47 tag (`parseLanguage`); an answer that names no language stays in the answers only. */
  language: string | null;
  /** Custom field values by key (a multi-select as its list of options). */
  custom: Record<string, string | number | boolean | string[]>;
};

export const emptyPerson = (): CapturedPerson => ({
  firstName: null,
  lastName: null,
  company: null,
  emails: [],
  phones: [],
  city: null,
  state: null,
  zip: null,
  country: null,
  language: null,
  custom: {},
});

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Form answers → lead fields: the form's own map first, then the automatic one. Every answer (mapped or
 * not) is also kept as submitted, for the timeline.
 */
export function mapFormAnswers(
  fieldData: { name: string; values?: string[] }[],
  formMap: Record<string, string>,
): { person: CapturedPerson; answers: Record<string, string> } {
  const person = emptyPerson();
  const answers: Record<string, string> = {};
  for (const { name, values } of fieldData) {
    const value = (values ?? []).join(', ').trim();
    answers[name] = value;
    if (!value) continue;
    const target = formMap[name] ?? AUTOMATIC_FIELD_MAP[name];
    if (!target || target === ANSWER_ONLY) continue;
    if (target.startsWith('custom.')) {
      person.custom[target.slice('custom.'.length)] = value;
      continue;
    }
    switch (target as MappableLeadField) {
      case 'fullName': {
        const [first, ...rest] = value.split(/\s+/);
        person.firstName ??= first ?? null;
        person.lastName ??= rest.join(' ') || null;
        break;
      }
      case 'firstName':
        person.firstName = value;
        break;
      case 'lastName':
        person.lastName = value;
        break;
      case 'email':
        if (EMAIL.test(value.toLowerCase())) person.emails.push(value.toLowerCase());
        break;
      case 'phone':
        person.phones.push(value);
        break;
      case 'country':
        // Meta sends ISO codes for its country question; a free-text answer stays in the answers only.
        if (/^[A-Za-z]{2}$/.test(value)) person.country = value.toUpperCase();
        break;
      case 'language':
        // "Spanish", "Español", "es": the tag; anything else stays in the answers only.
        person.language = parseLanguage(value) ?? null;
        break;
      case 'company':
      case 'city':
      case 'state':
      case 'zip':
        person[target as 'company' | 'city' | 'state' | 'zip'] = value.slice(0, 200);
        break;
    }
  }
  return { person, answers };
}
