import { languageName, languageOptions, parseLanguage } from '@leadflow/shared/language';

export type LanguageOption = { value: string; label: string };

// Naming ~200 languages builds as many Intl lookups: once per UI language is enough.
const optionsByLocale = new Map<string, LanguageOption[]>();

/**
 * The languages a picker offers, named in `locale`, plus any of `keep` the list lacks (a lead's `sgn-BR` or
 * `es-AR`, a filter's value), so a value already chosen still shows by its name instead of an empty select.
 */
export function languageSelectOptions(locale: string, keep: readonly (string | null | undefined)[] = []): LanguageOption[] {
  const options = optionsByLocale.get(locale) ?? languageOptions(locale);
  optionsByLocale.set(locale, options);
  const missing = [...new Set(keep)].filter((tag): tag is string => !!tag && !options.some((option) => option.value === tag));
  return missing.length ? [...options, ...missing.map((tag) => ({ value: tag, label: languageName(tag, locale) }))] : options;
}

/** A language as people read it: a tag or a name (filter values may be either) named in `locale`. */
export function languageLabel(value: string, locale: string): string {
  return languageName(parseLanguage(value) ?? value, locale);
}
