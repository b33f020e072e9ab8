import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../platform/db/client.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';
import { webFormSubmissions, webFormThrottle, webForms } from './web-forms.table.ts';

export type WebFormRow = typeof webForms.$inferSelect;
export type WebFormInsert = typeof webForms.$inferInsert;
export type WebFormSubmissionRow = typeof webFormSubmissions.$inferSelect;
export type WebFormStats = { submissionCount: number; lastSubmissionAt: Date | null };

/** What the public page needs besides the form: the workspace's language and default phone country. */
export type PublicWebForm = { form: WebFormRow; locale: string; defaultCountry: string };

export function createWebFormsRepository(db: Db) {
  return {
    async insertForm(tx: DbOrTx, values: WebFormInsert): Promise<WebFormRow> {
      const [row] = await tx.insert(webForms).values(values).returning();
      return row!;
    },

    listForms: (workspaceId: string) => db.select().from(webForms).where(eq(webForms.workspaceId, workspaceId)).orderBy(desc(webForms.createdAt), desc(webForms.id)),

    async findForm(workspaceId: string, id: string, tx: DbOrTx = db): Promise<WebFormRow | undefined> {
      const [row] = await tx.select().from(webForms).where(and(eq(webForms.workspaceId, workspaceId), eq(webForms.id, id)));
      return row;
    },

    /** Across workspaces: the public id is all a visitor's browser sends. */
    async findPublicForm(publicId: string): Promise<PublicWebForm | undefined> {
      const [row] = await db
        .select({ form: webForms, locale: workspaces.locale, defaultCountry: workspaces.defaultCountry })
        .from(webForms)
        .innerJoin(workspaces, eq(workspaces.id, webForms.workspaceId))
        .where(eq(webForms.publicId, publicId));
      return row;
    },

    async updateForm(tx: DbOrTx, workspaceId: string, id: string, set: Partial<WebFormInsert>): Promise<WebFormRow | undefined> {
      const [row] = await tx
        .update(webForms)
        .set(set)
        .where(and(eq(webForms.workspaceId, workspaceId), eq(webForms.id, id)))
        .returning();
      return row;
    },

    async deleteForm(tx: DbOrTx, workspaceId: string, id: string): Promise<WebFormRow | undefined> {
      const [row] = await tx
        .delete(webForms)
        .where(and(eq(webForms.workspaceId, workspaceId), eq(webForms.id, id)))
        .returning();
      return row;
    },

    async stats(workspaceId: string, formIds: string[]): Promise<Map<string, WebFormStats>> {
      if (!formIds.length) return new Map();
      const rows = await db
        .select({
          formId: webFormSubmissions.formId,
          n: sql<number>`count(*)::int`,
          last: sql<string | null>`max(${webFormSubmissions.createdAt})`,
        })
        .from(webFormSubmissions)
        .where(and(eq(webFormSubmissions.workspaceId, workspaceId), inArray(webFormSubmissions.formId, formIds)))
        .groupBy(webFormSubmissions.formId);
      return new Map(rows.map((r) => [r.formId, { submissionCount: Number(r.n), lastSubmissionAt: r.last ? new Date(r.last) : null }]));
    },

    // Submissions

    /** Claims a form token's nonce: undefined when it was used before (the submission is a repeat). */
    async claimSubmission(tx: DbOrTx, values: typeof webFormSubmissions.$inferInsert): Promise<WebFormSubmissionRow | undefined> {
      const [row] = await tx.insert(webFormSubmissions).values(values).onConflictDoNothing({ target: [webFormSubmissions.formId, webFormSubmissions.nonce] }).returning();
      return row;
    },

    async settleSubmission(tx: DbOrTx, id: string, leadId: string, outcome: 'created' | 'came_back'): Promise<void> {
      await tx.update(webFormSubmissions).set({ leadId, outcome }).where(eq(webFormSubmissions.id, id));
    },

    /** A lead's submissions, newest first, with the form's name. */
    submissionsOfLead: (workspaceId: string, leadId: string) =>
      db
        .select({ submission: webFormSubmissions, formName: webForms.name })
        .from(webFormSubmissions)
        .innerJoin(webForms, eq(webForms.id, webFormSubmissions.formId))
        .where(and(eq(webFormSubmissions.workspaceId, workspaceId), eq(webFormSubmissions.leadId, leadId)))
        .orderBy(desc(webFormSubmissions.createdAt), desc(webFormSubmissions.id))
        .limit(100),

    /** A form's submissions, newest first, a page at a time (keyset on created_at, id). */
    submissionsOfForm(workspaceId: string, formId: string, before: { createdAt: Date; id: string } | null, limit: number) {
      const where = [eq(webFormSubmissions.workspaceId, workspaceId), eq(webFormSubmissions.formId, formId)];
      if (before) {
        where.push(
          or(
            lt(webFormSubmissions.createdAt, before.createdAt),
            and(eq(webFormSubmissions.createdAt, before.createdAt), lt(webFormSubmissions.id, before.id)),
          )!,
        );
      }
      return db
        .select({ submission: webFormSubmissions, formName: webForms.name })
        .from(webFormSubmissions)
        .innerJoin(webForms, eq(webForms.id, webFormSubmissions.formId))
        .where(and(...where))
        .orderBy(desc(webFormSubmissions.createdAt), desc(webFormSubmissions.id))
        .limit(limit);
    },

    // Rate limit

    /** Counts one submission from a client in the current window (a new window starts after `windowMs`); returns the count. */
    async countHit(formId: string, clientKey: string, at: Date, windowMs: number): Promise<number> {
      const expired = new Date(at.getTime() - windowMs).toISOString();
      const [row] = await db
        .insert(webFormThrottle)
        .values({ formId, clientKey, windowStart: at, hits: 1 })
        .onConflictDoUpdate({
          target: [webFormThrottle.formId, webFormThrottle.clientKey],
          set: {
            hits: sql`CASE WHEN ${webFormThrottle.windowStart} <= ${expired}::timestamptz THEN 1 ELSE ${webFormThrottle.hits} + 1 END`,
            windowStart: sql`CASE WHEN ${webFormThrottle.windowStart} <= ${expired}::timestamptz THEN ${at.toISOString()}::timestamptz ELSE ${webFormThrottle.windowStart} END`,
          },
        })
        .returning({ hits: webFormThrottle.hits });
      return row!.hits;
    },

    async purgeThrottle(before: Date): Promise<number> {
      const rows = await db.delete(webFormThrottle).where(lt(webFormThrottle.windowStart, before)).returning({ formId: webFormThrottle.formId });
      return rows.length;
    },
  };
}

export type WebFormsRepository = ReturnType<typeof createWebFormsRepository>;
