import { languageName } from '@leadflow/shared/language';
import type { Lead } from '@leadflow/shared/leads';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { i18n } from '@/lib/i18n';
import en from '../../../locales/en.json';
import ptBR from '../../../locales/pt-BR.json';
import type { LeadReferences } from '../hooks/use-lead-references';
import { EMPTY_VALUE, formatChangeValue, formatStandardValue, leadColumnText } from './format-lead-value';
import { languageLabel, languageSelectOptions } from './languages';
import { filterLabel, isCompleteValue, toLeadFilter } from './filters';
import { fieldNameLabel, leadFields, OPERATORS, resolveLeadField } from './lead-fields';

const references: LeadReferences = {
  customFields: [],
  members: [],
  canListMembers: true,
  me: { id: 'u1', name: 'Ann' },
  pipelines: [],
  currency: 'USD',
  can: () => true,
};

beforeAll(async () => {
  await i18n.init({ lng: 'en', resources: { en: { translation: en }, 'pt-BR': { translation: ptBR } }, interpolation: { escapeValue: false } });
});

afterEach(async () => {
  await i18n.changeLanguage('en');
});

describe('lead language', () => {
  it('shows a stored tag by its name in the reader’s language', async () => {
    expect(formatStandardValue('language', 'pt-BR', references)).toBe('Brazilian Portuguese');
    expect(formatStandardValue('language', 'es', references)).toBe('Spanish');
    expect(formatStandardValue('language', null, references)).toBe(EMPTY_VALUE);
    await i18n.changeLanguage('pt-BR');
    expect(formatStandardValue('language', 'es', references)).toBe('espanhol');
  });

  it('names it in list columns and in the timeline’s field changes', () => {
    // Cast, not annotated: a list column reads only the field it shows.
    const lead = { language: 'fr' } as Lead;
    expect(leadColumnText(lead, 'language', references)).toBe('French');
    expect(leadColumnText({ language: null } as Lead, 'language', references)).toBe(EMPTY_VALUE);
    expect(fieldNameLabel('language', [])).toBe('Language');
    expect(formatChangeValue('language', 'es', references)).toBe('Spanish');
    expect(formatChangeValue('language', null, references)).toBe(EMPTY_VALUE);
  });

  it('offers every language by name, and keeps a chosen tag the list lacks', () => {
    const options = languageSelectOptions('en');
    expect(options).toContainEqual({ value: 'pt-BR', label: 'Brazilian Portuguese' });
    expect(options).toContainEqual({ value: 'es', label: 'Spanish' });
    expect(options.some((o) => o.value === 'es-AR')).toBe(false);

    const kept = languageSelectOptions('en', ['es-AR', 'es', null, undefined]);
    expect(kept.filter((o) => o.value === 'es-AR')).toEqual([{ value: 'es-AR', label: languageName('es-AR', 'en') }]);
    expect(kept.filter((o) => o.value === 'es')).toHaveLength(1);
    expect(kept).toHaveLength(options.length + 1);

    expect(languageSelectOptions('pt-BR')).toContainEqual({ value: 'es', label: 'espanhol' });
  });

  it('names a filter value written as a tag or as a name', () => {
    expect(languageLabel('es', 'en')).toBe('Spanish');
    expect(languageLabel('Spanish', 'en')).toBe('Spanish');
    expect(languageLabel('Español', 'pt-BR')).toBe('espanhol');
    expect(languageLabel('pt_br', 'en')).toBe('Brazilian Portuguese');
    // Not a language: shown as written.
    expect(languageLabel('Klingonese', 'en')).toBe('Klingonese');
  });
});

describe('language filters', () => {
  const field = resolveLeadField('language', [])!;

  it('is a field of its own kind, with the operators the server takes', () => {
    expect(field).toEqual({ id: 'language', kind: 'language', custom: null });
    expect(OPERATORS.language).toEqual(['eq', 'neq', 'in', 'not_in', 'empty', 'not_empty']);
    const ids = leadFields([]).map((f) => f.id);
    expect(ids.indexOf('language')).toBe(ids.indexOf('timeZone') + 1);
  });

  it('takes one tag for is / is not, a list for any of / none of, nothing for empty', () => {
    expect(isCompleteValue(field, 'eq', 'es')).toBe(true);
    expect(isCompleteValue(field, 'neq', '')).toBe(false);
    expect(isCompleteValue(field, 'eq', null)).toBe(false);
    expect(isCompleteValue(field, 'in', ['es', 'pt-BR'])).toBe(true);
    expect(isCompleteValue(field, 'not_in', [])).toBe(false);
    expect(isCompleteValue(field, 'in', 'es')).toBe(false);
    expect(isCompleteValue(field, 'empty', undefined)).toBe(true);
    expect(toLeadFilter(field, 'in', ['es', 'pt-BR'])).toEqual({ field: 'language', op: 'in', value: ['es', 'pt-BR'] });
    expect(toLeadFilter(field, 'not_empty', 'es')).toEqual({ field: 'language', op: 'not_empty' });
  });

  it('reads in chips and rule conditions by the language’s name, not its tag', () => {
    expect(filterLabel({ field: 'language', op: 'eq', value: 'pt-BR' }, references)).toBe('Language is Brazilian Portuguese');
    // Rules made through the API may hold names: they read the same.
    expect(filterLabel({ field: 'language', op: 'not_in', value: ['Spanish', 'fr'] }, references)).toBe('Language is none of Spanish, French');
    expect(filterLabel({ field: 'language', op: 'empty' }, references)).toBe('Language is empty');
  });
});
