import { z } from 'zod';

/** Full workspace exports (ADR 019): a ZIP of CSV files, one per entity, and manifest.json. */

export const EXPORT_STATUSES = ['queued', 'running', 'done', 'failed', 'expired'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** The manifest's format; raised when a file or column changes meaning. */
export const EXPORT_FORMAT_VERSION = 1;

/** Days a finished export can be downloaded; its file is deleted after. */
export const EXPORT_RETENTION_DAYS = 7;

export const EXPORT_COLUMN_TYPES = ['uuid', 'text', 'integer', 'number', 'boolean', 'timestamp', 'date', 'json'] as const;

export const exportColumn = z.object({ name: z.string(), type: z.enum(EXPORT_COLUMN_TYPES) });

export const exportFile = z.object({
  /** Path inside the ZIP, e.g. leads.csv. */
  file: z.string(),
  entity: z.string(),
  columns: z.array(exportColumn),
  rows: z.int(),
});
export type ExportFileEntry = z.infer<typeof exportFile>;

/** manifest.json at the root of the ZIP. */
export const exportManifest = z.object({
  formatVersion: z.literal(EXPORT_FORMAT_VERSION),
  application: z.literal('LeadFlow'),
  workspace: z.object({ id: z.uuid(), name: z.string(), slug: z.string(), timeZone: z.string(), locale: z.string(), currency: z.string(), defaultCountry: z.string() }),
  exportId: z.uuid(),
  generatedAt: z.string(),
  /** True when every file was read in one database snapshot (PostgreSQL); false on the embedded database. */
  consistentSnapshot: z.boolean(),
  csv: z.object({ encoding: z.literal('UTF-8'), byteOrderMark: z.literal(true), delimiter: z.literal(','), lineEnd: z.literal('CRLF'), formulaPrefix: z.literal("'"), timestamps: z.literal('ISO 8601 UTC'), lists: z.literal('JSON') }),
  files: z.array(exportFile),
});
export type ExportManifest = z.infer<typeof exportManifest>;

export const exportDetail = z.object({
  id: z.uuid(),
  status: z.enum(EXPORT_STATUSES),
  progress: z.object({ filesDone: z.int(), filesTotal: z.int(), rowsDone: z.int(), currentFile: z.string().nullable() }),
  sizeBytes: z.int().nullable(),
  files: z.array(exportFile),
  error: z.string().nullable(),
  createdBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  /** Relative URL of the ZIP while it can be downloaded, else null. */
  downloadUrl: z.string().nullable(),
});
export type ExportDetail = z.infer<typeof exportDetail>;

export const exportList = z.object({ exports: z.array(exportDetail) });
