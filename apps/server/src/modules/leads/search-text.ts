/**
 * Search text without case or accents: "João Conceição" is stored and searched as "joao conceicao". The database
 * folds with translate() in the generated `name_search` column (immutable, so PGlite and PostgreSQL need no
 * extension) and the server folds what people type with the same table, so both sides always agree.
 */

/** Accented letters (both cases) and the plain letter each one folds to, position by position. */
export const FOLD_FROM = 'áàâãäåāăąéèêëēėęěíìîïīįóòôõöøōőúùûüūůűçćčñńňýÿšśžźżďťřľĺłÁÀÂÃÄÅĀĂĄÉÈÊËĒĖĘĚÍÌÎÏĪĮÓÒÔÕÖØŌŐÚÙÛÜŪŮŰÇĆČÑŃŇÝŸŠŚŽŹŻĎŤŘĽĹŁ';
export const FOLD_TO = 'aaaaaaaaaeeeeeeeeiiiiiioooooooouuuuuuucccnnnyysszzzdtrlllaaaaaaaaaeeeeeeeeiiiiiioooooooouuuuuuucccnnnyysszzzdtrlll';

const FOLD = new Map([...FOLD_FROM].map((c, i) => [c, FOLD_TO[i]!]));

/** Lower case, accents folded, runs of white space made one space, trimmed. */
export function foldSearchText(text: string): string {
  let out = '';
  for (const c of text.toLowerCase()) out += FOLD.get(c) ?? c;
  return out.replace(/\s+/g, ' ').trim();
}

/** The SQL of the generated `name_search` column: first name, last name and company, folded. */
export const NAME_SEARCH_SQL = `translate(lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(company, '')), '${FOLD_FROM}', '${FOLD_TO}')`;
