import { and, eq, inArray, isNotNull, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../platform/db/client.ts';
import type { Actor } from '../../platform/http/types.ts';
import { users } from '../accounts/accounts.table.ts';
import { pipelineStages } from '../pipelines/pipelines.table.ts';
import { memberships, workspaces } from '../workspaces/workspaces.table.ts';
import { leadSelection, type LeadRow, type LeadView } from './leads.mapper.ts';
import { activities, leadContacts, leads } from './leads.table.ts';

export type LeadRecord = LeadView;
export type LeadInsert = typeof leads.$inferInsert;
/** Columns a person's edit may change; version, timestamps and trash state are the repository's business. */
export type LeadChanges = Partial<
  Omit<LeadInsert, 'id' | 'workspaceId' | 'version' | 'createdAt' | 'createdBy' | 'deletedAt' | 'deletedBy' | 'origin' | 'externalId' | 'nameSearch'>
>;
export type ContactRecord = typeof leadContacts.$inferSelect;
/** A contact as the lead page shows it. */
export type LeadContactView = Pick<ContactRecord, 'id' | 'name' | 'role' | 'phoneRaw' | 'phoneE164' | 'email' | 'linkedin' | 'position'>;
type ActivityRecord = typeof activities.$inferSelect;
export type ActivityInsert = Omit<typeof activities.$inferInsert, 'id'>;
export type TimelineRow = { activity: ActivityRecord; actorName: string | null };

/**
 * Which leads a member may see: the workspace's, and — without `leads.view_all` — only the ones they own.
 * Every lead query goes through it, so the record-level rule cannot be forgotten by a route.
 */
export type LeadScope = { workspaceId: string; onlyOwnerId: string | null };

export function leadScopeOf(actor: Actor): LeadScope {
  return { workspaceId: actor.workspaceId, onlyOwnerId: actor.permissions.has('leads.view_all') ? null : actor.userId };
}

/** The whole workspace, for reads done on the system's behalf (a lead just created, the trash purge). */
export const workspaceScope = (workspaceId: string): LeadScope => ({ workspaceId, onlyOwnerId: null });

function visibleLeads(scope: LeadScope): SQL {
  const where = [eq(leads.workspaceId, scope.workspaceId)];
  if (scope.onlyOwnerId) where.push(eq(leads.ownerId, scope.onlyOwnerId));
  return and(...where)!;
}

/** The statement of the lead page (a builder, so the benchmarks run the same SQL). */
export function leadWithContactsQuery(db: Db, scope: LeadScope, id: string) {
  const contacts = sql<LeadContactView[]>`(
    SELECT coalesce(json_agg(json_build_object(
      'id', c.id, 'name', c.name, 'role', c.role, 'phoneRaw', c.phone_raw, 'phoneE164', c.phone_e164,
      'email', c.email, 'linkedin', c.linkedin, 'position', c.position) ORDER BY c.position, c.created_at), '[]'::json)
    FROM ${leadContacts} c WHERE c.workspace_id = ${leads.workspaceId} AND c.lead_id = ${leads.id})`;
  return db
    .select({ ...leadSelection, contacts })
    .from(leads)
    .leftJoin(users, eq(users.id, leads.ownerId))
    .leftJoin(pipelineStages, eq(pipelineStages.id, leads.stageId))
    .where(and(visibleLeads(scope), eq(leads.id, id)));
}

export function createLeadsRepository(db: Db) {
  return {
    /** A lead the scope may see, trashed or not, with its owner's name and stage. */
    async findLead(scope: LeadScope, id: string, tx: DbOrTx = db): Promise<LeadRow | undefined> {
      const [row] = await tx
        .select(leadSelection)
        .from(leads)
        .leftJoin(users, eq(users.id, leads.ownerId))
        .leftJoin(pipelineStages, eq(pipelineStages.id, leads.stageId))
        .where(and(visibleLeads(scope), eq(leads.id, id)));
      return row;
    },

    /** The lead page in one round trip: the lead, its owner and stage, and its contacts in order. */
    async findLeadWithContacts(scope: LeadScope, id: string): Promise<(LeadRow & { contacts: LeadContactView[] }) | undefined> {
      const [row] = await leadWithContactsQuery(db, scope, id);
      return row;
    },

    /** Whether the scope may see this lead (trashed or not): a timeline needs no more than that. */
    async leadVisible(scope: LeadScope, id: string): Promise<boolean> {
      const [row] = await db
        .select({ id: leads.id })
        .from(leads)
        .where(and(visibleLeads(scope), eq(leads.id, id)));
      return row !== undefined;
    },

    async insertLead(tx: DbOrTx, values: LeadInsert): Promise<string> {
      const [row] = await tx.insert(leads).values(values).returning({ id: leads.id });
      return row!.id;
    },

    /** One multi-row insert (imports, demo data); callers that need to tell the rows apart give their ids. */
    async insertLeads(tx: DbOrTx, values: LeadInsert[]): Promise<void> {
      if (values.length) await tx.insert(leads).values(values);
    },

    /**
     * Optimistic concurrency: the write happens only if the lead still has the version the editor read, and
     * bumps it. False when someone else saved first (or the lead left the scope or went to the trash).
     */
    async updateLeadAtVersion(tx: DbOrTx, scope: LeadScope, id: string, version: number, changes: LeadChanges): Promise<boolean> {
      const rows = await tx
        .update(leads)
        .set({ ...changes, version: sql`${leads.version} + 1` })
        .where(and(visibleLeads(scope), eq(leads.id, id), eq(leads.version, version), isNull(leads.deletedAt)))
        .returning({ id: leads.id });
      return rows.length === 1;
    },

    async moveToTrash(tx: DbOrTx, scope: LeadScope, id: string, by: string, at: Date): Promise<boolean> {
      const rows = await tx
        .update(leads)
        .set({ deletedAt: at, deletedBy: by, updatedAt: at, lastActivityAt: at, version: sql`${leads.version} + 1` })
        .where(and(visibleLeads(scope), eq(leads.id, id), isNull(leads.deletedAt)))
        .returning({ id: leads.id });
      return rows.length === 1;
    },

    async restoreFromTrash(tx: DbOrTx, scope: LeadScope, id: string, at: Date): Promise<boolean> {
      const rows = await tx
        .update(leads)
        .set({ deletedAt: null, deletedBy: null, updatedAt: at, lastActivityAt: at, version: sql`${leads.version} + 1` })
        .where(and(visibleLeads(scope), eq(leads.id, id), isNotNull(leads.deletedAt)))
        .returning({ id: leads.id });
      return rows.length === 1;
    },

    /** Notes and contacts are activity, not an edit of the lead: no new version, so open edit forms stay valid. */
    async touchLastActivity(tx: DbOrTx, workspaceId: string, leadId: string, at: Date): Promise<void> {
      await tx
        .update(leads)
        .set({ lastActivityAt: at })
        .where(and(eq(leads.workspaceId, workspaceId), eq(leads.id, leadId)));
    },

    async insertActivities(tx: DbOrTx, rows: ActivityInsert[]): Promise<ActivityRecord[]> {
      if (!rows.length) return [];
      return tx.insert(activities).values(rows).returning();
    },

    /** Newest first; keyset on the activity id. */
    async listTimeline(workspaceId: string, leadId: string, beforeId: bigint | undefined, limit: number): Promise<TimelineRow[]> {
      const where = [eq(activities.workspaceId, workspaceId), eq(activities.leadId, leadId)];
      if (beforeId !== undefined) where.push(lt(activities.id, beforeId));
      return db
        .select({ activity: activities, actorName: users.name })
        .from(activities)
        .leftJoin(users, eq(users.id, activities.actorId))
        .where(and(...where))
        // In the order of activities_lead_idx (lead_id, id DESC NULLS LAST): the first `limit` entries, no sort.
        .orderBy(sql`${activities.id} DESC NULLS LAST`)
        .limit(limit);
    },

    async findTimelineItem(workspaceId: string, leadId: string, id: bigint, tx: DbOrTx = db): Promise<TimelineRow | undefined> {
      const [row] = await tx
        .select({ activity: activities, actorName: users.name })
        .from(activities)
        .leftJoin(users, eq(users.id, activities.actorId))
        .where(and(eq(activities.workspaceId, workspaceId), eq(activities.leadId, leadId), eq(activities.id, id)));
      return row;
    },

    async updateActivity(tx: DbOrTx, workspaceId: string, id: bigint, values: { data: Record<string, unknown>; mentions: string[]; updatedAt: Date }): Promise<void> {
      await tx
        .update(activities)
        .set(values)
        .where(and(eq(activities.workspaceId, workspaceId), eq(activities.id, id)));
    },

    async deleteActivity(tx: DbOrTx, workspaceId: string, id: bigint): Promise<void> {
      await tx.delete(activities).where(and(eq(activities.workspaceId, workspaceId), eq(activities.id, id)));
    },

    async findContact(workspaceId: string, leadId: string, id: string): Promise<ContactRecord | undefined> {
      const [row] = await db
        .select()
        .from(leadContacts)
        .where(and(eq(leadContacts.workspaceId, workspaceId), eq(leadContacts.leadId, leadId), eq(leadContacts.id, id)));
      return row;
    },

    async insertContact(tx: DbOrTx, values: Omit<typeof leadContacts.$inferInsert, 'id' | 'position'>): Promise<ContactRecord> {
      const [row] = await tx
        .insert(leadContacts)
        .values({
          ...values,
          position: sql`(SELECT coalesce(max(${leadContacts.position}) + 1, 0) FROM ${leadContacts} WHERE ${leadContacts.leadId} = ${values.leadId})`,
        })
        .returning();
      return row!;
    },

    async updateContact(tx: DbOrTx, workspaceId: string, id: string, values: Partial<Pick<ContactRecord, 'name' | 'role' | 'phoneRaw' | 'phoneE164' | 'email' | 'linkedin'>>): Promise<ContactRecord> {
      const [row] = await tx
        .update(leadContacts)
        .set(values)
        .where(and(eq(leadContacts.workspaceId, workspaceId), eq(leadContacts.id, id)))
        .returning();
      return row!;
    },

    async deleteContact(tx: DbOrTx, workspaceId: string, id: string): Promise<void> {
      await tx.delete(leadContacts).where(and(eq(leadContacts.workspaceId, workspaceId), eq(leadContacts.id, id)));
    },

    /** Those of these users who are active members of the workspace, with their names. */
    async activeMembers(workspaceId: string, userIds: string[]): Promise<{ id: string; name: string }[]> {
      if (!userIds.length) return [];
      return db
        .select({ id: users.id, name: users.name })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.status, 'active'), inArray(memberships.userId, userIds)));
    },

    /** Hard-deletes every trashed lead of the workspace (contacts and timeline go with them). */
    async deleteTrashed(tx: DbOrTx, workspaceId: string): Promise<number> {
      const rows = await tx
        .delete(leads)
        .where(and(eq(leads.workspaceId, workspaceId), isNotNull(leads.deletedAt)))
        .returning({ id: leads.id });
      return rows.length;
    },

    /** Up to `limit` leads, of any workspace, trashed longer ago than their workspace keeps them; hard-deleted. */
    async deleteExpiredTrash(tx: DbOrTx, at: Date, limit: number): Promise<{ id: string; workspaceId: string }[]> {
      const expired = tx
        .select({ id: leads.id })
        .from(leads)
        .innerJoin(workspaces, eq(workspaces.id, leads.workspaceId))
        .where(
          and(
            isNotNull(leads.deletedAt),
            sql`${leads.deletedAt} < ${at.toISOString()}::timestamptz - make_interval(days => ${workspaces.trashRetentionDays})`,
          ),
        )
        .limit(limit);
      return tx.delete(leads).where(inArray(leads.id, expired)).returning({ id: leads.id, workspaceId: leads.workspaceId });
    },
  };
}

