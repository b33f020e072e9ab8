import { leadQuery, type LeadQuery } from '@leadflow/shared/leads';
import { diffValues, writeAudit } from '../../platform/audit/audit.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import type { AppDeps } from '../../platform/http/types.ts';
import type { LeadListActor, LeadListService } from './lead-list.service.ts';
import { createSavedViewsRepository, type SavedViewRow } from './saved-views.repository.ts';

export type SavedViewInput = { name: string; shared: boolean; query: LeadQuery; columns: string[] };

const EMPTY_QUERY = leadQuery.parse({});

function toView(row: SavedViewRow, userId: string) {
  // Stored queries were checked when saved; one that no longer parses shows as an empty view instead of failing the list.
  const query = leadQuery.safeParse(row.query);
  return {
    id: row.id,
    name: row.name,
    shared: row.shared,
    mine: row.ownerId === userId,
    query: query.success ? query.data : EMPTY_QUERY,
    columns: row.columns,
  };
}

/**
 * Named list queries with their columns. Private views are their owner's alone (others get 404); shared ones are
 * seen by the whole workspace and changed by their owner or by holders of workspace.manage.
 */
export function createSavedViewsService(deps: AppDeps, leadList: LeadListService) {
  const db = deps.database.db;
  const repo = createSavedViewsRepository(db);

  async function visibleOrNotFound(actor: LeadListActor, id: string): Promise<SavedViewRow> {
    const row = await repo.find(actor.workspaceId, id);
    if (!row || (row.ownerId !== actor.userId && !row.shared)) throw notFound('View');
    return row;
  }

  function assertMayChange(actor: LeadListActor, row: SavedViewRow): void {
    if (row.ownerId !== actor.userId && !actor.permissions.has('workspace.manage')) {
      throw forbidden('Only the owner of a shared view or an admin can change it');
    }
  }

  const audit = (actor: LeadListActor, action: string, id: string, values: { oldValues?: Record<string, unknown>; newValues?: Record<string, unknown> }) => ({
    workspaceId: actor.workspaceId,
    actorId: actor.userId,
    action,
    entityType: 'saved_view',
    entityId: id,
    ...values,
    ip: actor.ip,
  });

  return {
    async list(actor: LeadListActor) {
      return (await repo.listVisible(actor.workspaceId, actor.userId)).map((r) => toView(r, actor.userId));
    },

    async create(actor: LeadListActor, input: SavedViewInput) {
      await leadList.checkQuery(actor, input.query, input.columns, 'query', 'columns');
      const row = await db.transaction(async (tx) => {
        const created = await repo.insert(tx, { workspaceId: actor.workspaceId, ownerId: actor.userId, ...input });
        await writeAudit(tx, audit(actor, 'saved_view.create', created.id, { newValues: { name: created.name, shared: created.shared } }));
        return created;
      });
      return toView(row, actor.userId);
    },

    async update(actor: LeadListActor, id: string, patch: Partial<SavedViewInput>) {
      const before = await visibleOrNotFound(actor, id);
      assertMayChange(actor, before);
      if (patch.query || patch.columns) {
        await leadList.checkQuery(actor, patch.query ?? toView(before, actor.userId).query, patch.columns ?? before.columns, 'query', 'columns');
      }
      const row = await db.transaction(async (tx) => {
        const updated = await repo.update(tx, actor.workspaceId, id, { ...patch, updatedAt: deps.now() });
        if (!updated) throw notFound('View');
        const diff = diffValues(before as unknown as Record<string, unknown>, patch);
        if (diff) await writeAudit(tx, audit(actor, 'saved_view.update', id, diff));
        return updated;
      });
      return toView(row, actor.userId);
    },

    async delete(actor: LeadListActor, id: string) {
      const before = await visibleOrNotFound(actor, id);
      assertMayChange(actor, before);
      await db.transaction(async (tx) => {
        await repo.delete(tx, actor.workspaceId, id);
        await writeAudit(tx, audit(actor, 'saved_view.delete', id, { oldValues: { name: before.name, shared: before.shared } }));
      });
    },
  };
}

export type SavedViewsService = ReturnType<typeof createSavedViewsService>;
