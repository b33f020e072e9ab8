import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { and, desc, eq, inArray, lte, sql, type SQL } from 'drizzle-orm';
import yazl from 'yazl';
import {
  EXPORT_FORMAT_VERSION,
  EXPORT_RETENTION_DAYS,
  type ExportDetail,
  type ExportManifest,
} from '@leadflow/shared/exports';
import { writeAudit } from '../../platform/audit/audit.ts';
import type { DbOrTx } from '../../platform/db/client.ts';
import { AppError, conflict, notFound } from '../../platform/errors.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import { users } from '../accounts/accounts.table.ts';
import { customFields } from '../custom-fields/custom-fields.table.ts';
import { csvField, neutralizeFormula } from '../leads/lead-export.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';
import { exportEntities, pageQuery, type EntitySpec } from './export-entities.ts';
import { workspaceExports, type ExportFileEntry } from './exports.table.ts';

export const RUN_EXPORT_JOB = 'exports.run';
export const EXPIRE_EXPORTS_JOB = 'exports.expire';
const EXPIRE_EXPORTS_CRON = '23 * * * *';
const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows read per query: big enough to be quick, small enough that memory stays flat. */
const PAGE_ROWS = 1000;
/** Progress is saved (and published) at most this often while a file is written. */
const PROGRESS_EVERY_MS = 500;

type ExportRecord = typeof workspaceExports.$inferSelect;

/** Another delivery of the job took the export over: this run stops without writing a result. */
class Superseded extends Error {}

/** For the rest of the transaction: walk indexes in order rather than collect and sort (see queryRows). */
async function keysetPlans(tx: DbOrTx): Promise<void> {
  await tx.execute(sql.raw('SET LOCAL enable_sort = off'));
  await tx.execute(sql.raw('SET LOCAL enable_bitmapscan = off'));
}

export type ExportDownload = { stream: Readable; sizeBytes: number; fileName: string };

export function createExportsService(deps: AppDeps) {
  const db = deps.database.db;
  const dataDir = deps.config.dataDir;

  async function findExport(workspaceId: string, id: string): Promise<ExportRecord> {
    const [row] = await db
      .select()
      .from(workspaceExports)
      .where(and(eq(workspaceExports.workspaceId, workspaceId), eq(workspaceExports.id, id)));
    if (!row) throw notFound('Export');
    return row;
  }

  function downloadable(row: ExportRecord): boolean {
    return row.status === 'done' && row.filePath !== null && row.expiresAt !== null && row.expiresAt > deps.now();
  }

  async function toDetails(rows: ExportRecord[]): Promise<ExportDetail[]> {
    const creatorIds = [...new Set(rows.map((r) => r.createdBy).filter((id): id is string => id !== null))];
    const creators = creatorIds.length ? await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, creatorIds)) : [];
    const byId = new Map(creators.map((c) => [c.id, c]));
    return rows.map((row) => ({
      id: row.id,
      status: row.status,
      progress: { filesDone: row.filesDone, filesTotal: row.filesTotal, rowsDone: row.rowsDone, currentFile: row.currentFile },
      sizeBytes: row.sizeBytes,
      files: row.files,
      error: row.error,
      createdBy: (row.createdBy && byId.get(row.createdBy)) || null,
      createdAt: row.createdAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      finishedAt: row.finishedAt?.toISOString() ?? null,
      expiresAt: row.expiresAt?.toISOString() ?? null,
      downloadUrl: downloadable(row) ? `/api/v1/exports/${row.id}/download?workspaceId=${row.workspaceId}` : null,
    }));
  }

  async function publishProgress(row: ExportRecord): Promise<void> {
    await deps.events.publish({
      workspaceId: row.workspaceId,
      type: 'export.progress',
      data: { exportId: row.id, status: row.status, filesDone: row.filesDone, filesTotal: row.filesTotal, rowsDone: row.rowsDone, currentFile: row.currentFile },
      audience: { permission: 'workspace.export' },
    });
  }

  /** Updates the export only while this run owns it. */
  async function updateOwned(id: string, runId: string, set: Partial<ExportRecord>): Promise<ExportRecord> {
    const [row] = await db
      .update(workspaceExports)
      .set(set)
      .where(and(eq(workspaceExports.id, id), eq(workspaceExports.runId, runId), eq(workspaceExports.status, 'running')))
      .returning();
    if (!row) throw new Superseded();
    return row;
  }

  async function removeFile(relative: string | null): Promise<void> {
    if (!relative) return;
    await fsp.rm(path.join(dataDir, relative), { force: true });
  }

  /**
   * Runs a page query (text with $n parameters). Pages must walk the key's index in order: with stale statistics (a
   * bulk import just landed, autovacuum off) the planner may instead collect every row after the key and sort them,
   * which makes each page cost the whole rest of the table. So sorts and bitmap scans are discouraged for these reads
   * only: once for the export's transaction on PostgreSQL, per page (a tiny transaction) on PGlite.
   */
  async function queryRows(q: DbOrTx | null, text: string, params: unknown[]): Promise<Record<string, string | null>[]> {
    const parts = text.split(/\$(\d+)/);
    const chunks: SQL[] = [];
    parts.forEach((part, i) => chunks.push(i % 2 === 0 ? sql.raw(part) : sql`${params[Number(part) - 1]}`));
    const query = sql.join(chunks);
    const result = q
      ? await q.execute(query)
      : await db.transaction(async (tx) => {
          await keysetPlans(tx);
          return tx.execute(query);
        });
    return (result as unknown as { rows: Record<string, string | null>[] }).rows;
  }

  /**
   * Writes the ZIP to `partPath`: each CSV is produced page by page as the ZIP writer asks for it (it reads one entry
   * at a time and waits while the file is not written), and manifest.json last, once every count is known.
   */
  async function writeZip(q: DbOrTx, row: ExportRecord, runId: string, partPath: string, consistentSnapshot: boolean): Promise<ExportFileEntry[]> {
    const [ws] = await q.select().from(workspaces).where(eq(workspaces.id, row.workspaceId));
    if (!ws) throw new Error('The workspace no longer exists');
    const fields = await q
      .select({ key: customFields.key, type: customFields.type })
      .from(customFields)
      .where(and(eq(customFields.workspaceId, row.workspaceId), eq(customFields.entity, 'lead')))
      .orderBy(customFields.position, customFields.key);
    const specs = exportEntities(fields);
    const generatedAt = deps.now();
    let progress = await updateOwned(row.id, runId, { filesTotal: specs.length, filesDone: 0, rowsDone: 0 });
    await publishProgress(progress);

    const entries: ExportFileEntry[] = [];
    let rowsDone = 0;
    let lastSaved = Date.now();
    const saveProgress = async (currentFile: string | null, filesDone: number, force: boolean) => {
      if (!force && Date.now() - lastSaved < PROGRESS_EVERY_MS) return;
      lastSaved = Date.now();
      progress = await updateOwned(row.id, runId, { filesDone, rowsDone, currentFile });
      await publishProgress(progress);
    };

    async function* csvOf(spec: EntitySpec, index: number): AsyncGenerator<Buffer> {
      const entry: ExportFileEntry = { file: spec.file, entity: spec.entity, columns: spec.columns.map((c) => ({ name: c.name, type: c.type })), rows: 0 };
      await saveProgress(spec.file, index, true);
      yield Buffer.from(`\uFEFF${spec.columns.map((c) => csvField(neutralizeFormula(c.name))).join(',')}\r\n`);
      let after: string[] | null = null;
      for (;;) {
        const page = pageQuery(spec, row.workspaceId, after, PAGE_ROWS);
        const rows = await queryRows(consistentSnapshot ? q : null, page.text, page.params);
        if (!rows.length) break;
        let chunk = '';
        for (const r of rows) {
          let line = '';
          for (let i = 0; i < spec.columns.length; i++) {
            const value = r[`c${i}`];
            const text = value === null || value === undefined ? '' : spec.columns[i]!.type === 'text' ? neutralizeFormula(value) : value;
            line += (i ? ',' : '') + csvField(text);
          }
          chunk += `${line}\r\n`;
        }
        entry.rows += rows.length;
        rowsDone += rows.length;
        const last = rows[rows.length - 1]!;
        after = spec.key.map((_, i) => last[`k${i}`]!);
        yield Buffer.from(chunk);
        await saveProgress(spec.file, index, false);
        if (rows.length < PAGE_ROWS) break;
      }
      entries.push(entry);
    }

    const manifest = (): ExportManifest => ({
      formatVersion: EXPORT_FORMAT_VERSION,
      application: 'LeadFlow',
      workspace: { id: ws.id, name: ws.name, slug: ws.slug, timeZone: ws.timeZone, locale: ws.locale, currency: ws.currency, defaultCountry: ws.defaultCountry },
      exportId: row.id,
      generatedAt: generatedAt.toISOString(),
      consistentSnapshot,
      csv: { encoding: 'UTF-8', byteOrderMark: true, delimiter: ',', lineEnd: 'CRLF', formulaPrefix: "'", timestamps: 'ISO 8601 UTC', lists: 'JSON' },
      files: entries,
    });

    const zip = new yazl.ZipFile();
    const out = fs.createWriteStream(partPath);
    let failure: Error | undefined;
    const fail = (err: unknown) => {
      failure ??= err instanceof Error ? err : new Error(String(err));
      out.destroy(failure);
    };
    const written = new Promise<void>((resolve, reject) => {
      out.on('close', () => (failure ? reject(failure) : resolve()));
      out.on('error', (err) => fail(err));
      zip.outputStream.on('error', (err: Error) => fail(err));
    });
    const entryOptions = { mtime: generatedAt, compress: true };
    specs.forEach((spec, index) => {
      zip.addReadStreamLazy(spec.file, entryOptions, (cb) => {
        const stream = Readable.from(csvOf(spec, index), { objectMode: false });
        stream.on('error', fail);
        cb(null, stream);
      });
    });
    zip.addReadStreamLazy('manifest.json', entryOptions, (cb) => {
      cb(null, Readable.from([Buffer.from(`${JSON.stringify(manifest(), null, 2)}\n`)]));
    });
    zip.end();
    zip.outputStream.pipe(out);
    await written;
    return entries;
  }

  return {
    async start(actor: Actor): Promise<ExportDetail> {
      const row = await db.transaction(async (tx) => {
        // One export at a time per workspace: each reads the whole workspace.
        await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`export:${actor.workspaceId}`}::text, 0))`);
        const [busy] = await tx
          .select({ id: workspaceExports.id })
          .from(workspaceExports)
          .where(and(eq(workspaceExports.workspaceId, actor.workspaceId), inArray(workspaceExports.status, ['queued', 'running'])));
        if (busy) throw conflict('An export of this workspace is already in progress');
        const [created] = await tx.insert(workspaceExports).values({ workspaceId: actor.workspaceId, createdBy: actor.userId, status: 'queued' }).returning();
        await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'workspace.export', entityType: 'workspace_export', entityId: created!.id, ip: actor.ip });
        return created!;
      });
      await deps.jobs.send(RUN_EXPORT_JOB, { exportId: row.id });
      return (await toDetails([row]))[0]!;
    },

    async list(actor: Actor): Promise<ExportDetail[]> {
      const rows = await db
        .select()
        .from(workspaceExports)
        .where(eq(workspaceExports.workspaceId, actor.workspaceId))
        .orderBy(desc(workspaceExports.createdAt))
        .limit(20);
      return toDetails(rows);
    },

    async get(actor: Actor, id: string): Promise<ExportDetail> {
      return (await toDetails([await findExport(actor.workspaceId, id)]))[0]!;
    },

    /** The ZIP of a finished, unexpired export of the actor's workspace. */
    async download(actor: Actor, id: string): Promise<ExportDownload> {
      const row = await findExport(actor.workspaceId, id);
      if (row.status === 'expired' || (row.status === 'done' && row.expiresAt && row.expiresAt <= deps.now())) {
        throw new AppError('TOKEN_EXPIRED', 'This export has expired: start a new one');
      }
      if (!downloadable(row)) throw conflict('This export is not finished');
      const full = path.join(dataDir, row.filePath!);
      let size: number;
      try {
        size = (await fsp.stat(full)).size;
      } catch {
        throw notFound('Export file');
      }
      const [ws] = await db.select({ slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, row.workspaceId));
      await writeAudit(db, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'workspace.export_download', entityType: 'workspace_export', entityId: row.id, ip: actor.ip });
      const day = (row.finishedAt ?? row.createdAt).toISOString().slice(0, 10);
      return { stream: fs.createReadStream(full), sizeBytes: size, fileName: `leadflow-${ws?.slug ?? 'workspace'}-${day}.zip` };
    },

    /** The job: claims the export, writes the ZIP next to its final name, then publishes it; idempotent. */
    async run(exportId: string): Promise<void> {
      const runId = randomUUID();
      const [claimed] = await db
        .update(workspaceExports)
        .set({ status: 'running', runId, startedAt: deps.now(), filesDone: 0, rowsDone: 0, currentFile: null, error: null })
        .where(and(eq(workspaceExports.id, exportId), inArray(workspaceExports.status, ['queued', 'running'])))
        .returning();
      if (!claimed) return;
      const relative = path.join('exports', claimed.workspaceId, `${claimed.id}-${runId}.zip`);
      const finalPath = path.join(dataDir, relative);
      const partPath = `${finalPath}.part`;
      try {
        await fsp.mkdir(path.dirname(finalPath), { recursive: true });
        // On PostgreSQL every file is read in one repeatable-read snapshot; the embedded database has a single
        // connection, which a long transaction would hold for the whole export, so there pages are read one by one.
        const files =
          deps.database.kind === 'postgres'
            ? await db.transaction(
                async (tx) => {
                  await keysetPlans(tx);
                  return writeZip(tx, claimed, runId, partPath, true);
                },
                { isolationLevel: 'repeatable read', accessMode: 'read only' },
              )
            : await writeZip(db, claimed, runId, partPath, false);
        await fsp.rename(partPath, finalPath);
        const { size } = await fsp.stat(finalPath);
        const finishedAt = deps.now();
        let done: ExportRecord;
        try {
          done = await updateOwned(claimed.id, runId, {
            status: 'done',
            filePath: relative,
            sizeBytes: size,
            files,
            filesDone: files.length,
            currentFile: null,
            finishedAt,
            expiresAt: new Date(finishedAt.getTime() + EXPORT_RETENTION_DAYS * DAY_MS),
          });
        } catch (err) {
          await removeFile(relative);
          throw err;
        }
        await publishProgress(done);
      } catch (err) {
        await fsp.rm(partPath, { force: true });
        if (err instanceof Superseded) return;
        const [failed] = await db
          .update(workspaceExports)
          .set({ status: 'failed', error: err instanceof Error ? err.message.slice(0, 500) : 'The export failed', finishedAt: deps.now(), currentFile: null })
          .where(and(eq(workspaceExports.id, claimed.id), eq(workspaceExports.runId, runId)))
          .returning();
        if (failed) await publishProgress(failed);
        throw err;
      }
    },

    /** Deletes the files of expired exports (every workspace); the rows stay, marked expired. */
    async expire(): Promise<number> {
      const rows = await db
        .select({ id: workspaceExports.id, filePath: workspaceExports.filePath })
        .from(workspaceExports)
        .where(and(eq(workspaceExports.status, 'done'), lte(workspaceExports.expiresAt, deps.now())));
      for (const r of rows) {
        await removeFile(r.filePath);
        await db.update(workspaceExports).set({ status: 'expired', filePath: null }).where(and(eq(workspaceExports.id, r.id), eq(workspaceExports.status, 'done')));
      }
      return rows.length;
    },

    /** Exports left queued or running by a stopped process. */
    async interrupted(): Promise<{ id: string }[]> {
      return db.select({ id: workspaceExports.id }).from(workspaceExports).where(inArray(workspaceExports.status, ['queued', 'running']));
    },
  };
}

export type ExportsService = ReturnType<typeof createExportsService>;

export async function registerExportJobs(deps: AppDeps, service: ExportsService): Promise<void> {
  // A failure is recorded on the export (the user starts a new one); no automatic retry of a whole-workspace read.
  await deps.jobs.register<{ exportId: string }>(RUN_EXPORT_JOB, (d) => service.run(d.exportId), { retryLimit: 0 });
  await deps.jobs.register(EXPIRE_EXPORTS_JOB, async () => {
    await service.expire();
  });
  if (!deps.config.jobsEnabled) return;
  await deps.jobs.schedule(EXPIRE_EXPORTS_JOB, EXPIRE_EXPORTS_CRON);
  // After a restart the exports a stopped process left go out again; a new run takes each over and starts afresh.
  for (const r of await service.interrupted()) await deps.jobs.send(RUN_EXPORT_JOB, { exportId: r.id });
}
