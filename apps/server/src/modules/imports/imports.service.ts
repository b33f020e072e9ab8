import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { and, asc, desc, eq, gt, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { ANNOUNCE_EACH_ASSIGNMENT_UP_TO } from '@leadflow/shared/distribution';
import { IMPORT_UNDO_DAYS, type importColumn, type importDetail, type ImportSettings, type importSummary } from '@leadflow/shared/imports';
import { writeAudit } from '../../platform/audit/audit.ts';
import type { DbOrTx, Tx } from '../../platform/db/client.ts';
import { orderedUuid } from '../../platform/db/ordered-uuid.ts';
import { conflict, invalid, notFound } from '../../platform/errors.ts';
import { phoneSearchDigits } from '../../platform/geo/phone.ts';
import { timeZoneFromLocation } from '../../platform/geo/time-zone.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import { users } from '../accounts/accounts.table.ts';
import { customFields } from '../custom-fields/custom-fields.table.ts';
import type { CustomFieldDefinition } from '../custom-fields/custom-values.ts';
import { distributeLeads, publishAssignments, type Distributed } from '../distribution/distribution.assign.ts';
import { leads } from '../leads/leads.table.ts';
import { foldSearchText } from '../leads/search-text.ts';
import { pipelineStages, pipelines } from '../pipelines/pipelines.table.ts';
import { memberships, workspaces } from '../workspaces/workspaces.table.ts';
import { FileFormatError, type CsvRecord } from './csv.ts';
import { readCsv, readXlsx, spoolUpload } from './file-reader.ts';
import { ACTIVITY_COLUMNS, CHANGE_COLUMNS, IMPORT_ROW_COLUMNS, jsonRows, jsonRowsOf, LEAD_INSERT_COLUMNS, RESTORABLE_COLUMNS, toJson, updateLeadsStatement, type Restorable } from './import-sql.ts';
import { importChanges, importRows, imports, importTemplates } from './imports.table.ts';
import { mapRow, matchKeyOf, safeCell, type LeadValues, type MapContext } from './row-mapper.ts';
import { suggestMapping } from './suggest.ts';

type ImportDetail = z.infer<typeof importDetail>;
type ImportColumn = z.infer<typeof importColumn>;
type Summary = z.infer<typeof importSummary>;
type ImportRecord = typeof imports.$inferSelect;

export const VALIDATE_IMPORT_JOB = 'imports.validate';
export const RUN_IMPORT_JOB = 'imports.run';
export const UNDO_IMPORT_JOB = 'imports.undo';
export const TIDY_IMPORTS_JOB = 'imports.tidy';
const TIDY_IMPORTS_CRON = '41 * * * *';
/** An upload still `uploading` after this long lost its request (the process stopped mid-upload): it is removed. */
const ABANDONED_UPLOAD_MS = 60 * 60_000;

const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;
const MAX_ROWS = 2_000_000;
// Rows per statement or transaction of each phase (ADR 020): large enough that the per-batch cost (round trips,
// the import's lock, progress events) is small beside the rows' own cost, small enough that a batch's memory and
// lock time stay short (a run batch of 2,000 leads commits in about a second on a busy 2-core machine).
const INSERT_BATCH = 2000;
const VALIDATE_BATCH = 2000;
/** Validation loops of one dry run on PostgreSQL (see validateRows). */
const VALIDATE_WORKERS = 2;
const RUN_BATCH = 2000;
const UNDO_BATCH = 2000;
const DAY_MS = 86_400_000;

/** Test hooks of the run: stop after some batches as a killed process would, or fail inside a batch's transaction. */
export type RunOptions = { batchSize?: number; haltAfterBatches?: number; failInBatch?: number };

function uniqueHeaders(cells: string[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((c, i) => {
    let h = c.trim() || `Column ${i + 1}`;
    const n = seen.get(h.toLowerCase()) ?? 0;
    seen.set(h.toLowerCase(), n + 1);
    if (n) h = `${h} (${n + 1})`;
    return h;
  });
}

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

const emptySummary = (): Summary => ({ total: 0, create: 0, update: 0, duplicateInFile: 0, existing: 0, notFound: 0, errors: 0 });

export function createImportsService(deps: AppDeps) {
  const db = deps.database.db;

  async function findImport(workspaceId: string, id: string): Promise<ImportRecord> {
    const [row] = await db
      .select()
      .from(imports)
      .where(and(eq(imports.workspaceId, workspaceId), eq(imports.id, id)));
    if (!row) throw notFound('Import');
    return row;
  }

  async function toDetail(row: ImportRecord): Promise<ImportDetail> {
    const [creator] = row.createdBy ? await db.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, row.createdBy)) : [];
    const summary = Object.keys(row.summary).length ? ({ ...emptySummary(), ...row.summary } as Summary) : null;
    const rowsTotal = summary ? summary.create + summary.update : 0;
    let rate: number | null = null;
    let eta: number | null = null;
    if (row.startedAt && row.rowsDone > 0) {
      const seconds = Math.max(0.001, ((row.finishedAt ?? deps.now()).getTime() - row.startedAt.getTime()) / 1000);
      rate = Math.round((row.rowsDone / seconds) * 10) / 10;
      eta = row.status === 'running' ? Math.round(Math.max(0, rowsTotal - row.rowsDone) / rate) : null;
    }
    const undoable = (row.status === 'done' || row.status === 'cancelled') && row.created + row.updated > 0 && row.finishedAt;
    return {
      id: row.id,
      fileName: row.fileName,
      format: row.format as 'csv' | 'xlsx',
      encoding: row.encoding,
      delimiter: row.delimiter,
      sheet: row.sheet,
      rowCount: row.rowCount,
      status: row.status as ImportDetail['status'],
      settings: row.settings ?? null,
      summary,
      progress: { rowsDone: row.rowsDone, rowsTotal, created: row.created, updated: row.updated, rowsPerSecond: rate, etaSeconds: eta },
      error: row.error,
      createdBy: creator ?? null,
      createdAt: row.createdAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      finishedAt: row.finishedAt?.toISOString() ?? null,
      undoneAt: row.undoneAt?.toISOString() ?? null,
      undoUntil: undoable ? new Date(row.finishedAt!.getTime() + IMPORT_UNDO_DAYS * DAY_MS).toISOString() : null,
    };
  }

  async function definitions(workspaceId: string): Promise<CustomFieldDefinition[]> {
    return db
      .select({ key: customFields.key, label: customFields.label, type: customFields.type, required: customFields.required, options: customFields.options, deletedAt: customFields.deletedAt })
      .from(customFields)
      .where(and(eq(customFields.workspaceId, workspaceId), eq(customFields.entity, 'lead')));
  }

  async function activeMembers(workspaceId: string) {
    return db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.status, 'active')));
  }

  async function openStages(workspaceId: string, tx: DbOrTx = db) {
    return tx
      .select({ id: pipelineStages.id, name: pipelineStages.name, pipelineId: pipelineStages.pipelineId, kind: pipelineStages.kind })
      .from(pipelineStages)
      .innerJoin(pipelines, eq(pipelines.id, pipelineStages.pipelineId))
      .where(and(eq(pipelineStages.workspaceId, workspaceId), isNull(pipelineStages.archivedAt), isNull(pipelines.archivedAt)))
      .orderBy(asc(pipelines.position), asc(pipelineStages.position));
  }

  async function workspaceOf(workspaceId: string) {
    const [ws] = await db.select({ defaultCountry: workspaces.defaultCountry, timeZone: workspaces.timeZone }).from(workspaces).where(eq(workspaces.id, workspaceId));
    return ws!;
  }

  async function mapContext(row: ImportRecord, settings: ImportSettings): Promise<MapContext> {
    const ws = await workspaceOf(row.workspaceId);
    const members = await activeMembers(row.workspaceId);
    const stages = await openStages(row.workspaceId);
    const stageMap = new Map<string, string>();
    for (const s of stages) if (!stageMap.has(foldSearchText(s.name))) stageMap.set(foldSearchText(s.name), s.id);
    return {
      settings,
      columnIndex: new Map(row.headers.map((h, i) => [h, i])),
      definitions: await definitions(row.workspaceId),
      defaultCountry: settings.defaultCountry ?? ws.defaultCountry,
      timeZone: ws.timeZone,
      members: {
        byEmail: new Map(members.map((m) => [m.email.toLowerCase(), m.id])),
        byName: new Map(members.map((m) => [foldSearchText(m.name), m.id])),
        ids: new Set(members.map((m) => m.id)),
      },
      stages: stageMap,
    };
  }

  /**
   * ANALYZE the tables an import grows once they have about doubled since their last statistics (changed rows ≥
   * 50 + half the live rows). An import writes thousands of leads a second while the maintenance job (ADR 016)
   * looks once a minute, and statistics taken when a workspace was (nearly) empty make the planner take 20,000 leads
   * for a handful: a sequential scan per row. Between doublings the planner scales the row count by the table's
   * size itself; analysing at every 10 % (autovacuum's rule) cost 0.6 s per batch of 2,000 (ADR 020). One read of
   * the counters when nothing is due. Returns whether it analysed anything.
   */
  async function freshStatistics(tables: string[], sample: 'small' | 'full'): Promise<boolean> {
    const stats = rowsOf<{ relname: string; n_live_tup: string | number; n_mod_since_analyze: string | number }>(
      await db.execute(sql`SELECT relname, n_live_tup, n_mod_since_analyze FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname = ANY(${sql.param(tables)}::text[])`),
    );
    let analysed = false;
    for (const t of stats) {
      if (Number(t.n_mod_since_analyze) >= 50 + 0.5 * Number(t.n_live_tup)) {
        await analyze(t.relname, sample);
        analysed = true;
      }
    }
    return analysed;
  }

  /**
   * ANALYZE a table, from the usual sample or a small one (statistics target 10: 3,000 rows instead of 30,000).
   * What an import's statements need from statistics is the table's size and rough spreads; the full sample of
   * `leads` (20 indexes, arrays, JSON) took 1.1–1.3 s at 100,000 leads, the small one 0.13 s, and `import_rows`
   * 0.47 s against 0.04 s. A run takes full statistics of `leads` again once it is over, for everyone else's
   * queries (ADR 023).
   */
  async function analyze(table: string, sample: 'small' | 'full'): Promise<void> {
    const statement = sql.raw(`ANALYZE "${table.replace(/"/g, '""')}"`);
    if (sample === 'full') {
      await db.execute(statement);
      return;
    }
    await db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL default_statistics_target = 10`);
      await tx.execute(statement);
    });
  }

  /**
   * Moves the pending entries of the GIN index the import looks leads up by (emails or phones) into the index
   * proper. New leads wait in the index's pending list (`fastupdate`), which every lookup reads from start to end:
   * after 20,000 imported leads one lookup took 2.7 ms instead of 0.02 ms, and the dry run's check of 20,000 rows
   * against existing leads half a minute (ADR 020). The cost is the index work the inserts put off anyway.
   */
  async function cleanMatchIndex(matchOn: ImportSettings['matchOn'], distribution = false) {
    // Distribution looks every new lead's phones and emails up (the returning person's owner): both indexes then.
    const indexes = [
      ...(distribution || matchOn === 'email' ? ['leads_emails_idx'] : []),
      ...(distribution || matchOn === 'phone' ? ['leads_phone_e164_idx'] : []),
    ];
    for (const index of indexes) {
      try {
        await db.execute(sql`SELECT gin_clean_pending_list(i) FROM (SELECT to_regclass(${index}) AS i) x WHERE i IS NOT NULL`);
      } catch {
        // Only the index's owner may clean it (a database role that did not run the migrations): the import goes
        // on, with slower lookups until the maintenance job's VACUUM flushes the list.
      }
    }
  }

  async function publishProgress(row: ImportRecord) {
    await deps.events.publish({
      workspaceId: row.workspaceId,
      type: 'import.progress',
      data: { importId: row.id, status: row.status, rowsDone: row.rowsDone, created: row.created, updated: row.updated },
      audience: { ...(row.createdBy ? { userIds: [row.createdBy] } : {}), permission: 'leads.import' },
    });
  }

  async function columnsOf(row: ImportRecord): Promise<ImportColumn[]> {
    const sample = await db
      .select({ cells: importRows.cells })
      .from(importRows)
      .where(eq(importRows.importId, row.id))
      .orderBy(asc(importRows.rowNo))
      .limit(20);
    const samples = row.headers.map((_, i) => sample.map((r) => r.cells[i] ?? '').filter((v) => v.trim() !== ''));
    const defs = (await definitions(row.workspaceId)).filter((d) => !d.deletedAt);
    const suggestions = suggestMapping(row.headers, samples, defs);
    return row.headers.map((header, index) => ({
      index,
      header,
      samples: samples[index]!.slice(0, 5).map((s) => (s.length > 100 ? `${s.slice(0, 100)}…` : s)),
      suggested: suggestions[index]!.target,
      reason: suggestions[index]!.reason,
    }));
  }

  async function checkSettings(row: ImportRecord, settings: ImportSettings): Promise<void> {
    settings.columns.forEach((c, i) => {
      if (!row.headers.includes(c.column)) throw invalid(`settings.columns.${i}.column`, `The file has no column "${c.column}"`);
    });
    const defs = await definitions(row.workspaceId);
    settings.columns.forEach((c, i) => {
      if (c.target?.startsWith('custom.') && !defs.some((d) => d.key === c.target!.slice(7) && !d.deletedAt)) {
        throw invalid(`settings.columns.${i}.target`, `No custom field "${c.target.slice(7)}"`);
      }
    });
    if (settings.matchOn?.startsWith('custom.') && !defs.some((d) => d.key === settings.matchOn!.slice(7) && !d.deletedAt)) {
      throw invalid('settings.matchOn', 'No such custom field');
    }
    if (settings.matchOn && !settings.columns.some((c) => c.target === settings.matchOn)) {
      throw invalid('settings.matchOn', 'Map a column to the field the rows are matched on');
    }
    const members = await activeMembers(row.workspaceId);
    if (settings.assignment.kind === 'user' && !members.some((m) => m.id === (settings.assignment as { userId: string }).userId)) {
      throw invalid('settings.assignment.userId', 'No such member in this workspace');
    }
    if (settings.defaults.stageId && !(await openStages(row.workspaceId)).some((s) => s.id === settings.defaults.stageId)) {
      throw invalid('settings.defaults.stageId', 'No open stage with this id in this workspace');
    }
  }

  /** Validation of every row, in batches; resumable (pending rows only) and safe to run twice at once. */
  async function validateRows(id: string): Promise<void> {
    const [row] = await db.select().from(imports).where(eq(imports.id, id));
    if (!row || row.status !== 'validating') return;
    const settings = row.settings as unknown as ImportSettings;
    const ctx = await mapContext(row, settings);
    // On PostgreSQL two loops take turns: while one batch is mapped in JavaScript, the other's rows are read or
    // written by the database, so the server and the database work at the same time instead of waiting for each
    // other (dry run of 100,000 rows: 9.8 → 8.0 s, bench/README.md "Import", ADR 023). PGlite runs one transaction
    // at a time.
    await Promise.all(Array.from({ length: deps.database.kind === 'postgres' ? VALIDATE_WORKERS : 1 }, () => validateSome(id, settings, ctx)));
    await finishValidation(id, row, settings);
  }

  /**
   * Validates pending rows in batches until none is left. Keyset on the row number: each batch starts after the
   * last one this loop took, so the scan never goes over rows already validated; rows another loop or worker holds
   * are skipped (SKIP LOCKED), so loops never validate a row twice.
   */
  async function validateSome(id: string, settings: ImportSettings, ctx: MapContext): Promise<void> {
    const missing = missingStatus(settings);
    let lastRow = 0;
    for (;;) {
      const done = await db.transaction(async (tx) => {
        const batch = await tx
          .select({ rowNo: importRows.rowNo, cells: importRows.cells, parseError: importRows.parseError })
          .from(importRows)
          .where(and(eq(importRows.importId, id), gt(importRows.rowNo, lastRow), eq(importRows.status, 'pending')))
          .orderBy(asc(importRows.rowNo))
          .limit(VALIDATE_BATCH)
          .for('update', { skipLocked: true });
        if (!batch.length) return true;
        lastRow = batch[batch.length - 1]!.rowNo;
        const results: { rowNo: number; status: string; errors: unknown; matchKey: string | null; values: LeadValues | null }[] = [];
        for (const r of batch) {
          if (r.parseError) {
            results.push({ rowNo: r.rowNo, status: 'error', errors: [{ column: r.parseError.column, value: null, reason: r.parseError.reason }], matchKey: null, values: null });
            continue;
          }
          const { values, errors } = await mapRow(r.cells, ctx);
          const matchKey = matchKeyOf(values, settings.matchOn);
          if (!errors.length && settings.mode === 'update' && !matchKey) {
            errors.push({ column: null, value: null, reason: `The row has no ${settings.matchOn} to find the lead by` });
          }
          results.push(errors.length ? { rowNo: r.rowNo, status: 'error', errors, matchKey: null, values: null } : { rowNo: r.rowNo, status: missing, errors: null, matchKey, values });
        }
        await tx.execute(sql`
          UPDATE import_rows r SET status = v.status, errors = v.errors, match_key = v.match_key, "values" = v.vals
          FROM jsonb_to_recordset(${JSON.stringify(results.map((x) => ({ row_no: x.rowNo, status: x.status, errors: x.errors, match_key: x.matchKey, vals: x.values })))}::jsonb)
            AS v(row_no int, status text, errors jsonb, match_key text, vals jsonb)
          WHERE r.import_id = ${id} AND r.row_no = v.row_no`);
        return false;
      });
      if (done) break;
    }
  }

  /** After every row is mapped: duplicates inside the file, rows matching existing leads, the summary. */
  async function finishValidation(id: string, row: ImportRecord, settings: ImportSettings): Promise<void> {
    // Fresh statistics first (ANALYZE samples a bounded number of rows, whatever the table's size): the statements
    // below join all of this import's rows, and with statistics taken before the upload (the maintenance job runs
    // once a minute) the planner took the rows for a handful and chose a nested loop over two sequential scans —
    // 8 minutes for 20,000 rows instead of a second (ADR 020).
    await analyze('import_rows', 'small');
    await freshStatistics(['leads'], 'full');
    await cleanMatchIndex(settings.matchOn);
    await db.transaction(async (tx) => {
      const [locked] = await tx.select().from(imports).where(eq(imports.id, id)).for('update');
      if (!locked || locked.status !== 'validating') return;
      // Valid rows were saved with the status of a row no lead matches (create, or not found in update mode);
      // only the rows that turn out otherwise are written again here, not every row of the file. (Rows an earlier
      // version saved as 'valid' before an upgrade interrupted their dry run get that status first.)
      const missing = missingStatus(settings);
      await tx.execute(sql`UPDATE import_rows SET status = ${missing} WHERE import_id = ${id} AND status = 'valid'`);
      // A key seen earlier in the file: the first row wins, later ones are duplicates.
      await tx.execute(sql`
        UPDATE import_rows r SET status = 'duplicate'
        FROM (SELECT row_no, row_number() OVER (PARTITION BY match_key ORDER BY row_no) AS n
              FROM import_rows WHERE import_id = ${id} AND status = ${missing} AND match_key IS NOT NULL) d
        WHERE r.import_id = ${id} AND r.row_no = d.row_no AND d.n > 1`);
      const ws = row.workspaceId;
      const found = settings.mode === 'create' ? 'existing' : 'update';
      // Rows whose key a live lead has: one hash join of the workspace's keys with the file's (a probe of the
      // leads' index per row took minutes at a million rows).
      const keys = existingLeadKeys(settings.matchOn, ws);
      if (keys) {
        await tx.execute(sql`
          UPDATE import_rows r SET status = ${found}
          FROM (SELECT DISTINCT k.key FROM (${keys}) AS k(key) WHERE k.key IS NOT NULL) e
          WHERE r.import_id = ${id} AND r.status = ${missing} AND r.match_key = e.key`);
      }
      const counts = await tx
        .select({ status: importRows.status, n: sql<number>`count(*)::int` })
        .from(importRows)
        .where(eq(importRows.importId, id))
        .groupBy(importRows.status);
      const by = new Map(counts.map((c) => [c.status, Number(c.n)]));
      const summary: Summary = {
        total: row.rowCount,
        create: by.get('create') ?? 0,
        update: by.get('update') ?? 0,
        duplicateInFile: by.get('duplicate') ?? 0,
        existing: by.get('existing') ?? 0,
        notFound: by.get('not_found') ?? 0,
        errors: by.get('error') ?? 0,
      };
      await tx.update(imports).set({ status: 'validated', summary }).where(eq(imports.id, id));
    });
    const [after] = await db.select().from(imports).where(eq(imports.id, id));
    if (after) await publishProgress(after);
  }

  /** The status of a valid row no live lead and no earlier row of the file matches. */
  function missingStatus(settings: ImportSettings): 'create' | 'not_found' {
    return settings.mode === 'update' ? 'not_found' : 'create';
  }

  /** Every key the workspace's live leads have for the field the import matches on (a one-column SELECT). */
  function existingLeadKeys(matchOn: ImportSettings['matchOn'], workspaceId: string) {
    const base = sql`l.workspace_id = ${workspaceId} AND l.deleted_at IS NULL`;
    if (matchOn === 'email') return sql`SELECT unnest(l.emails) FROM leads l WHERE ${base}`;
    if (matchOn === 'phone') return sql`SELECT unnest(l.phone_e164) FROM leads l WHERE ${base}`;
    if (matchOn === 'externalId') return sql`SELECT l.external_id FROM leads l WHERE ${base}`;
    if (matchOn) return sql`SELECT l.custom ->> ${matchOn.slice(7)} FROM leads l WHERE ${base}`;
    return null;
  }

  type ExistingLead = typeof leads.$inferSelect;

  async function findExisting(tx: Tx, workspaceId: string, matchOn: ImportSettings['matchOn'], keys: string[]): Promise<Map<string, ExistingLead>> {
    const out = new Map<string, ExistingLead>();
    if (!matchOn || !keys.length) return out;
    const base = and(eq(leads.workspaceId, workspaceId), isNull(leads.deletedAt));
    let where;
    if (matchOn === 'email' || matchOn === 'phone') {
      // One index lookup per key (the GIN index of the array), then the leads by id: `emails && <2,000 keys>` was
      // planned as a sequential scan comparing every lead's array with every key (ADR 020).
      const column = sql.raw(matchOn === 'email' ? 'emails' : 'phone_e164');
      const ids = rowsOf<{ id: string }>(
        await tx.execute(sql`
          SELECT DISTINCT m.id FROM unnest(${sql.param(keys)}::text[]) AS k(key)
          CROSS JOIN LATERAL (SELECT l.id FROM leads l WHERE l.workspace_id = ${workspaceId} AND l.deleted_at IS NULL AND l.${column} @> ARRAY[k.key]) m`),
      ).map((r) => r.id);
      if (!ids.length) return out;
      where = inArray(leads.id, ids);
    } else if (matchOn === 'externalId') where = inArray(leads.externalId, keys);
    else where = sql`${leads.custom} ->> ${matchOn.slice(7)} = ANY(${sql.param(keys)}::text[])`;
    const rows = await tx.select().from(leads).where(and(base, where)).orderBy(asc(leads.createdAt)).for('update');
    const wanted = new Set(keys);
    for (const l of rows) {
      const ks =
        matchOn === 'email' ? l.emails : matchOn === 'phone' ? l.phoneE164 : matchOn === 'externalId' ? [l.externalId ?? ''] : [String((l.custom as Record<string, unknown>)[matchOn.slice(7)] ?? '')];
      for (const k of ks) if (wanted.has(k) && !out.has(k)) out.set(k, l);
    }
    return out;
  }

  function updateFor(lead: ExistingLead, v: LeadValues, stageKind: Map<string, { pipelineId: string; kind: string }>, ownerFromColumn: boolean, at: Date) {
    const set: Partial<Record<Restorable, unknown>> = {};
    for (const f of ['firstName', 'lastName', 'company', 'source', 'sourceDetail', 'campaign', 'city', 'state', 'country', 'zip', 'language', 'score', 'externalId'] as const) {
      if (v[f] !== undefined && v[f] !== lead[f]) set[f] = v[f];
    }
    if (v.phones?.length) {
      const have = new Set(lead.phones.map((p) => p.e164 ?? p.raw));
      const added = v.phones.filter((p) => !have.has(p.e164 ?? p.raw));
      if (added.length) {
        const phones = [...lead.phones, ...added];
        set.phones = phones;
        set.phoneE164 = [...new Set(phones.flatMap((p) => (p.e164 ? [p.e164] : [])))];
        set.phoneSearch = phoneSearchDigits(phones);
      }
    }
    if (v.emails?.length) {
      const emails = [...new Set([...lead.emails, ...v.emails])];
      if (emails.length !== lead.emails.length) {
        set.emails = emails;
        set.emailSearch = emails.join(' ');
      }
    }
    if (v.tags?.length) {
      const tags = [...new Set([...lead.tags, ...v.tags])];
      if (tags.length !== lead.tags.length) set.tags = tags;
    }
    if (v.custom) {
      const custom = { ...(lead.custom as Record<string, unknown>), ...v.custom };
      if (JSON.stringify(custom) !== JSON.stringify(lead.custom)) set.custom = custom;
    }
    if (v.nextFollowUpAt && lead.nextFollowUpAt?.toISOString() !== v.nextFollowUpAt) set.nextFollowUpAt = new Date(v.nextFollowUpAt);
    if (ownerFromColumn && v.ownerId && v.ownerId !== lead.ownerId) set.ownerId = v.ownerId;
    if (v.stageId && v.stageId !== lead.stageId) {
      const s = stageKind.get(v.stageId)!;
      set.stageId = v.stageId;
      set.pipelineId = s.pipelineId;
      const clientSince = s.kind === 'won' ? (lead.clientSince ?? at) : null;
      if ((clientSince?.getTime() ?? null) !== (lead.clientSince?.getTime() ?? null)) set.clientSince = clientSince;
    }
    if ((set.country !== undefined || set.state !== undefined) && !lead.timeZone) {
      const tz = timeZoneFromLocation((set.country as string | undefined) ?? lead.country, (set.state as string | undefined) ?? lead.state);
      if (tz) set.timeZone = tz;
    }
    const before: Record<string, unknown> = {};
    for (const k of Object.keys(set) as Restorable[]) {
      const old = lead[k];
      before[k] = old instanceof Date ? old.toISOString() : old;
    }
    return { set, before };
  }

  /**
   * Board positions of a batch of new leads, as the placement trigger (`leads_place_in_column`) would give them one
   * by one — each new card on top of its column, the batch's last row topmost — from one lookup of each column's
   * top card (index leads_ws_stage_pos_idx) instead of one per row, which with statistics older than the import's
   * own rows became a scan of the workspace per row (ADR 020).
   */
  async function placeOnTop(tx: Tx, workspaceId: string, rows: Record<string, unknown>[], floor?: Map<string, number>): Promise<Map<string, number>> {
    const stageIds = [...new Set(rows.flatMap((r) => (r.stage_id ? [r.stage_id as string] : [])))];
    // `floor`: the tops the batch before (still uncommitted, so unseen here) leaves; its cards stay below.
    const top = new Map<string, number>(floor);
    if (stageIds.length) {
      const found = rowsOf<{ stage_id: string; top: number | null }>(
        await tx.execute(sql`
          SELECT s.id AS stage_id, (SELECT min(l.stage_position) FROM leads l WHERE l.workspace_id = ${workspaceId} AND l.stage_id = s.id AND l.deleted_at IS NULL) AS top
          FROM unnest(${sql.param(stageIds)}::uuid[]) AS s(id)`),
      );
      for (const f of found) top.set(f.stage_id, Math.min(Number(f.top ?? 0), top.get(f.stage_id) ?? Infinity));
    }
    for (const r of rows) {
      if (!r.stage_id) {
        r.stage_position = 0;
        continue;
      }
      const next = Math.max((top.get(r.stage_id as string) ?? 0) - 1024, -2_000_000_000);
      top.set(r.stage_id as string, next);
      r.stage_position = next;
    }
    return top;
  }

  type RunRow = { rowNo: number; status: string; matchKey: string | null; values: LeadValues };
  type Stages = Awaited<ReturnType<typeof openStages>>;

  /**
   * What a batch of the run needs that does not depend on the leads it will find: its rows (the next `batchSize`
   * rows to create or update after row `after`), the open stages, and the new lead, timeline entry and undo record
   * of every row the dry run found no lead for — as objects and as JSON, built once. The rows do not change after
   * the dry run, so the next batch is prepared while the database writes the current one (ADR 024); the batch's
   * transaction then finds the leads its rows match and turns the (rare) create rows that now match one — a lead
   * an earlier batch or someone else created since the dry run — into updates.
   */
  type PreparedBatch = {
    after: number;
    at: Date;
    rows: RunRow[];
    stages: Stages;
    creates: Map<number, NewLead>;
  };
  type NewLead = { lead: Record<string, unknown>; json: string; act: string; change: string };

  async function prepareBatch(exec: DbOrTx, imp: ImportRecord, after: number, batchSize: number): Promise<PreparedBatch> {
    const settings = imp.settings as unknown as ImportSettings;
    const at = deps.now();
    const rows = (await exec
      .select({ rowNo: importRows.rowNo, status: importRows.status, matchKey: importRows.matchKey, values: importRows.values })
      .from(importRows)
      .where(and(eq(importRows.importId, imp.id), gt(importRows.rowNo, after), inArray(importRows.status, ['create', 'update'])))
      .orderBy(asc(importRows.rowNo))
      .limit(batchSize)) as RunRow[];
    const stages = await openStages(imp.workspaceId, exec);
    const creates = new Map<number, NewLead>();
    if (settings.mode !== 'update') {
      const stageInfo = stageInfoOf(stages);
      for (const r of rows) if (r.status === 'create') creates.set(r.rowNo, newLead(imp, settings, r, stageInfo, at));
    }
    return { after, at, rows, stages, creates };
  }

  function stageInfoOf(stages: Stages) {
    return {
      byId: new Map(stages.map((s) => [s.id, { pipelineId: s.pipelineId, kind: s.kind }])),
      defaultStage: stages.find((s) => s.kind === 'open')?.id ?? null,
    };
  }

  /** A new lead of the run (board position left for the batch's transaction), its timeline entry and undo record. */
  function newLead(imp: ImportRecord, settings: ImportSettings, r: RunRow, stageInfo: ReturnType<typeof stageInfoOf>, at: Date): NewLead {
    const v = r.values;
    const id = orderedUuid();
    const stageId = v.stageId ?? settings.defaults.stageId ?? stageInfo.defaultStage;
    const stage = stageId ? stageInfo.byId.get(stageId) : undefined;
    const phones = v.phones ?? [];
    const emails = v.emails ?? [];
    const country = v.country ?? null;
    const fixedOwner = settings.assignment.kind === 'user' ? settings.assignment.userId : null;
    const lead: Record<string, unknown> = {
      id,
      workspace_id: imp.workspaceId,
      first_name: v.firstName ?? null,
      last_name: v.lastName ?? null,
      company: v.company ?? null,
      phones,
      phone_e164: [...new Set(phones.flatMap((p) => (p.e164 ? [p.e164] : [])))],
      phone_search: phoneSearchDigits(phones),
      emails,
      email_search: emails.join(' '),
      source: v.source ?? settings.defaults.source ?? null,
      source_detail: v.sourceDetail ?? null,
      campaign: v.campaign ?? null,
      city: v.city ?? null,
      state: v.state ?? null,
      country,
      zip: v.zip ?? null,
      language: v.language ?? null,
      time_zone: timeZoneFromLocation(country, v.state ?? null),
      tags: [...new Set([...(v.tags ?? []), ...(settings.defaults.tags ?? [])])],
      owner_id: settings.assignment.kind === 'column' ? (v.ownerId ?? null) : fixedOwner,
      stage_id: stage ? stageId : null,
      pipeline_id: stage?.pipelineId ?? null,
      client_since: stage?.kind === 'won' ? at : null,
      score: v.score ?? null,
      next_follow_up_at: v.nextFollowUpAt ?? null,
      custom: v.custom ?? {},
      origin: 'import',
      external_id: v.externalId ?? null,
      created_by: imp.createdBy,
      created_at: at,
      updated_at: at,
      last_activity_at: at,
    };
    return {
      lead,
      json: toJson(lead),
      act: toJson({ workspace_id: imp.workspaceId, lead_id: id, type: 'imported', actor_id: imp.createdBy, data: { importId: imp.id, fileName: imp.fileName, row: r.rowNo, action: 'created' }, created_at: at }),
      change: toJson({ import_id: imp.id, lead_id: id, kind: 'created', before: null, row_no: r.rowNo }),
    };
  }

  /**
   * A batch of the run in flight, as the next batch sees it (pipelined run, ADR 024): the rows it covers, every
   * value of the matched field and every external id its rows carry (a later row holding one of them may need a
   * lead this batch creates or changes, so that batch waits), the board tops it leaves, and its outcome.
   */
  type InFlight = {
    n: number;
    lastRow: number;
    fieldValues: Set<string>;
    externalIds: Set<string>;
    tops: Promise<Map<string, number> | null>;
    done: Promise<BatchOutcome>;
  };
  type BatchOutcome = { state: 'more' | 'finished' | 'cancelled' | 'aborted'; row?: ImportRecord; distributed: Distributed[] };
  type Link = {
    /** This batch's number in the run: the key of the advisory lock it holds while it writes. */
    n: number;
    /** The batch before, still writing, and whether it committed with the run going on (false: this one gives up). */
    prev: { batch: InFlight; committed: Promise<boolean> } | null;
    /** This batch holds its locks (or is over): what the next one needs to know about it. */
    onLocked: (info: Omit<InFlight, 'n' | 'done'>) => void;
  };

  /**
   * The owners distribution gave a batch's new leads to hear about them as capture's do (`lead.assigned`, one
   * notification per lead) when they got a few; an owner who got more than ten hears once, with the count
   * (`leads.bulk_assigned`, "<importer> gave you N leads") — nobody wants two thousand toasts from one import.
   */
  async function announceAssignments(row: ImportRecord, distributed: Distributed[]): Promise<void> {
    const byOwner = new Map<string, Distributed[]>();
    for (const d of distributed) {
      if (!d.owner) continue;
      const list = byOwner.get(d.owner.id);
      if (list) list.push(d);
      else byOwner.set(d.owner.id, [d]);
    }
    const each = [...byOwner.values()].filter((list) => list.length <= ANNOUNCE_EACH_ASSIGNMENT_UP_TO).flat();
    if (each.length) await publishAssignments(deps, row.workspaceId, each);
    const many = [...byOwner.entries()].filter(([, list]) => list.length > ANNOUNCE_EACH_ASSIGNMENT_UP_TO);
    if (many.length && row.createdBy) {
      const at = deps.now().toISOString();
      await deps.events
        .publishMany(
          many.map(([ownerId, list]) => ({
            workspaceId: row.workspaceId,
            type: 'leads.bulk_assigned',
            data: { ownerId, byUserId: row.createdBy!, count: list.length, at, key: `import:${row.id}:${row.checkpoint}` },
            audience: { userIds: [ownerId], permission: 'leads.view_all' as const },
          })),
        )
        .catch(() => undefined);
    }
  }

  /** A pipelined batch that must not commit (the one before it did not, or the run stopped): rolled back, retried. */
  class BatchAborted extends Error {}

  /**
   * PostgreSQL rolled this transaction back to break a deadlock, or one of its lock waits outlasted the pipelined
   * batches' `lock_timeout`: nothing of it was written, it can run again.
   */
  function mayRetry(err: unknown): boolean {
    for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
      const code = (e as { code?: unknown }).code;
      if (code === '40P01' || code === '55P03') return true;
    }
    return false;
  }

  /** The advisory lock a pipelined batch holds while it writes (released when its transaction ends). */
  const batchLock = (id: string, n: number) => sql`SELECT pg_advisory_xact_lock(hashtext(${`import-run:${id}`}), ${n})`;

  function fieldValuesOf(values: LeadValues, matchOn: ImportSettings['matchOn']): string[] {
    if (matchOn === 'email') return values.emails ?? [];
    if (matchOn === 'phone') return (values.phones ?? []).flatMap((p) => (p.e164 ? [p.e164] : []));
    const key = matchKeyOf(values, matchOn);
    return key === null ? [] : [key];
  }

  /**
   * One batch of the run in one transaction: the leads it creates or updates, their timeline entries, the
   * before-images for undo and the checkpoint all commit together, so a crash or a cancel never leaves part of a
   * batch, and the next run starts right after the last committed one. `prepared` is used when it starts where
   * this batch starts; `onRows` hears the batch's last row as soon as it is known.
   *
   * With a `link` (pipelined run on PostgreSQL, new leads inserted without an owner), a batch starts while the one before
   * is still writing: without the import's row lock, after that batch's rows. It writes its new leads at the same
   * time as the batch before, but changes existing leads and commits only once that one has committed, and only if
   * the checkpoint is where that batch left it — so batches still commit in file order, one after the other.
   * Rows that may need a lead the batch before creates or changes (a shared e-mail, phone or external id) wait for
   * its commit before they look leads up. The batch before never waits for this one: its leads were locked before
   * this one looked any up, new leads without an owner touch no shared counter, and this one's changes of existing
   * leads (and its distribution step, behind the workspace's distribution lock) wait. A batch that must not commit
   * rolls back (`aborted`) and the run goes on from the checkpoint.
   */
  async function runBatch(id: string, batchSize: number, failHere: boolean, prepared: PreparedBatch | null, onRows: (imp: ImportRecord, lastRow: number) => void, link: Link | null = null): Promise<BatchOutcome> {
    let distributed: Distributed[] = [];
    const prev = link?.prev ?? null;
    let announced = false;
    const announce = (info: Omit<InFlight, 'n' | 'done'>) => {
      if (announced || !link) return;
      announced = true;
      link.onLocked(info);
    };
    let tops!: (t: Map<string, number> | null) => void;
    const topsLeft = new Promise<Map<string, number> | null>((resolve) => (tops = resolve));
    // The batch before ended without rows to write (end of the file, or it gave up): nothing to start after it.
    if (prev && prev.batch.lastRow < 0) {
      announce({ lastRow: -1, fieldValues: new Set(), externalIds: new Set(), tops: Promise.resolve(null) });
      return { state: 'aborted', distributed: [] };
    }
    let waited = false;
    try {
      const result = await db.transaction(async (tx) => {
        // Waiting for the batch before happens in the database first (its advisory lock), where PostgreSQL sees it
        // and breaks a deadlock through some other transaction, then in JavaScript for its outcome.
        const mustCommit = async () => {
          if (!prev) return;
          if (!waited) {
            await tx.execute(batchLock(id, prev.batch.n));
            waited = true;
          }
          if (!(await prev.committed)) throw new BatchAborted();
        };
        if (link) {
          await tx.execute(batchLock(id, link.n));
          // A wait that no deadlock check can see (in JavaScript, for the batch before, while that one waits in
          // the database on a third transaction that waits on this one) ends here instead of hanging: the batch
          // rolls back and the run goes on from the checkpoint.
          await tx.execute(sql`SET LOCAL lock_timeout = '60s'`);
        }
        let imp: ImportRecord | undefined;
        if (prev) {
          [imp] = await tx.select().from(imports).where(eq(imports.id, id));
          if (!imp || imp.status !== 'running' || imp.cancelRequested) throw new BatchAborted();
        } else {
          [imp] = await tx.select().from(imports).where(eq(imports.id, id)).for('no key update');
          if (!imp || imp.status !== 'running') return { state: 'finished' as const, row: imp };
          if (imp.cancelRequested) {
            const [row] = await tx.update(imports).set({ status: 'cancelled', finishedAt: deps.now() }).where(eq(imports.id, id)).returning();
            await writeAudit(tx, { workspaceId: imp.workspaceId, actorId: imp.createdBy, action: 'import.cancel', entityType: 'import', entityId: id, newValues: { created: imp.created, updated: imp.updated, rowsDone: imp.rowsDone } });
            return { state: 'cancelled' as const, row };
          }
        }
        const settings = imp.settings as unknown as ImportSettings;
        const after = prev ? prev.batch.lastRow : imp.checkpoint;
        const batch = prepared && prepared.after === after ? prepared : await prepareBatch(tx, imp, after, batchSize);
        const at = batch.at;
        if (!batch.rows.length) {
          // The end of the file: said by a batch that holds the import's row (the one before has committed).
          if (prev) throw new BatchAborted();
          const [row] = await tx.update(imports).set({ status: 'done', finishedAt: deps.now() }).where(eq(imports.id, id)).returning();
          await writeAudit(tx, { workspaceId: imp.workspaceId, actorId: imp.createdBy, action: 'import.run', entityType: 'import', entityId: id, newValues: { fileName: imp.fileName, created: imp.created, updated: imp.updated } });
          return { state: 'finished' as const, row };
        }
        const lastRow = batch.rows[batch.rows.length - 1]!.rowNo;
        onRows(imp, lastRow);

        const keys = [...new Set(batch.rows.flatMap((r) => (r.matchKey ? [r.matchKey] : [])))];
        const externalIds = batch.rows.flatMap((r) => (r.values.externalId ? [r.values.externalId] : []));
        if (prev && (keys.some((k) => prev.batch.fieldValues.has(k)) || externalIds.some((e) => prev.batch.externalIds.has(e)))) await mustCommit();
        const stageInfo = stageInfoOf(batch.stages);
        const existing = settings.mode === 'create' ? new Map<string, ExistingLead>() : await findExisting(tx, imp.workspaceId, settings.matchOn, keys);
        if (link) {
          announce({
            lastRow,
            fieldValues: new Set(batch.rows.flatMap((r) => fieldValuesOf(r.values, settings.matchOn))),
            // Also the external ids of the leads it matched: an update may change one, which a later row may carry.
            externalIds: new Set([...externalIds, ...[...existing.values()].flatMap((l) => (l.externalId ? [l.externalId] : []))]),
            tops: topsLeft,
          });
        }
        // External ids are unique per origin: a row whose id an earlier import already used is not created twice.
        const takenExternal = new Set(
          externalIds.length
            ? (
                await tx
                  .select({ e: leads.externalId })
                  .from(leads)
                  .where(and(eq(leads.workspaceId, imp.workspaceId), eq(leads.origin, 'import'), inArray(leads.externalId, externalIds)))
              ).map((r) => r.e)
            : [],
        );

        const inserts: NewLead[] = [];
        const updates: { id: string; set: Record<string, unknown> }[] = [];
        const changes: string[] = [];
        const acts: string[] = [];
        const touched = new Set<string>();
        let created = 0;
        let updated = 0;
        for (const r of batch.rows) {
          const v = r.values;
          const match = r.matchKey ? existing.get(r.matchKey) : undefined;
          if (match && !touched.has(match.id)) {
            const { set, before } = updateFor(match, v, stageInfo.byId, settings.assignment.kind === 'column', at);
            touched.add(match.id);
            if (!Object.keys(set).length) continue;
            updates.push({ id: match.id, set });
            changes.push(toJson({ import_id: id, lead_id: match.id, kind: 'updated', before, row_no: r.rowNo }));
            acts.push(toJson({ workspace_id: imp.workspaceId, lead_id: match.id, type: 'imported', actor_id: imp.createdBy, data: { importId: id, fileName: imp.fileName, row: r.rowNo, action: 'updated', fields: Object.keys(set) }, created_at: at }));
            updated++;
            continue;
          }
          if (match || settings.mode === 'update') continue;
          if (v.externalId && takenExternal.has(v.externalId)) continue;
          if (v.externalId) takenExternal.add(v.externalId);
          // A row the dry run matched to a lead that has gone since (moved to the trash) is created instead.
          const lead = batch.creates.get(r.rowNo) ?? newLead(imp, settings, r, stageInfo, at);
          inserts.push(lead);
          changes.push(lead.change);
          acts.push(lead.act);
          created++;
        }
        // One statement each for the batch's new leads, updated leads, timeline entries and undo records.
        const floor = prev ? await prev.batch.tops : null;
        if (prev && !floor) throw new BatchAborted();
        const placed = await placeOnTop(
          tx,
          imp.workspaceId,
          inserts.map((l) => l.lead),
          floor ?? undefined,
        );
        // An update that moves a lead to another stage puts it on top of that column (placement trigger): the next
        // batch then waits for the update before it places its own cards.
        const moved = [...new Set(updates.flatMap((u) => (u.set.stageId ? [u.set.stageId as string] : [])))];
        if (!moved.length) tops(placed);
        if (inserts.length) {
          await tx.execute(sql`SELECT set_config('leadflow.keep_stage_position', 'on', true)`);
          // The board position goes into each lead's JSON built beforehand, as its last key.
          const rows = inserts.map((l) => `${l.json.slice(0, -1)},"stage_position":${Number(l.lead.stage_position)}}`);
          await tx.execute(sql`INSERT INTO leads (${sql.raw([...LEAD_INSERT_COLUMNS.map(([c]) => c), 'stage_position'].join(', '))}) ${jsonRowsOf([...LEAD_INSERT_COLUMNS, ['stage_position', 'integer']], rows)}`);
          await tx.execute(sql`SELECT set_config('leadflow.keep_stage_position', 'off', true)`);
        }
        if (updates.length) {
          await mustCommit();
          await tx.execute(updateLeadsStatement(imp.workspaceId, updates, at, true));
        }
        if (moved.length) {
          const found = rowsOf<{ stage_id: string; top: number }>(
            await tx.execute(sql`
              SELECT stage_id, min(stage_position) AS top FROM leads
              WHERE workspace_id = ${imp.workspaceId} AND stage_id = ANY(${sql.param(moved)}::uuid[]) AND deleted_at IS NULL GROUP BY stage_id`),
          );
          for (const f of found) placed.set(f.stage_id, Math.min(Number(f.top), placed.get(f.stage_id) ?? Infinity));
          tops(placed);
        }
        if (acts.length) await tx.execute(sql`INSERT INTO activities (${sql.raw(ACTIVITY_COLUMNS.map(([c]) => c).join(', '))}) ${jsonRowsOf(ACTIVITY_COLUMNS, acts)}`);
        if (changes.length) {
          // A lead this import already created or updated in an earlier batch (a row matched it by another email or
          // phone): the first before-image wins for the fields it holds, so undo still restores the original values.
          await tx.execute(sql`
            INSERT INTO import_changes (${sql.raw(CHANGE_COLUMNS.map(([c]) => c).join(', '))}) ${jsonRowsOf(CHANGE_COLUMNS, changes)}
            ON CONFLICT (import_id, lead_id) DO UPDATE SET before = coalesce(excluded.before, '{}'::jsonb) || coalesce(import_changes.before, '{}'::jsonb)`);
        }
        if (settings.assignment.kind === 'distribution') {
          distributed = await distributeLeads(tx, { workspaceId: imp.workspaceId, leadIds: inserts.map((l) => l.lead.id as string), at });
        }
        if (failHere) throw new Error('Simulated failure inside a batch');
        await mustCommit();
        const [row] = await tx
          .update(imports)
          .set({
            checkpoint: lastRow,
            rowsDone: sql`${imports.rowsDone} + ${batch.rows.length}`,
            created: sql`${imports.created} + ${created}`,
            updated: sql`${imports.updated} + ${updated}`,
          })
          .where(prev ? and(eq(imports.id, id), eq(imports.checkpoint, after), eq(imports.status, 'running'), eq(imports.cancelRequested, false)) : eq(imports.id, id))
          .returning();
        if (!row) throw new BatchAborted();
        return { state: 'more' as const, row };
      });
      return { ...result, distributed };
    } catch (err) {
      // A batch of a pipelined run that had to give up, or that PostgreSQL rolled back to break a deadlock (with
      // another import, or another worker on this one) or after a lock wait too long: the run goes on from the
      // checkpoint.
      if (err instanceof BatchAborted || (link && mayRetry(err))) return { state: 'aborted', distributed: [] };
      throw err;
    } finally {
      tops(null);
      announce({ lastRow: -1, fieldValues: new Set(), externalIds: new Set(), tops: topsLeft });
    }
  }

  async function runImport(id: string, options: RunOptions = {}): Promise<void> {
    const batchSize = options.batchSize ?? RUN_BATCH;
    const [imp] = await db.select({ settings: imports.settings }).from(imports).where(eq(imports.id, id));
    const settings = imp?.settings as unknown as ImportSettings | null;
    const matchOn = settings?.matchOn ?? null;
    // On PostgreSQL the next batch is prepared on another connection while this one is written; PGlite runs one
    // statement at a time, so there each batch is prepared in its own transaction. Batches overlap (two in flight)
    // when new leads are inserted without an owner — unassigned, or given one afterwards by distribution, which
    // waits for the batch before on the workspace's distribution lock: an owner's open-lead counter, bumped by the
    // insert, would make two batches wait on each other.
    const ahead = deps.database.kind === 'postgres';
    const pipelined = ahead && (settings?.assignment.kind === 'none' || settings?.assignment.kind === 'distribution');
    let next: Promise<PreparedBatch | null> = Promise.resolve(null);
    let sampled = false;
    let prev: InFlight | null = null;
    const onRows = (locked: ImportRecord, lastRow: number) => {
      if (ahead) next = prepareBatch(db, locked, lastRow, batchSize).catch(() => null);
    };
    /** A batch's outcome, in file order: progress and events; whether the run goes on after it. */
    const settle = async (b: InFlight): Promise<'go' | 'stop' | 'again'> => {
      const { state, row, distributed } = await b.done;
      if (state === 'aborted') return 'again';
      if (row) {
        await publishProgress(row);
        if (distributed.length) await announceAssignments(row, distributed);
        if (state === 'more') await deps.events.publish({ workspaceId: row.workspaceId, type: 'leads.imported', data: { importId: id }, audience: { permission: 'leads.view_all' } });
      }
      return state === 'more' && options.haltAfterBatches !== b.n ? 'go' : 'stop';
    };
    const start = (n: number, prepared: PreparedBatch | null, before: InFlight | null): { batch: InFlight; locked: Promise<void> } => {
      let locked!: () => void;
      const lockedP = new Promise<void>((resolve) => (locked = resolve));
      const batch: InFlight = { n, lastRow: -1, fieldValues: new Set(), externalIds: new Set(), tops: Promise.resolve(null), done: Promise.resolve({ state: 'aborted', distributed: [] }) };
      const committed = before ? before.done.then((o) => o.state === 'more' && options.haltAfterBatches !== before.n, () => false) : null;
      const link: Link | null = pipelined
        ? {
            n,
            prev: before && committed ? { batch: before, committed } : null,
            onLocked: (info) => {
              Object.assign(batch, info);
              locked();
            },
          }
        : null;
      batch.done = runBatch(id, batchSize, options.failInBatch === n, prepared, onRows, link).finally(() => locked());
      // Its failure is handled where it is settled, in order; until then it must not count as unhandled.
      batch.done.catch(() => undefined);
      return { batch, locked: lockedP };
    };
    try {
      for (let n = 1; ; n++) {
        // Before each batch: statistics that know the leads the earlier batches added, and their index entries
        // where the batch's lookup finds them fast.
        if (await freshStatistics(['leads'], 'small')) sampled = true;
        await cleanMatchIndex(matchOn, settings?.assignment.kind === 'distribution');
        const prepared = await next;
        next = Promise.resolve(null);
        const current = start(n, prepared, prev);
        let step: 'go' | 'stop' | 'again' = 'go';
        if (prev) {
          try {
            step = await settle(prev);
          } catch (err) {
            await current.batch.done.catch(() => undefined);
            throw err;
          }
        }
        if (step === 'stop') {
          // The batch started after it gives up (it saw the run stop) and rolls back.
          await current.batch.done.catch(() => undefined);
          break;
        }
        if (step === 'again') {
          // The batch before rolled back, so this one did too: start again from the checkpoint.
          await current.batch.done.catch(() => undefined);
          prev = null;
          continue;
        }
        await current.locked;
        if (pipelined) {
          prev = current.batch;
          continue;
        }
        const after = await settle(current.batch);
        if (after === 'stop') break;
      }
    } finally {
      // Nothing of a batch still in flight (the run failed, was cancelled or halted) is left unsettled.
      if (prev) await prev.done.catch(() => undefined);
      await next;
    }
    // The import is over for its user (done, cancelled or halted); the small samples taken on the way are
    // replaced by full statistics, which the rest of the app plans its queries with.
    if (sampled) await analyze('leads', 'full');
  }

  /** Undo in batches, each in one transaction: created leads are deleted, updated ones get their before-image back. */
  async function undoImport(id: string): Promise<void> {
    for (;;) {
      const finished = await db.transaction(async (tx) => {
        const [imp] = await tx.select().from(imports).where(eq(imports.id, id)).for('update');
        if (!imp || imp.status !== 'undoing') return true;
        const batch = await tx.select().from(importChanges).where(eq(importChanges.importId, id)).orderBy(desc(importChanges.rowNo)).limit(UNDO_BATCH);
        const at = deps.now();
        if (!batch.length) {
          await tx.update(imports).set({ status: 'undone', undoneAt: at }).where(eq(imports.id, id));
          await writeAudit(tx, { workspaceId: imp.workspaceId, actorId: imp.createdBy, action: 'import.undo', entityType: 'import', entityId: id, oldValues: { created: imp.created, updated: imp.updated } });
          return true;
        }
        const createdIds = batch.filter((c) => c.kind === 'created').map((c) => c.leadId);
        if (createdIds.length) await tx.delete(leads).where(and(eq(leads.workspaceId, imp.workspaceId), inArray(leads.id, createdIds)));
        // The before-images back in one statement (dates are ISO text in them); only the columns an import writes
        // are restored, whatever a stored image holds. Leads deleted since then are left alone.
        const restores = batch
          .filter((x) => x.kind === 'updated')
          .map((c) => ({ id: c.leadId, set: Object.fromEntries(Object.entries(c.before ?? {}).filter(([k]) => (RESTORABLE_COLUMNS as string[]).includes(k))) }));
        const restored = restores.length ? new Set((rowsOf<{ id: string }>(await tx.execute(updateLeadsStatement(imp.workspaceId, restores, at, false)))).map((r) => r.id)) : new Set<string>();
        const acts = restores
          .filter((r) => restored.has(r.id))
          .map((r) => ({ workspace_id: imp.workspaceId, lead_id: r.id, type: 'import_undone', actor_id: imp.createdBy, data: { importId: id, fileName: imp.fileName, fields: Object.keys(r.set) }, created_at: at }));
        if (acts.length) await tx.execute(sql`INSERT INTO activities (${sql.raw(ACTIVITY_COLUMNS.map(([c]) => c).join(', '))}) ${jsonRows(ACTIVITY_COLUMNS, acts)}`);
        await tx.delete(importChanges).where(and(eq(importChanges.importId, id), inArray(importChanges.leadId, batch.map((c) => c.leadId))));
        return false;
      });
      if (finished) break;
    }
    const [row] = await db.select().from(imports).where(eq(imports.id, id));
    if (row) await publishProgress(row);
  }

  return {
    async upload(actor: Actor, file: { stream: Readable; fileName: string }, query: { sheet?: string | undefined; delimiter?: string | undefined }) {
      let spooled;
      try {
        spooled = await spoolUpload(file.stream, MAX_UPLOAD_BYTES);
      } catch (err) {
        if (err instanceof FileFormatError) throw invalid('file', err.message);
        throw err;
      }
      const importId = randomUUID();
      // One batch of rows is written while the next is read from the file: the database and the reader work at the
      // same time. The write's error is kept (not left unhandled) and thrown by the next flush.
      let writing: Promise<unknown> = Promise.resolve(null);
      try {
        const source = spooled.format === 'xlsx' ? await readXlsx(spooled, query.sheet) : await readCsv(spooled, query.delimiter);
        let headers: string[] | null = null;
        let rowCount = 0;
        let pending: Record<string, unknown>[] = [];
        /** The batch being written is done; its error, if any, is thrown here. */
        const written = async () => {
          const failed = await writing;
          if (failed) throw failed;
        };
        const flush = async () => {
          const rows = pending;
          pending = [];
          await written();
          if (!rows.length) return;
          writing = db.execute(sql`INSERT INTO import_rows (import_id, row_no, cells, parse_error) ${jsonRows(IMPORT_ROW_COLUMNS, rows)}`).then(
            () => null,
            (err: unknown) => err ?? new Error('Writing the rows failed'),
          );
        };
        await db.insert(imports).values({
          id: importId,
          workspaceId: actor.workspaceId,
          createdBy: actor.userId,
          fileName: file.fileName.slice(0, 255) || 'import',
          format: spooled.format,
          encoding: spooled.encoding,
          delimiter: source.delimiter,
          status: 'uploading',
          createdAt: deps.now(),
        });
        const rowError = (rec: CsvRecord, width: number) => {
          if (rec.tooLongColumn !== undefined) {
            return { column: headers?.[rec.tooLongColumn - 1] ?? `Column ${rec.tooLongColumn}`, reason: `A value longer than ${32_768} characters` };
          }
          const used = rec.cells.length - [...rec.cells].reverse().findIndex((c) => c.trim() !== '');
          if (rec.cells.length > width && used > width) return { column: null, reason: `The row has ${used} values but the header has ${width} columns` };
          return null;
        };
        for await (const rec of source.records) {
          if (!headers) {
            if (rec.tooLongColumn !== undefined) throw invalid('file', `The header row has a value longer than 32768 characters (column ${rec.tooLongColumn})`);
            headers = uniqueHeaders(rec.cells);
            continue;
          }
          rowCount++;
          if (rowCount > MAX_ROWS) throw invalid('file', `The file has more than ${MAX_ROWS.toLocaleString('en')} rows; split it`);
          const parseError = rowError(rec, headers.length);
          pending.push({ import_id: importId, row_no: rec.row, cells: rec.cells.slice(0, Math.max(headers.length, 1)), parse_error: parseError });
          if (pending.length >= INSERT_BATCH) await flush();
        }
        await flush();
        await written();
        if (!headers) throw invalid('file', 'The file is empty');
        if (!rowCount) throw invalid('file', 'The file has a header row but no data rows');
        await db
          .update(imports)
          .set({ headers, rowCount, status: 'uploaded', sheet: source.sheet })
          .where(eq(imports.id, importId));
        const row = await findImport(actor.workspaceId, importId);
        await writeAudit(db, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'import.upload', entityType: 'import', entityId: importId, newValues: { fileName: row.fileName, rows: rowCount, format: row.format }, ip: actor.ip });
        return { ...(await toDetail(row)), columns: await columnsOf(row) };
      } catch (err) {
        await writing;
        await db.delete(imports).where(eq(imports.id, importId));
        if (err instanceof FileFormatError) throw invalid('file', err.message);
        throw err;
      } finally {
        await spooled.dispose();
      }
    },

    async list(actor: Actor): Promise<ImportDetail[]> {
      const rows = await db.select().from(imports).where(eq(imports.workspaceId, actor.workspaceId)).orderBy(desc(imports.createdAt)).limit(100);
      return Promise.all(rows.map(toDetail));
    },

    async get(actor: Actor, id: string) {
      const row = await findImport(actor.workspaceId, id);
      return { ...(await toDetail(row)), columns: await columnsOf(row) };
    },

    /** The dry run: saves the mapping and validates every row in a job; the summary comes with status validated. */
    async validate(actor: Actor, id: string, settings: ImportSettings): Promise<ImportDetail> {
      const row = await findImport(actor.workspaceId, id);
      if (!['uploaded', 'validated', 'validating'].includes(row.status)) throw conflict('This import has already run');
      await checkSettings(row, settings);
      await db.transaction(async (tx) => {
        // A new dry run (other settings) starts from the raw cells again; rows never validated are left alone — on
        // the first dry run that is every row, and rewriting them all for nothing took 0.7 s at 100,000 rows.
        await tx
          .update(importRows)
          .set({ status: 'pending', errors: null, matchKey: null, values: null })
          .where(and(eq(importRows.importId, id), ne(importRows.status, 'pending')));
        await tx.update(imports).set({ status: 'validating', settings: settings as unknown as Record<string, unknown>, summary: {} }).where(eq(imports.id, id));
      });
      await deps.jobs.send(VALIDATE_IMPORT_JOB, { importId: id });
      return toDetail(await findImport(actor.workspaceId, id));
    },

    async start(actor: Actor, id: string, input: { skipRejected: boolean }): Promise<ImportDetail> {
      const row = await findImport(actor.workspaceId, id);
      if (row.status !== 'validated') throw conflict(row.status === 'validating' ? 'The dry run is still going on' : 'Run the dry run first');
      const summary = { ...emptySummary(), ...row.summary };
      if (summary.errors > 0 && !input.skipRejected) throw invalid('skipRejected', `${summary.errors} rows have errors; confirm that only the valid rows go in`);
      const [updated] = await db
        .update(imports)
        .set({ status: 'running', startedAt: deps.now() })
        .where(and(eq(imports.id, id), eq(imports.status, 'validated')))
        .returning();
      if (!updated) throw conflict('This import has already started');
      await deps.jobs.send(RUN_IMPORT_JOB, { importId: id });
      return toDetail(updated);
    },

    async cancel(actor: Actor, id: string): Promise<ImportDetail> {
      const row = await findImport(actor.workspaceId, id);
      if (row.status === 'running') {
        await db.update(imports).set({ cancelRequested: true }).where(eq(imports.id, id));
      } else if (['uploaded', 'validating', 'validated'].includes(row.status)) {
        await db.update(imports).set({ status: 'cancelled', finishedAt: deps.now() }).where(eq(imports.id, id));
      } else {
        throw conflict('This import is not running');
      }
      return toDetail(await findImport(actor.workspaceId, id));
    },

    async undo(actor: Actor, id: string): Promise<ImportDetail> {
      const row = await findImport(actor.workspaceId, id);
      const detail = await toDetail(row);
      if (!detail.undoUntil) throw conflict(row.status === 'undone' || row.status === 'undoing' ? 'This import is already undone' : 'Only a finished or cancelled import that changed leads can be undone');
      if (new Date(detail.undoUntil) < deps.now()) throw conflict(`Imports can be undone for ${IMPORT_UNDO_DAYS} days; this one finished on ${detail.finishedAt!.slice(0, 10)}`);
      const [updated] = await db
        .update(imports)
        .set({ status: 'undoing' })
        .where(and(eq(imports.id, id), inArray(imports.status, ['done', 'cancelled'])))
        .returning();
      if (!updated) throw conflict('This import is already being undone');
      await deps.jobs.send(UNDO_IMPORT_JOB, { importId: id });
      return toDetail(updated);
    },

    /** Rejected and skipped rows, with their reasons, page by page (keyset on the row number). */
    async errors(actor: Actor, id: string, q: { cursor?: number | undefined; limit: number }) {
      await findImport(actor.workspaceId, id);
      const rows = await db
        .select({ rowNo: importRows.rowNo, errors: importRows.errors })
        .from(importRows)
        .where(and(eq(importRows.importId, id), eq(importRows.status, 'error'), gt(importRows.rowNo, q.cursor ?? 0)))
        .orderBy(asc(importRows.rowNo))
        .limit(q.limit + 1);
      const page = rows.slice(0, q.limit);
      return {
        errors: page.flatMap((r) => (r.errors ?? []).map((e) => ({ row: r.rowNo, column: e.column, value: e.value, reason: e.reason }))),
        nextCursor: rows.length > q.limit ? page[page.length - 1]!.rowNo : null,
      };
    },

    /** The rows that will not go in, as a CSV to fix and upload again: the file's columns, then row and reason. */
    async *rejectedCsv(actor: Actor, id: string): AsyncGenerator<string> {
      const row = await findImport(actor.workspaceId, id);
      const esc = (v: string) => {
        const s = safeCell(v);
        return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      };
      const REASONS: Record<string, string> = {
        duplicate: 'Duplicate of an earlier row in the file',
        existing: 'A lead with this key already exists',
        not_found: 'No lead with this key to update',
      };
      yield `\ufeff${[...row.headers, 'Row', 'Reason'].map(esc).join(',')}\r\n`;
      // During the dry run a valid row waits as "not found" until the end shows whether a lead matches it.
      const rejected = row.status === 'validating' ? ['error', 'duplicate', 'existing'] : ['error', 'duplicate', 'existing', 'not_found'];
      let after = 0;
      for (;;) {
        const rows = await db
          .select({ rowNo: importRows.rowNo, cells: importRows.cells, status: importRows.status, errors: importRows.errors })
          .from(importRows)
          .where(and(eq(importRows.importId, id), inArray(importRows.status, rejected), gt(importRows.rowNo, after)))
          .orderBy(asc(importRows.rowNo))
          .limit(1000);
        if (!rows.length) return;
        let out = '';
        for (const r of rows) {
          const reason = r.status === 'error' ? (r.errors ?? []).map((e) => (e.column ? `${e.column}: ${e.reason}` : e.reason)).join('; ') : REASONS[r.status]!;
          const cells = row.headers.map((_, i) => r.cells[i] ?? '');
          out += `${[...cells, String(r.rowNo), reason].map(esc).join(',')}\r\n`;
        }
        yield out;
        after = rows[rows.length - 1]!.rowNo;
      }
    },

    async listTemplates(actor: Actor) {
      const rows = await db.select().from(importTemplates).where(eq(importTemplates.workspaceId, actor.workspaceId)).orderBy(asc(importTemplates.name));
      return rows.map((t) => ({ id: t.id, name: t.name, settings: t.settings, createdAt: t.createdAt.toISOString() }));
    },

    async createTemplate(actor: Actor, input: { name: string; settings: ImportSettings }) {
      const [t] = await db
        .insert(importTemplates)
        .values({ workspaceId: actor.workspaceId, name: input.name, settings: input.settings as unknown as Record<string, unknown>, createdBy: actor.userId, createdAt: deps.now() })
        .returning();
      return { id: t!.id, name: t!.name, settings: t!.settings, createdAt: t!.createdAt.toISOString() };
    },

    async deleteTemplate(actor: Actor, id: string) {
      const rows = await db
        .delete(importTemplates)
        .where(and(eq(importTemplates.workspaceId, actor.workspaceId), eq(importTemplates.id, id)))
        .returning({ id: importTemplates.id });
      if (!rows.length) throw notFound('Template');
    },

    validateRows,
    runImport,
    undoImport,

    /** Imports a crash or a restart left in the middle of a phase, to send their jobs again. */
    async interrupted(): Promise<{ id: string; status: string }[]> {
      return db.select({ id: imports.id, status: imports.status }).from(imports).where(inArray(imports.status, ['validating', 'running', 'undoing']));
    },

    /**
     * Hourly: uploads a stopped process left half-read (`uploading` for over an hour — an upload is one request)
     * are removed with their rows, so no import stays "uploading" forever in its workspace's list. Returns how many.
     */
    async tidy(): Promise<number> {
      const cutoff = new Date(deps.now().getTime() - ABANDONED_UPLOAD_MS);
      const gone = await db
        .delete(imports)
        .where(and(eq(imports.status, 'uploading'), lt(imports.createdAt, cutoff)))
        .returning({ id: imports.id });
      return gone.length;
    },
  };
}

export type ImportsService = ReturnType<typeof createImportsService>;

/**
 * The three phases run as jobs. Each is resumable (validation takes pending rows, the run starts after its
 * checkpoint, undo consumes its change records), so a job that runs again after a crash carries on. Instances
 * that run jobs send the jobs of interrupted imports again when they start.
 */
export async function registerImportJobs(deps: AppDeps, service: ImportsService): Promise<void> {
  await deps.jobs.register<{ importId: string }>(VALIDATE_IMPORT_JOB, (d) => service.validateRows(d.importId), { retryLimit: 5, retryDelaySeconds: 5 });
  await deps.jobs.register<{ importId: string }>(RUN_IMPORT_JOB, (d) => service.runImport(d.importId), { retryLimit: 5, retryDelaySeconds: 5 });
  await deps.jobs.register<{ importId: string }>(UNDO_IMPORT_JOB, (d) => service.undoImport(d.importId), { retryLimit: 5, retryDelaySeconds: 5 });
  await deps.jobs.register(TIDY_IMPORTS_JOB, async () => {
    await service.tidy();
  });
  if (!deps.config.jobsEnabled) return;
  await deps.jobs.schedule(TIDY_IMPORTS_JOB, TIDY_IMPORTS_CRON);
  await resumeInterruptedImports(deps, service);
}

/** After a restart: the jobs of imports left mid-phase go out again (the phases are resumable and idempotent). */
export async function resumeInterruptedImports(deps: AppDeps, service: ImportsService): Promise<number> {
  const rows = await service.interrupted();
  const job = { validating: VALIDATE_IMPORT_JOB, running: RUN_IMPORT_JOB, undoing: UNDO_IMPORT_JOB } as Record<string, string>;
  for (const r of rows) await deps.jobs.send(job[r.status]!, { importId: r.id });
  return rows.length;
}
