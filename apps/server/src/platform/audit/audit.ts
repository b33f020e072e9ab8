import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.ts';
import { users } from '../../modules/accounts/accounts.table.ts';
import { auditLog } from './audit.table.ts';

export type AuditEntryInput = {
  workspaceId: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  oldValues?: Record<string, unknown> | null;
  newValues?: Record<string, unknown> | null;
  ip?: string | null;
};

/** Writes inside the caller's transaction, so an action and its audit entry commit or fail together. */
export async function writeAudit(tx: DbOrTx, entry: AuditEntryInput | AuditEntryInput[]): Promise<void> {
  const rows = Array.isArray(entry) ? entry : [entry];
  if (!rows.length) return;
  await tx.insert(auditLog).values(
    rows.map((e) => ({
      workspaceId: e.workspaceId,
      actorId: e.actorId,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId ?? null,
      oldValues: e.oldValues ?? null,
      newValues: e.newValues ?? null,
      ip: e.ip ?? null,
    })),
  );
}

/** Only the fields that changed, as { old, new } pairs for the log. */
export function diffValues<T extends Record<string, unknown>>(
  before: T,
  patch: Partial<T>,
): { oldValues: Record<string, unknown>; newValues: Record<string, unknown> } | null {
  const oldValues: Record<string, unknown> = {};
  const newValues: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (JSON.stringify(before[k]) !== JSON.stringify(v)) {
      oldValues[k] = before[k];
      newValues[k] = v;
    }
  }
  return Object.keys(newValues).length ? { oldValues, newValues } : null;
}

export type AuditQuery = {
  workspaceId: string;
  actorId?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  beforeId?: bigint | undefined;
  limit: number;
};

export async function listAudit(db: Db, q: AuditQuery) {
  const where: SQL[] = [eq(auditLog.workspaceId, q.workspaceId)];
  if (q.actorId) where.push(eq(auditLog.actorId, q.actorId));
  if (q.entityType) where.push(eq(auditLog.entityType, q.entityType));
  if (q.entityId) where.push(eq(auditLog.entityId, q.entityId));
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.from) where.push(gte(auditLog.createdAt, q.from));
  if (q.to) where.push(lte(auditLog.createdAt, q.to));
  if (q.beforeId !== undefined) where.push(lt(auditLog.id, q.beforeId));
  return db
    .select({ entry: auditLog, actorName: users.name })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(q.limit);
}
