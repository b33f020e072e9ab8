import type { ExportFileEntry } from '@leadflow/shared/exports';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.table.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

export type { ExportFileEntry };

/**
 * A full workspace export (ADR 019): every entity as CSV in one ZIP with a JSON manifest, written by a job to the
 * data folder (`exports/<workspace>/<id>.zip`) and downloaded by members holding workspace.export until it expires.
 */
export const workspaceExports = pgTable(
  'workspace_exports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    /** queued → running → done | failed; done → expired once the file is removed. */
    status: text('status', { enum: ['queued', 'running', 'done', 'failed', 'expired'] }).notNull().default('queued'),
    /** The run that owns the export: a second delivery of the job takes over and the first one's result is dropped. */
    runId: uuid('run_id'),
    filesTotal: integer('files_total').notNull().default(0),
    filesDone: integer('files_done').notNull().default(0),
    rowsDone: bigint('rows_done', { mode: 'number' }).notNull().default(0),
    /** The file being written, for the progress display. */
    currentFile: text('current_file'),
    /** Relative to the data folder. */
    filePath: text('file_path'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    files: jsonb('files').$type<ExportFileEntry[]>().notNull().default([]),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** The download link works until then; the file is deleted after. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
  },
  (t) => [
    index('workspace_exports_ws_created_idx').on(t.workspaceId, t.createdAt.desc()),
    index('workspace_exports_expires_idx').on(t.expiresAt),
  ],
);
