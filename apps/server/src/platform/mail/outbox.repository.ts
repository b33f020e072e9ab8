import { and, desc, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { mailOutbox } from './mail.table.ts';

/**
 * Mail of this workspace, plus account-level mail (password resets carry no workspace) of members who
 * belong to this workspace only: an owner must never read another workspace's member's reset link.
 */
export async function listOutbox(db: Db, q: { workspaceId: string; recipients: string[]; limit: number }) {
  const scope = q.recipients.length
    ? or(eq(mailOutbox.workspaceId, q.workspaceId), and(isNull(mailOutbox.workspaceId), inArray(mailOutbox.toAddress, q.recipients)))
    : eq(mailOutbox.workspaceId, q.workspaceId);
  return db.select().from(mailOutbox).where(scope).orderBy(desc(mailOutbox.createdAt)).limit(q.limit);
}
