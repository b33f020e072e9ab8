import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export type NormalizedPhone = { raw: string; e164: string | null; country: string | null };

/** E.164 when the number is valid (with the workspace's default country for national formats), else null. */
export function normalizePhone(raw: string, defaultCountry: string): NormalizedPhone {
  const trimmed = raw.trim();
  const parsed = parsePhoneNumberFromString(trimmed, { defaultCountry: defaultCountry.toUpperCase() as CountryCode, extract: false });
  if (!parsed || !parsed.isValid()) return { raw: trimmed, e164: null, country: null };
  return { raw: trimmed, e164: parsed.number, country: parsed.country ?? null };
}

/**
 * Digits a phone search must find: the E.164 digits and the national digits (with and without a trunk zero),
 * so "(11) 99999-8888", "+55 11 99999 8888" and "11999998888" all hit the same lead.
 */
export function phoneSearchDigits(phones: { raw: string; e164: string | null }[]): string {
  const parts = new Set<string>();
  for (const p of phones) {
    const rawDigits = p.raw.replace(/\D/g, '');
    if (rawDigits) parts.add(rawDigits);
    if (p.e164) {
      parts.add(p.e164.slice(1));
      const parsed = parsePhoneNumberFromString(p.e164);
      if (parsed) parts.add(String(parsed.nationalNumber));
    }
  }
  return [...parts].join(' ');
}

/** The digits of what someone typed in the search box, when it looks like (part of) a phone number. */
export function phoneQueryDigits(q: string): string | null {
  if (!/^[\d\s()+.\-/]+$/.test(q.trim())) return null;
  const digits = q.replace(/\D/g, '');
  if (digits.length < 4) return null;
  // A full international number: search its national part too, which every stored form contains.
  const parsed = q.trim().startsWith('+') ? parsePhoneNumberFromString(q.trim()) : undefined;
  return parsed?.isValid() ? String(parsed.nationalNumber) : digits.replace(/^0+/, '');
}
