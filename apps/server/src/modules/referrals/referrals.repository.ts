import { aliasedTable, and, asc, desc, eq, gte, ilike, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../platform/db/client.ts';
import { leadDisplayName } from '../leads/leads.mapper.ts';
import { activities, leadContacts, leads } from '../leads/leads.table.ts';
import { pipelineStages } from '../pipelines/pipelines.table.ts';

/**
 * Referral data lives on the lead rows (referral_type, referred_by_lead_id, referred_by_contact_id, referred_at):
 * this repository reads and writes only those columns, plus the lead's timeline entry for a change (ADR 008).
 */

export type ReferralLead = {
  id: string;
  workspaceId: string;
  ownerId: string | null;
  deletedAt: Date | null;
  clientSince: Date | null;
  version: number;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  referralType: 'regular' | 'interim' | null;
  referredByLeadId: string | null;
  referredByContactId: string | null;
  referredAt: Date | null;
};

export type ContactRef = { id: string; name: string; leadId: string; leadFirstName: string | null; leadLastName: string | null; leadCompany: string | null; leadDeletedAt: Date | null };

const referrerLead = aliasedTable(leads, 'referrer_lead');

const referralColumns = {
  id: leads.id,
  workspaceId: leads.workspaceId,
  ownerId: leads.ownerId,
  deletedAt: leads.deletedAt,
  clientSince: leads.clientSince,
  version: leads.version,
  firstName: leads.firstName,
  lastName: leads.lastName,
  company: leads.company,
  referralType: leads.referralType,
  referredByLeadId: leads.referredByLeadId,
  referredByContactId: leads.referredByContactId,
  referredAt: leads.referredAt,
};

export function createReferralsRepository(db: Db) {
  return {
    /** A lead of the workspace, limited to its owner's when `onlyOwnerId` is set (agents without leads.view_all). */
    async findLead(workspaceId: string, id: string, onlyOwnerId: string | null, tx: DbOrTx = db): Promise<ReferralLead | undefined> {
      const where = [eq(leads.workspaceId, workspaceId), eq(leads.id, id)];
      if (onlyOwnerId) where.push(eq(leads.ownerId, onlyOwnerId));
      const [row] = await tx.select(referralColumns).from(leads).where(and(...where));
      return row;
    },

    async findContact(workspaceId: string, id: string, tx: DbOrTx = db): Promise<ContactRef | undefined> {
      const [row] = await tx
        .select({
          id: leadContacts.id,
          name: leadContacts.name,
          leadId: leadContacts.leadId,
          leadFirstName: leads.firstName,
          leadLastName: leads.lastName,
          leadCompany: leads.company,
          leadDeletedAt: leads.deletedAt,
        })
        .from(leadContacts)
        .innerJoin(leads, eq(leads.id, leadContacts.leadId))
        .where(and(eq(leadContacts.workspaceId, workspaceId), eq(leadContacts.id, id), eq(leads.workspaceId, workspaceId)));
      return row;
    },

    /** Sets (or clears) the referral of a lead at the version read; false when someone saved in between. */
    async setReferral(
      tx: DbOrTx,
      workspaceId: string,
      id: string,
      version: number,
      values: { referralType: 'regular' | 'interim' | null; referredByLeadId: string | null; referredByContactId: string | null; referredAt: Date | null },
      at: Date,
    ): Promise<boolean> {
      const rows = await tx
        .update(leads)
        .set({ ...values, version: sql`${leads.version} + 1`, updatedAt: at, lastActivityAt: at })
        .where(and(eq(leads.workspaceId, workspaceId), eq(leads.id, id), eq(leads.version, version)))
        .returning({ id: leads.id });
      return rows.length === 1;
    },

    async insertActivity(tx: DbOrTx, values: { workspaceId: string; leadId: string; type: string; actorId: string; data: Record<string, unknown>; createdAt: Date }) {
      await tx.insert(activities).values(values);
    },

    /** Live leads referred by a client or by any of its contacts, newest referral first. */
    async referredBy(workspaceId: string, clientId: string, onlyOwnerId: string | null) {
      const where: SQL[] = [
        eq(leads.workspaceId, workspaceId),
        isNull(leads.deletedAt),
        isNotNull(leads.referralType),
        or(eq(leads.referredByLeadId, clientId), sql`${leads.referredByContactId} IN (SELECT ${leadContacts.id} FROM ${leadContacts} WHERE ${leadContacts.workspaceId} = ${workspaceId} AND ${leadContacts.leadId} = ${clientId})`)!,
      ];
      if (onlyOwnerId) where.push(eq(leads.ownerId, onlyOwnerId));
      return db
        .select({
          lead: referralColumns,
          stageId: pipelineStages.id,
          stageName: pipelineStages.name,
          stageKind: pipelineStages.kind,
          contactName: leadContacts.name,
        })
        .from(leads)
        .leftJoin(pipelineStages, eq(pipelineStages.id, leads.stageId))
        .leftJoin(leadContacts, eq(leadContacts.id, leads.referredByContactId))
        .where(and(...where))
        .orderBy(sql`${leads.referredAt} DESC NULLS LAST`, desc(leads.createdAt))
        .limit(500);
    },

    /**
     * Leads by referrer: one row per referring client or contact, with how many live leads it referred (in the
     * period, by referral time) and how many of those are clients now.
     */
    async report(workspaceId: string, period: { from?: Date | undefined; to?: Date | undefined }) {
      const where: SQL[] = [eq(leads.workspaceId, workspaceId), isNull(leads.deletedAt), isNotNull(leads.referralType)];
      if (period.from) where.push(gte(leads.referredAt, period.from));
      if (period.to) where.push(lt(leads.referredAt, period.to));
      const referred = sql<number>`count(*)::int`;
      const becameClients = sql<number>`count(${leads.clientSince})::int`;
      const byLead = await db
        .select({ id: referrerLead.id, firstName: referrerLead.firstName, lastName: referrerLead.lastName, company: referrerLead.company, referred, becameClients })
        .from(leads)
        .innerJoin(referrerLead, and(eq(referrerLead.id, leads.referredByLeadId), eq(referrerLead.workspaceId, workspaceId)))
        .where(and(...where))
        .groupBy(referrerLead.id);
      const byContact = await db
        .select({
          id: leadContacts.id,
          name: leadContacts.name,
          leadId: referrerLead.id,
          firstName: referrerLead.firstName,
          lastName: referrerLead.lastName,
          company: referrerLead.company,
          referred,
          becameClients,
        })
        .from(leads)
        .innerJoin(leadContacts, and(eq(leadContacts.id, leads.referredByContactId), eq(leadContacts.workspaceId, workspaceId)))
        .innerJoin(referrerLead, eq(referrerLead.id, leadContacts.leadId))
        .where(and(...where))
        .groupBy(leadContacts.id, referrerLead.id);
      return { byLead, byContact };
    },

    /** Clients (and their contacts) whose name matches, for the referrer picker. */
    async searchReferrers(workspaceId: string, q: string, limit = 20) {
      const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const clientWhere: SQL[] = [eq(leads.workspaceId, workspaceId), isNull(leads.deletedAt), isNotNull(leads.clientSince)];
      if (q) clientWhere.push(or(ilike(leads.firstName, like), ilike(leads.lastName, like), ilike(leads.company, like), ilike(sql`concat_ws(' ', ${leads.firstName}, ${leads.lastName})`, like))!);
      const clients = await db
        .select({ id: leads.id, firstName: leads.firstName, lastName: leads.lastName, company: leads.company })
        .from(leads)
        .where(and(...clientWhere))
        .orderBy(asc(leads.firstName), asc(leads.lastName))
        .limit(limit);
      const contactWhere: SQL[] = [eq(leadContacts.workspaceId, workspaceId), isNull(leads.deletedAt)];
      if (q) contactWhere.push(ilike(leadContacts.name, like));
      const contacts = await db
        .select({ id: leadContacts.id, name: leadContacts.name, leadId: leads.id, firstName: leads.firstName, lastName: leads.lastName, company: leads.company })
        .from(leadContacts)
        .innerJoin(leads, eq(leads.id, leadContacts.leadId))
        .where(and(...contactWhere, eq(leads.workspaceId, workspaceId)))
        .orderBy(asc(leadContacts.name))
        .limit(limit);
      return { clients, contacts };
    },
  };
}

export { leadDisplayName };
export type ReferralsRepository = ReturnType<typeof createReferralsRepository>;
