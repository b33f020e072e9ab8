import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import {
  PRODUCTION_COLUMNS,
  PRODUCTION_FILE_MAX_BYTES,
  PRODUCTION_FILE_TYPES,
  PRODUCTION_FILES_PER_TASK,
  type createProductionTaskRequest,
  type moveProductionTaskRequest,
  type ProductionBoard,
  type ProductionCard,
  type ProductionColumn,
  type ProductionColumnPage,
  type ProductionFile,
  type updateProductionTaskRequest,
} from '@leadflow/shared/production';
import type { z } from 'zod';
import { diffValues, writeAudit } from '../../platform/audit/audit.ts';
import type { DbOrTx } from '../../platform/db/client.ts';
import { AppError, conflict, invalid, notFound } from '../../platform/errors.ts';
import { checkContentType } from '../../platform/files/content-type.ts';
import { FileMissingError, FileTooLargeError, type FileStorage } from '../../platform/files/storage.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import { activities, leads } from '../leads/leads.table.ts';
import type { TasksService } from '../tasks/tasks.service.ts';
import { createProductionRepository, toCard, type BoardFilter, type TaskRow } from './production.repository.ts';

type CreateInput = z.infer<typeof createProductionTaskRequest>;
type UpdateInput = z.infer<typeof updateProductionTaskRequest>;
type MoveInput = z.infer<typeof moveProductionTaskRequest>;

const STALE = 'Someone else changed this task since you loaded it; reload the board and try again';

function decodeCursor(cursor: string): { position: number; id: string } {
  const [position, id] = cursor.split('_');
  return { position: Number(position), id: id! };
}

/** A file name safe to store and send back: no folders, no control characters, at most 200 characters. */
export function cleanFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  return base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200);
}

/**
 * The production board (ADR 021): production tasks in columns to do / doing / review / done, per workspace or per
 * client, ordered by hand; attachments in the file storage. Every change is in the audit log and on the client's
 * timeline. Routes require production.manage.
 */
export function createProductionService(deps: AppDeps, { tasks, files }: { tasks: TasksService; files: FileStorage }) {
  const db = deps.database.db;
  const repo = createProductionRepository(db);

  async function load(actor: Actor, id: string, tx?: DbOrTx) {
    const row = await repo.findCard(actor.workspaceId, id, tx);
    if (!row) throw notFound('Task');
    return row;
  }

  async function card(actor: Actor, id: string): Promise<ProductionCard> {
    return toCard(await load(actor, id));
  }

  async function checkAssignee(actor: Actor, assigneeId: string): Promise<void> {
    if (!(await repo.activeMember(actor.workspaceId, assigneeId))) throw invalid('assigneeId', 'The assignee is not an active member of this workspace');
  }

  async function checkClient(actor: Actor, leadId: string): Promise<void> {
    if (!(await repo.isClient(actor.workspaceId, leadId))) throw invalid('leadId', 'No such client in this workspace (a client is a lead in a won stage)');
  }

  async function timeline(tx: DbOrTx, actor: Actor, task: TaskRow, type: string, data: Record<string, unknown>, at: Date) {
    if (!task.leadId) return;
    await tx.insert(activities).values({ workspaceId: actor.workspaceId, leadId: task.leadId, type, actorId: actor.userId, data: { taskId: task.id, title: task.title, production: true, ...data }, createdAt: at });
    await tx.update(leads).set({ lastActivityAt: at }).where(and(eq(leads.workspaceId, actor.workspaceId), eq(leads.id, task.leadId)));
  }

  async function publish(actor: Actor, task: TaskRow, extra: Record<string, unknown> = {}) {
    await deps.events
      .publish({
        workspaceId: actor.workspaceId,
        type: 'production.changed',
        data: { taskId: task.id, leadId: task.leadId, column: task.boardLane, version: task.version, ...extra },
        audience: { permission: 'production.manage' },
      })
      .catch(() => undefined);
  }

  async function columnPage(actor: Actor, lane: ProductionColumn, f: BoardFilter, limit: number, count: number, cursor?: string): Promise<ProductionColumnPage> {
    const rows = await repo.column(actor.workspaceId, lane, f, limit, cursor ? decodeCursor(cursor) : undefined);
    const page = rows.slice(0, limit);
    const last = page.at(-1)?.task;
    return {
      column: lane,
      count,
      items: page.map(toCard),
      nextCursor: rows.length > limit && last ? `${last.boardPosition}_${last.id}` : null,
    };
  }

  function auditable(t: TaskRow): Record<string, unknown> {
    return { title: t.title, priority: t.priority, dueAt: t.dueAt.toISOString(), allDay: t.allDay, assigneeId: t.assigneeId, leadId: t.leadId, description: t.description };
  }

  return {
    get: card,

    async board(actor: Actor, q: BoardFilter & { limit: number }): Promise<ProductionBoard> {
      const counts = await repo.counts(actor.workspaceId, q);
      const columns = await Promise.all(PRODUCTION_COLUMNS.map((lane) => columnPage(actor, lane, q, q.limit, counts.get(lane) ?? 0)));
      return { columns };
    },

    async column(actor: Actor, lane: ProductionColumn, q: BoardFilter & { limit: number; cursor?: string | undefined }): Promise<ProductionColumnPage> {
      const counts = await repo.counts(actor.workspaceId, q);
      return columnPage(actor, lane, q, q.limit, counts.get(lane) ?? 0, q.cursor);
    },

    clients: (actor: Actor, q: string | undefined) => repo.clients(actor.workspaceId, q, 50),
    members: (actor: Actor) => repo.activeMembers(actor.workspaceId),

    /** A production task on top of its column; on the client's timeline and in the audit log (task.create). */
    async create(actor: Actor, input: CreateInput): Promise<ProductionCard> {
      const assigneeId = input.assigneeId ?? actor.userId;
      await checkAssignee(actor, assigneeId);
      if (input.leadId) await checkClient(actor, input.leadId);
      const at = deps.now();
      const task = await db.transaction((tx) =>
        tasks.insertTask(
          tx,
          actor,
          {
            title: input.title,
            type: 'production',
            priority: input.priority,
            dueAt: new Date(input.dueAt),
            allDay: input.allDay,
            reminders: [],
            assigneeId,
            leadId: input.leadId,
            description: input.description,
            checklist: [],
            boardColumn: input.column,
            createdBy: actor.userId,
            createdAt: at,
            updatedAt: at,
          },
          { column: input.column },
        ),
      );
      await tasks.schedule(task);
      await publish(actor, task);
      return card(actor, task.id);
    },

    async update(actor: Actor, id: string, input: UpdateInput): Promise<ProductionCard> {
      const before = (await load(actor, id)).task;
      if (input.assigneeId && input.assigneeId !== before.assigneeId) await checkAssignee(actor, input.assigneeId);
      if (input.leadId && input.leadId !== before.leadId) await checkClient(actor, input.leadId);
      const { version, ...fields } = input;
      const dueAt = fields.dueAt ? new Date(fields.dueAt) : before.dueAt;
      // Reminders after a due time moved earlier would never make sense: they go.
      const limit = dueAt.getTime() + ((fields.allDay ?? before.allDay) ? 24 * 3600_000 : 0);
      const reminders = before.reminders.map((d) => new Date(d)).filter((d) => d.getTime() <= limit);
      const at = deps.now();
      const task = await db.transaction(async (tx) => {
        const row = await repo.update(tx, actor.workspaceId, id, { ...fields, dueAt, reminders, updatedAt: at }, version);
        if (!row) throw conflict(STALE, 'version');
        const diff = diffValues(auditable(before), auditable(row));
        if (diff) {
          await timeline(tx, actor, row, 'task_updated', { changes: Object.keys(diff.newValues) }, at);
          await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'task.update', entityType: 'task', entityId: id, ...diff, ip: actor.ip });
        }
        return row;
      });
      await tasks.schedule(task);
      await publish(actor, task);
      return card(actor, id);
    },

    /**
     * A drag: places the card between its new neighbours (renumbering the column when there is no room) and, across
     * the done line, completes or reopens the task — all or nothing, and only if the version is the one read.
     */
    async move(actor: Actor, id: string, input: MoveInput): Promise<{ card: ProductionCard; renumbered: boolean }> {
      const before = (await load(actor, id)).task;
      if (before.version !== input.version) throw conflict(STALE, 'version');
      const to = input.column;
      const from = before.boardLane;
      const at = deps.now();
      const result = await db.transaction(async (tx) => {
        await repo.lockLane(tx, actor.workspaceId, to);
        let renumbered = false;
        let position = await repo.placement(tx, actor.workspaceId, to, id, input.afterId, input.beforeId);
        if (position === null) {
          await repo.renumber(tx, actor.workspaceId, to, id);
          renumbered = true;
          position = await repo.placement(tx, actor.workspaceId, to, id, input.afterId, input.beforeId);
          if (position === null) throw new AppError('INTERNAL', 'No room in the column after renumbering');
        }
        const values: Parameters<typeof repo.update>[3] = { boardPosition: position, updatedAt: at };
        if (to === 'done' && from !== 'done') Object.assign(values, { status: 'done', completedAt: at, completedBy: actor.userId });
        if (to !== 'done') {
          values.boardColumn = to;
          if (from === 'done') Object.assign(values, { status: 'open', completedAt: null, completedBy: null, outcome: null, outcomeNote: null });
        }
        const row = await repo.update(tx, actor.workspaceId, id, values, input.version);
        if (!row) throw conflict(STALE, 'version');
        if (from !== to) {
          const type = to === 'done' ? 'task_completed' : from === 'done' ? 'task_reopened' : 'task_moved';
          await timeline(tx, actor, row, type, { from, to }, at);
        }
        await writeAudit(tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: 'task.move',
          entityType: 'task',
          entityId: id,
          oldValues: { column: from, position: Number(before.boardPosition), status: before.status },
          newValues: { column: to, position, status: row.status, afterId: input.afterId, beforeId: input.beforeId },
          ip: actor.ip,
        });
        return { row, renumbered };
      });
      if (from === 'done' && to !== 'done') await tasks.schedule(result.row);
      await publish(actor, result.row, { from, renumbered: result.renumbered });
      return { card: await card(actor, id), renumbered: result.renumbered };
    },

    async remove(actor: Actor, id: string): Promise<void> {
      const before = (await load(actor, id)).task;
      const at = deps.now();
      const keys = await db.transaction(async (tx) => {
        const stored = await repo.storageKeys(tx, actor.workspaceId, id);
        await timeline(tx, actor, before, 'task_deleted', {}, at);
        await repo.remove(tx, actor.workspaceId, id);
        await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'task.delete', entityType: 'task', entityId: id, oldValues: { ...auditable(before), column: before.boardLane, files: stored.length }, ip: actor.ip });
        return stored;
      });
      for (const key of keys) await files.delete(key).catch(() => undefined);
      await publish(actor, { ...before }, { deleted: true });
    },

    async listFiles(actor: Actor, taskId: string): Promise<ProductionFile[]> {
      await load(actor, taskId);
      return repo.files(actor.workspaceId, taskId);
    },

    /**
     * Stores an upload (at most PRODUCTION_FILE_MAX_BYTES, an accepted type whose bytes agree), then records it with
     * its audit row and timeline entry; a refused or failed upload leaves nothing behind.
     */
    async upload(actor: Actor, taskId: string, upload: { stream: Readable; fileName: string | undefined; contentType: string | undefined }): Promise<ProductionFile> {
      const task = (await load(actor, taskId)).task;
      const fileName = cleanFileName(upload.fileName);
      if (!fileName) {
        upload.stream.resume();
        throw invalid('file', 'The file needs a name');
      }
      if ((await repo.fileCount(db, actor.workspaceId, taskId)) >= PRODUCTION_FILES_PER_TASK) {
        upload.stream.resume();
        throw invalid('file', `A task can hold at most ${PRODUCTION_FILES_PER_TASK} files`);
      }
      const fileId = randomUUID();
      const key = `${actor.workspaceId}/production/${fileId}`;
      let stored: { sizeBytes: number; head: Buffer };
      try {
        stored = await files.put(key, upload.stream, { maxBytes: PRODUCTION_FILE_MAX_BYTES });
      } catch (err) {
        if (err instanceof FileTooLargeError) throw invalid('file', `A file may be at most ${Math.round(PRODUCTION_FILE_MAX_BYTES / 1024 / 1024)} MB`);
        throw err;
      }
      const type = checkContentType(upload.contentType, stored.head, PRODUCTION_FILE_TYPES);
      if (!type.ok || stored.sizeBytes === 0) {
        await files.delete(key);
        throw invalid('file', type.ok ? 'The file is empty' : type.reason);
      }
      const at = deps.now();
      try {
        await db.transaction(async (tx) => {
          await repo.insertFile(tx, { id: fileId, workspaceId: actor.workspaceId, taskId, fileName, contentType: type.type, sizeBytes: stored.sizeBytes, storageKey: key, uploadedBy: actor.userId, createdAt: at });
          await timeline(tx, actor, task, 'task_file_added', { fileId, fileName }, at);
          await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'task.file_add', entityType: 'task', entityId: taskId, newValues: { fileId, fileName, contentType: type.type, sizeBytes: stored.sizeBytes }, ip: actor.ip });
        });
      } catch (err) {
        await files.delete(key).catch(() => undefined);
        throw err;
      }
      await publish(actor, task, { fileId });
      return (await repo.files(actor.workspaceId, taskId, [fileId]))[0]!;
    },

    /** The bytes of an attachment of a task of the actor's workspace (404 otherwise). */
    async download(actor: Actor, taskId: string, fileId: string) {
      const row = await repo.file(actor.workspaceId, taskId, fileId);
      if (!row) throw notFound('File');
      try {
        const { stream, sizeBytes } = await files.get(row.storageKey);
        return { stream, sizeBytes, fileName: row.fileName, contentType: row.contentType };
      } catch (err) {
        if (err instanceof FileMissingError) throw notFound('File');
        throw err;
      }
    },

    async removeFile(actor: Actor, taskId: string, fileId: string): Promise<void> {
      const task = (await load(actor, taskId)).task;
      const row = await repo.file(actor.workspaceId, taskId, fileId);
      if (!row) throw notFound('File');
      const at = deps.now();
      await db.transaction(async (tx) => {
        await repo.removeFile(tx, actor.workspaceId, fileId);
        await timeline(tx, actor, task, 'task_file_removed', { fileId, fileName: row.fileName }, at);
        await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'task.file_remove', entityType: 'task', entityId: taskId, oldValues: { fileId, fileName: row.fileName, contentType: row.contentType, sizeBytes: row.sizeBytes }, ip: actor.ip });
      });
      await files.delete(row.storageKey).catch(() => undefined);
      await publish(actor, task, { fileId, removed: true });
    },
  };
}

export type ProductionService = ReturnType<typeof createProductionService>;
