import { aliasedTable, and, asc, count, desc, eq, ilike, inArray, isNotNull, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { ProductionCard, ProductionColumn, ProductionFile } from '@leadflow/shared/production';
import type { Db, DbOrTx } from '../../platform/db/client.ts';
import { invalid } from '../../platform/errors.ts';
import { users } from '../accounts/accounts.table.ts';
import { leadDisplayName } from '../leads/leads.mapper.ts';
import { leads } from '../leads/leads.table.ts';
import { tasks } from '../tasks/tasks.table.ts';
import { memberships } from '../workspaces/workspaces.table.ts';
import { productionTaskFiles } from './production.table.ts';

/** Room left between cards when a column is renumbered. */
export const POSITION_GAP = 1024;

export type TaskRow = typeof tasks.$inferSelect;
export type FileRow = typeof productionTaskFiles.$inferSelect;
export type BoardFilter = { leadId?: string | undefined; assigneeId?: string | undefined; priority?: string | undefined };

const assignee = aliasedTable(users, 'assignee');
const uploader = aliasedTable(users, 'uploader');

// Spelled out: drizzle leaves the table name off columns of a one-table select, which would bind them inside the subquery.
const fileCount = sql<number>`(SELECT count(*)::int FROM ${productionTaskFiles} f WHERE f.workspace_id = tasks.workspace_id AND f.task_id = tasks.id)`;
const cardColumns = {
  task: tasks,
  assigneeName: assignee.name,
  leadFirstName: leads.firstName,
  leadLastName: leads.lastName,
  leadCompany: leads.company,
  fileCount,
};
type CardJoined = { task: TaskRow; assigneeName: string | null; leadFirstName: string | null; leadLastName: string | null; leadCompany: string | null; fileCount: number };

export function toCard(r: CardJoined): ProductionCard {
  const t = r.task;
  return {
    id: t.id,
    title: t.title,
    priority: t.priority as ProductionCard['priority'],
    column: t.boardLane,
    openColumn: t.boardColumn,
    position: Number(t.boardPosition),
    dueAt: t.dueAt.toISOString(),
    allDay: t.allDay,
    assignee: t.assigneeId ? { id: t.assigneeId, name: r.assigneeName ?? '' } : null,
    lead: t.leadId ? { id: t.leadId, name: leadDisplayName({ firstName: r.leadFirstName, lastName: r.leadLastName, company: r.leadCompany }) } : null,
    description: t.description,
    fileCount: Number(r.fileCount),
    completedAt: t.completedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    version: t.version,
  };
}

function inWorkspace(workspaceId: string): SQL {
  return and(eq(tasks.workspaceId, workspaceId), eq(tasks.type, 'production'))!;
}

function filtered(workspaceId: string, f: BoardFilter): SQL[] {
  const where = [inWorkspace(workspaceId)];
  if (f.leadId) where.push(eq(tasks.leadId, f.leadId));
  if (f.assigneeId) where.push(eq(tasks.assigneeId, f.assigneeId));
  if (f.priority) where.push(eq(tasks.priority, f.priority));
  return where;
}

export function createProductionRepository(db: Db) {
  function selectCards(tx: DbOrTx = db) {
    return tx
      .select(cardColumns)
      .from(tasks)
      .leftJoin(assignee, eq(assignee.id, tasks.assigneeId))
      .leftJoin(leads, eq(leads.id, tasks.leadId));
  }

  /** Positions of the lane, the moving card left out, at one side of (position, id). */
  async function neighbour(tx: DbOrTx, workspaceId: string, lane: ProductionColumn, taskId: string, anchor: { position: number; id: string } | null, dir: 'prev' | 'next'): Promise<number | null> {
    const where = [inWorkspace(workspaceId), eq(tasks.boardLane, lane), ne(tasks.id, taskId)];
    if (anchor) {
      where.push(
        dir === 'next'
          ? sql`(${tasks.boardPosition}, ${tasks.id}) > (${anchor.position}::bigint, ${anchor.id}::uuid)`
          : sql`(${tasks.boardPosition}, ${tasks.id}) < (${anchor.position}::bigint, ${anchor.id}::uuid)`,
      );
    }
    const [row] = await tx
      .select({ position: tasks.boardPosition })
      .from(tasks)
      .where(and(...where))
      .orderBy(...(dir === 'next' ? [asc(tasks.boardPosition), asc(tasks.id)] : [desc(tasks.boardPosition), desc(tasks.id)]))
      .limit(1);
    return row ? Number(row.position) : null;
  }

  async function anchorPosition(tx: DbOrTx, workspaceId: string, lane: ProductionColumn, taskId: string, anchorId: string, field: string): Promise<number> {
    if (anchorId === taskId) throw invalid(field, 'A card cannot be placed next to itself');
    const [row] = await tx
      .select({ position: tasks.boardPosition })
      .from(tasks)
      .where(and(inWorkspace(workspaceId), eq(tasks.boardLane, lane), eq(tasks.id, anchorId)));
    if (!row) throw invalid(field, 'This card is not in the target column');
    return Number(row.position);
  }

  return {
    async findCard(workspaceId: string, id: string, tx: DbOrTx = db): Promise<CardJoined | undefined> {
      const [row] = await selectCards(tx).where(and(inWorkspace(workspaceId), eq(tasks.id, id)));
      return row;
    },

    /** One page of a column in board order, keyset after (position, id). */
    async column(workspaceId: string, lane: ProductionColumn, f: BoardFilter, limit: number, after?: { position: number; id: string }): Promise<CardJoined[]> {
      const where = [...filtered(workspaceId, f), eq(tasks.boardLane, lane)];
      if (after) where.push(sql`(${tasks.boardPosition}, ${tasks.id}) > (${after.position}::bigint, ${after.id}::uuid)`);
      return selectCards()
        .where(and(...where))
        .orderBy(asc(tasks.boardPosition), asc(tasks.id))
        .limit(limit + 1);
    },

    async counts(workspaceId: string, f: BoardFilter): Promise<Map<string, number>> {
      const rows = await db
        .select({ lane: tasks.boardLane, n: count() })
        .from(tasks)
        .where(and(...filtered(workspaceId, f)))
        .groupBy(tasks.boardLane);
      return new Map(rows.map((r) => [r.lane, Number(r.n)]));
    },

    /** Moves into one lane happen one at a time, so two placements (or a renumbering) cannot interleave. */
    async lockLane(tx: DbOrTx, workspaceId: string, lane: ProductionColumn): Promise<void> {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`production:${workspaceId}:${lane}`}::text, 0))`);
    },

    /**
     * The position for a card landing between `afterId` (the card above) and `beforeId` (the card below); neither:
     * on top. Null when no whole number is left between the neighbours (the caller renumbers and asks again).
     */
    async placement(tx: DbOrTx, workspaceId: string, lane: ProductionColumn, taskId: string, afterId: string | null, beforeId: string | null): Promise<number | null> {
      let prev: number | null = null;
      let next: number | null = null;
      if (afterId) {
        prev = await anchorPosition(tx, workspaceId, lane, taskId, afterId, 'afterId');
        next = beforeId ? await anchorPosition(tx, workspaceId, lane, taskId, beforeId, 'beforeId') : await neighbour(tx, workspaceId, lane, taskId, { position: prev, id: afterId }, 'next');
        if (beforeId && next !== null && next < prev) throw invalid('beforeId', 'The card below must come after the card above');
      } else if (beforeId) {
        next = await anchorPosition(tx, workspaceId, lane, taskId, beforeId, 'beforeId');
        prev = await neighbour(tx, workspaceId, lane, taskId, { position: next, id: beforeId }, 'prev');
      } else {
        next = await neighbour(tx, workspaceId, lane, taskId, null, 'next');
      }
      if (prev === null && next === null) return 0;
      if (prev === null) return next! - POSITION_GAP;
      if (next === null) return prev + POSITION_GAP;
      return next - prev >= 2 ? prev + Math.floor((next - prev) / 2) : null;
    },

    /** Numbers the lane GAP, 2·GAP… in its current order (the moving card left out); positions are not versioned. */
    async renumber(tx: DbOrTx, workspaceId: string, lane: ProductionColumn, taskId: string): Promise<void> {
      await tx.execute(sql`
        UPDATE ${tasks} SET board_position = r.n * ${POSITION_GAP}
        FROM (SELECT id, row_number() OVER (ORDER BY board_position, id) AS n FROM ${tasks}
              WHERE workspace_id = ${workspaceId}::uuid AND type = 'production' AND board_lane = ${lane} AND id <> ${taskId}::uuid) r
        WHERE ${tasks.id} = r.id AND ${tasks.workspaceId} = ${workspaceId}::uuid`);
    },

    /** Conditional on the version: undefined when someone else changed the task first. */
    async update(tx: DbOrTx, workspaceId: string, id: string, values: Partial<typeof tasks.$inferInsert>, version: number): Promise<TaskRow | undefined> {
      const [row] = await tx
        .update(tasks)
        .set({ ...values, version: sql`${tasks.version} + 1` })
        .where(and(inWorkspace(workspaceId), eq(tasks.id, id), eq(tasks.version, version)))
        .returning();
      return row;
    },

    async remove(tx: DbOrTx, workspaceId: string, id: string): Promise<void> {
      await tx.delete(tasks).where(and(inWorkspace(workspaceId), eq(tasks.id, id)));
    },

    async activeMember(workspaceId: string, userId: string): Promise<boolean> {
      const [row] = await db
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId), eq(memberships.status, 'active')));
      return Boolean(row);
    },

    async activeMembers(workspaceId: string): Promise<{ id: string; name: string }[]> {
      return db
        .select({ id: users.id, name: users.name })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.status, 'active')))
        .orderBy(asc(users.name), asc(users.id));
    },

    /** A client of the workspace: a lead in a won stage (client_since set), not in the trash. */
    async isClient(workspaceId: string, leadId: string): Promise<boolean> {
      const [row] = await db
        .select({ id: leads.id })
        .from(leads)
        .where(and(eq(leads.workspaceId, workspaceId), eq(leads.id, leadId), isNull(leads.deletedAt), isNotNull(leads.clientSince)));
      return Boolean(row);
    },

    /** Clients matching q, those with open production tasks first. */
    async clients(workspaceId: string, q: string | undefined, limit: number) {
      const open = sql<number>`(SELECT count(*)::int FROM ${tasks} t WHERE t.workspace_id = leads.workspace_id AND t.lead_id = leads.id AND t.type = 'production' AND t.status = 'open')`;
      const where = [eq(leads.workspaceId, workspaceId), isNull(leads.deletedAt), isNotNull(leads.clientSince)];
      if (q) {
        const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        where.push(or(ilike(leads.firstName, like), ilike(leads.lastName, like), ilike(leads.company, like))!);
      }
      const rows = await db
        .select({ id: leads.id, firstName: leads.firstName, lastName: leads.lastName, company: leads.company, clientSince: leads.clientSince, open })
        .from(leads)
        .where(and(...where))
        .orderBy(desc(open), desc(leads.clientSince), desc(leads.id))
        .limit(limit);
      return rows.map((r) => ({ id: r.id, name: leadDisplayName(r), clientSince: r.clientSince?.toISOString() ?? null, openTasks: Number(r.open) }));
    },

    async files(workspaceId: string, taskId: string, ids?: string[]): Promise<ProductionFile[]> {
      const where = [eq(productionTaskFiles.workspaceId, workspaceId), eq(productionTaskFiles.taskId, taskId)];
      if (ids) where.push(inArray(productionTaskFiles.id, ids));
      const rows = await db
        .select({ f: productionTaskFiles, uploaderName: uploader.name })
        .from(productionTaskFiles)
        .leftJoin(uploader, eq(uploader.id, productionTaskFiles.uploadedBy))
        .where(and(...where))
        .orderBy(asc(productionTaskFiles.createdAt), asc(productionTaskFiles.id));
      return rows.map(({ f, uploaderName }) => ({
        id: f.id,
        taskId: f.taskId,
        fileName: f.fileName,
        contentType: f.contentType,
        sizeBytes: f.sizeBytes,
        uploadedBy: f.uploadedBy ? { id: f.uploadedBy, name: uploaderName ?? '' } : null,
        createdAt: f.createdAt.toISOString(),
      }));
    },

    async fileCount(tx: DbOrTx, workspaceId: string, taskId: string): Promise<number> {
      const [row] = await tx
        .select({ n: count() })
        .from(productionTaskFiles)
        .where(and(eq(productionTaskFiles.workspaceId, workspaceId), eq(productionTaskFiles.taskId, taskId)));
      return Number(row?.n ?? 0);
    },

    async file(workspaceId: string, taskId: string, fileId: string): Promise<FileRow | undefined> {
      const [row] = await db
        .select()
        .from(productionTaskFiles)
        .innerJoin(tasks, and(eq(tasks.id, productionTaskFiles.taskId), eq(tasks.type, 'production')))
        .where(and(eq(productionTaskFiles.workspaceId, workspaceId), eq(productionTaskFiles.taskId, taskId), eq(productionTaskFiles.id, fileId)));
      return row?.production_task_files;
    },

    async storageKeys(tx: DbOrTx, workspaceId: string, taskId: string): Promise<string[]> {
      const rows = await tx
        .select({ key: productionTaskFiles.storageKey })
        .from(productionTaskFiles)
        .where(and(eq(productionTaskFiles.workspaceId, workspaceId), eq(productionTaskFiles.taskId, taskId)));
      return rows.map((r) => r.key);
    },

    async insertFile(tx: DbOrTx, row: typeof productionTaskFiles.$inferInsert): Promise<FileRow> {
      const [created] = await tx.insert(productionTaskFiles).values(row).returning();
      return created!;
    },

    async removeFile(tx: DbOrTx, workspaceId: string, fileId: string): Promise<void> {
      await tx.delete(productionTaskFiles).where(and(eq(productionTaskFiles.workspaceId, workspaceId), eq(productionTaskFiles.id, fileId)));
    },
  };
}


