import { z } from 'zod';

/**
 * Lead imports from CSV/XLSX (ADR 013): upload → mapping → dry run (validation) → run as a job → report → undo.
 */

/** Standard lead fields a column can fill. `name` is a full name split into first and last name. */
export const IMPORT_STANDARD_FIELDS = [
  'name',
  'firstName',
  'lastName',
  'company',
  'phone',
  'email',
  'source',
  'sourceDetail',
  'campaign',
  'city',
  'state',
  'country',
  'zip',
  'language',
  'tags',
  'owner',
  'stage',
  'score',
  'nextFollowUpAt',
  'externalId',
] as const;
export type ImportStandardField = (typeof IMPORT_STANDARD_FIELDS)[number];

/** A column's target: a standard field, or `custom.<key>` for a custom field. */
export const importTarget = z.union([
  z.enum(IMPORT_STANDARD_FIELDS),
  z.string().regex(/^custom\.[a-z][a-z0-9_]{0,62}$/, { message: 'Use a standard field or custom.<key>' }),
]);

export const IMPORT_MODES = ['create', 'update', 'upsert'] as const;
export const DATE_FORMATS = ['DMY', 'MDY', 'YMD'] as const;
export const IMPORT_STATUSES = ['uploading', 'uploaded', 'validating', 'validated', 'queued', 'running', 'done', 'cancelled', 'failed', 'undoing', 'undone'] as const;

export const columnMapping = z.strictObject({
  /** The header of the column in the file. */
  column: z.string().min(1).max(500),
  /** Null: the column is not imported. */
  target: importTarget.nullable(),
});

export const importSettings = z
  .strictObject({
    columns: z.array(columnMapping).max(500),
    mode: z.enum(IMPORT_MODES),
    /** What identifies an existing lead: email, phone, externalId, or custom.<key>. Required unless mode is create. */
    matchOn: z.union([z.enum(['email', 'phone', 'externalId']), z.string().regex(/^custom\.[a-z][a-z0-9_]{0,62}$/)]).nullable(),
    assignment: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('column') }),
      z.strictObject({ kind: z.literal('distribution') }),
      z.strictObject({ kind: z.literal('user'), userId: z.uuid({ message: 'Must be a UUID' }) }),
      z.strictObject({ kind: z.literal('none') }),
    ]),
    defaults: z
      .strictObject({
        source: z.string().trim().max(200).nullable(),
        stageId: z.uuid({ message: 'Must be a UUID' }).nullable(),
        tags: z.array(z.string().trim().min(1).max(100)).max(50),
      })
      .partial(),
    dateFormat: z.enum(DATE_FORMATS),
    /** ISO 3166 alpha-2 for numbers without a country code; the workspace's when omitted. */
    defaultCountry: z
      .string()
      .regex(/^[A-Z]{2}$/, { message: 'Use a two-letter country code' })
      .optional(),
  })
  .superRefine((s, ctx) => {
    if (s.mode !== 'create' && !s.matchOn) ctx.addIssue({ code: 'custom', path: ['matchOn'], message: 'Choose what identifies an existing lead' });
    const targets = s.columns.flatMap((c) => (c.target && c.target !== 'phone' && c.target !== 'email' && c.target !== 'tags' ? [c.target] : []));
    const dup = targets.find((t, i) => targets.indexOf(t) !== i);
    if (dup) ctx.addIssue({ code: 'custom', path: ['columns'], message: `Two columns go to ${dup}; only phones, emails and tags can take several` });
  });
export type ImportSettings = z.infer<typeof importSettings>;

export const importColumn = z.object({
  index: z.int(),
  header: z.string(),
  samples: z.array(z.string()),
  /** The suggested target, or null; `reason` says why (header name, or content). */
  suggested: importTarget.nullable(),
  reason: z.enum(['name', 'content']).nullable(),
});

export const importSummary = z.object({
  total: z.int(),
  create: z.int(),
  update: z.int(),
  /** Rows whose match key appears earlier in the file: skipped. */
  duplicateInFile: z.int(),
  /** Create mode: rows that match an existing lead: skipped. */
  existing: z.int(),
  /** Update mode: rows that match no lead: skipped. */
  notFound: z.int(),
  errors: z.int(),
});

export const importDetail = z.object({
  id: z.uuid(),
  fileName: z.string(),
  format: z.enum(['csv', 'xlsx']),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  sheet: z.string().nullable(),
  rowCount: z.int(),
  status: z.enum(IMPORT_STATUSES),
  settings: z.record(z.string(), z.unknown()).nullable(),
  summary: importSummary.nullable(),
  progress: z.object({ rowsDone: z.int(), rowsTotal: z.int(), created: z.int(), updated: z.int(), rowsPerSecond: z.number().nullable(), etaSeconds: z.number().nullable() }),
  error: z.string().nullable(),
  createdBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  undoneAt: z.string().nullable(),
  /** Until when the import can be undone (null when it cannot). */
  undoUntil: z.string().nullable(),
});

export const importUploadResponse = importDetail.extend({ columns: z.array(importColumn) });
export const importList = z.object({ imports: z.array(importDetail) });

export const importRowError = z.object({ row: z.int(), column: z.string().nullable(), value: z.string().nullable(), reason: z.string() });
export const importErrorsPage = z.object({ errors: z.array(importRowError), nextCursor: z.int().nullable() });
export const importErrorsQuery = z.object({
  cursor: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const importUploadQuery = z.object({
  /** XLSX: the worksheet's name or 1-based number; the first when omitted. */
  sheet: z.string().max(200).optional(),
  /** CSV: force a delimiter instead of detecting it. */
  delimiter: z.enum([',', ';', '\t', '|']).optional(),
});

export const importTemplateInput = z.strictObject({ name: z.string().trim().min(1, { message: 'Give the template a name' }).max(120), settings: importSettings });
export const importTemplate = z.object({ id: z.uuid(), name: z.string(), settings: z.record(z.string(), z.unknown()), createdAt: z.string() });
export const importTemplateList = z.object({ templates: z.array(importTemplate) });

/** Days an import can be undone after it finished. */
export const IMPORT_UNDO_DAYS = 30;
