import type { z } from 'zod';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { contactInput, createLeadRequest, leadContact, leadDetail, timelineItem, updateLeadRequest } from '@leadflow/shared/leads';
import { writeAudit } from '../../platform/audit/audit.ts';
import type { DbOrTx } from '../../platform/db/client.ts';
import { conflict, forbidden, invalid, isUniqueViolation, notFound } from '../../platform/errors.ts';
import { normalizePhone, phoneSearchDigits } from '../../platform/geo/phone.ts';
import { isKnownCountry, isValidTimeZone, timeZoneFromLocation } from '../../platform/geo/time-zone.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import type { CustomFieldsService } from '../custom-fields/custom-fields.service.ts';
import type { MarketingService } from '../marketing/marketing.service.ts';
import { applyCustomValues, invalidPhoneMessage } from '../custom-fields/custom-values.ts';
import { distributeLeads, publishAssignments, recordManualAssignment, withdrawOpenOffers, type Distributed } from '../distribution/distribution.assign.ts';
import { createPipelinesRepository, type StageRow } from '../pipelines/pipelines.repository.ts';
import { resolveStageRules } from '../pipelines/stage-rules.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import { toLead, type LeadRow } from './leads.mapper.ts';
import {
  createLeadsRepository,
  leadScopeOf,
  workspaceScope,
  type ActivityInsert,
  type ContactRecord,
  type LeadChanges,
  type LeadContactView,
  type LeadRecord,
  type LeadScope,
  type TimelineRow,
} from './leads.repository.ts';
import type { LeadPhone } from './leads.table.ts';

type CreateLeadInput = z.infer<typeof createLeadRequest>;
type UpdateLeadInput = z.infer<typeof updateLeadRequest>;
type ContactInput = z.infer<typeof contactInput>;
type LeadDetail = z.infer<typeof leadDetail>;
type LeadContact = z.infer<typeof leadContact>;
type TimelineItem = z.infer<typeof timelineItem>;
type Person = { id: string; name: string };

const STALE_LEAD_MESSAGE =
  'This lead was changed by someone else while you were editing it. Reload it to see their changes, then make yours again.';

const TEXT_FIELDS = ['firstName', 'lastName', 'company', 'source', 'sourceDetail', 'campaign', 'city', 'state', 'zip', 'lostReason'] as const;
/** Fields whose changes are listed in a `field_changed` activity; owner and stage get activities of their own. */
const TRACKED_FIELDS = [
  'firstName',
  'lastName',
  'company',
  'phones',
  'emails',
  'source',
  'sourceDetail',
  'eventId',
  'campaign',
  'city',
  'state',
  'country',
  'zip',
  'timeZone',
  'language',
  'tags',
  'score',
  'nextFollowUpAt',
  'lostReason',
] as const;
type TrackedField = (typeof TRACKED_FIELDS)[number];

/** `@[Ana Lima](user:0b7c…)` in a note's markdown. */
const MENTION = /@\[[^\]\n]{1,120}\]\(user:([0-9a-fA-F-]{36})\)/g;

export function parseMentionIds(body: string): string[] {
  return [...new Set([...body.matchAll(MENTION)].map((m) => m[1]!.toLowerCase()))];
}

/** The value of a standard field as the API shows it, so timeline and audit read like the lead itself. */
function apiValue(lead: Partial<LeadRecord>, field: TrackedField): unknown {
  const v = lead[field];
  if (v instanceof Date) return v.toISOString();
  if (field === 'phones') return ((v as LeadPhone[] | undefined) ?? []).map((p) => ({ raw: p.raw, e164: p.e164, ...(p.label ? { label: p.label } : {}) }));
  return v ?? null;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function toContact(c: LeadContactView): LeadContact {
  return { id: c.id, name: c.name, role: c.role, phoneRaw: c.phoneRaw, phoneE164: c.phoneE164, email: c.email, linkedin: c.linkedin, position: c.position };
}

function toTimelineItem({ activity: a, actorName }: TimelineRow): TimelineItem {
  return {
    id: a.id.toString(),
    type: a.type,
    actor: a.actorId ? { id: a.actorId, name: actorName ?? 'Former member' } : null,
    data: a.data,
    mentions: a.mentions,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt ? a.updatedAt.toISOString() : null,
  };
}

/** What the audit log keeps of a lead: enough to know what was lost after the trash is emptied. */
function auditSnapshot(l: LeadRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of TRACKED_FIELDS) out[f] = apiValue(l, f);
  return { ...out, ownerId: l.ownerId, pipelineId: l.pipelineId, stageId: l.stageId, custom: l.custom, origin: l.origin, externalId: l.externalId };
}

/**
 * A phone as typed, with its E.164 form when valid. Numbers libphonenumber cannot even consider possible are
 * refused; possible but unknown ones (new number ranges) are kept as typed, without E.164.
 */
function normalizeLeadPhone(raw: string, country: string, field: string): { raw: string; e164: string | null; country: string | null } {
  const phone = normalizePhone(raw, country);
  if (phone.e164) return phone;
  const parsed = parsePhoneNumberFromString(phone.raw, { defaultCountry: country as CountryCode });
  if (!parsed?.isPossible()) {
    throw invalid(field, invalidPhoneMessage(country));
  }
  return phone;
}

/** The state's zone, else the country's when it has one, else the first valid phone's country's when it has one. */
function deriveTimeZone(country: string | null, state: string | null, phones: LeadPhone[]): string | null {
  const fromLocation = timeZoneFromLocation(country, state);
  if (fromLocation) return fromLocation;
  const first = phones.find((p) => p.e164);
  const phoneCountry = first ? normalizePhone(first.e164!, 'US').country : null;
  return phoneCountry ? timeZoneFromLocation(phoneCountry) : null;
}

export function createLeadsService(
  deps: AppDeps,
  services: { workspaces: WorkspacesService; customFields: CustomFieldsService; marketing: MarketingService },
) {
  const db = deps.database.db;
  const repo = createLeadsRepository(db);
  const pipelines = createPipelinesRepository(db);

  async function visibleLead(actor: Actor, id: string): Promise<LeadRow> {
    const row = await repo.findLead(leadScopeOf(actor), id);
    if (!row) throw notFound('Lead');
    return row;
  }

  async function editableLead(actor: Actor, id: string): Promise<LeadRow> {
    const row = await visibleLead(actor, id);
    if (row.lead.deletedAt) throw conflict('This lead is in the trash; restore it first');
    return row;
  }

  async function detail(scope: LeadScope, id: string): Promise<LeadDetail> {
    const row = await repo.findLeadWithContacts(scope, id);
    if (!row) throw notFound('Lead');
    return { ...toLead(row), contacts: row.contacts.map(toContact) };
  }

  async function memberOrInvalid(workspaceId: string, userId: string, field: string): Promise<Person> {
    const [member] = await repo.activeMembers(workspaceId, [userId]);
    if (!member) throw invalid(field, 'No such member in this workspace');
    return member;
  }

  async function activeMemberIds(workspaceId: string, ids: string[]): Promise<Set<string>> {
    return new Set((await repo.activeMembers(workspaceId, ids)).map((m) => m.id));
  }

  /** Where a lead lands: the given stage (and its pipeline), a pipeline's first open stage, or on create the first open stage of all. */
  async function resolvePlacement(
    actor: Actor,
    input: { stageId?: string | null | undefined; pipelineId?: string | null | undefined },
    current: LeadRecord | null,
  ): Promise<{ stage: StageRow | null; pipelineId: string | null } | undefined> {
    const { stageId, pipelineId } = input;
    if (typeof stageId === 'string') {
      const stage = await pipelines.findStage(actor.workspaceId, stageId);
      if (!stage) throw invalid('stageId', 'No such stage in this workspace');
      if (stage.archivedAt && stage.id !== current?.stageId) throw invalid('stageId', 'This stage is archived');
      if (typeof pipelineId === 'string' && pipelineId !== stage.pipelineId) throw invalid('stageId', 'This stage belongs to another pipeline');
      return { stage, pipelineId: stage.pipelineId };
    }
    if (typeof pipelineId === 'string') {
      if (current && stageId === undefined && pipelineId === current.pipelineId) return undefined;
      const first = await pipelines.firstOpenStage(actor.workspaceId, pipelineId);
      if (!first) throw invalid('pipelineId', 'No such pipeline in this workspace, or it has no open stage');
      return { stage: stageId === null ? null : first, pipelineId };
    }
    if (stageId === null || pipelineId === null) return { stage: null, pipelineId: pipelineId === null ? null : (current?.pipelineId ?? null) };
    if (current) return undefined;
    const first = await pipelines.firstOpenStage(actor.workspaceId);
    return { stage: first ?? null, pipelineId: first?.pipelineId ?? null };
  }

  /** Standard fields of an input as columns: trimmed, phones normalised, derived search columns and time zone. */
  function standardChanges(input: Partial<CreateLeadInput>, current: LeadRecord | null, defaultCountry: string): LeadChanges {
    const set: LeadChanges = {};
    for (const f of TEXT_FIELDS) {
      const v = input[f];
      if (v !== undefined) set[f] = v?.trim() || null;
    }
    if (input.country !== undefined) {
      if (input.country && !isKnownCountry(input.country)) throw invalid('country', 'Unknown country code');
      set.country = input.country || null;
    }
    const country = (set.country !== undefined ? set.country : current?.country) ?? defaultCountry;
    if (input.phones !== undefined) {
      const phones: LeadPhone[] = input.phones.map((p, i) => {
        const n = normalizeLeadPhone(p.raw, country, `phones.${i}.raw`);
        return { raw: n.raw, e164: n.e164, ...(p.label ? { label: p.label } : {}) };
      });
      set.phones = phones;
      set.phoneE164 = [...new Set(phones.flatMap((p) => (p.e164 ? [p.e164] : [])))];
      set.phoneSearch = phoneSearchDigits(phones);
    }
    if (input.emails !== undefined) {
      set.emails = [...new Set(input.emails)];
      set.emailSearch = set.emails.join(' ');
    }
    if (input.tags !== undefined) set.tags = [...new Set(input.tags.map((t) => t.trim()))];
    if (input.score !== undefined) set.score = input.score;
    if (input.language !== undefined) set.language = input.language;
    if (input.eventId !== undefined) set.eventId = input.eventId;
    if (input.nextFollowUpAt !== undefined) set.nextFollowUpAt = input.nextFollowUpAt ? new Date(input.nextFollowUpAt) : null;

    const timeZone = input.timeZone === undefined ? undefined : input.timeZone?.trim() || null;
    if (timeZone) {
      if (!isValidTimeZone(timeZone)) throw invalid('timeZone', 'Unknown time zone');
      set.timeZone = timeZone;
    } else if (timeZone === null && current) {
      set.timeZone = null;
    } else {
      const next = { ...current, ...set };
      const moved = current === null || set.country !== undefined || set.state !== undefined;
      // A new place means a new local time; new phones only fill a zone that is still unknown.
      if (moved || (set.phones !== undefined && !current?.timeZone)) {
        set.timeZone = deriveTimeZone(next.country ?? null, next.state ?? null, next.phones ?? []);
      }
    }

    const next = { ...current, ...set };
    const identified = next.firstName || next.lastName || next.company || next.phones?.length || next.emails?.length;
    if (!identified) throw invalid('firstName', 'Give the lead a name, a company, a phone or an email');
    return set;
  }

  function activityRow(actor: Actor, leadId: string, type: string, data: Record<string, unknown>, at: Date, mentions: string[] = []): ActivityInsert {
    return { workspaceId: actor.workspaceId, leadId, type, actorId: actor.userId, data, mentions, createdAt: at };
  }

  async function audit(tx: DbOrTx, actor: Actor, action: string, leadId: string, values: { oldValues?: Record<string, unknown>; newValues?: Record<string, unknown> }) {
    await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action, entityType: 'lead', entityId: leadId, ...values, ip: actor.ip });
  }

  /** Agents hear only about their own leads; holders of leads.view_all about every lead. */
  async function publishLead(actor: Actor, type: 'lead.created' | 'lead.updated' | 'lead.deleted', leadId: string, ownerIds: (string | null)[]) {
    const owners = [...new Set(ownerIds.filter((o): o is string => Boolean(o)))];
    await deps.events.publish({
      workspaceId: actor.workspaceId,
      type,
      data: { leadId, ownerId: ownerIds[ownerIds.length - 1] ?? null },
      audience: { userIds: owners, permission: 'leads.view_all' },
    });
  }

  async function publishMentions(actor: Actor, leadId: string, activityId: bigint, userIds: string[]) {
    const audience = userIds.filter((id) => id !== actor.userId);
    if (!audience.length) return;
    await deps.events.publish({
      workspaceId: actor.workspaceId,
      type: 'mention',
      data: { leadId, activityId: activityId.toString(), byUserId: actor.userId },
      audience: { userIds: audience },
    });
  }

  async function mentionedMembers(workspaceId: string, body: string): Promise<string[]> {
    const ids = parseMentionIds(body);
    const active = await activeMemberIds(workspaceId, ids);
    return ids.filter((id) => active.has(id));
  }

  function contactFields(input: Partial<ContactInput>, country: string) {
    const out: Partial<Pick<ContactRecord, 'name' | 'role' | 'phoneRaw' | 'phoneE164' | 'email' | 'linkedin'>> = {};
    if (input.name !== undefined) out.name = input.name;
    if (input.role !== undefined) out.role = input.role?.trim() || null;
    if (input.email !== undefined) out.email = input.email || null;
    if (input.linkedin !== undefined) out.linkedin = input.linkedin || null;
    if (input.phone !== undefined) {
      const raw = input.phone?.trim();
      const phone = raw ? normalizeLeadPhone(raw, country, 'phone') : null;
      out.phoneRaw = phone?.raw ?? null;
      out.phoneE164 = phone?.e164 ?? null;
    }
    return out;
  }

  async function noteOrNotFound(actor: Actor, leadId: string, noteId: string): Promise<TimelineRow> {
    const row = await repo.findTimelineItem(actor.workspaceId, leadId, BigInt(noteId));
    if (!row || row.activity.type !== 'note') throw notFound('Note');
    return row;
  }

  function assertMayChangeNote(actor: Actor, note: TimelineRow): void {
    const moderator = actor.permissions.has('leads.edit') && actor.permissions.has('leads.view_all');
    if (note.activity.actorId !== actor.userId && !moderator) throw forbidden('Only the author of a note, or a manager, can change it');
  }


  /** `lead.assigned` (reason manual) to an owner someone else chose, best effort after commit. */
  async function announceOwnerByHand(actor: Actor, leadId: string, ownerId: string, fromUserId: string | null): Promise<void> {
    await deps.events
      .publish({
        workspaceId: actor.workspaceId,
        type: 'lead.assigned',
        data: { leadId, ownerId, ruleId: null, reason: 'manual', fromUserId, byUserId: actor.userId },
        audience: { userIds: [ownerId], permission: 'leads.view_all' },
      })
      .catch(() => undefined);
  }

  return {
    async createLead(actor: Actor, input: CreateLeadInput): Promise<LeadDetail> {
      const ws = await services.workspaces.getSettings(actor);
      const set = standardChanges(input, null, ws.defaultCountry);
      if (set.eventId) await services.marketing.eventForLead(actor.workspaceId, set.eventId, null);

      // Without leads.view_all a creator must own the lead to see it again.
      let ownerId = input.ownerId !== undefined ? input.ownerId : actor.permissions.has('leads.view_all') ? null : actor.userId;
      if (ownerId && ownerId !== actor.userId && !actor.permissions.has('leads.assign')) {
        throw forbidden('Your role does not allow assigning leads to others (leads.assign)');
      }
      if (ownerId) ownerId = (await memberOrInvalid(actor.workspaceId, ownerId, 'ownerId')).id;

      const placement = (await resolvePlacement(actor, input, null))!;
      // The stage decides the lost reason and whether the lead is a client (ADR 009).
      let clientSince: Date | null = null;
      if (placement.stage) {
        const rules = await resolveStageRules(db, actor.workspaceId, {
          fromKind: null,
          to: placement.stage,
          lostReasonInput: set.lostReason,
          currentLostReason: null,
          at: deps.now(),
          field: 'lostReason',
        });
        set.lostReason = rules.lostReason;
        clientSince = rules.clientSince;
      }
      const definitions = await services.customFields.definitionsForValues(actor.workspaceId);
      const { custom } = await applyCustomValues(definitions, input.custom ?? {}, null, {
        defaultCountry: set.country ?? ws.defaultCountry,
        activeMemberIds: (ids) => activeMemberIds(actor.workspaceId, ids),
      });

      const at = deps.now();
      const origin = 'manual';
      let id: string;
      let distributed: Distributed[] = [];
      try {
        id = await db.transaction(async (tx) => {
          const leadId = await repo.insertLead(tx, {
            ...set,
            workspaceId: actor.workspaceId,
            ownerId,
            stageId: placement.stage?.id ?? null,
            pipelineId: placement.pipelineId,
            clientSince,
            custom,
            origin,
            externalId: input.externalId ?? null,
            createdBy: actor.userId,
            createdAt: at,
            updatedAt: at,
            lastActivityAt: at,
          });
          await repo.insertActivities(tx, [activityRow(actor, leadId, 'created', { origin, source: set.source ?? null }, at)]);
          const created = await repo.findLead(workspaceScope(actor.workspaceId), leadId, tx);
          await audit(tx, actor, 'lead.create', leadId, { newValues: auditSnapshot(created!.lead) });
          // A lead created without naming an owner goes through the distribution rules, like a captured one.
          if (input.ownerId === undefined && !ownerId) {
            distributed = await distributeLeads(tx, { workspaceId: actor.workspaceId, leadIds: [leadId], at });
            ownerId = distributed[0]?.owner?.id ?? null;
          } else if (ownerId) {
            // An owner named at creation (or the creator, without leads.view_all) is an assignment by hand: it is in
            // the lead's history and the log, and the owner's speed-to-lead clock starts (ADR 011).
            await recordManualAssignment(tx, { workspaceId: actor.workspaceId, leadId, fromUserId: null, toUserId: ownerId, byUserId: actor.userId, at });
          }
          return leadId;
        });
      } catch (err) {
        if (isUniqueViolation(err, 'leads_external_key')) throw conflict('A lead with this external id exists', 'externalId');
        throw err;
      }
      await publishLead(actor, 'lead.created', id, [ownerId]);
      await publishAssignments(deps, actor.workspaceId, distributed);
      // An owner named by someone else hears about it, as after a change of owner.
      if (ownerId && !distributed.length && ownerId !== actor.userId) await announceOwnerByHand(actor, id, ownerId, null);
      return detail(workspaceScope(actor.workspaceId), id);
    },

    async getLead(actor: Actor, id: string): Promise<LeadDetail> {
      return detail(leadScopeOf(actor), id);
    },

    async updateLead(actor: Actor, id: string, input: UpdateLeadInput): Promise<LeadDetail> {
      const scope = leadScopeOf(actor);
      const before = await editableLead(actor, id);
      const current = before.lead;
      if (current.version !== input.version) throw conflict(STALE_LEAD_MESSAGE, 'version');
      const ws = await services.workspaces.getSettings(actor);
      const { version: _version, custom: customInput, ownerId: ownerInput, stageId: _s, pipelineId: _p, ...fields } = input;
      const set = standardChanges(fields, current, ws.defaultCountry);
      if (set.eventId && set.eventId !== current.eventId) await services.marketing.eventForLead(actor.workspaceId, set.eventId, current.eventId);

      let newOwner: Person | null | undefined;
      if (ownerInput !== undefined && ownerInput !== current.ownerId) {
        if (!actor.permissions.has('leads.assign')) throw forbidden('Your role does not allow assigning leads (leads.assign)');
        newOwner = ownerInput ? await memberOrInvalid(actor.workspaceId, ownerInput, 'ownerId') : null;
      }
      const placement = await resolvePlacement(actor, input, current);
      const stageMoved = placement !== undefined && (placement.stage?.id ?? null) !== current.stageId;
      const pipelineMoved = placement !== undefined && placement.pipelineId !== current.pipelineId;
      // Same rules as a board move (ADR 009): a lost stage needs a reason from the workspace's list, a won stage
      // makes the lead a client; leaving them clears both.
      let clientSince: Date | null | undefined;
      const finalKind = stageMoved ? (placement.stage?.kind ?? null) : before.stageKind;
      if (stageMoved && !placement.stage) {
        clientSince = null;
      } else if (finalKind && (stageMoved || (finalKind === 'lost' && fields.lostReason !== undefined))) {
        const rules = await resolveStageRules(db, actor.workspaceId, {
          fromKind: before.stageKind,
          fromClientSince: current.clientSince,
          to: { kind: finalKind },
          lostReasonInput: fields.lostReason,
          currentLostReason: current.lostReason,
          at: deps.now(),
          field: 'lostReason',
        });
        set.lostReason = rules.lostReason;
        clientSince = rules.clientSince;
      }

      const definitions = await services.customFields.definitionsForValues(actor.workspaceId);
      const customResult = customInput
        ? await applyCustomValues(definitions, customInput, current.custom, {
            defaultCountry: (set.country !== undefined ? set.country : current.country) ?? ws.defaultCountry,
            activeMemberIds: (ids) => activeMemberIds(actor.workspaceId, ids),
          })
        : { custom: current.custom, changes: [] };

      const fieldChanges: { field: string; old: unknown; new: unknown }[] = [];
      for (const f of TRACKED_FIELDS) {
        if (set[f] === undefined) continue;
        const [oldV, newV] = [apiValue(current, f), apiValue({ ...current, ...set } as LeadRecord, f)];
        if (!same(oldV, newV)) fieldChanges.push({ field: f, old: oldV, new: newV });
      }
      for (const c of customResult.changes) fieldChanges.push({ field: `custom.${c.key}`, old: c.old ?? null, new: c.new });
      if (!fieldChanges.length && newOwner === undefined && !stageMoved && !pipelineMoved) return detail(scope, id);

      const at = deps.now();
      const changes: LeadChanges = { ...set, custom: customResult.custom, updatedAt: at, lastActivityAt: at };
      if (newOwner !== undefined) changes.ownerId = newOwner?.id ?? null;
      if (clientSince !== undefined) changes.clientSince = clientSince;
      if (placement) {
        changes.stageId = placement.stage?.id ?? null;
        changes.pipelineId = placement.pipelineId;
      }

      const activityRows: ActivityInsert[] = [];
      const oldValues: Record<string, unknown> = {};
      const newValues: Record<string, unknown> = {};
      if (fieldChanges.length) activityRows.push(activityRow(actor, id, 'field_changed', { changes: fieldChanges }, at));
      for (const c of fieldChanges) {
        oldValues[c.field] = c.old;
        newValues[c.field] = c.new;
      }
      if (newOwner !== undefined) {
        const from = current.ownerId ? { id: current.ownerId, name: before.ownerName ?? 'Former member' } : null;
        activityRows.push(activityRow(actor, id, 'owner_changed', { from, to: newOwner }, at));
        oldValues.ownerId = current.ownerId;
        newValues.ownerId = newOwner?.id ?? null;
      }
      if (stageMoved) {
        const from = current.stageId ? { id: current.stageId, name: before.stageName ?? '' } : null;
        const to = placement.stage ? { id: placement.stage.id, name: placement.stage.name } : null;
        activityRows.push(activityRow(actor, id, 'stage_changed', { from, to }, at));
        oldValues.stageId = current.stageId;
        newValues.stageId = to?.id ?? null;
      }
      if (pipelineMoved) {
        oldValues.pipelineId = current.pipelineId;
        newValues.pipelineId = placement.pipelineId;
      }

      await db.transaction(async (tx) => {
        // Also guards the moment between our read and this write: a save in between makes it match no row.
        if (!(await repo.updateLeadAtVersion(tx, scope, id, input.version, changes))) throw conflict(STALE_LEAD_MESSAGE, 'version');
        await repo.insertActivities(tx, activityRows);
        await audit(tx, actor, 'lead.update', id, { oldValues, newValues });
        // A change of owner by hand is part of the lead's assignment history (ADR 011).
        if (newOwner !== undefined) await recordManualAssignment(tx, { workspaceId: actor.workspaceId, leadId: id, fromUserId: current.ownerId, toUserId: newOwner?.id ?? null, byUserId: actor.userId, at });
      });
      const ownerId = newOwner !== undefined ? (newOwner?.id ?? null) : current.ownerId;
      await publishLead(actor, 'lead.updated', id, [current.ownerId, ownerId]);
      // The new owner hears about it (toast, "my new leads", the notification centre), unless they did it themselves.
      if (newOwner && newOwner.id !== current.ownerId && newOwner.id !== actor.userId) await announceOwnerByHand(actor, id, newOwner.id, current.ownerId);
      return detail(newOwner !== undefined ? workspaceScope(actor.workspaceId) : scope, id);
    },

    async deleteLead(actor: Actor, id: string): Promise<LeadDetail> {
      const scope = leadScopeOf(actor);
      const before = await visibleLead(actor, id);
      if (before.lead.deletedAt) throw conflict('This lead is already in the trash');
      const at = deps.now();
      await db.transaction(async (tx) => {
        if (!(await repo.moveToTrash(tx, scope, id, actor.userId, at))) throw conflict('This lead is already in the trash');
        // Nobody may claim a lead in the trash: its open offer ends, and the agents' cards go.
        await withdrawOpenOffers(tx, actor.workspaceId, [id], null, at);
        await repo.insertActivities(tx, [activityRow(actor, id, 'deleted', {}, at)]);
        await audit(tx, actor, 'lead.delete', id, { oldValues: auditSnapshot(before.lead) });
      });
      await publishLead(actor, 'lead.deleted', id, [before.lead.ownerId]);
      return detail(scope, id);
    },

    async restoreLead(actor: Actor, id: string): Promise<LeadDetail> {
      const scope = leadScopeOf(actor);
      const before = await visibleLead(actor, id);
      if (!before.lead.deletedAt) throw conflict('This lead is not in the trash');
      const at = deps.now();
      await db.transaction(async (tx) => {
        if (!(await repo.restoreFromTrash(tx, scope, id, at))) throw conflict('This lead is not in the trash');
        await repo.insertActivities(tx, [activityRow(actor, id, 'restored', {}, at)]);
        await audit(tx, actor, 'lead.restore', id, {
          oldValues: { deletedAt: before.lead.deletedAt!.toISOString(), deletedBy: before.lead.deletedBy },
          newValues: { deletedAt: null },
        });
      });
      await publishLead(actor, 'lead.updated', id, [before.lead.ownerId]);
      return detail(scope, id);
    },

    async addContact(actor: Actor, leadId: string, input: ContactInput): Promise<LeadContact> {
      const lead = (await editableLead(actor, leadId)).lead;
      const ws = await services.workspaces.getSettings(actor);
      const fields = contactFields(input, lead.country ?? ws.defaultCountry);
      const at = deps.now();
      const contact = await db.transaction(async (tx) => {
        const row = await repo.insertContact(tx, { ...fields, name: input.name, workspaceId: actor.workspaceId, leadId, createdAt: at });
        await repo.insertActivities(tx, [activityRow(actor, leadId, 'contact_added', { contactId: row.id, name: row.name }, at)]);
        await repo.touchLastActivity(tx, actor.workspaceId, leadId, at);
        await audit(tx, actor, 'lead.contact_add', leadId, { newValues: { contact: toContact(row) } });
        return row;
      });
      await publishLead(actor, 'lead.updated', leadId, [lead.ownerId]);
      return toContact(contact);
    },

    async updateContact(actor: Actor, leadId: string, contactId: string, input: Partial<ContactInput>): Promise<LeadContact> {
      const lead = (await editableLead(actor, leadId)).lead;
      const before = await repo.findContact(actor.workspaceId, leadId, contactId);
      if (!before) throw notFound('Contact');
      const ws = await services.workspaces.getSettings(actor);
      const fields = contactFields(input, lead.country ?? ws.defaultCountry);
      const changes = Object.entries(fields)
        .filter(([k, v]) => !same(before[k as keyof ContactRecord], v))
        .map(([field, v]) => ({ field, old: before[field as keyof ContactRecord], new: v }));
      if (!changes.length) return toContact(before);
      const at = deps.now();
      const contact = await db.transaction(async (tx) => {
        const row = await repo.updateContact(tx, actor.workspaceId, contactId, fields);
        await repo.insertActivities(tx, [activityRow(actor, leadId, 'contact_updated', { contactId, name: row.name, changes }, at)]);
        await repo.touchLastActivity(tx, actor.workspaceId, leadId, at);
        await audit(tx, actor, 'lead.contact_update', leadId, {
          oldValues: Object.fromEntries(changes.map((c) => [`contact.${c.field}`, c.old])),
          newValues: Object.fromEntries(changes.map((c) => [`contact.${c.field}`, c.new])),
        });
        return row;
      });
      await publishLead(actor, 'lead.updated', leadId, [lead.ownerId]);
      return toContact(contact);
    },

    async removeContact(actor: Actor, leadId: string, contactId: string): Promise<void> {
      const lead = (await editableLead(actor, leadId)).lead;
      const before = await repo.findContact(actor.workspaceId, leadId, contactId);
      if (!before) throw notFound('Contact');
      const at = deps.now();
      await db.transaction(async (tx) => {
        await repo.deleteContact(tx, actor.workspaceId, contactId);
        await repo.insertActivities(tx, [activityRow(actor, leadId, 'contact_removed', { contactId, name: before.name }, at)]);
        await repo.touchLastActivity(tx, actor.workspaceId, leadId, at);
        await audit(tx, actor, 'lead.contact_remove', leadId, { oldValues: { contact: toContact(before) } });
      });
      await publishLead(actor, 'lead.updated', leadId, [lead.ownerId]);
    },

    async addNote(actor: Actor, leadId: string, body: string): Promise<TimelineItem> {
      const lead = (await editableLead(actor, leadId)).lead;
      const mentions = await mentionedMembers(actor.workspaceId, body);
      const at = deps.now();
      const note = await db.transaction(async (tx) => {
        const [activity] = await repo.insertActivities(tx, [activityRow(actor, leadId, 'note', { body }, at, mentions)]);
        await repo.touchLastActivity(tx, actor.workspaceId, leadId, at);
        await audit(tx, actor, 'lead.note_add', leadId, { newValues: { noteId: activity!.id.toString(), body } });
        return (await repo.findTimelineItem(actor.workspaceId, leadId, activity!.id, tx))!;
      });
      await publishMentions(actor, leadId, note.activity.id, mentions);
      await publishLead(actor, 'lead.updated', leadId, [lead.ownerId]);
      return toTimelineItem(note);
    },

    async updateNote(actor: Actor, leadId: string, noteId: string, body: string): Promise<TimelineItem> {
      const lead = (await editableLead(actor, leadId)).lead;
      const before = await noteOrNotFound(actor, leadId, noteId);
      assertMayChangeNote(actor, before);
      if (before.activity.data.body === body) return toTimelineItem(before);
      const mentions = await mentionedMembers(actor.workspaceId, body);
      const at = deps.now();
      const note = await db.transaction(async (tx) => {
        await repo.updateActivity(tx, actor.workspaceId, before.activity.id, { data: { ...before.activity.data, body }, mentions, updatedAt: at });
        await repo.touchLastActivity(tx, actor.workspaceId, leadId, at);
        await audit(tx, actor, 'lead.note_update', leadId, { oldValues: { noteId, body: before.activity.data.body }, newValues: { noteId, body } });
        return (await repo.findTimelineItem(actor.workspaceId, leadId, before.activity.id, tx))!;
      });
      // Only people mentioned by this edit hear about it again.
      await publishMentions(actor, leadId, note.activity.id, mentions.filter((id) => !before.activity.mentions.includes(id)));
      await publishLead(actor, 'lead.updated', leadId, [lead.ownerId]);
      return toTimelineItem(note);
    },

    async deleteNote(actor: Actor, leadId: string, noteId: string): Promise<void> {
      const lead = (await editableLead(actor, leadId)).lead;
      const before = await noteOrNotFound(actor, leadId, noteId);
      assertMayChangeNote(actor, before);
      await db.transaction(async (tx) => {
        await repo.deleteActivity(tx, actor.workspaceId, before.activity.id);
        await audit(tx, actor, 'lead.note_delete', leadId, { oldValues: { noteId, body: before.activity.data.body, authorId: before.activity.actorId } });
      });
      await publishLead(actor, 'lead.updated', leadId, [lead.ownerId]);
    },

    async timeline(actor: Actor, leadId: string, q: { cursor?: string | undefined; limit: number }): Promise<{ items: TimelineItem[]; nextCursor: string | null }> {
      if (!(await repo.leadVisible(leadScopeOf(actor), leadId))) throw notFound('Lead');
      if (q.cursor !== undefined && !/^\d{1,19}$/.test(q.cursor)) throw invalid('cursor', 'Invalid cursor');
      const rows = await repo.listTimeline(actor.workspaceId, leadId, q.cursor ? BigInt(q.cursor) : undefined, q.limit + 1);
      const items = rows.slice(0, q.limit).map(toTimelineItem);
      return { items, nextCursor: rows.length > q.limit ? items[items.length - 1]!.id : null };
    },
  };
}

export type LeadsService = ReturnType<typeof createLeadsService>;
