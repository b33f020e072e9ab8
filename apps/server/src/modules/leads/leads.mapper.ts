import { getTableColumns } from 'drizzle-orm';
import type { Lead } from '@leadflow/shared/leads';
import { users } from '../accounts/accounts.table.ts';
import { pipelineStages } from '../pipelines/pipelines.table.ts';
import { leads } from './leads.table.ts';

// The search columns exist for the trigram indexes; nothing reads them back (they are as long as the rest).
const { nameSearch: _name, phoneSearch: _phone, emailSearch: _email, ...leadColumns } = getTableColumns(leads);

/** A lead as reads return it: every column but the search ones. */
export type LeadView = Omit<typeof leads.$inferSelect, 'nameSearch' | 'phoneSearch' | 'emailSearch'>;

/**
 * The columns every lead read selects (lists, lead page, exports), with the owner's name and the stage.
 * Use with `.from(leads).leftJoin(users, eq(users.id, leads.ownerId)).leftJoin(pipelineStages, eq(pipelineStages.id, leads.stageId))`.
 */
export const leadSelection = {
  lead: leadColumns,
  ownerName: users.name,
  stageName: pipelineStages.name,
  stageKind: pipelineStages.kind,
  stageStatus: pipelineStages.status,
};

export type LeadRow = {
  lead: LeadView;
  ownerName: string | null;
  stageName: string | null;
  stageKind: 'open' | 'won' | 'lost' | null;
  stageStatus?: 'new' | 'in_contact' | 'qualified' | 'converted' | 'lost' | null;
};

export function leadDisplayName(l: { firstName: string | null; lastName: string | null; company: string | null; emails?: string[]; phones?: { raw: string }[] }): string {
  const person = [l.firstName, l.lastName].filter(Boolean).join(' ').trim();
  return person || l.company || l.emails?.[0] || l.phones?.[0]?.raw || 'Unnamed lead';
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toLead(row: LeadRow): Lead {
  const l = row.lead;
  return {
    id: l.id,
    firstName: l.firstName,
    lastName: l.lastName,
    company: l.company,
    displayName: leadDisplayName(l),
    phones: l.phones.map((p) => ({ raw: p.raw, e164: p.e164, ...(p.label ? { label: p.label } : {}) })),
    emails: l.emails,
    source: l.source,
    sourceDetail: l.sourceDetail,
    eventId: l.eventId,
    referral: l.referralType
      ? { type: l.referralType, referredByLeadId: l.referredByLeadId, referredByContactId: l.referredByContactId, at: iso(l.referredAt) }
      : null,
    campaign: l.campaign,
    city: l.city,
    state: l.state,
    country: l.country,
    zip: l.zip,
    timeZone: l.timeZone,
    language: l.language,
    tags: l.tags,
    owner: l.ownerId ? { id: l.ownerId, name: row.ownerName ?? 'Former member' } : null,
    pipelineId: l.pipelineId,
    stage:
      l.stageId && row.stageName && row.stageKind
        ? { id: l.stageId, name: row.stageName, kind: row.stageKind, ...(row.stageStatus ? { status: row.stageStatus } : {}) }
        : null,
    clientSince: iso(l.clientSince),
    score: l.score,
    nextFollowUpAt: iso(l.nextFollowUpAt),
    lostReason: l.lostReason,
    custom: l.custom,
    origin: l.origin,
    externalId: l.externalId,
    version: l.version,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
    lastActivityAt: l.lastActivityAt.toISOString(),
    cameBackAt: iso(l.cameBackAt),
    deletedAt: iso(l.deletedAt),
  };
}
