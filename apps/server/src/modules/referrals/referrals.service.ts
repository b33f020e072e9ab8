import type { z } from 'zod';
import type { ReferralInfo, Referrer, markReferralRequest, referredLead, referrerReportRow } from '@leadflow/shared/marketing';
import { writeAudit } from '../../platform/audit/audit.ts';
import { conflict, forbidden, invalid, notFound } from '../../platform/errors.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import { createReferralsRepository, leadDisplayName, type ReferralLead } from './referrals.repository.ts';

type MarkInput = z.infer<typeof markReferralRequest> & { version?: number | undefined };
type ReferredLead = z.infer<typeof referredLead>;
type ReportRow = z.infer<typeof referrerReportRow>;

const STALE = 'This lead was changed by someone else in the meantime. Reload it and try again.';

export function createReferralsService(deps: AppDeps) {
  const db = deps.database.db;
  const repo = createReferralsRepository(db);
  const ownerFilter = (actor: Actor) => (actor.permissions.has('leads.view_all') ? null : actor.userId);

  async function visibleLead(actor: Actor, id: string): Promise<ReferralLead> {
    const lead = await repo.findLead(actor.workspaceId, id, ownerFilter(actor));
    if (!lead) throw notFound('Lead');
    return lead;
  }

  /** The referrer as the API shows it; a referrer lead or contact that is gone reads as null. */
  async function describeReferrer(actor: Actor, lead: ReferralLead): Promise<Referrer | null> {
    if (lead.referredByLeadId) {
      const by = await repo.findLead(actor.workspaceId, lead.referredByLeadId, null);
      if (!by) return null;
      const name = leadDisplayName(by);
      return { kind: 'lead', id: by.id, name, leadId: by.id, leadName: name };
    }
    if (lead.referredByContactId) {
      const c = await repo.findContact(actor.workspaceId, lead.referredByContactId);
      if (!c) return null;
      return { kind: 'contact', id: c.id, name: c.name, leadId: c.leadId, leadName: leadDisplayName({ firstName: c.leadFirstName, lastName: c.leadLastName, company: c.leadCompany }) };
    }
    return null;
  }

  async function info(actor: Actor, id: string): Promise<ReferralInfo | null> {
    const lead = await visibleLead(actor, id);
    if (!lead.referralType) return null;
    return { leadId: lead.id, type: lead.referralType, referrer: await describeReferrer(actor, lead), at: lead.referredAt?.toISOString() ?? null };
  }

  async function publish(actor: Actor, lead: ReferralLead) {
    await deps.events.publish({
      workspaceId: actor.workspaceId,
      type: 'lead.updated',
      data: { leadId: lead.id, ownerId: lead.ownerId },
      audience: { userIds: lead.ownerId ? [lead.ownerId] : [], permission: 'leads.view_all' },
    });
  }

  return {
    getReferral: info,

    /**
     * Marks a lead (or client) as a referral from a client — a lead with client_since — or from a contact of the
     * workspace. Re-marking replaces the referrer; the change goes to the lead's timeline and the audit log.
     */
    async mark(actor: Actor, id: string, input: MarkInput): Promise<ReferralInfo> {
      const lead = await visibleLead(actor, id);
      if (lead.deletedAt) throw conflict('This lead is in the trash; restore it first');
      if (input.version !== undefined && input.version !== lead.version) throw conflict(STALE, 'version');
      let referrer: Referrer;
      if (input.referredByLeadId) {
        if (input.referredByLeadId === id) throw invalid('referredByLeadId', 'A lead cannot refer itself');
        const by = await repo.findLead(actor.workspaceId, input.referredByLeadId, null);
        if (!by || by.deletedAt) throw invalid('referredByLeadId', 'No such client in this workspace');
        if (!by.clientSince) throw invalid('referredByLeadId', 'Only a client can be a referrer: this lead is not a client (yet)');
        const name = leadDisplayName(by);
        referrer = { kind: 'lead', id: by.id, name, leadId: by.id, leadName: name };
      } else {
        const c = await repo.findContact(actor.workspaceId, input.referredByContactId!);
        if (!c || c.leadDeletedAt) throw invalid('referredByContactId', 'No such contact in this workspace');
        if (c.leadId === id) throw invalid('referredByContactId', "A lead cannot be referred by one of its own contacts");
        referrer = { kind: 'contact', id: c.id, name: c.name, leadId: c.leadId, leadName: leadDisplayName({ firstName: c.leadFirstName, lastName: c.leadLastName, company: c.leadCompany }) };
      }
      const at = deps.now();
      const values = {
        referralType: input.type,
        referredByLeadId: referrer.kind === 'lead' ? referrer.id : null,
        referredByContactId: referrer.kind === 'contact' ? referrer.id : null,
        referredAt: at,
      };
      const previous = lead.referralType ? { type: lead.referralType, referrer: await describeReferrer(actor, lead) } : null;
      await db.transaction(async (tx) => {
        if (!(await repo.setReferral(tx, actor.workspaceId, id, lead.version, values, at))) throw conflict(STALE, 'version');
        await repo.insertActivity(tx, {
          workspaceId: actor.workspaceId,
          leadId: id,
          type: 'referral_marked',
          actorId: actor.userId,
          data: { type: input.type, referrer: { kind: referrer.kind, id: referrer.id, name: referrer.name, leadId: referrer.leadId }, previous },
          createdAt: at,
        });
        await writeAudit(tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: 'lead.referral_mark',
          entityType: 'lead',
          entityId: id,
          oldValues: { referralType: lead.referralType, referredByLeadId: lead.referredByLeadId, referredByContactId: lead.referredByContactId },
          newValues: { referralType: values.referralType, referredByLeadId: values.referredByLeadId, referredByContactId: values.referredByContactId },
          ip: actor.ip,
        });
      });
      await publish(actor, lead);
      return { leadId: id, type: input.type, referrer, at: at.toISOString() };
    },

    async unmark(actor: Actor, id: string): Promise<void> {
      const lead = await visibleLead(actor, id);
      if (lead.deletedAt) throw conflict('This lead is in the trash; restore it first');
      if (!lead.referralType) throw conflict('This lead is not marked as a referral');
      const previous = { type: lead.referralType, referrer: await describeReferrer(actor, lead) };
      const at = deps.now();
      await db.transaction(async (tx) => {
        const cleared = { referralType: null, referredByLeadId: null, referredByContactId: null, referredAt: null };
        if (!(await repo.setReferral(tx, actor.workspaceId, id, lead.version, cleared, at))) throw conflict(STALE, 'version');
        await repo.insertActivity(tx, { workspaceId: actor.workspaceId, leadId: id, type: 'referral_unmarked', actorId: actor.userId, data: { previous }, createdAt: at });
        await writeAudit(tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: 'lead.referral_unmark',
          entityType: 'lead',
          entityId: id,
          oldValues: { referralType: lead.referralType, referredByLeadId: lead.referredByLeadId, referredByContactId: lead.referredByContactId },
          ip: actor.ip,
        });
      });
      await publish(actor, lead);
    },

    /** Who a client referred, directly or through one of its contacts (only leads the caller may see). */
    async referredBy(actor: Actor, clientId: string): Promise<ReferredLead[]> {
      await visibleLead(actor, clientId);
      const rows = await repo.referredBy(actor.workspaceId, clientId, ownerFilter(actor));
      return rows.map((r) => ({
        id: r.lead.id,
        displayName: leadDisplayName(r.lead),
        type: r.lead.referralType!,
        via: r.lead.referredByContactId
          ? { kind: 'contact' as const, id: r.lead.referredByContactId, name: r.contactName ?? '' }
          : { kind: 'lead' as const, id: clientId, name: '' },
        stage: r.stageId && r.stageName && r.stageKind ? { id: r.stageId, name: r.stageName, kind: r.stageKind } : null,
        isClient: r.lead.clientSince !== null,
        referredAt: r.lead.referredAt?.toISOString() ?? null,
      }));
    },

    async report(actor: Actor, period: { from?: string | undefined; to?: string | undefined }): Promise<ReportRow[]> {
      if (!actor.permissions.has('reports.view') && !actor.permissions.has('leads.view_all')) {
        throw forbidden('Your role does not allow reports (reports.view)');
      }
      const from = period.from ? new Date(period.from) : undefined;
      const to = period.to ? new Date(period.to) : undefined;
      if (from && to && from >= to) throw invalid('to', 'The end of the period must come after its start');
      const { byLead, byContact } = await repo.report(actor.workspaceId, { from, to });
      const rows: ReportRow[] = [
        ...byLead.map((r) => {
          const name = leadDisplayName(r);
          return { kind: 'lead' as const, id: r.id, name, leadId: r.id, leadName: name, referred: r.referred, becameClients: r.becameClients };
        }),
        ...byContact.map((r) => ({ kind: 'contact' as const, id: r.id, name: r.name, leadId: r.leadId, leadName: leadDisplayName(r), referred: r.referred, becameClients: r.becameClients })),
      ];
      return rows.sort((a, b) => b.referred - a.referred || b.becameClients - a.becameClients || a.name.localeCompare(b.name));
    },

    async searchReferrers(actor: Actor, q: string): Promise<Referrer[]> {
      const { clients, contacts } = await repo.searchReferrers(actor.workspaceId, q);
      return [
        ...clients.map((c) => {
          const name = leadDisplayName(c);
          return { kind: 'lead' as const, id: c.id, name, leadId: c.id, leadName: name };
        }),
        ...contacts.map((c) => ({ kind: 'contact' as const, id: c.id, name: c.name, leadId: c.leadId, leadName: leadDisplayName(c) })),
      ];
    },
  };
}

export type ReferralsService = ReturnType<typeof createReferralsService>;
