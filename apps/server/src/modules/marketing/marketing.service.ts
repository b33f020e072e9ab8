import type { z } from 'zod';
import type {
  LeadSource,
  LeadSourceKind,
  MarketingEvent,
  WorkspaceTag,
  createLeadSourceRequest,
  createMarketingEventRequest,
  updateLeadSourceRequest,
  updateMarketingEventRequest,
} from '@leadflow/shared/marketing';
import { diffValues, writeAudit } from '../../platform/audit/audit.ts';
import type { DbOrTx } from '../../platform/db/client.ts';
import { conflict, invalid, isUniqueViolation, notFound } from '../../platform/errors.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import {
  createMarketingRepository,
  type LeadSourcePatch,
  type LeadSourceRow,
  type MarketingEventPatch,
  type MarketingEventRow,
  type WorkspaceTagRow,
} from './marketing.repository.ts';

type CreateSourceInput = z.infer<typeof createLeadSourceRequest>;
type UpdateSourceInput = z.infer<typeof updateLeadSourceRequest>;
type CreateEventInput = z.infer<typeof createMarketingEventRequest>;
type UpdateEventInput = z.infer<typeof updateMarketingEventRequest>;

/** What a preset (or anything else creating many at once) asks for; names compare without case. */
export type SourceSpec = { name: string; kind: LeadSourceKind; subtypes: string[] };
export type TagSpec = { name: string; color: string };

const DUPLICATE_SOURCE = 'Another lead source has this name';
const DUPLICATE_TAG = 'Another tag has this name';

function toSource(row: LeadSourceRow): LeadSource {
  return { id: row.id, name: row.name, kind: row.kind, subtypes: row.subtypes, position: row.position, archived: row.archivedAt !== null };
}

function toEvent(row: MarketingEventRow & { leadCount?: number }): MarketingEvent {
  return {
    id: row.id,
    name: row.name,
    date: row.eventDate,
    place: row.place,
    notes: row.notes,
    archived: row.archivedAt !== null,
    leadCount: row.leadCount ?? 0,
    createdAt: row.createdAt.toISOString(),
  };
}

function toTag(row: WorkspaceTagRow): WorkspaceTag {
  return { id: row.id, name: row.name, color: row.color };
}

/** A real calendar day (2025-02-30 passes the pattern but is not one). */
function checkDay(day: string | null | undefined): void {
  if (!day) return;
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day) throw invalid('date', 'No such calendar day');
}

const sourceSnapshot = (r: LeadSourceRow) => ({ name: r.name, kind: r.kind, subtypes: r.subtypes, position: r.position, archived: r.archivedAt !== null });
const eventSnapshot = (r: MarketingEventRow) => ({ name: r.name, date: r.eventDate, place: r.place, notes: r.notes, archived: r.archivedAt !== null });

/**
 * Inside the caller's transaction (workspace creation, presets): adds the sources missing by name (case ignored)
 * and returns the names added. Existing ones are left as they are, so applying twice adds nothing.
 */
export async function ensureSources(tx: DbOrTx, workspaceId: string, specs: SourceSpec[]): Promise<string[]> {
  const repo = createMarketingRepository(tx);
  const existing = new Set((await repo.listSources(workspaceId, undefined, tx)).map((s) => s.name.toLowerCase()));
  let position = await repo.nextSourcePosition(workspaceId, tx);
  const added: string[] = [];
  for (const spec of specs) {
    if (existing.has(spec.name.toLowerCase())) continue;
    await repo.insertSource(tx, { workspaceId, name: spec.name, kind: spec.kind, subtypes: spec.subtypes, position: position++ });
    existing.add(spec.name.toLowerCase());
    added.push(spec.name);
  }
  return added;
}

/** Like ensureSources, for the workspace's tag list. */
export async function ensureTags(tx: DbOrTx, workspaceId: string, specs: TagSpec[]): Promise<string[]> {
  const repo = createMarketingRepository(tx);
  const existing = new Set((await repo.listTags(workspaceId, tx)).map((t) => t.name.toLowerCase()));
  const added: string[] = [];
  for (const spec of specs) {
    if (existing.has(spec.name.toLowerCase())) continue;
    await repo.insertTag(tx, { workspaceId, name: spec.name, color: spec.color });
    existing.add(spec.name.toLowerCase());
    added.push(spec.name);
  }
  return added;
}

/** Lower-cased names of the workspace's sources and tags, for a preset preview. */
export async function existingSourceAndTagNames(tx: DbOrTx, workspaceId: string): Promise<{ sources: Set<string>; tags: Set<string> }> {
  const repo = createMarketingRepository(tx);
  const [sources, tags] = [await repo.listSources(workspaceId, undefined, tx), await repo.listTags(workspaceId, tx)];
  return { sources: new Set(sources.map((s) => s.name.toLowerCase())), tags: new Set(tags.map((t) => t.name.toLowerCase())) };
}

export function createMarketingService(deps: AppDeps) {
  const db = deps.database.db;
  const repo = createMarketingRepository(db);

  async function audit(tx: DbOrTx, actor: Actor, action: string, entityType: string, id: string, values: { oldValues?: Record<string, unknown>; newValues?: Record<string, unknown> }) {
    await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action, entityType, entityId: id, ...values, ip: actor.ip });
  }

  async function publish(actor: Actor, type: string, data: Record<string, unknown>) {
    await deps.events.publish({ workspaceId: actor.workspaceId, type, data });
  }

  async function sourceOrNotFound(actor: Actor, id: string): Promise<LeadSourceRow> {
    const row = await repo.findSource(actor.workspaceId, id);
    if (!row) throw notFound('Lead source');
    return row;
  }

  async function eventOrNotFound(actor: Actor, id: string): Promise<MarketingEventRow> {
    const row = await repo.findEvent(actor.workspaceId, id);
    if (!row) throw notFound('Event');
    return row;
  }

  return {
    async listSources(actor: Actor, archived?: boolean): Promise<LeadSource[]> {
      return (await repo.listSources(actor.workspaceId, archived)).map(toSource);
    },

    async createSource(actor: Actor, input: CreateSourceInput): Promise<LeadSource> {
      const position = input.position ?? (await repo.nextSourcePosition(actor.workspaceId));
      try {
        const row = await db.transaction(async (tx) => {
          const created = await repo.insertSource(tx, { workspaceId: actor.workspaceId, name: input.name, kind: input.kind, subtypes: input.subtypes, position });
          await audit(tx, actor, 'lead_source.create', 'lead_source', created.id, { newValues: sourceSnapshot(created) });
          return created;
        });
        await publish(actor, 'lead_source.changed', { sourceId: row.id });
        return toSource(row);
      } catch (err) {
        if (isUniqueViolation(err, 'lead_sources_ws_name_key')) throw conflict(DUPLICATE_SOURCE, 'name');
        throw err;
      }
    },

    async updateSource(actor: Actor, id: string, input: UpdateSourceInput): Promise<LeadSource> {
      const before = await sourceOrNotFound(actor, id);
      const patch: LeadSourcePatch = {};
      if (input.name !== undefined) patch.name = input.name;
      if (input.kind !== undefined) patch.kind = input.kind;
      if (input.subtypes !== undefined) patch.subtypes = input.subtypes;
      if (input.position !== undefined) patch.position = input.position;
      if (input.archived !== undefined && input.archived !== (before.archivedAt !== null)) patch.archivedAt = input.archived ? deps.now() : null;
      const diff = diffValues(sourceSnapshot(before), sourceSnapshot({ ...before, ...patch }));
      if (!diff) return toSource(before);
      try {
        const row = await db.transaction(async (tx) => {
          const updated = await repo.updateSource(tx, actor.workspaceId, id, patch);
          await audit(tx, actor, 'lead_source.update', 'lead_source', id, diff);
          return updated!;
        });
        await publish(actor, 'lead_source.changed', { sourceId: id });
        return toSource(row);
      } catch (err) {
        if (isUniqueViolation(err, 'lead_sources_ws_name_key')) throw conflict(DUPLICATE_SOURCE, 'name');
        throw err;
      }
    },

    /** Leads keep their source text: deleting a list entry never rewrites leads. */
    async deleteSource(actor: Actor, id: string): Promise<void> {
      const before = await sourceOrNotFound(actor, id);
      await db.transaction(async (tx) => {
        await repo.deleteSource(tx, actor.workspaceId, id);
        await audit(tx, actor, 'lead_source.delete', 'lead_source', id, { oldValues: sourceSnapshot(before) });
      });
      await publish(actor, 'lead_source.changed', { sourceId: id });
    },

    async listEvents(actor: Actor, archived?: boolean): Promise<MarketingEvent[]> {
      return (await repo.listEvents(actor.workspaceId, archived)).map(toEvent);
    },

    async getEvent(actor: Actor, id: string): Promise<MarketingEvent> {
      const row = await eventOrNotFound(actor, id);
      const { live } = await repo.eventLeadCount(actor.workspaceId, id);
      return toEvent({ ...row, leadCount: live });
    },

    async createEvent(actor: Actor, input: CreateEventInput): Promise<MarketingEvent> {
      checkDay(input.date);
      const row = await db.transaction(async (tx) => {
        const created = await repo.insertEvent(tx, {
          workspaceId: actor.workspaceId,
          name: input.name,
          eventDate: input.date ?? null,
          place: input.place?.trim() || null,
          notes: input.notes?.trim() || null,
          createdBy: actor.userId,
        });
        await audit(tx, actor, 'marketing_event.create', 'marketing_event', created.id, { newValues: eventSnapshot(created) });
        return created;
      });
      await publish(actor, 'marketing_event.changed', { eventId: row.id });
      return toEvent(row);
    },

    async updateEvent(actor: Actor, id: string, input: UpdateEventInput): Promise<MarketingEvent> {
      const before = await eventOrNotFound(actor, id);
      checkDay(input.date);
      const patch: MarketingEventPatch = {};
      if (input.name !== undefined) patch.name = input.name;
      if (input.date !== undefined) patch.eventDate = input.date;
      if (input.place !== undefined) patch.place = input.place?.trim() || null;
      if (input.notes !== undefined) patch.notes = input.notes?.trim() || null;
      if (input.archived !== undefined && input.archived !== (before.archivedAt !== null)) patch.archivedAt = input.archived ? deps.now() : null;
      const after = { ...before, ...patch };
      const diff = diffValues(eventSnapshot(before), eventSnapshot(after));
      if (diff) {
        await db.transaction(async (tx) => {
          await repo.updateEvent(tx, actor.workspaceId, id, patch);
          await audit(tx, actor, 'marketing_event.update', 'marketing_event', id, diff);
        });
        await publish(actor, 'marketing_event.changed', { eventId: id });
      }
      return this.getEvent(actor, id);
    },

    /** Only an event no lead names (trash included) can be deleted; archive it otherwise. */
    async deleteEvent(actor: Actor, id: string): Promise<void> {
      const before = await eventOrNotFound(actor, id);
      await db.transaction(async (tx) => {
        const used = await repo.eventLeadCount(actor.workspaceId, id, tx);
        if (used.all > 0) throw conflict(`${used.all} lead(s) came from this event; archive it instead of deleting it`, 'id');
        await repo.deleteEvent(tx, actor.workspaceId, id);
        await audit(tx, actor, 'marketing_event.delete', 'marketing_event', id, { oldValues: eventSnapshot(before) });
      });
      await publish(actor, 'marketing_event.changed', { eventId: id });
    },

    /** For the lead service: the event a lead names must be one of the workspace's, and not archived for a new choice. */
    async eventForLead(workspaceId: string, eventId: string, currentEventId: string | null, field = 'eventId'): Promise<MarketingEventRow> {
      const row = await repo.findEvent(workspaceId, eventId);
      if (!row) throw invalid(field, 'No such event in this workspace');
      if (row.archivedAt && row.id !== currentEventId) throw invalid(field, 'This event is archived');
      return row;
    },

    async listTags(actor: Actor): Promise<WorkspaceTag[]> {
      return (await repo.listTags(actor.workspaceId)).map(toTag);
    },

    async createTag(actor: Actor, input: { name: string; color: string }): Promise<WorkspaceTag> {
      try {
        const row = await db.transaction(async (tx) => {
          const created = await repo.insertTag(tx, { workspaceId: actor.workspaceId, name: input.name, color: input.color });
          await audit(tx, actor, 'workspace_tag.create', 'workspace_tag', created.id, { newValues: { name: created.name, color: created.color } });
          return created;
        });
        return toTag(row);
      } catch (err) {
        if (isUniqueViolation(err, 'workspace_tags_ws_name_key')) throw conflict(DUPLICATE_TAG, 'name');
        throw err;
      }
    },

    async deleteTag(actor: Actor, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        const removed = await repo.deleteTag(tx, actor.workspaceId, id);
        if (!removed) throw notFound('Tag');
        await audit(tx, actor, 'workspace_tag.delete', 'workspace_tag', id, { oldValues: { name: removed.name, color: removed.color } });
      });
    },
  };
}

export type MarketingService = ReturnType<typeof createMarketingService>;
