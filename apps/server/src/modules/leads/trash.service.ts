import { writeAudit } from '../../platform/audit/audit.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import { createLeadsRepository } from './leads.repository.ts';

export const PURGE_TRASH_JOB = 'leads-purge-trash';
/** Every day at 03:17 UTC: off the hour, when few people work. */
const PURGE_TRASH_CRON = '17 3 * * *';
/** Leads deleted per transaction: keeps each one short on a big backlog. */
const PURGE_BATCH = 500;

export function createTrashService(deps: AppDeps) {
  const db = deps.database.db;
  const repo = createLeadsRepository(db);

  return {
    /** Deletes every lead in the workspace's trash for good. */
    async emptyTrash(actor: Actor): Promise<{ deleted: number }> {
      const deleted = await db.transaction(async (tx) => {
        const n = await repo.deleteTrashed(tx, actor.workspaceId);
        if (n > 0) {
          await writeAudit(tx, {
            workspaceId: actor.workspaceId,
            actorId: actor.userId,
            action: 'trash.empty',
            entityType: 'trash',
            oldValues: { leads: n },
            newValues: { leads: 0 },
            ip: actor.ip,
          });
        }
        return n;
      });
      if (deleted > 0) await deps.events.publish({ workspaceId: actor.workspaceId, type: 'trash.emptied', data: { deleted }, audience: { permission: 'trash.manage' } });
      return { deleted };
    },

    /**
     * Deletes, in every workspace, leads trashed longer ago than the workspace's retention. Idempotent: a
     * second run (a retried or duplicated job) finds nothing left to do.
     */
    async purgeExpiredTrash(): Promise<{ deleted: number }> {
      let deleted = 0;
      for (;;) {
        const at = deps.now();
        const n = await db.transaction(async (tx) => {
          const rows = await repo.deleteExpiredTrash(tx, at, PURGE_BATCH);
          const perWorkspace = new Map<string, number>();
          for (const r of rows) perWorkspace.set(r.workspaceId, (perWorkspace.get(r.workspaceId) ?? 0) + 1);
          await writeAudit(
            tx,
            [...perWorkspace].map(([workspaceId, count]) => ({
              workspaceId,
              actorId: null,
              action: 'trash.purge',
              entityType: 'trash',
              oldValues: { leads: count },
              newValues: { purgedBefore: at.toISOString() },
            })),
          );
          return rows.length;
        });
        deleted += n;
        if (n < PURGE_BATCH) return { deleted };
      }
    },
  };
}

export type TrashService = ReturnType<typeof createTrashService>;

/**
 * The daily purge. Workers of every instance may handle it; only instances that run jobs put it on the
 * schedule (pg-boss keeps one run per slot across them).
 */
export async function registerTrashJobs(deps: AppDeps, trash: TrashService): Promise<void> {
  await deps.jobs.register(PURGE_TRASH_JOB, async () => {
    await trash.purgeExpiredTrash();
  });
  if (deps.config.jobsEnabled) await deps.jobs.schedule(PURGE_TRASH_JOB, PURGE_TRASH_CRON);
}
