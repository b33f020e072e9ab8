import type { z } from 'zod';
import { and, eq, sql } from 'drizzle-orm';
import type { ASSIGNMENT_REASONS, leadSpeed as leadSpeedView, speedToLeadTeam, unassignedQueue } from '@leadflow/shared/distribution';
import { notFound } from '../../platform/errors.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import { isoInZone } from '../leads/lead-query.ts';
import { leadDisplayName } from '../leads/leads.mapper.ts';
import { leads } from '../leads/leads.table.ts';
import { periodStarts } from './distribution-engine.ts';
import { distributionRepository as repo } from './distribution.repository.ts';
import { leadSpeed } from './distribution.table.ts';

type LeadSpeedView = z.infer<typeof leadSpeedView>;
type TeamView = z.infer<typeof speedToLeadTeam>;

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v)));
const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/** The longest "waiting now" list sent; `waitingNow` counts them all. */
const WAITING_LIST_MAX = 200;

/** Speed to lead (ADR 012): per lead, and the team's day (waiting now, median first response, SLA breaches). */
export function createSpeedService(deps: AppDeps) {
  const db = deps.database.db;

  return {
    /** The lead must be visible to the actor (own leads without leads.view_all). */
    async forLead(actor: Actor, leadId: string): Promise<LeadSpeedView> {
      const where = [eq(leads.workspaceId, actor.workspaceId), eq(leads.id, leadId)];
      if (!actor.permissions.has('leads.view_all')) where.push(eq(leads.ownerId, actor.userId));
      const [row] = await db
        .select({ createdAt: leads.createdAt, s: leadSpeed })
        .from(leads)
        .leftJoin(leadSpeed, and(eq(leadSpeed.leadId, leads.id), eq(leadSpeed.workspaceId, leads.workspaceId)))
        .where(and(...where));
      if (!row) throw notFound('Lead');
      const breaches = rowsOf<{ n: number }>(
        await db.execute(sql`SELECT count(*)::int AS n FROM activities WHERE workspace_id = ${actor.workspaceId} AND lead_id = ${leadId} AND type = 'sla_breached'`),
      );
      const s = row.s;
      return {
        leadId,
        createdAt: row.createdAt.toISOString(),
        assignedAt: s?.ownerId ? s.assignedAt.toISOString() : null,
        firstActionAt: s?.firstActionAt?.toISOString() ?? null,
        firstActionType: s?.firstActionType ?? null,
        responseSeconds: s?.firstActionAt ? Math.max(0, Math.round((s.firstActionAt.getTime() - row.createdAt.getTime()) / 1000)) : null,
        slaDueAt: s?.slaDueAt?.toISOString() ?? null,
        slaBreaches: Number(breaches[0]?.n ?? 0),
      };
    },

    /**
     * Today in the workspace time zone. Managers (leads.view_all) see every active member, or only themselves with
     * `mine`; others only themselves. Response time runs from the lead's creation to its first action by an owner.
     */
    async team(actor: Actor, opts: { mine?: boolean } = {}): Promise<TeamView> {
      const ws = actor.workspaceId;
      const now = deps.now();
      const timeZone = await repo.workspaceTimeZone(db, ws);
      const { dayStart } = periodStarts(now, timeZone);
      const onlyMe = opts.mine === true || !actor.permissions.has('leads.view_all');
      const me = onlyMe ? sql`AND m.user_id = ${actor.userId}` : sql``;
      const from = dayStart.toISOString();
      const agents = rowsOf<{ user_id: string; name: string; waiting: number; responded: number; median: string | null; breaches: number }>(
        await db.execute(sql`
          WITH members AS (
            SELECT m.user_id, u.name FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.workspace_id = ${ws} AND m.status = 'active' ${me}
          ),
          waiting AS (
            SELECT s.owner_id, count(*)::int AS n FROM lead_speed s
            JOIN leads l ON l.id = s.lead_id AND l.workspace_id = s.workspace_id AND l.owner_id = s.owner_id AND l.deleted_at IS NULL
            WHERE s.workspace_id = ${ws} AND s.owner_acted_at IS NULL AND s.owner_id IS NOT NULL
            GROUP BY s.owner_id
          ),
          responded AS (
            SELECT s.first_action_by AS user_id, count(*)::int AS n,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.first_action_at - l.created_at)) AS median
            FROM lead_speed s JOIN leads l ON l.id = s.lead_id AND l.workspace_id = s.workspace_id
            WHERE s.workspace_id = ${ws} AND s.first_action_at >= ${from}::timestamptz AND l.deleted_at IS NULL
            GROUP BY s.first_action_by
          ),
          breaches AS (
            SELECT (a.data->>'ownerId')::uuid AS user_id, count(*)::int AS n FROM activities a
            WHERE a.workspace_id = ${ws} AND a.type = 'sla_breached' AND a.created_at >= ${from}::timestamptz
            GROUP BY 1
          )
          SELECT m.user_id, m.name, coalesce(w.n, 0) AS waiting, coalesce(r.n, 0) AS responded, r.median, coalesce(b.n, 0) AS breaches
          FROM members m
          LEFT JOIN waiting w ON w.owner_id = m.user_id
          LEFT JOIN responded r ON r.user_id = m.user_id
          LEFT JOIN breaches b ON b.user_id = m.user_id
          ORDER BY m.name, m.user_id`),
      );
      const scope = onlyMe ? sql`AND s.owner_id = ${actor.userId}` : sql``;
      const [overall] = rowsOf<{ median: string | null; responded: number }>(
        await db.execute(sql`
          SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.first_action_at - l.created_at)) AS median, count(*)::int AS responded
          FROM lead_speed s JOIN leads l ON l.id = s.lead_id AND l.workspace_id = s.workspace_id
          WHERE s.workspace_id = ${ws} AND s.first_action_at >= ${from}::timestamptz AND l.deleted_at IS NULL
            ${onlyMe ? sql`AND s.first_action_by = ${actor.userId}` : sql``}`),
      );
      const waiting = rowsOf<{ lead_id: string; first_name: string | null; last_name: string | null; owner_id: string; owner_name: string; assigned_at: string; sla_due_at: string | null }>(
        await db.execute(sql`
          SELECT s.lead_id, l.first_name, l.last_name, s.owner_id, u.name AS owner_name, s.assigned_at, s.sla_due_at
          FROM lead_speed s
          JOIN leads l ON l.id = s.lead_id AND l.workspace_id = s.workspace_id AND l.owner_id = s.owner_id AND l.deleted_at IS NULL
          JOIN users u ON u.id = s.owner_id
          WHERE s.workspace_id = ${ws} AND s.owner_acted_at IS NULL ${scope}
          ORDER BY s.assigned_at, s.lead_id LIMIT ${WAITING_LIST_MAX}`),
      );
      const waitingNow = rowsOf<{ n: number }>(
        await db.execute(sql`
          SELECT count(*)::int AS n FROM lead_speed s
          JOIN leads l ON l.id = s.lead_id AND l.workspace_id = s.workspace_id AND l.owner_id = s.owner_id AND l.deleted_at IS NULL
          WHERE s.workspace_id = ${ws} AND s.owner_acted_at IS NULL ${scope}`),
      )[0]!.n;
      return {
        day: isoInZone(now, timeZone).slice(0, 10),
        from,
        to: now.toISOString(),
        waitingNow: Number(waitingNow),
        medianResponseSeconds: num(overall?.median),
        respondedToday: Number(overall?.responded ?? 0),
        slaBreachesToday: agents.reduce((n, a) => n + Number(a.breaches), 0),
        agents: agents.map((a) => ({
          userId: a.user_id,
          name: a.name,
          waitingNow: Number(a.waiting),
          respondedToday: Number(a.responded),
          medianResponseSeconds: num(a.median),
          slaBreachesToday: Number(a.breaches),
        })),
        waiting: waiting.map((w) => ({
          leadId: w.lead_id,
          name: [w.first_name, w.last_name].filter(Boolean).join(' '),
          ownerId: w.owner_id,
          ownerName: w.owner_name,
          assignedAt: iso(w.assigned_at)!,
          slaDueAt: iso(w.sla_due_at),
        })),
      };
    },

    /**
     * The unassigned queue (leads.assign): leads without an owner, not in the trash and not on offer to a group,
     * oldest first, each with why it waits (its last distribution record) and the version to assign it with.
     */
    async unassigned(actor: Actor, limit: number): Promise<z.infer<typeof unassignedQueue>> {
      const ws = actor.workspaceId;
      const waiting = sql`l.workspace_id = ${ws} AND l.owner_id IS NULL AND l.deleted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM lead_offers o WHERE o.workspace_id = l.workspace_id AND o.lead_id = l.id AND o.status = 'open')`;
      const rows = rowsOf<{
        id: string;
        first_name: string | null;
        last_name: string | null;
        company: string | null;
        emails: string[];
        phones: { raw: string }[];
        source: string | null;
        campaign: string | null;
        city: string | null;
        language: string | null;
        created_at: string;
        version: number;
        reason: (typeof ASSIGNMENT_REASONS)[number] | null;
        rule_id: string | null;
        rule_name: string | null;
      }>(
        await db.execute(sql`
          SELECT l.id, l.first_name, l.last_name, l.company, l.emails, l.phones, l.source, l.campaign, l.city, l.language,
                 l.created_at, l.version, a.reason, a.rule_id, r.name AS rule_name
          FROM leads l
          LEFT JOIN LATERAL (
            SELECT reason, rule_id FROM assignments a
            WHERE a.workspace_id = l.workspace_id AND a.lead_id = l.id ORDER BY a.at DESC, a.id DESC LIMIT 1
          ) a ON true
          LEFT JOIN distribution_rules r ON r.id = a.rule_id AND r.workspace_id = l.workspace_id
          WHERE ${waiting}
          ORDER BY l.created_at, l.id
          LIMIT ${limit}`),
      );
      const [count] = rowsOf<{ n: number }>(await db.execute(sql`SELECT count(*)::int AS n FROM leads l WHERE ${waiting}`));
      return {
        total: Number(count?.n ?? 0),
        leads: rows.map((l) => ({
          id: l.id,
          name: leadDisplayName({ firstName: l.first_name, lastName: l.last_name, company: l.company, emails: l.emails, phones: l.phones }),
          source: l.source,
          campaign: l.campaign,
          city: l.city,
          language: l.language,
          createdAt: iso(l.created_at)!,
          version: Number(l.version),
          reason: l.reason,
          rule: l.rule_id && l.rule_name ? { id: l.rule_id, name: l.rule_name } : null,
        })),
      };
    },
  };
}

export type SpeedService = ReturnType<typeof createSpeedService>;
