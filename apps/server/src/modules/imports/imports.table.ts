import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.table.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/**
 * One import of a CSV or XLSX file (ADR 013). The file's rows live in `import_rows` from the upload on, so
 * validation, the run, resumption after a crash and the rejected-rows download all read the database, on
 * whichever instance runs the job.
 */
export const imports = pgTable(
  'imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    fileName: text('file_name').notNull(),
    /** csv | xlsx */
    format: text('format').notNull(),
    /** utf-8, utf-16le, windows-1252 (CSV), or null (XLSX). */
    encoding: text('encoding'),
    delimiter: text('delimiter'),
    sheet: text('sheet'),
    headers: text('headers').array().notNull().default(sql`'{}'::text[]`),
    rowCount: integer('row_count').notNull().default(0),
    /** uploaded → validating → validated → queued → running → done | cancelled | failed; undoing → undone. */
    status: text('status').notNull(),
    /** The mapping and options the last validation used (imports.ts `importSettings`). */
    settings: jsonb('settings').$type<Record<string, unknown>>(),
    /** Counts of the last validation, then of the run. */
    summary: jsonb('summary').$type<Record<string, number>>().notNull().default({}),
    /** The run's checkpoint: every row up to this number is done (committed with the batch that did it). */
    checkpoint: integer('checkpoint').notNull().default(0),
    rowsDone: integer('rows_done').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    cancelRequested: boolean('cancel_requested').notNull().default(false),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    undoneAt: timestamp('undone_at', { withTimezone: true }),
  },
  (t) => [index('imports_ws_created_idx').on(t.workspaceId, t.createdAt.desc())],
);

/** The file's data rows as uploaded, and what validation decided for each. */
export const importRows = pgTable(
  'import_rows',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    /** The row's number in the file (the header is row 1). */
    rowNo: integer('row_no').notNull(),
    cells: text('cells').array().notNull(),
    /** Found while reading the file (too many values, a cell too long): the row cannot go in. */
    parseError: jsonb('parse_error').$type<{ column: string | null; reason: string }>(),
    /** pending | create | update | error | duplicate | existing | not_found */
    status: text('status').notNull().default('pending'),
    errors: jsonb('errors').$type<{ column: string | null; value: string | null; reason: string }[]>(),
    /** The normalised key the mode matches on (email, E.164 phone, external id or a field's value). */
    matchKey: text('match_key'),
    /** The row as lead values, ready for the run. */
    values: jsonb('values').$type<Record<string, unknown>>(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.rowNo] }), index('import_rows_key_idx').on(t.importId, t.matchKey)],
);

/** What the run did to each lead, for undo: created, or updated with the fields' values before. */
export const importChanges = pgTable(
  'import_changes',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    leadId: uuid('lead_id').notNull(),
    kind: text('kind').notNull(),
    before: jsonb('before').$type<Record<string, unknown>>(),
    rowNo: integer('row_no').notNull(),
  },
  // Undo takes the changes from the last row back, a batch at a time: by this index rather than a sort of all the
  // changes left at every batch.
  (t) => [primaryKey({ columns: [t.importId, t.leadId] }), index('import_changes_row_idx').on(t.importId, t.rowNo)],
);

/** A saved mapping, reused for files of the same shape. */
export const importTemplates = pgTable(
  'import_templates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('import_templates_ws_idx').on(t.workspaceId)],
);
