import type { Locale } from '@leadflow/shared/fields';
import { LOCALES } from '@leadflow/shared/fields';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from '../locales/en.json';

export type Resources = typeof en;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Resources };
  }
}

const LANGUAGE_STORAGE_KEY = 'lf.lang';

export const LANGUAGE_NAMES: Record<Locale, string> = {
  en: 'English',
  'pt-BR': 'Português (Brasil)',
};

// English ships with the first page; other languages load on demand.
const loaders: Record<Locale, () => Promise<Resources>> = {
  en: () => Promise.resolve(en),
  'pt-BR': () => import('../locales/pt-BR.json').then((m) => m.default),
};

export const i18n = i18next.createInstance();

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

function storedLanguage(): Locale | null {
  try {
    const value = localStorage.getItem(LANGUAGE_STORAGE_KEY);
    return isLocale(value) ? value : null;
  } catch {
    return null;
  }
}

function browserLanguage(): Locale | null {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('pt')) return 'pt-BR';
    if (lower.startsWith('en')) return 'en';
  }
  return null;
}

/** The language last chosen on this browser (from the profile or the menu), else the browser's, else English. */
export function detectLanguage(): Locale {
  return storedLanguage() ?? browserLanguage() ?? 'en';
}

export function currentLanguage(): Locale {
  return isLocale(i18n.language) ? i18n.language : 'en';
}

async function ensureLoaded(locale: Locale): Promise<void> {
  if (i18n.hasResourceBundle(locale, 'translation')) return;
  i18n.addResourceBundle(locale, 'translation', await loaders[locale]());
}

export async function changeLanguage(locale: Locale): Promise<void> {
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, locale);
  } catch {
    // Not persisted; the profile still carries the choice for signed-in users.
  }
  if (i18n.language === locale) return;
  await ensureLoaded(locale);
  await i18n.changeLanguage(locale);
  document.documentElement.lang = locale;
}

export async function initI18n(): Promise<void> {
  const locale = detectLanguage();
  await i18n.use(initReactI18next).init({
    resources: { en: { translation: en } },
    lng: 'en',
    fallbackLng: 'en',
    supportedLngs: [...LOCALES],
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  if (locale !== 'en') await changeLanguage(locale);
  document.documentElement.lang = locale;
}
