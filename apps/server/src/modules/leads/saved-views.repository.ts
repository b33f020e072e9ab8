import { and, asc, eq, or, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../platform/db/client.ts';
import { savedViews } from './leads.table.ts';

export type SavedViewRow = typeof savedViews.$inferSelect;
export type SavedViewValues = Pick<SavedViewRow, 'name' | 'shared' | 'query' | 'columns'>;

export function createSavedViewsRepository(db: Db) {
  return {
    /** The user's own views and the workspace's shared ones, by name. */
    async listVisible(workspaceId: string, userId: string): Promise<SavedViewRow[]> {
      return db
        .select()
        .from(savedViews)
        .where(and(eq(savedViews.workspaceId, workspaceId), or(eq(savedViews.ownerId, userId), eq(savedViews.shared, true))))
        .orderBy(sql`lower(${savedViews.name})`, asc(savedViews.id));
    },

    async find(workspaceId: string, id: string): Promise<SavedViewRow | undefined> {
      const [row] = await db
        .select()
        .from(savedViews)
        .where(and(eq(savedViews.workspaceId, workspaceId), eq(savedViews.id, id)));
      return row;
    },

    async insert(tx: DbOrTx, values: SavedViewValues & { workspaceId: string; ownerId: string }): Promise<SavedViewRow> {
      const [row] = await tx.insert(savedViews).values(values).returning();
      return row!;
    },

    async update(tx: DbOrTx, workspaceId: string, id: string, patch: Partial<SavedViewValues> & { updatedAt: Date }): Promise<SavedViewRow | undefined> {
      const [row] = await tx
        .update(savedViews)
        .set(patch)
        .where(and(eq(savedViews.workspaceId, workspaceId), eq(savedViews.id, id)))
        .returning();
      return row;
    },

    async delete(tx: DbOrTx, workspaceId: string, id: string): Promise<void> {
      await tx.delete(savedViews).where(and(eq(savedViews.workspaceId, workspaceId), eq(savedViews.id, id)));
    },
  };
}

export type SavedViewsRepository = ReturnType<typeof createSavedViewsRepository>;
