import { and, asc, count, desc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../platform/db/client.ts';
import { leads } from '../leads/leads.table.ts';
import { leadSources, marketingEvents, workspaceTags } from './marketing.table.ts';

export type LeadSourceRow = typeof leadSources.$inferSelect;
export type MarketingEventRow = typeof marketingEvents.$inferSelect;
export type WorkspaceTagRow = typeof workspaceTags.$inferSelect;
export type LeadSourcePatch = Partial<Pick<LeadSourceRow, 'name' | 'kind' | 'subtypes' | 'position' | 'archivedAt'>>;
export type MarketingEventPatch = Partial<Pick<MarketingEventRow, 'name' | 'eventDate' | 'place' | 'notes' | 'archivedAt'>>;

export function createMarketingRepository(db: Db) {
  return {
    async listSources(workspaceId: string, archived: boolean | undefined, tx: DbOrTx = db): Promise<LeadSourceRow[]> {
      const where = [eq(leadSources.workspaceId, workspaceId)];
      if (archived === true) where.push(isNotNull(leadSources.archivedAt));
      if (archived === false) where.push(isNull(leadSources.archivedAt));
      return tx
        .select()
        .from(leadSources)
        .where(and(...where))
        .orderBy(asc(leadSources.position), asc(leadSources.createdAt));
    },

    async findSource(workspaceId: string, id: string): Promise<LeadSourceRow | undefined> {
      const [row] = await db.select().from(leadSources).where(and(eq(leadSources.workspaceId, workspaceId), eq(leadSources.id, id)));
      return row;
    },

    async nextSourcePosition(workspaceId: string, tx: DbOrTx = db): Promise<number> {
      const [row] = await tx
        .select({ n: sql<number>`coalesce(max(${leadSources.position}) + 1, 0)::int` })
        .from(leadSources)
        .where(eq(leadSources.workspaceId, workspaceId));
      return row?.n ?? 0;
    },

    async insertSource(tx: DbOrTx, values: Pick<LeadSourceRow, 'workspaceId' | 'name' | 'kind' | 'subtypes' | 'position'>): Promise<LeadSourceRow> {
      const [row] = await tx.insert(leadSources).values(values).returning();
      return row!;
    },

    async updateSource(tx: DbOrTx, workspaceId: string, id: string, patch: LeadSourcePatch): Promise<LeadSourceRow | undefined> {
      const [row] = await tx
        .update(leadSources)
        .set(patch)
        .where(and(eq(leadSources.workspaceId, workspaceId), eq(leadSources.id, id)))
        .returning();
      return row;
    },

    async deleteSource(tx: DbOrTx, workspaceId: string, id: string): Promise<void> {
      await tx.delete(leadSources).where(and(eq(leadSources.workspaceId, workspaceId), eq(leadSources.id, id)));
    },

    /** Events with the number of live leads that came from each, newest date first (undated last). */
    async listEvents(workspaceId: string, archived: boolean | undefined): Promise<(MarketingEventRow & { leadCount: number })[]> {
      const where = [eq(marketingEvents.workspaceId, workspaceId)];
      if (archived === true) where.push(isNotNull(marketingEvents.archivedAt));
      if (archived === false) where.push(isNull(marketingEvents.archivedAt));
      const rows = await db
        .select({ event: marketingEvents, leadCount: sql<number>`count(${leads.id})::int` })
        .from(marketingEvents)
        .leftJoin(leads, and(eq(leads.workspaceId, marketingEvents.workspaceId), eq(leads.eventId, marketingEvents.id), isNull(leads.deletedAt)))
        .where(and(...where))
        .groupBy(marketingEvents.id)
        .orderBy(sql`${marketingEvents.eventDate} DESC NULLS LAST`, desc(marketingEvents.createdAt));
      return rows.map((r) => ({ ...r.event, leadCount: r.leadCount }));
    },

    async findEvent(workspaceId: string, id: string, tx: DbOrTx = db): Promise<MarketingEventRow | undefined> {
      const [row] = await tx.select().from(marketingEvents).where(and(eq(marketingEvents.workspaceId, workspaceId), eq(marketingEvents.id, id)));
      return row;
    },

    /** Every lead (trash included) that names the event: an event in use cannot be deleted, only archived. */
    async eventLeadCount(workspaceId: string, id: string, tx: DbOrTx = db): Promise<{ live: number; all: number }> {
      const [row] = await tx
        .select({ all: count(), live: sql<number>`count(*) FILTER (WHERE ${leads.deletedAt} IS NULL)::int` })
        .from(leads)
        .where(and(eq(leads.workspaceId, workspaceId), eq(leads.eventId, id)));
      return { live: row?.live ?? 0, all: row?.all ?? 0 };
    },

    async insertEvent(
      tx: DbOrTx,
      values: Pick<MarketingEventRow, 'workspaceId' | 'name' | 'eventDate' | 'place' | 'notes' | 'createdBy'>,
    ): Promise<MarketingEventRow> {
      const [row] = await tx.insert(marketingEvents).values(values).returning();
      return row!;
    },

    async updateEvent(tx: DbOrTx, workspaceId: string, id: string, patch: MarketingEventPatch): Promise<MarketingEventRow | undefined> {
      const [row] = await tx
        .update(marketingEvents)
        .set(patch)
        .where(and(eq(marketingEvents.workspaceId, workspaceId), eq(marketingEvents.id, id)))
        .returning();
      return row;
    },

    async deleteEvent(tx: DbOrTx, workspaceId: string, id: string): Promise<void> {
      await tx.delete(marketingEvents).where(and(eq(marketingEvents.workspaceId, workspaceId), eq(marketingEvents.id, id)));
    },

    async listTags(workspaceId: string, tx: DbOrTx = db): Promise<WorkspaceTagRow[]> {
      return tx.select().from(workspaceTags).where(eq(workspaceTags.workspaceId, workspaceId)).orderBy(asc(sql`lower(${workspaceTags.name})`));
    },

    async insertTag(tx: DbOrTx, values: Pick<WorkspaceTagRow, 'workspaceId' | 'name' | 'color'>): Promise<WorkspaceTagRow> {
      const [row] = await tx.insert(workspaceTags).values(values).returning();
      return row!;
    },

    async deleteTag(tx: DbOrTx, workspaceId: string, id: string): Promise<WorkspaceTagRow | undefined> {
      const [row] = await tx.delete(workspaceTags).where(and(eq(workspaceTags.workspaceId, workspaceId), eq(workspaceTags.id, id))).returning();
      return row;
    },
  };
}

export type MarketingRepository = ReturnType<typeof createMarketingRepository>;
