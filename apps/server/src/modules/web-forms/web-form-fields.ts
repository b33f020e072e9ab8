import { createRequire } from 'node:module';
import { parseLanguage } from '@leadflow/shared/language';
import { WEB_FORM_CUSTOM_FIELD_TYPES, type WebFormStandardField } from '@leadflow/shared/web-forms';
import { normalizePhone } from '../../platform/geo/phone.ts';
import { AppError } from '../../platform/errors.ts';
import type { CustomFieldOption } from '../custom-fields/custom-fields.table.ts';
import { applyCustomValues, type CustomFieldDefinition } from '../custom-fields/custom-values.ts';
import { emptyPerson, type CapturedPerson } from '../capture/meta-field-map.ts';
import type { FormTexts } from './web-form-texts.ts';
import type { WebFormFieldRow } from './web-forms.table.ts';

export type FieldKind = 'text' | 'long_text' | 'email' | 'phone' | 'number' | 'money' | 'date' | 'boolean' | 'select' | 'url' | 'country';

/** A form field ready to draw and check: its kind comes from the lead field or the custom field's type. */
export type ResolvedField = {
  key: string;
  label: string;
  required: boolean;
  placeholder: string | null;
  kind: FieldKind;
  maxLength: number;
  options: CustomFieldOption[];
  /** The browser's autofill hint, so a visitor's details fill in by themselves. */
  autocomplete: string | null;
};

export type FieldError = { field: string; message: string };

export type SubmissionBody = Record<string, string | string[] | number | boolean | null>;

const STANDARD: Record<WebFormStandardField, { kind: FieldKind; maxLength: number; autocomplete: string }> = {
  fullName: { kind: 'text', maxLength: 200, autocomplete: 'name' },
  firstName: { kind: 'text', maxLength: 100, autocomplete: 'given-name' },
  lastName: { kind: 'text', maxLength: 100, autocomplete: 'family-name' },
  email: { kind: 'email', maxLength: 254, autocomplete: 'email' },
  phone: { kind: 'phone', maxLength: 40, autocomplete: 'tel' },
  company: { kind: 'text', maxLength: 200, autocomplete: 'organization' },
  city: { kind: 'text', maxLength: 200, autocomplete: 'address-level2' },
  state: { kind: 'text', maxLength: 200, autocomplete: 'address-level1' },
  zip: { kind: 'text', maxLength: 20, autocomplete: 'postal-code' },
  country: { kind: 'country', maxLength: 2, autocomplete: 'country' },
  language: { kind: 'text', maxLength: 100, autocomplete: 'language' },
};

const CUSTOM_KINDS: Record<(typeof WEB_FORM_CUSTOM_FIELD_TYPES)[number], { kind: FieldKind; maxLength: number }> = {
  text: { kind: 'text', maxLength: 2000 },
  long_text: { kind: 'long_text', maxLength: 20000 },
  number: { kind: 'number', maxLength: 40 },
  money: { kind: 'money', maxLength: 40 },
  date: { kind: 'date', maxLength: 10 },
  boolean: { kind: 'boolean', maxLength: 10 },
  select: { kind: 'select', maxLength: 100 },
  phone: { kind: 'phone', maxLength: 40 },
  email: { kind: 'email', maxLength: 254 },
  url: { kind: 'url', maxLength: 2000 },
};

export function isStandardField(key: string): key is WebFormStandardField {
  return Object.hasOwn(STANDARD, key);
}

export function isOfferedCustomType(type: string): type is (typeof WEB_FORM_CUSTOM_FIELD_TYPES)[number] {
  return Object.hasOwn(CUSTOM_KINDS, type);
}

/**
 * The form's fields as they can be drawn today: a custom field deleted (or changed to a type a page cannot ask)
 * since the form was built is left out rather than breaking the page.
 */
export function resolveFields(fields: WebFormFieldRow[], definitions: CustomFieldDefinition[]): ResolvedField[] {
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  return fields.flatMap((f): ResolvedField[] => {
    const base = { key: f.key, label: f.label, required: f.required, placeholder: f.placeholder };
    if (isStandardField(f.key)) return [{ ...base, ...STANDARD[f.key], options: [] }];
    const def = byKey.get(f.key.slice('custom.'.length));
    if (!def || def.deletedAt || !isOfferedCustomType(def.type)) return [];
    return [{ ...base, ...CUSTOM_KINDS[def.type], options: def.options, autocomplete: def.type === 'email' ? 'email' : def.type === 'phone' ? 'tel' : null }];
  });
}

const require = createRequire(import.meta.url);
let countryCodes: string[] | undefined;

/** ISO codes of the maintained country data set (the one lead locations are checked against). */
export function knownCountryCodes(): string[] {
  countryCodes ??= (require('country-state-city/lib/assets/country.json') as { isoCode: string }[]).map((c) => c.isoCode);
  return countryCodes;
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const TRUTHY = new Set(['on', 'true', '1', 'yes']);

/** One answer as text: the first of a list, numbers and booleans spelled out, nothing for null. */
function textOf(raw: SubmissionBody[string] | undefined): string {
  if (raw === undefined || raw === null) return '';
  if (Array.isArray(raw)) return (raw[0] ?? '').trim();
  return String(raw).trim();
}

export function isChecked(raw: SubmissionBody[string] | undefined): boolean {
  return raw === true || TRUTHY.has(textOf(raw).toLowerCase());
}

function isRealDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function isWebUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}

/** "1.500,50" and "1500.50" both read as 1500.5; anything else is not a number. */
function parseNumber(s: string): number | null {
  const compact = s.replace(/\s/g, '');
  let normal = compact;
  if (/^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(compact)) normal = compact.replace(/\./g, '').replace(',', '.');
  else if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(compact)) normal = compact.replace(/,/g, '');
  else if (/^-?\d+,\d+$/.test(compact)) normal = compact.replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(normal)) return null;
  const n = Number(normal);
  return Number.isFinite(n) ? n : null;
}

export type CheckedSubmission = {
  person: CapturedPerson;
  /** Field label → the answer as people read it. */
  answers: Record<string, string>;
};

/**
 * Checks a visitor's answers against the form, in the page's language, and turns them into a person to ingest.
 * Every wrong field is reported (not just the first), each named by its key.
 */
export async function checkAnswers(
  fields: ResolvedField[],
  definitions: CustomFieldDefinition[],
  body: SubmissionBody,
  consentText: string | null,
  defaultCountry: string,
  texts: FormTexts,
): Promise<{ ok: true; value: CheckedSubmission } | { ok: false; errors: FieldError[] }> {
  const errors: FieldError[] = [];
  const person = emptyPerson();
  const answers: Record<string, string> = {};
  const custom: Record<string, unknown> = {};
  const countries = new Set(knownCountryCodes());
  // National phone formats are read in the visitor's country when the form asks for it, as lead-ingest does.
  const givenCountry = fields.some((f) => f.kind === 'country') ? textOf(body.country).toUpperCase() : '';
  const phoneCountry = countries.has(givenCountry) ? givenCountry : defaultCountry;

  for (const field of fields) {
    const fail = (message: string) => errors.push({ field: field.key, message });
    const raw = body[field.key];
    if (field.kind === 'boolean') {
      const checked = isChecked(raw);
      if (field.required && !checked) fail(texts.fieldRequired(field.label));
      else if (checked) {
        custom[field.key.slice('custom.'.length)] = true;
        answers[field.label] = texts.yes;
      }
      continue;
    }
    const text = textOf(raw);
    if (!text) {
      if (field.required) fail(texts.fieldRequired(field.label));
      continue;
    }
    if (text.length > field.maxLength) {
      fail(texts.tooLong(field.maxLength));
      continue;
    }
    let value: string | number = text;
    switch (field.kind) {
      case 'email':
        value = text.toLowerCase();
        if (!EMAIL.test(value)) fail(texts.email);
        break;
      case 'phone': {
        const phone = normalizePhone(text, phoneCountry);
        if (!phone.e164) fail(texts.phone);
        // Custom phone fields keep E.164, like the leads API stores them; the lead's phone keeps what was typed too.
        else if (field.key !== 'phone') value = phone.e164;
        break;
      }
      case 'number':
      case 'money': {
        const n = parseNumber(text);
        if (n === null || (field.kind === 'money' && Number(n.toFixed(2)) !== n)) fail(texts.number);
        else value = n;
        break;
      }
      case 'date':
        if (!isRealDate(text)) fail(texts.date);
        break;
      case 'url':
        if (!isWebUrl(text)) fail(texts.url);
        break;
      case 'select':
        if (!field.options.some((o) => o.value === text)) fail(texts.option);
        break;
      case 'country':
        value = text.toUpperCase();
        if (!countries.has(value)) fail(texts.option);
        break;
      case 'text':
      case 'long_text':
        break;
    }
    const shown = field.kind === 'select' ? (field.options.find((o) => o.value === text)?.label ?? text) : String(value);
    answers[field.label] = shown;
    if (field.key.startsWith('custom.')) {
      custom[field.key.slice('custom.'.length)] = value;
      continue;
    }
    const s = String(value);
    switch (field.key as WebFormStandardField) {
      case 'fullName': {
        const [first, ...rest] = s.split(/\s+/);
        person.firstName = first ?? null;
        person.lastName = rest.join(' ') || null;
        break;
      }
      case 'email':
        person.emails.push(s);
        break;
      case 'phone':
        person.phones.push(s);
        break;
      case 'language':
        // "Spanish", "Español", "es": the tag; anything else stays in the submission's answers only.
        person.language = parseLanguage(s) ?? null;
        break;
      case 'firstName':
      case 'lastName':
      case 'company':
      case 'city':
      case 'state':
      case 'zip':
      case 'country':
        person[field.key as 'firstName' | 'lastName' | 'company' | 'city' | 'state' | 'zip' | 'country'] = s;
        break;
    }
  }

  if (consentText && !isChecked(body.consent)) errors.push({ field: 'consent', message: texts.consentRequired });
  if (errors.length) return { ok: false, errors };

  // The custom-values rules are the last word on what a lead may hold; only the form's own fields are checked,
  // and "required" is the form's, not the workspace's (a form asks what its page needs).
  const keys = new Set(fields.filter((f) => f.key.startsWith('custom.')).map((f) => f.key.slice('custom.'.length)));
  const formDefinitions = definitions
    .filter((d) => keys.has(d.key))
    .map((d) => ({ ...d, required: fields.find((f) => f.key === `custom.${d.key}`)!.required }));
  try {
    const { custom: values } = await applyCustomValues(formDefinitions, custom, null, { defaultCountry: phoneCountry, activeMemberIds: async () => new Set() });
    person.custom = values as CapturedPerson['custom'];
  } catch (err) {
    if (err instanceof AppError && err.field) return { ok: false, errors: [{ field: err.field, message: texts.invalid }] };
    throw err;
  }
  return { ok: true, value: { person, answers } };
}
