import { sql, type SQL } from 'drizzle-orm';

/**
 * Set-based statements of the import phases (ADR 020): each batch of rows goes to the database as one JSON
 * parameter read by `jsonb_to_recordset`, so a batch of thousands of rows is one statement with a few parameters —
 * not rows × columns bound values built by the query builder, and not one statement per row. Same on both engines.
 */

type ColumnType = 'uuid' | 'text' | 'text[]' | 'jsonb' | 'timestamptz' | 'integer';

/**
 * JSON that PostgreSQL reads as jsonb: JSON.stringify escapes NUL as \u0000 and a lone UTF-16 surrogate as \udxxx,
 * and PostgreSQL refuses both in jsonb (and in text); NUL is dropped, a lone surrogate becomes U+FFFD. (An
 * escaped backslash before "u" — an even run of backslashes — is data, not an escape, and stays.)
 */
export function toJson(rows: unknown): string {
  const json = JSON.stringify(rows);
  if (!/\\u(0000|d[89a-f])/i.test(json)) return json;
  return json.replace(/(?<!\\)((?:\\\\)*)\\u(0000|d[89a-f][0-9a-f]{2})/gi, (_m, bs: string, code: string) => bs + (code === '0000' ? '' : '\\ufffd'));
}

/** `SELECT <columns> FROM jsonb_to_recordset($1)`: many rows as one parameter, typed by the column list. */
export function jsonRows(columns: readonly (readonly [string, ColumnType])[], rows: Record<string, unknown>[]): SQL {
  return recordset(columns, toJson(rows));
}

/** The same from rows already turned into JSON objects one by one (each by `toJson`). */
export function jsonRowsOf(columns: readonly (readonly [string, ColumnType])[], rows: string[]): SQL {
  return recordset(columns, `[${rows.join(',')}]`);
}

function recordset(columns: readonly (readonly [string, ColumnType])[], json: string): SQL {
  const names = columns.map(([c]) => c).join(', ');
  const defs = columns.map(([c, t]) => `${c} ${t}`).join(', ');
  return sql`SELECT ${sql.raw(names)} FROM jsonb_to_recordset(${json}::jsonb) AS x(${sql.raw(defs)})`;
}

export const IMPORT_ROW_COLUMNS = [
  ['import_id', 'uuid'],
  ['row_no', 'integer'],
  ['cells', 'text[]'],
  ['parse_error', 'jsonb'],
] as const;

/** The columns an import writes when it creates a lead (snake_case, as in `leads`). */
export const LEAD_INSERT_COLUMNS = [
  ['id', 'uuid'],
  ['workspace_id', 'uuid'],
  ['first_name', 'text'],
  ['last_name', 'text'],
  ['company', 'text'],
  ['phones', 'jsonb'],
  ['phone_e164', 'text[]'],
  ['phone_search', 'text'],
  ['emails', 'text[]'],
  ['email_search', 'text'],
  ['source', 'text'],
  ['source_detail', 'text'],
  ['campaign', 'text'],
  ['city', 'text'],
  ['state', 'text'],
  ['country', 'text'],
  ['zip', 'text'],
  ['time_zone', 'text'],
  ['language', 'text'],
  ['tags', 'text[]'],
  ['owner_id', 'uuid'],
  ['stage_id', 'uuid'],
  ['pipeline_id', 'uuid'],
  ['client_since', 'timestamptz'],
  ['score', 'integer'],
  ['next_follow_up_at', 'timestamptz'],
  ['custom', 'jsonb'],
  ['origin', 'text'],
  ['external_id', 'text'],
  ['created_by', 'uuid'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ['last_activity_at', 'timestamptz'],
] as const;

export const ACTIVITY_COLUMNS = [
  ['workspace_id', 'uuid'],
  ['lead_id', 'uuid'],
  ['type', 'text'],
  ['actor_id', 'uuid'],
  ['data', 'jsonb'],
  ['created_at', 'timestamptz'],
] as const;

export const CHANGE_COLUMNS = [
  ['import_id', 'uuid'],
  ['lead_id', 'uuid'],
  ['kind', 'text'],
  ['before', 'jsonb'],
  ['row_no', 'integer'],
] as const;

/** The lead columns an import may change (and undo restores), by their name in the app, with SQL name and type. */
export const RESTORABLE = {
  firstName: ['first_name', 'text'],
  lastName: ['last_name', 'text'],
  company: ['company', 'text'],
  phones: ['phones', 'jsonb'],
  phoneE164: ['phone_e164', 'text[]'],
  phoneSearch: ['phone_search', 'text'],
  emails: ['emails', 'text[]'],
  emailSearch: ['email_search', 'text'],
  source: ['source', 'text'],
  sourceDetail: ['source_detail', 'text'],
  campaign: ['campaign', 'text'],
  city: ['city', 'text'],
  state: ['state', 'text'],
  country: ['country', 'text'],
  zip: ['zip', 'text'],
  language: ['language', 'text'],
  timeZone: ['time_zone', 'text'],
  tags: ['tags', 'text[]'],
  ownerId: ['owner_id', 'uuid'],
  stageId: ['stage_id', 'uuid'],
  pipelineId: ['pipeline_id', 'uuid'],
  score: ['score', 'integer'],
  nextFollowUpAt: ['next_follow_up_at', 'timestamptz'],
  clientSince: ['client_since', 'timestamptz'],
  custom: ['custom', 'jsonb'],
  externalId: ['external_id', 'text'],
} as const satisfies Record<string, readonly [string, ColumnType]>;

export type Restorable = keyof typeof RESTORABLE;
export const RESTORABLE_COLUMNS = Object.keys(RESTORABLE) as Restorable[];

function fromJson(key: string, type: ColumnType): string {
  switch (type) {
    case 'jsonb':
      return `x.s -> '${key}'`;
    case 'text[]':
      return `ARRAY(SELECT jsonb_array_elements_text(x.s -> '${key}'))`;
    case 'text':
      return `x.s ->> '${key}'`;
    default:
      return `(x.s ->> '${key}')::${type}`;
  }
}

/** `col = CASE WHEN the row's set names it THEN its value ELSE the column as it is END`, for every restorable column. */
const SET_LIST = sql.raw(
  Object.entries(RESTORABLE)
    .map(([key, [column, type]]) => `${column} = CASE WHEN x.s ? '${key}' THEN ${fromJson(key, type)} ELSE l.${column} END`)
    .join(',\n  '),
);

/**
 * Many leads of one workspace updated in one statement, each with its own set of columns (`set`: restorable
 * columns by app name → new value, dates as ISO text); columns a row's set does not name keep their value.
 * `updated_at` (and `last_activity_at` when given) take `at`, `version` goes up by one. Returns the ids updated.
 */
export function updateLeadsStatement(workspaceId: string, rows: { id: string; set: Record<string, unknown> }[], at: Date, touchActivity: boolean): SQL {
  return sql`
    UPDATE leads l SET
      ${SET_LIST},
      updated_at = ${at.toISOString()}::timestamptz,
      ${touchActivity ? sql`last_activity_at = ${at.toISOString()}::timestamptz,` : sql``}
      version = l.version + 1
    FROM jsonb_to_recordset(${toJson(rows.map((r) => ({ id: r.id, s: r.set })))}::jsonb) AS x(id uuid, s jsonb)
    WHERE l.workspace_id = ${workspaceId} AND l.id = x.id
    RETURNING l.id`;
}
