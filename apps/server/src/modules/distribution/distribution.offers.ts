import type { z } from 'zod';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { claimResponse, leadOffer } from '@leadflow/shared/distribution';
import type { DbOrTx } from '../../platform/db/client.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import { users } from '../accounts/accounts.table.ts';
import { leads } from '../leads/leads.table.ts';
import { distributeLeads, queueEvent, queuedLeadEvents, recordAssignment } from './distribution.assign.ts';
import { distributionRepository as repo } from './distribution.repository.ts';
import { distributionRules, leadOffers } from './distribution.table.ts';

type OfferView = z.infer<typeof leadOffer>;
type ClaimView = z.infer<typeof claimResponse>;

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

const fullName = (l: { firstName: string | null; lastName: string | null }) => [l.firstName, l.lastName].filter(Boolean).join(' ');

/**
 * First-to-claim (ADR 012): the offers a member may claim, the claim itself (one conditional UPDATE, so exactly
 * one member wins however many press Claim at once), and the expiry of an offer nobody claimed (the rule's fallback).
 */
export function createOfferService(deps: AppDeps) {
  const db = deps.database.db;

  async function views(workspaceId: string, where: ReturnType<typeof and>): Promise<OfferView[]> {
    const rows = await db
      .select({
        o: leadOffers,
        firstName: leads.firstName,
        lastName: leads.lastName,
        source: leads.source,
        campaign: leads.campaign,
        city: leads.city,
        ruleName: distributionRules.name,
        claimerName: users.name,
      })
      .from(leadOffers)
      .innerJoin(leads, and(eq(leads.id, leadOffers.leadId), eq(leads.workspaceId, leadOffers.workspaceId)))
      .leftJoin(distributionRules, eq(distributionRules.id, leadOffers.ruleId))
      .leftJoin(users, eq(users.id, leadOffers.claimedBy))
      .where(and(eq(leadOffers.workspaceId, workspaceId), where))
      .orderBy(asc(leadOffers.offeredAt), asc(leadOffers.id))
      .limit(200);
    const ids = [...new Set(rows.flatMap((r) => r.o.offeredTo))];
    const names = new Map(
      ids.length ? (await db.select({ id: users.id, name: users.name }).from(users).where(sql`${users.id} = ANY(${`{${ids.join(',')}}`}::uuid[])`)).map((u) => [u.id, u.name]) : [],
    );
    return rows.map(({ o, ruleName, claimerName, ...l }) => ({
      id: o.id,
      leadId: o.leadId,
      lead: { id: o.leadId, name: fullName(l), source: l.source, campaign: l.campaign, city: l.city },
      ruleId: o.ruleId,
      ruleName: ruleName ?? null,
      offeredTo: o.offeredTo.map((id) => ({ id, name: names.get(id) ?? 'Former member' })),
      status: o.status,
      offeredAt: o.offeredAt.toISOString(),
      expiresAt: o.expiresAt.toISOString(),
      claimedBy: o.claimedBy ? { id: o.claimedBy, name: claimerName ?? 'Former member' } : null,
      claimedAt: o.claimedAt?.toISOString() ?? null,
    }));
  }

  return {
    /** Open offers the actor may claim now; `all` (leads.view_all) every open offer of the workspace. */
    async listOpen(actor: Actor, all: boolean): Promise<OfferView[]> {
      const now = deps.now();
      // A lead put in the trash keeps its offer until the sweep closes it, but is no longer shown.
      const open = and(eq(leadOffers.status, 'open'), sql`${leadOffers.expiresAt} > ${now.toISOString()}::timestamptz`, isNull(leads.deletedAt));
      if (all && actor.permissions.has('leads.view_all')) return views(actor.workspaceId, open);
      return views(actor.workspaceId, and(open, sql`${actor.userId}::uuid = ANY(${leadOffers.offeredTo})`));
    },

    /**
     * The first member to claim gets the lead. The single conditional UPDATE of the lead row (still without owner,
     * an open offer naming the actor, not expired) decides: concurrent claims queue on the row and, once the
     * winner commits, find an owner and update nothing. Lock order: lead row, then offer row (as a manager's
     * change of owner), never the distribution advisory lock.
     */
    async claim(actor: Actor, leadId: string): Promise<ClaimView> {
      const at = deps.now();
      const won = await db.transaction(async (tx) => {
        const rows = rowsOf<{ id: string }>(
          await tx.execute(sql`
            UPDATE leads SET owner_id = ${actor.userId}, version = version + 1, updated_at = ${at.toISOString()}::timestamptz
            WHERE workspace_id = ${actor.workspaceId} AND id = ${leadId} AND owner_id IS NULL AND deleted_at IS NULL
              AND EXISTS (SELECT 1 FROM lead_offers o WHERE o.workspace_id = leads.workspace_id AND o.lead_id = leads.id
                AND o.status = 'open' AND o.expires_at > ${at.toISOString()}::timestamptz AND ${actor.userId}::uuid = ANY(o.offered_to))
            RETURNING id`),
        );
        if (!rows.length) return null;
        const [offer] = await tx
          .update(leadOffers)
          .set({ status: 'claimed', claimedBy: actor.userId, claimedAt: at, resolvedAt: at })
          .where(and(eq(leadOffers.workspaceId, actor.workspaceId), eq(leadOffers.leadId, leadId), eq(leadOffers.status, 'open')))
          .returning();
        const rule = offer!.ruleId ? (await repo.rules(tx, actor.workspaceId, { enabledOnly: false, ruleId: offer!.ruleId }))[0] : undefined;
        const me = (await repo.activeMember(tx, actor.workspaceId, actor.userId)) ?? { id: actor.userId, name: '' };
        await recordAssignment(
          tx,
          actor.workspaceId,
          {
            leadId,
            from: null,
            to: me,
            rule: rule ? { id: rule.id, name: rule.name, strategy: 'first_to_claim' } : null,
            reason: 'claim',
            by: actor.userId,
            slaMinutes: rule?.slaMinutes ?? null,
            // Set by the winning UPDATE above; the record, timeline, audit and SLA clock follow.
            ownerAlreadySet: true,
          },
          at,
        );
        const taken = { workspaceId: actor.workspaceId, audience: { userIds: offer!.offeredTo, permission: 'leads.view_all' as const } };
        await queueEvent(tx, { ...taken, type: 'lead.offer_taken', data: { offerId: offer!.id, leadId, outcome: 'claimed', ownerId: actor.userId, offeredTo: offer!.offeredTo } });
        await queueEvent(tx, {
          workspaceId: actor.workspaceId,
          type: 'lead.assigned',
          data: { leadId, ownerId: actor.userId, ruleId: offer!.ruleId, reason: 'claim' },
          audience: { userIds: [actor.userId], permission: 'leads.view_all' },
        });
        return { offerId: offer!.id, owner: me };
      });
      if (won) return { leadId, offerId: won.offerId, owner: won.owner, claimedAt: at.toISOString() };
      // Why not: each loser learns what happened, without telling anyone about offers that were not theirs.
      const [offer] = await db
        .select({ id: leadOffers.id, status: leadOffers.status, offeredTo: leadOffers.offeredTo, expiresAt: leadOffers.expiresAt, claimedBy: leadOffers.claimedBy, claimedAt: leadOffers.claimedAt })
        .from(leadOffers)
        .where(and(eq(leadOffers.workspaceId, actor.workspaceId), eq(leadOffers.leadId, leadId), sql`${actor.userId}::uuid = ANY(${leadOffers.offeredTo})`))
        .orderBy(sql`${leadOffers.offeredAt} DESC`)
        .limit(1);
      if (!offer) throw notFound('Offer of this lead');
      const [lead] = await db.select({ deletedAt: leads.deletedAt, ownerId: leads.ownerId }).from(leads).where(and(eq(leads.workspaceId, actor.workspaceId), eq(leads.id, leadId)));
      if (offer.status === 'claimed' && offer.claimedBy === actor.userId && offer.claimedAt) {
        // The winner again (a double click, a retry after a lost answer): the claim stands while the lead is theirs.
        if (!lead || lead.deletedAt) throw notFound('Lead');
        if (lead.ownerId !== actor.userId) throw conflict('You claimed this lead, but it has since been given to someone else');
        const me = (await repo.activeMember(db, actor.workspaceId, actor.userId)) ?? { id: actor.userId, name: '' };
        return { leadId, offerId: offer.id, owner: me, claimedAt: offer.claimedAt.toISOString() };
      }
      if (offer.status === 'claimed') throw conflict('Someone else claimed this lead first');
      if (!lead || lead.deletedAt) throw notFound('Lead');
      if (offer.status === 'withdrawn') throw conflict('This lead was assigned by a manager before anyone claimed it');
      if (offer.status === 'expired' || offer.expiresAt <= at) throw conflict('This offer has expired');
      throw conflict('This lead already has an owner');
    },

    /**
     * An offer nobody claimed in time: the rule's fallback (next matching rule, a named user, or the unassigned
     * queue). Idempotent and safe on several instances: the offer is closed by a conditional UPDATE under the lead
     * row's lock. Lock order: distribution advisory lock, lead row, offer row, pointer rows.
     */
    async expire(workspaceId: string, offerId: string): Promise<boolean> {
      const at = deps.now();
      return db.transaction(async (tx) => {
        await repo.lock(tx, workspaceId);
        const [pending] = await tx.select({ leadId: leadOffers.leadId }).from(leadOffers).where(and(eq(leadOffers.workspaceId, workspaceId), eq(leadOffers.id, offerId)));
        if (!pending) return false;
        const [lead] = await tx
          .select({ ownerId: leads.ownerId, deletedAt: leads.deletedAt })
          .from(leads)
          .where(and(eq(leads.workspaceId, workspaceId), eq(leads.id, pending.leadId)))
          .for('update');
        const [offer] = await tx
          .update(leadOffers)
          .set({ status: 'expired', resolvedAt: at })
          .where(
            and(
              eq(leadOffers.workspaceId, workspaceId),
              eq(leadOffers.id, offerId),
              eq(leadOffers.status, 'open'),
              sql`${leadOffers.expiresAt} <= ${at.toISOString()}::timestamptz`,
            ),
          )
          .returning();
        if (!offer || !lead) return false;
        const audience = { userIds: offer.offeredTo, permission: 'leads.view_all' as const };
        let ownerId: string | null = null;
        if (!lead.ownerId && !lead.deletedAt) ownerId = await fallback(tx, workspaceId, offer.leadId, offer.ruleId, at);
        await queueEvent(tx, { workspaceId, type: 'lead.offer_taken', data: { offerId, leadId: offer.leadId, outcome: 'expired', ownerId, offeredTo: offer.offeredTo }, audience });
        return true;
      });
    },
  };

  /** The rule's fallback for a lead whose offer expired; returns the new owner, if any. */
  async function fallback(tx: DbOrTx, workspaceId: string, leadId: string, ruleId: string | null, at: Date): Promise<string | null> {
    const rule = ruleId ? (await repo.rules(tx, workspaceId, { enabledOnly: false, ruleId }))[0] : undefined;
    const ruleRef = rule ? { id: rule.id, name: rule.name, strategy: rule.strategy } : null;
    if (rule?.fallback === 'next_rule') {
      const [d] = await distributeLeads(tx, { workspaceId, leadIds: [leadId], at, afterPriority: rule.priority, locked: true });
      if (d?.owner) {
        await announceAssigned(tx, workspaceId, leadId, d.owner.id, d.rule?.id ?? null, d.reason);
        return d.owner.id;
      }
      for (const event of queuedLeadEvents(workspaceId, d ? [d] : [])) await queueEvent(tx, event);
      if (d?.offer || d?.reason) return null;
      // No later rule matched: the lead waits in the unassigned queue, recorded against the rule that offered it.
    }
    const user = rule?.fallback === 'user' && rule.fallbackUserId ? await repo.activeMember(tx, workspaceId, rule.fallbackUserId) : null;
    await recordAssignment(tx, workspaceId, { leadId, from: null, to: user, rule: ruleRef, reason: user ? 'fallback' : 'unassigned', by: null, slaMinutes: rule?.slaMinutes ?? null }, at);
    if (user) await announceAssigned(tx, workspaceId, leadId, user.id, ruleRef?.id ?? null, 'fallback');
    // Nobody claimed it and nobody else takes it: managers hear that it waits for them.
    else for (const event of queuedLeadEvents(workspaceId, [{ leadId, owner: null, rule: ruleRef, reason: 'unassigned', trace: [] }])) await queueEvent(tx, event);
    return user?.id ?? null;
  }

  async function announceAssigned(tx: DbOrTx, workspaceId: string, leadId: string, ownerId: string, ruleId: string | null, reason: string | null) {
    await queueEvent(tx, { workspaceId, type: 'lead.assigned', data: { leadId, ownerId, ruleId, reason }, audience: { userIds: [ownerId], permission: 'leads.view_all' } });
  }
}

export type OfferService = ReturnType<typeof createOfferService>;
