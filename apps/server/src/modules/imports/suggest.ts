import type { ImportStandardField } from '@leadflow/shared/imports';
import { foldSearchText } from '../leads/search-text.ts';

/**
 * Mapping suggestions: a column goes to a field when its header is a known name for it (English and Portuguese,
 * and the headers of Facebook Lead Ads, HubSpot, Pipedrive and Google Contacts exports), or — failing that — when
 * its values look like emails, phones or dates.
 */

const ALIASES: Record<ImportStandardField, string[]> = {
  name: ['name', 'full name', 'full_name', 'fullname', 'nome', 'nome completo', 'contact name', 'person', 'person - name', 'lead name', 'nome do contato', 'contato', 'cliente'],
  firstName: ['first name', 'first_name', 'firstname', 'given name', 'primeiro nome', 'nome proprio', 'person - first name'],
  lastName: ['last name', 'last_name', 'lastname', 'family name', 'surname', 'sobrenome', 'ultimo nome', 'person - last name'],
  company: ['company', 'company name', 'company_name', 'organization', 'organisation', 'organization - name', 'organization 1 - name', 'associated company', 'empresa', 'nome da empresa', 'organizacao', 'razao social'],
  phone: ['phone', 'phone number', 'phone_number', 'mobile', 'mobile phone', 'mobile phone number', 'cell', 'telephone', 'tel', 'whatsapp', 'telefone', 'celular', 'fone', 'numero de telefone', 'phone 1 - value', 'phone 2 - value', 'person - phone', 'person - phone - work', 'person - phone - mobile'],
  email: ['email', 'e-mail', 'email address', 'e-mail address', 'e-mail 1 - value', 'e-mail 2 - value', 'mail', 'correio eletronico', 'endereco de email', 'endereco de e-mail', 'person - email', 'person - email - work'],
  source: ['source', 'lead source', 'original source', 'origem', 'fonte', 'canal', 'platform', 'plataforma'],
  sourceDetail: ['source detail', 'source drill-down 1', 'original source drill-down 1', 'detalhe da origem'],
  campaign: ['campaign', 'campaign name', 'campaign_name', 'campanha', 'nome da campanha', 'utm_campaign', 'ad name', 'ad_name', 'form name', 'form_name'],
  city: ['city', 'town', 'cidade', 'municipio', 'address 1 - city'],
  state: ['state', 'state/region', 'region', 'province', 'estado', 'uf', 'address 1 - region'],
  country: ['country', 'country/region', 'pais', 'address 1 - country'],
  zip: ['zip', 'zip code', 'zipcode', 'postal code', 'postcode', 'post code', 'cep', 'codigo postal', 'address 1 - postal code'],
  language: ['language', 'preferred language', 'spoken language', 'lang', 'locale', 'idioma', 'lingua', 'idioma preferido', 'lingua preferida'],
  tags: ['tags', 'tag', 'labels', 'label', 'etiquetas', 'etiqueta', 'marcadores', 'group membership'],
  owner: ['owner', 'lead owner', 'contact owner', 'deal owner', 'assigned to', 'responsavel', 'dono', 'proprietario', 'vendedor', 'corretor', 'owner email'],
  stage: ['stage', 'lead status', 'lifecycle stage', 'deal stage', 'pipeline stage', 'etapa', 'fase', 'estagio', 'status'],
  score: ['score', 'lead score', 'hubspot score', 'pontuacao', 'nota'],
  nextFollowUpAt: ['next follow-up', 'next follow up', 'follow up', 'follow-up date', 'next activity date', 'proximo contato', 'data do proximo contato', 'retorno'],
  externalId: ['id', 'external id', 'external_id', 'record id', 'contact id', 'lead id', 'leadgen_id', 'person - id', 'codigo', 'cod', 'id externo'],
};

const ALIAS_INDEX = new Map<string, ImportStandardField>();
for (const [field, names] of Object.entries(ALIASES) as [ImportStandardField, string[]][]) {
  for (const n of names) ALIAS_INDEX.set(normalizeHeader(n), field);
}

/** Lower case, no accents, no punctuation but single spaces: "E-mail (trabalho)" → "e mail trabalho". */
export function normalizeHeader(header: string): string {
  return foldSearchText(header)
    .replace(/[_\-./:()[\]#*]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[\d\s().-]{7,20}$/;
const DATE = /^(\d{4}-\d{1,2}-\d{1,2}([ T].*)?|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})$/;

/** What most non-empty samples look like, if anything. */
export function contentKind(samples: string[]): 'email' | 'phone' | 'date' | null {
  const values = samples.map((s) => s.trim()).filter(Boolean);
  if (!values.length) return null;
  const share = (re: RegExp, extra: (v: string) => boolean = () => true) => values.filter((v) => re.test(v) && extra(v)).length / values.length;
  if (share(EMAIL) >= 0.8) return 'email';
  if (share(DATE) >= 0.8) return 'date';
  if (share(PHONE, (v) => v.replace(/\D/g, '').length >= 8) >= 0.8) return 'phone';
  return null;
}

export type CustomFieldInfo = { key: string; label: string; type: string };

export type Suggestion = { target: string | null; reason: 'name' | 'content' | null };

/**
 * Suggests a target for each column. A standard or custom field goes to at most one column, except phones,
 * emails and tags, which take several (Google Contacts has "Phone 1 - Value", "Phone 2 - Value").
 */
export function suggestMapping(headers: string[], samples: string[][], customFields: CustomFieldInfo[]): Suggestion[] {
  const taken = new Set<string>();
  const multi = new Set(['phone', 'email', 'tags']);
  const customByName = new Map<string, string>();
  for (const f of customFields) {
    customByName.set(normalizeHeader(f.label), `custom.${f.key}`);
    customByName.set(normalizeHeader(f.key), `custom.${f.key}`);
  }
  const out: Suggestion[] = headers.map(() => ({ target: null, reason: null }));
  const claim = (i: number, target: string, reason: 'name' | 'content') => {
    if (!multi.has(target) && taken.has(target)) return false;
    taken.add(target);
    out[i] = { target, reason };
    return true;
  };
  // Names first (exact aliases, then custom fields), so content guesses never take a field a header names.
  headers.forEach((h, i) => {
    const n = normalizeHeader(h);
    const standard = ALIAS_INDEX.get(n);
    if (standard) {
      claim(i, standard, 'name');
      return;
    }
    const custom = customByName.get(n);
    if (custom) claim(i, custom, 'name');
  });
  // Then partial names: "Work email", "Telefone comercial", "Phone 3 - Value".
  headers.forEach((h, i) => {
    if (out[i]!.target) return;
    const words = normalizeHeader(h).split(' ');
    const has = (...w: string[]) => w.some((x) => words.includes(x));
    if (has('email', 'mail')) claim(i, 'email', 'name');
    else if (has('phone', 'telefone', 'celular', 'mobile', 'whatsapp', 'fone')) claim(i, 'phone', 'name');
  });
  // Finally content: emails, phones; dates go to a date custom field or the follow-up only by name.
  headers.forEach((_h, i) => {
    if (out[i]!.target) return;
    const kind = contentKind(samples[i] ?? []);
    if (kind === 'email' || kind === 'phone') claim(i, kind, 'content');
    else if (kind === 'date') {
      const dateField = customFields.find((f) => (f.type === 'date' || f.type === 'datetime') && !taken.has(`custom.${f.key}`));
      if (dateField) claim(i, `custom.${dateField.key}`, 'content');
    }
  });
  return out;
}
