import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../platform/db/client.ts';
import { customFields } from './custom-fields.table.ts';

export type CustomFieldRow = typeof customFields.$inferSelect;
export type CustomFieldPatch = Partial<Pick<CustomFieldRow, 'label' | 'required' | 'options' | 'helpText' | 'position' | 'deletedAt'>>;

export function createCustomFieldsRepository(db: Db) {
  return {
    /** Lead fields of a workspace in display order; deleted ones only when asked. */
    async listFields(workspaceId: string, includeDeleted: boolean): Promise<CustomFieldRow[]> {
      const where = [eq(customFields.workspaceId, workspaceId), eq(customFields.entity, 'lead')];
      if (!includeDeleted) where.push(isNull(customFields.deletedAt));
      return db
        .select()
        .from(customFields)
        .where(and(...where))
        .orderBy(asc(customFields.position), asc(customFields.createdAt), asc(customFields.key));
    },

    async findField(workspaceId: string, id: string): Promise<CustomFieldRow | undefined> {
      const [row] = await db
        .select()
        .from(customFields)
        .where(and(eq(customFields.workspaceId, workspaceId), eq(customFields.id, id)));
      return row;
    },

    /** Keys in use, deleted fields included: a key is never given to a second field. */
    async keysStartingWith(workspaceId: string, prefix: string): Promise<Set<string>> {
      const rows = await db
        .select({ key: customFields.key })
        .from(customFields)
        .where(and(eq(customFields.workspaceId, workspaceId), eq(customFields.entity, 'lead'), sql`starts_with(${customFields.key}, ${prefix})`));
      return new Set(rows.map((r) => r.key));
    },

    async nextPosition(workspaceId: string): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`coalesce(max(${customFields.position}) + 1, 0)::int` })
        .from(customFields)
        .where(and(eq(customFields.workspaceId, workspaceId), eq(customFields.entity, 'lead')));
      return row?.n ?? 0;
    },

    async insertField(
      tx: DbOrTx,
      values: Pick<CustomFieldRow, 'workspaceId' | 'key' | 'label' | 'type' | 'required' | 'options' | 'helpText' | 'position'>,
    ): Promise<CustomFieldRow> {
      const [row] = await tx.insert(customFields).values({ ...values, entity: 'lead' }).returning();
      return row!;
    },

    async updateField(tx: DbOrTx, workspaceId: string, id: string, patch: CustomFieldPatch): Promise<CustomFieldRow | undefined> {
      const [row] = await tx
        .update(customFields)
        .set(patch)
        .where(and(eq(customFields.workspaceId, workspaceId), eq(customFields.id, id)))
        .returning();
      return row;
    },
  };
}
