import { and, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../platform/db/client.ts';
import { invalid } from '../../platform/errors.ts';
import { activities, leads } from '../leads/leads.table.ts';
import { users } from '../accounts/accounts.table.ts';

/** Room left between cards when a column is (re)numbered; new cards on top take min − GAP (the placement trigger). */
export const POSITION_GAP = 1024;
const MIN_POSITION = -2_000_000_000;
const MAX_POSITION = 2_000_000_000;

/** Where a moved card goes in its column. */
export type Anchor = { beforeId: string } | { afterId: string } | { end: true } | { top: true };

export type CardRow = {
  id: string;
  stage_id: string;
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  emails: string[];
  phones: { raw: string }[];
  owner_id: string | null;
  owner_name: string | null;
  stage_position: number;
  version: number;
  tags: string[];
  source: string | null;
  created_at: Date | string;
  next_follow_up_at: Date | string | null;
  last_activity_at: Date | string;
  lost_reason: string | null;
  client_since: Date | string | null;
  value: string | number | null;
};

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** A money or number custom value as numeric; anything else (a string typed by an old import) counts as none. */
export function customNumber(key: string): SQL {
  return sql`(CASE WHEN jsonb_typeof(${leads.custom} -> ${key}::text) = 'number' THEN (${leads.custom} ->> ${key}::text)::numeric END)`;
}

export function createBoardRepository(db: Db) {
  const column = (workspaceId: string, stageId: string) =>
    sql`${leads.workspaceId} = ${workspaceId}::uuid AND ${leads.stageId} = ${stageId}::uuid AND ${leads.deletedAt} IS NULL`;

  async function one<T>(tx: DbOrTx, query: SQL): Promise<T | undefined> {
    return rowsOf<T>(await tx.execute(query))[0];
  }

  /** Numbers the column GAP, 2·GAP… in its current order (the moving card left out); positions are not versioned. */
  async function renumber(tx: DbOrTx, workspaceId: string, stageId: string, leadId: string): Promise<void> {
    // Two renumberings of one column would lock its rows in different orders: one at a time.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${stageId}::text, 0))`);
    await tx.execute(sql`
      UPDATE ${leads} SET stage_position = r.n * ${POSITION_GAP}
      FROM (SELECT id, row_number() OVER (ORDER BY stage_position, id) AS n FROM ${leads}
            WHERE ${column(workspaceId, stageId)} AND ${leads.id} <> ${leadId}::uuid) r
      WHERE ${leads.id} = r.id AND ${leads.workspaceId} = ${workspaceId}::uuid`);
  }

  /** The position between two neighbours, or null when there is no whole number between them. */
  function between(prev: number | null, next: number | null): number | null {
    if (prev === null && next === null) return 0;
    if (prev === null) return next! - POSITION_GAP >= MIN_POSITION ? next! - POSITION_GAP : null;
    if (next === null) return prev + POSITION_GAP <= MAX_POSITION ? prev + POSITION_GAP : null;
    return next - prev >= 2 ? prev + Math.floor((next - prev) / 2) : null;
  }

  /** The anchor card and, in the same statement, its neighbour on the other side (the moving card left out). */
  async function anchorAndNeighbour(
    tx: DbOrTx,
    workspaceId: string,
    stageId: string,
    leadId: string,
    anchorId: string,
    field: string,
    dir: 'prev' | 'next',
  ): Promise<{ anchor: number; other: number | null }> {
    if (anchorId === leadId) throw invalid(field, 'A card cannot be placed next to itself');
    const cmp = sql.raw(dir === 'prev' ? '<' : '>');
    const order = sql.raw(dir === 'prev' ? 'DESC' : 'ASC');
    const row = await one<{ stage_position: number; other: number | null }>(
      tx,
      sql`SELECT a.stage_position, (
            SELECT n.stage_position FROM leads n
            WHERE n.workspace_id = a.workspace_id AND n.stage_id = a.stage_id AND n.deleted_at IS NULL AND n.id <> ${leadId}::uuid
              AND (n.stage_position, n.id) ${cmp} (a.stage_position, a.id)
            ORDER BY n.stage_position ${order}, n.id ${order} LIMIT 1) AS other
          FROM leads a
          WHERE a.workspace_id = ${workspaceId}::uuid AND a.stage_id = ${stageId}::uuid AND a.deleted_at IS NULL AND a.id = ${anchorId}::uuid`,
    );
    if (!row) throw invalid(field, 'This card is not in the target column');
    return { anchor: Number(row.stage_position), other: row.other === null ? null : Number(row.other) };
  }

  /** The first (or last) card of the column, the moving card left out. */
  async function edge(tx: DbOrTx, workspaceId: string, stageId: string, leadId: string, dir: 'first' | 'last'): Promise<number | null> {
    const order = sql.raw(dir === 'last' ? 'DESC' : 'ASC');
    const row = await one<{ stage_position: number }>(
      tx,
      sql`SELECT stage_position FROM ${leads} WHERE ${column(workspaceId, stageId)} AND ${leads.id} <> ${leadId}::uuid
          ORDER BY ${leads.stagePosition} ${order}, ${leads.id} ${order} LIMIT 1`,
    );
    return row ? Number(row.stage_position) : null;
  }

  async function tryPlace(tx: DbOrTx, workspaceId: string, stageId: string, leadId: string, anchor: Anchor): Promise<number | null> {
    if ('top' in anchor) return between(null, await edge(tx, workspaceId, stageId, leadId, 'first'));
    if ('end' in anchor) return between(await edge(tx, workspaceId, stageId, leadId, 'last'), null);
    if ('beforeId' in anchor) {
      const { anchor: next, other: prev } = await anchorAndNeighbour(tx, workspaceId, stageId, leadId, anchor.beforeId, 'beforeId', 'prev');
      return between(prev, next);
    }
    const { anchor: prev, other: next } = await anchorAndNeighbour(tx, workspaceId, stageId, leadId, anchor.afterId, 'afterId', 'next');
    return between(prev, next);
  }

  return {
    /**
     * The position for a card in a column (the card itself may already be in it). When its neighbours leave no
     * room, the column is renumbered in the same transaction and the place computed again.
     */
    async placeCard(tx: DbOrTx, workspaceId: string, stageId: string, leadId: string, anchor: Anchor): Promise<{ position: number; renumbered: boolean }> {
      const position = await tryPlace(tx, workspaceId, stageId, leadId, anchor);
      if (position !== null) return { position, renumbered: false };
      await renumber(tx, workspaceId, stageId, leadId);
      const again = await tryPlace(tx, workspaceId, stageId, leadId, anchor);
      return { position: again ?? 0, renumbered: true };
    },

    /** Tells the placement trigger that this transaction places its cards itself. */
    async keepPositions(tx: DbOrTx): Promise<void> {
      await tx.execute(sql`SELECT set_config('leadflow.keep_stage_position', 'on', true)`);
    },

    /** Who last changed a lead (for the conflict message): the newest versioned timeline entry's author. */
    async lastEditorName(workspaceId: string, leadId: string): Promise<string | null> {
      const row = await one<{ name: string | null }>(
        db,
        sql`SELECT ${users.name} AS name FROM ${activities} LEFT JOIN ${users} ON ${users.id} = ${activities.actorId}
            WHERE ${activities.workspaceId} = ${workspaceId}::uuid AND ${activities.leadId} = ${leadId}::uuid
              AND ${activities.type} NOT IN ('note', 'contact_added', 'contact_updated', 'contact_removed')
            ORDER BY ${activities.id} DESC LIMIT 1`,
      );
      return row?.name ?? null;
    },

    /** Count and sum of every column at once: one pass over the pipeline's matching leads (leads_ws_stage_pos_idx). */
    async columnTotals(where: SQL[], stageIds: string[], value: SQL | null): Promise<Map<string, { count: number; sum: number | null }>> {
      if (!stageIds.length) return new Map();
      const rows = rowsOf<{ stage_id: string; n: number; total: number | null }>(
        await db.execute(sql`SELECT ${leads.stageId} AS stage_id, count(*)::int AS n, ${value ? sql`sum(${value})::float8` : sql`NULL::float8`} AS total
          FROM ${leads} WHERE ${and(...where)} AND ${leads.stageId} = ANY(${`{${stageIds.join(',')}}`}::uuid[])
          GROUP BY ${leads.stageId}`),
      );
      return new Map(rows.map((r) => [r.stage_id, { count: Number(r.n), sum: r.total === null ? null : Number(r.total) }]));
    },

    /**
     * The first `limit` cards of every column after its cursor, in one statement: a LATERAL index scan per stage
     * along (workspace, stage, position, id).
     */
    async columnCards(where: SQL[], columns: { stageId: string; after: { position: number; id: string } | null }[], limit: number, value: SQL | null): Promise<CardRow[]> {
      if (!columns.length) return [];
      const parts = columns.map(({ stageId, after }) => {
        const keyset = after ? sql`AND (${leads.stagePosition}, ${leads.id}) > (${after.position}::int, ${after.id}::uuid)` : sql``;
        return sql`(SELECT ${leads.id} AS id, ${leads.stageId} AS stage_id, ${leads.firstName} AS first_name, ${leads.lastName} AS last_name,
            ${leads.company} AS company, ${leads.emails} AS emails, ${leads.phones} AS phones, ${leads.ownerId} AS owner_id,
            ${users.name} AS owner_name, ${leads.stagePosition} AS stage_position, ${leads.version} AS version, ${leads.tags} AS tags,
            ${leads.source} AS source, ${leads.createdAt} AS created_at, ${leads.nextFollowUpAt} AS next_follow_up_at,
            ${leads.lastActivityAt} AS last_activity_at, ${leads.lostReason} AS lost_reason, ${leads.clientSince} AS client_since,
            ${value ?? sql`NULL::numeric`} AS value
          FROM ${leads} LEFT JOIN ${users} ON ${users.id} = ${leads.ownerId}
          WHERE ${and(...where)} AND ${leads.stageId} = ${stageId}::uuid ${keyset}
          ORDER BY ${leads.stagePosition}, ${leads.id} LIMIT ${sql.raw(String(Math.trunc(limit)))})`;
      });
      return rowsOf<CardRow>(await db.execute(sql.join(parts, sql` UNION ALL `)));
    },
  };
}

export type BoardRepository = ReturnType<typeof createBoardRepository>;
