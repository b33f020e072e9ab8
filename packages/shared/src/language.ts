/**
 * The language a lead speaks. Stored as a BCP 47 tag (`en`, `pt-BR`, `es`), so a distribution rule or a list
 * filter on "Spanish" matches every lead whatever form, sheet or person wrote it: `es`, `ES`, `es_MX`→`es-MX`,
 * `Spanish`, `Español`, `espanhol` all read as a tag. Names are recognised in English, Portuguese, Spanish, French,
 * German and Italian and in each language's own name (ADR 033).
 */

/** ISO 639-1: every two-letter language code. */
const LANGUAGE_CODES =
  'aa ab af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu'.split(
    ' ',
  );
/** Regional forms people name on their own ("Brazilian Portuguese", "português (Brasil)"). */
const REGIONAL = ['pt-BR', 'pt-PT', 'en-US', 'en-GB', 'es-MX', 'es-ES', 'es-419', 'fr-CA', 'zh-Hans', 'zh-Hant'];
const NAME_LOCALES = ['en', 'pt', 'es', 'fr', 'de', 'it'];

/** The longest tag kept (BCP 47 allows long ones; a lead's language needs a language and perhaps a region). */
const LANGUAGE_MAX_LENGTH = 35;

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s_.,;:/\\()-]+/g, ' ')
    .trim();

/** One `Intl.DisplayNames` per locale: a list of leads names each row's language, an import checks each cell. */
const displayNames = new Map<string, Intl.DisplayNames | null>();
function namesIn(locale: string): Intl.DisplayNames | null {
  let names = displayNames.get(locale);
  if (names === undefined) {
    try {
      names = new Intl.DisplayNames([locale], { type: 'language', fallback: 'none' });
    } catch {
      names = null; // A locale the runtime cannot name in.
    }
    displayNames.set(locale, names);
  }
  return names;
}

let names: Map<string, string> | undefined;
function byName(): Map<string, string> {
  if (names) return names;
  names = new Map();
  const add = (name: string | undefined, tag: string) => {
    if (!name || name === tag) return;
    const key = fold(name);
    if (key && !names!.has(key)) names!.set(key, tag);
  };
  // Base languages first: "Portuguese" is `pt`, not one of its regions.
  for (const tags of [LANGUAGE_CODES, REGIONAL]) {
    for (const tag of tags) {
      for (const locale of [...NAME_LOCALES, tag]) add(namesIn(locale)?.of(tag), tag);
    }
  }
  return names;
}

/** Whether `code` (a primary language subtag) is a language the runtime knows. */
function knownLanguage(code: string): boolean {
  if (LANGUAGE_CODES.includes(code)) return true;
  return code.length === 3 && namesIn('en')?.of(code) !== undefined;
}

/**
 * The tag for what someone wrote as a language, or `undefined` when it is not one: a tag in any case with `-` or
 * `_` (`pt_br` → `pt-BR`), a two- or three-letter code, or a language's name. Empty text is `null` (no language).
 */
export function parseLanguage(raw: string): string | null | undefined {
  const text = raw.trim();
  if (!text) return null;
  if (text.length <= LANGUAGE_MAX_LENGTH && /^[A-Za-z]{2,3}([_-][A-Za-z0-9]{1,8})*$/.test(text)) {
    try {
      const [tag] = Intl.getCanonicalLocales(text.replace(/_/g, '-'));
      if (tag && knownLanguage(tag.split('-')[0]!)) return tag;
    } catch {
      // Not a well-formed tag ("en-x"): perhaps a name.
    }
  }
  return byName().get(fold(text));
}

/** A tag's name in the reader's language ("Portuguese (Brazil)"), or the tag itself when the runtime has none. */
export function languageName(tag: string, locale: string): string {
  try {
    return namesIn(locale)?.of(tag) ?? tag;
  } catch {
    return tag; // Not a well-formed tag (an old or hand-written value).
  }
}

/** The languages a picker offers: every ISO 639-1 language and the common regional forms, named in `locale`, by name. */
export function languageOptions(locale: string): { value: string; label: string }[] {
  return [...LANGUAGE_CODES, ...REGIONAL]
    .map((value) => ({ value, label: languageName(value, locale) }))
    .filter((o) => o.label !== o.value)
    .sort((a, b) => a.label.localeCompare(b.label, locale));
}
