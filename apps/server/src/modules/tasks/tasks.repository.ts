import { aliasedTable, and, asc, desc, eq, gte, inArray, lt, not, or, sql, type SQL } from 'drizzle-orm';
import type { TaskItem } from '@leadflow/shared/tasks';
import type { Db, DbOrTx } from '../../platform/db/client.ts';
import { users } from '../accounts/accounts.table.ts';
import { leadDisplayName } from '../leads/leads.mapper.ts';
import { leads } from '../leads/leads.table.ts';
import { memberships } from '../workspaces/workspaces.table.ts';
import { tasks } from './tasks.table.ts';

export type TaskRow = typeof tasks.$inferSelect;
export type TaskInsert = typeof tasks.$inferInsert;

const assignee = aliasedTable(users, 'assignee');

const columns = {
  task: tasks,
  assigneeName: assignee.name,
  leadFirstName: leads.firstName,
  leadLastName: leads.lastName,
  leadCompany: leads.company,
};

type Joined = { task: TaskRow; assigneeName: string | null; leadFirstName: string | null; leadLastName: string | null; leadCompany: string | null };

export function toTaskItem(r: Joined): TaskItem {
  const t = r.task;
  return {
    id: t.id,
    title: t.title,
    type: t.type as TaskItem['type'],
    priority: t.priority as TaskItem['priority'],
    status: t.status,
    dueAt: t.dueAt.toISOString(),
    allDay: t.allDay,
    reminders: t.reminders.map((d) => new Date(d).toISOString()),
    assignee: t.assigneeId ? { id: t.assigneeId, name: r.assigneeName ?? '' } : null,
    lead: t.leadId ? { id: t.leadId, name: leadDisplayName({ firstName: r.leadFirstName, lastName: r.leadLastName, company: r.leadCompany }) } : null,
    description: t.description,
    checklist: t.checklist,
    outcome: t.outcome,
    outcomeNote: t.outcomeNote,
    completedAt: t.completedAt?.toISOString() ?? null,
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    version: t.version,
    recurrence: t.recurrence ?? null,
    occurrence: t.occurrence,
    seriesId: t.seriesId,
    cadence: t.enrollmentId && t.cadenceStep !== null ? { enrollmentId: t.enrollmentId, step: t.cadenceStep } : null,
  };
}

/** Who may see a task: everyone with tasks.view_all, otherwise its assignee and its creator. */
export type TaskScope = { workspaceId: string; onlyUserId: string | null };

function visible(scope: TaskScope): SQL {
  const where = [eq(tasks.workspaceId, scope.workspaceId)];
  if (scope.onlyUserId) where.push(or(eq(tasks.assigneeId, scope.onlyUserId), eq(tasks.createdBy, scope.onlyUserId))!);
  return and(...where)!;
}

export type ListFilter = {
  queue: 'overdue' | 'today' | 'upcoming' | 'open' | 'done' | 'all';
  assigneeId?: string | undefined;
  type?: string | undefined;
  priority?: string | undefined;
  leadId?: string | undefined;
  now: Date;
  dayStart: Date;
  dayEnd: Date;
  limit: number;
  after?: { at: Date; id: string } | undefined;
  /** Calendar range on the due time (the open-tasks indexes lead with it after the workspace/assignee). */
  from?: Date | undefined;
  to?: Date | undefined;
};

export function createTasksRepository(db: Db) {
  function select(tx: DbOrTx = db) {
    return tx
      .select(columns)
      .from(tasks)
      .leftJoin(assignee, eq(assignee.id, tasks.assigneeId))
      .leftJoin(leads, eq(leads.id, tasks.leadId));
  }

  return {
    async find(scope: TaskScope, id: string, tx: DbOrTx = db): Promise<Joined | undefined> {
      const [row] = await select(tx).where(and(visible(scope), eq(tasks.id, id)));
      return row;
    },

    /** The tasks of a batch of jobs (ids that are not UUIDs match nothing rather than fail the batch). */
    async findManyForJob(ids: string[]): Promise<TaskRow[]> {
      const valid = [...new Set(ids.filter((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)))];
      if (!valid.length) return [];
      return db.select().from(tasks).where(inArray(tasks.id, valid));
    },

    async insert(tx: DbOrTx, row: TaskInsert): Promise<TaskRow> {
      const [created] = await tx.insert(tasks).values(row).returning();
      return created!;
    },

    /** Conditional on the version when one is given: returns undefined when someone else changed it first. */
    async update(tx: DbOrTx, workspaceId: string, id: string, values: Partial<TaskInsert>, version?: number): Promise<TaskRow | undefined> {
      const where = [eq(tasks.workspaceId, workspaceId), eq(tasks.id, id)];
      if (version !== undefined) where.push(eq(tasks.version, version));
      const [row] = await tx
        .update(tasks)
        .set({ ...values, version: sql`${tasks.version} + 1` })
        .where(and(...where))
        .returning();
      return row;
    },

    async remove(tx: DbOrTx, workspaceId: string, id: string): Promise<void> {
      await tx.delete(tasks).where(and(eq(tasks.workspaceId, workspaceId), eq(tasks.id, id)));
    },

    async list(scope: TaskScope, f: ListFilter): Promise<Joined[]> {
      const where: SQL[] = [visible(scope)];
      if (f.assigneeId) where.push(eq(tasks.assigneeId, f.assigneeId));
      if (f.type) where.push(eq(tasks.type, f.type));
      if (f.priority) where.push(eq(tasks.priority, f.priority));
      if (f.leadId) where.push(eq(tasks.leadId, f.leadId));
      if (f.from) where.push(gte(tasks.dueAt, f.from));
      if (f.to) where.push(lt(tasks.dueAt, f.to));
      // An all-day task is overdue once its day is over; a timed one once its time has passed.
      const overdue = or(and(not(tasks.allDay), lt(tasks.dueAt, f.now)), and(tasks.allDay, lt(tasks.dueAt, f.dayStart)))!;
      const done = f.queue === 'done';
      if (done) where.push(eq(tasks.status, 'done'));
      else if (f.queue !== 'all') where.push(eq(tasks.status, 'open'));
      // The bounds on due_at alone (implied: the day starts before now) let the open-tasks indexes range-scan the
      // queue instead of filtering every overdue task on the way to today's (100,000 tasks: tasks bench).
      if (f.queue === 'overdue') where.push(lt(tasks.dueAt, f.now), overdue);
      if (f.queue === 'today') where.push(gte(tasks.dueAt, f.dayStart), lt(tasks.dueAt, f.dayEnd), not(overdue));
      if (f.queue === 'upcoming') where.push(gte(tasks.dueAt, f.dayEnd));
      const key = done ? sql`coalesce(${tasks.completedAt}, ${tasks.updatedAt})` : tasks.dueAt;
      if (f.after) {
        where.push(
          done
            ? sql`(${key}, ${tasks.id}) < (${f.after.at.toISOString()}::timestamptz, ${f.after.id}::uuid)`
            : sql`(${tasks.dueAt}, ${tasks.id}) > (${f.after.at.toISOString()}::timestamptz, ${f.after.id}::uuid)`,
        );
      }
      return select()
        .where(and(...where))
        .orderBy(...(done ? [desc(key), desc(tasks.id)] : [asc(tasks.dueAt), asc(tasks.id)]))
        .limit(f.limit + 1);
    },

    /** The members among ids who are active in the workspace. */
    async activeMembers(workspaceId: string, ids: string[]): Promise<Set<string>> {
      if (!ids.length) return new Set();
      const rows = await db
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.userId, ids), eq(memberships.status, 'active')));
      return new Set(rows.map((r) => r.userId));
    },
  };
}
