import { and, asc, desc, eq, gte, ilike, inArray, isNull, lt, or, sql, type Column, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../platform/db/client.ts';
import { executePrepared } from '../../platform/db/prepared.ts';
import { activities, leads } from '../leads/leads.table.ts';
import { pipelineStages, pipelines } from '../pipelines/pipelines.table.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';
import { apiKeys, captureSettings, intakeRequests, integrationLog, metaConnections, metaFormMappings, metaLeadEvents } from './capture.table.ts';
import { distributionLockSql } from '../distribution/distribution.repository.ts';

export type MetaConnectionRow = typeof metaConnections.$inferSelect;
export type MetaFormMappingRow = typeof metaFormMappings.$inferSelect;
export type MetaLeadEventRow = typeof metaLeadEvents.$inferSelect;
export type IntegrationLogRow = typeof integrationLog.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type IntegrationLogInsert = Omit<typeof integrationLog.$inferInsert, 'id'>;

export type LogQuery = {
  workspaceId: string;
  provider?: string | undefined;
  status?: 'ok' | 'error' | undefined;
  connectionId?: string | undefined;
  direction?: 'in' | 'out' | undefined;
  /** Case-insensitive substring of the URL, the method or the error. */
  q?: string | undefined;
  beforeId?: bigint | undefined;
  limit: number;
};

export type EventStatus = MetaLeadEventRow['status'];

/** A Postgres array parameter (both engines): `${arr(ids)}::uuid[]`. */
const arr = (values: unknown[]) => sql.param(values);

type ColumnType = 'uuid' | 'text' | 'text[]' | 'jsonb' | 'timestamptz' | 'integer' | 'boolean';

/**
 * Many rows as one JSON parameter, typed by a column list: multi-row inserts of hundreds of rows without
 * hundreds × columns bound parameters (and without the query builder's cost per value). Same on both engines.
 */
function jsonRows(columns: [string, ColumnType][], rows: Record<string, unknown>[]): SQL {
  const names = columns.map(([c]) => c).join(', ');
  const defs = columns.map(([c, t]) => `${c} ${t}`).join(', ');
  return sql`SELECT ${sql.raw(names)} FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(${sql.raw(defs)})`;
}

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

const EVENT_COLUMNS: [string, ColumnType][] = [
  ['workspace_id', 'uuid'],
  ['connection_id', 'uuid'],
  ['leadgen_id', 'text'],
  ['page_id', 'text'],
  ['form_id', 'text'],
  ['ad_id', 'text'],
  ['received_at', 'timestamptz'],
  ['next_attempt_at', 'timestamptz'],
  ['locked_until', 'timestamptz'],
  ['updated_at', 'timestamptz'],
];

/** A new lead's row as `LEAD_COLUMNS` names its columns. */
function leadRowValues(v: NewLeadRow): Record<string, unknown> {
  return {
    id: v.id,
    workspace_id: v.workspaceId,
    first_name: v.firstName,
    last_name: v.lastName,
    company: v.company,
    phones: v.phones,
    phone_e164: v.phoneE164,
    phone_search: v.phoneSearch,
    emails: v.emails,
    email_search: v.emailSearch,
    source: v.source,
    campaign: v.campaign,
    city: v.city,
    state: v.state,
    country: v.country,
    zip: v.zip,
    time_zone: v.timeZone,
    language: v.language,
    tags: v.tags,
    custom: v.custom,
    origin: v.origin,
    external_id: v.externalId,
    owner_id: v.ownerId,
    pipeline_id: v.pipelineId,
    stage_id: v.stageId,
    created_at: v.at,
    updated_at: v.at,
    last_activity_at: v.at,
  };
}

const LEAD_COLUMNS: [string, ColumnType][] = [
  ['id', 'uuid'],
  ['workspace_id', 'uuid'],
  ['first_name', 'text'],
  ['last_name', 'text'],
  ['company', 'text'],
  ['phones', 'jsonb'],
  ['phone_e164', 'text[]'],
  ['phone_search', 'text'],
  ['emails', 'text[]'],
  ['email_search', 'text'],
  ['source', 'text'],
  ['campaign', 'text'],
  ['city', 'text'],
  ['state', 'text'],
  ['country', 'text'],
  ['zip', 'text'],
  ['time_zone', 'text'],
  ['language', 'text'],
  ['tags', 'text[]'],
  ['custom', 'jsonb'],
  ['origin', 'text'],
  ['external_id', 'text'],
  ['owner_id', 'uuid'],
  ['pipeline_id', 'uuid'],
  ['stage_id', 'uuid'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ['last_activity_at', 'timestamptz'],
];

const ACTIVITY_COLUMNS: [string, ColumnType][] = [
  ['workspace_id', 'uuid'],
  ['lead_id', 'uuid'],
  ['type', 'text'],
  ['actor_id', 'uuid'],
  ['data', 'jsonb'],
  ['created_at', 'timestamptz'],
];

const LOG_COLUMNS: [string, ColumnType][] = [
  ['workspace_id', 'uuid'],
  ['connection_id', 'uuid'],
  ['provider', 'text'],
  ['direction', 'text'],
  ['method', 'text'],
  ['url', 'text'],
  ['status', 'integer'],
  ['duration_ms', 'integer'],
  ['error', 'text'],
  ['created_at', 'timestamptz'],
];

const logRow = (v: IntegrationLogInsert) => ({
  workspace_id: v.workspaceId,
  connection_id: v.connectionId ?? null,
  provider: v.provider,
  direction: v.direction,
  method: v.method,
  url: v.url,
  status: v.status ?? null,
  duration_ms: v.durationMs ?? null,
  error: v.error ?? null,
  created_at: v.createdAt ?? new Date(),
});

export type NewEvent = {
  workspaceId: string;
  connectionId: string;
  leadgenId: string;
  pageId: string;
  formId: string | null;
  adId: string | null;
  receivedAt: Date;
  nextAttemptAt: Date;
  lockedUntil?: Date | null;
};

export type NewLeadRow = {
  id: string;
  workspaceId: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  phones: { raw: string; e164: string | null }[];
  phoneE164: string[];
  phoneSearch: string;
  emails: string[];
  emailSearch: string;
  source: string | null;
  campaign: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  zip: string | null;
  timeZone: string | null;
  language: string | null;
  tags: string[];
  custom: Record<string, unknown>;
  origin: string;
  externalId: string;
  ownerId: string | null;
  pipelineId: string | null;
  stageId: string | null;
  at: Date;
};

/** The workspaces a capture transaction locked, with their distribution versions (`lockWorkspaceIngest`). */
export type IngestLocks = Map<string, number>;

export type NewActivity = { workspaceId: string; leadId: string; type: string; actorId: string | null; data: Record<string, unknown>; createdAt: Date };

/** `column = ANY($1::type[])`: one bound parameter for the whole list, however long. */
const anyOf = (column: SQL | Column, values: string[], type: 'uuid' | 'text') => sql`${column} = ANY(${arr(values)}::${sql.raw(type)}[])`;

/** LIKE pattern for a literal substring. */
const likeLiteral = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A column of `leads` as the catalog defines it: type, and its default or generation expression. */
type LeadColumnShape = { name: string; type: string; generated: boolean; identity: boolean; expr: string | null };

/**
 * Defaults the probe cannot evaluate as the INSERT would: a sequence or identity would hand out numbers for rows that
 * are only looked at, and a volatile function gives another value each time it is called.
 */
const UNREPEATABLE_DEFAULT = /\b(nextval|clock_timestamp|statement_timestamp|timeofday|random|gen_random_uuid|uuid_generate_v\d\w*)\s*\(/i;

/**
 * `leads`' columns from the catalog, in order (ADR 026). Read once per repository: a migration that changes them is
 * followed by a restart.
 */
async function leadShape(tx: DbOrTx): Promise<LeadColumnShape[]> {
  const result = await tx.execute(sql`
    SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attgenerated <> '' AS generated,
           a.attidentity <> '' AS identity, pg_get_expr(d.adbin, d.adrelid) AS expr
    FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = 'leads'::regclass AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY a.attnum`);
  return rowsOf<LeadColumnShape>(result);
}

/**
 * New leads' rows exactly as an INSERT of `LEAD_COLUMNS` would store them, without storing them: every other column
 * gets its default, and generated columns their expression over the row — both taken from the catalog, not
 * rewritten here. (Row triggers are not run: none of them sets a column the lead filters read.)
 */
function probeRows(shape: LeadColumnShape[], values: Record<string, unknown>[]): SQL | null {
  const given = new Set(LEAD_COLUMNS.map(([c]) => c));
  if (shape.some((c) => !given.has(c.name) && (c.identity || UNREPEATABLE_DEFAULT.test(c.expr ?? '')))) return null;
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const base = shape
    .filter((c) => !c.generated)
    .map((c) => (given.has(c.name) ? `x.${q(c.name)}` : `(${c.expr ?? 'NULL'})::${c.type} AS ${q(c.name)}`));
  const generated = shape.filter((c) => c.generated).map((c) => `(${c.expr})::${c.type} AS ${q(c.name)}`);
  const defs = LEAD_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ');
  return sql`SELECT b.*${sql.raw(generated.length ? `, ${generated.join(', ')}` : '')}
    FROM (SELECT ${sql.raw(base.join(', '))} FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb) AS x(${sql.raw(defs)})) b`;
}

export function createCaptureRepository(db: Db) {
  let shape: Promise<LeadColumnShape[]> | null = null;
  return {
    db,

    // Connections

    async insertConnection(values: typeof metaConnections.$inferInsert): Promise<MetaConnectionRow> {
      const [row] = await db.insert(metaConnections).values(values).returning();
      return row!;
    },

    listConnections: (workspaceId: string) =>
      db.select().from(metaConnections).where(eq(metaConnections.workspaceId, workspaceId)).orderBy(asc(metaConnections.createdAt)),

    async findConnection(workspaceId: string, id: string): Promise<MetaConnectionRow | undefined> {
      const [row] = await db.select().from(metaConnections).where(and(eq(metaConnections.workspaceId, workspaceId), eq(metaConnections.id, id)));
      return row;
    },

    /** Across workspaces, for the webhook: the page id is all Meta tells us. */
    connectionsOfPages: (pageIds: string[]) =>
      pageIds.length ? db.select().from(metaConnections).where(inArray(metaConnections.pageId, pageIds)) : Promise.resolve([]),

    /** Across workspaces, for the scheduled poll. */
    activeConnections: () => db.select().from(metaConnections).where(eq(metaConnections.status, 'active')),

    async connectionByVerifyToken(token: string): Promise<MetaConnectionRow | undefined> {
      const [row] = await db.select().from(metaConnections).where(eq(metaConnections.verifyToken, token)).limit(1);
      return row;
    },

    async updateConnection(tx: DbOrTx, workspaceId: string, id: string, set: Partial<typeof metaConnections.$inferInsert>): Promise<MetaConnectionRow | undefined> {
      const [row] = await tx
        .update(metaConnections)
        .set(set)
        .where(and(eq(metaConnections.workspaceId, workspaceId), eq(metaConnections.id, id)))
        .returning();
      return row;
    },

    async lockConnection(tx: DbOrTx, id: string): Promise<'active' | 'broken' | undefined> {
      const [row] = await tx.select({ status: metaConnections.status }).from(metaConnections).where(eq(metaConnections.id, id)).for('update');
      return row?.status;
    },

    async deleteConnection(tx: DbOrTx, workspaceId: string, id: string): Promise<boolean> {
      const rows = await tx
        .delete(metaConnections)
        .where(and(eq(metaConnections.workspaceId, workspaceId), eq(metaConnections.id, id)))
        .returning({ id: metaConnections.id });
      return rows.length === 1;
    },

    async connectionsByIds(ids: string[]): Promise<MetaConnectionRow[]> {
      return ids.length ? db.select().from(metaConnections).where(inArray(metaConnections.id, ids)) : [];
    },

    /**
     * Per connection: leads ingested since a moment (the health's "today"), events waiting, failed and skipped.
     * Two index range scans of meta_lead_events_conn_idx (connection, status, updated_at) per connection.
     */
    async connectionHealth(connectionIds: string[], since: Date): Promise<Map<string, { leadsToday: number; pending: number; failed: number; skipped: number }>> {
      const health = new Map(connectionIds.map((id) => [id, { leadsToday: 0, pending: 0, failed: 0, skipped: 0 }]));
      if (!connectionIds.length) return health;
      const [open, today] = await Promise.all([
        db
          .select({ connectionId: metaLeadEvents.connectionId, status: metaLeadEvents.status, n: sql<number>`count(*)::int` })
          .from(metaLeadEvents)
          .where(and(anyOf(metaLeadEvents.connectionId, connectionIds, 'uuid'), inArray(metaLeadEvents.status, ['pending', 'failed', 'skipped'])))
          .groupBy(metaLeadEvents.connectionId, metaLeadEvents.status),
        db
          .select({ connectionId: metaLeadEvents.connectionId, n: sql<number>`count(*)::int` })
          .from(metaLeadEvents)
          .where(and(anyOf(metaLeadEvents.connectionId, connectionIds, 'uuid'), eq(metaLeadEvents.status, 'done'), gte(metaLeadEvents.updatedAt, since)))
          .groupBy(metaLeadEvents.connectionId),
      ]);
      for (const r of open) {
        const h = health.get(r.connectionId);
        if (h && r.status !== 'done') h[r.status] = Number(r.n);
      }
      for (const r of today) {
        const h = health.get(r.connectionId);
        if (h) h.leadsToday = Number(r.n);
      }
      return health;
    },

    // Form mappings

    listMappings: (workspaceId: string, connectionId: string) =>
      db
        .select()
        .from(metaFormMappings)
        .where(and(eq(metaFormMappings.workspaceId, workspaceId), eq(metaFormMappings.connectionId, connectionId)))
        .orderBy(asc(metaFormMappings.createdAt)),

    async findMapping(workspaceId: string, connectionId: string, formId: string): Promise<MetaFormMappingRow | undefined> {
      const [row] = await db
        .select()
        .from(metaFormMappings)
        .where(and(eq(metaFormMappings.workspaceId, workspaceId), eq(metaFormMappings.connectionId, connectionId), eq(metaFormMappings.formId, formId)));
      return row;
    },

    async upsertMapping(values: typeof metaFormMappings.$inferInsert): Promise<MetaFormMappingRow> {
      const { workspaceId: _w, connectionId: _c, formId: _f, id: _i, createdAt: _a, ...changes } = values;
      const [row] = await db
        .insert(metaFormMappings)
        .values(values)
        .onConflictDoUpdate({ target: [metaFormMappings.workspaceId, metaFormMappings.connectionId, metaFormMappings.formId], set: changes })
        .returning();
      return row!;
    },

    /** A poll read this form to its last page: remember when (a form without a mapping gets a default row). */
    async formSynced(workspaceId: string, connectionId: string, formId: string, at: Date): Promise<void> {
      await db
        .insert(metaFormMappings)
        .values({ workspaceId, connectionId, formId, lastSyncedAt: at, createdAt: at, updatedAt: at })
        .onConflictDoUpdate({ target: [metaFormMappings.workspaceId, metaFormMappings.connectionId, metaFormMappings.formId], set: { lastSyncedAt: at } });
    },

    async deleteMapping(workspaceId: string, connectionId: string, formId: string): Promise<boolean> {
      const rows = await db
        .delete(metaFormMappings)
        .where(and(eq(metaFormMappings.workspaceId, workspaceId), eq(metaFormMappings.connectionId, connectionId), eq(metaFormMappings.formId, formId)))
        .returning({ id: metaFormMappings.id });
      return rows.length === 1;
    },

    // Lead events: the durable inbox

    /** Idempotent per (workspace, leadgen id), in one statement however many: returns only the rows that are new. */
    async insertEvents(values: NewEvent[]): Promise<{ id: string; workspaceId: string; leadgenId: string }[]> {
      if (!values.length) return [];
      const rows = values.map((v) => ({
        workspace_id: v.workspaceId,
        connection_id: v.connectionId,
        leadgen_id: v.leadgenId,
        page_id: v.pageId,
        form_id: v.formId,
        ad_id: v.adId,
        received_at: v.receivedAt,
        next_attempt_at: v.nextAttemptAt,
        locked_until: v.lockedUntil ?? null,
        updated_at: v.receivedAt,
      }));
      const result = await db.execute(sql`
        INSERT INTO ${metaLeadEvents} (${sql.raw(EVENT_COLUMNS.map(([c]) => c).join(', '))})
        ${jsonRows(EVENT_COLUMNS, rows)}
        ON CONFLICT (workspace_id, leadgen_id) DO NOTHING
        RETURNING id, workspace_id, leadgen_id`);
      return rowsOf<{ id: string; workspace_id: string; leadgen_id: string }>(result).map((r) => ({ id: r.id, workspaceId: r.workspace_id, leadgenId: r.leadgen_id }));
    },

    /**
     * A webhook group in one statement and one commit: its events (idempotent, as `insertEvents`) and its log
     * lines. Returns the events that are new.
     */
    async insertEventsWithLog(values: NewEvent[], log: IntegrationLogInsert[]): Promise<{ id: string; workspaceId: string; leadgenId: string }[]> {
      if (!log.length) return this.insertEvents(values);
      const events = values.map((v) => ({
        workspace_id: v.workspaceId,
        connection_id: v.connectionId,
        leadgen_id: v.leadgenId,
        page_id: v.pageId,
        form_id: v.formId,
        ad_id: v.adId,
        received_at: v.receivedAt,
        next_attempt_at: v.nextAttemptAt,
        locked_until: v.lockedUntil ?? null,
        updated_at: v.receivedAt,
      }));
      const result = await db.execute(sql`
        WITH ev AS (
          INSERT INTO ${metaLeadEvents} (${sql.raw(EVENT_COLUMNS.map(([c]) => c).join(', '))})
          ${jsonRows(EVENT_COLUMNS, events)}
          ON CONFLICT (workspace_id, leadgen_id) DO NOTHING
          RETURNING id, workspace_id, leadgen_id
        ), lg AS (
          INSERT INTO ${integrationLog} (${sql.raw(LOG_COLUMNS.map(([c]) => c).join(', '))})
          ${jsonRows(LOG_COLUMNS, log.map(logRow))}
        )
        SELECT id, workspace_id, leadgen_id FROM ev`);
      return rowsOf<{ id: string; workspace_id: string; leadgen_id: string }>(result).map((r) => ({ id: r.id, workspaceId: r.workspace_id, leadgenId: r.leadgen_id }));
    },

    eventsByLeadgen: (workspaceId: string, leadgenIds: string[]) =>
      leadgenIds.length
        ? db
            .select()
            .from(metaLeadEvents)
            .where(and(eq(metaLeadEvents.workspaceId, workspaceId), anyOf(metaLeadEvents.leadgenId, leadgenIds, 'text')))
        : Promise.resolve([] as MetaLeadEventRow[]),

    async findEvent(workspaceId: string, id: string): Promise<MetaLeadEventRow | undefined> {
      const [row] = await db.select().from(metaLeadEvents).where(and(eq(metaLeadEvents.workspaceId, workspaceId), eq(metaLeadEvents.id, id)));
      return row;
    },

    /**
     * Claims up to `limit` due events (across workspaces, or of one connection) with a lease: concurrent
     * workers skip each other's rows; a worker that dies lets the lease run out and the event is claimed again.
     */
    async claimDueEvents(now: Date, leaseUntil: Date, limit: number, connectionId?: string): Promise<MetaLeadEventRow[]> {
      const nowIso = now.toISOString();
      const result = await db.execute(sql`
        UPDATE ${metaLeadEvents} e
        SET locked_until = ${leaseUntil.toISOString()}::timestamptz, attempts = e.attempts + 1, updated_at = ${nowIso}::timestamptz
        FROM (
          SELECT id FROM ${metaLeadEvents}
          WHERE status = 'pending' AND next_attempt_at <= ${nowIso}::timestamptz
            AND (locked_until IS NULL OR locked_until <= ${nowIso}::timestamptz)
            ${connectionId ? sql`AND connection_id = ${connectionId}` : sql``}
          ORDER BY next_attempt_at
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED
        ) due
        WHERE e.id = due.id
        RETURNING e.id, e.workspace_id, e.connection_id, e.leadgen_id, e.page_id, e.form_id, e.ad_id, e.status, e.attempts, e.last_error, e.lead_id,
          (extract(epoch FROM e.received_at) * 1000)::float8 AS received_ms,
          (extract(epoch FROM e.next_attempt_at) * 1000)::float8 AS next_ms,
          (extract(epoch FROM e.locked_until) * 1000)::float8 AS locked_ms,
          (extract(epoch FROM e.updated_at) * 1000)::float8 AS updated_ms`);
      // Mapped by hand: the query builder's row mapping costs more than the claim itself at 100 rows a batch.
      type Raw = {
        id: string;
        workspace_id: string;
        connection_id: string;
        leadgen_id: string;
        page_id: string;
        form_id: string | null;
        ad_id: string | null;
        status: MetaLeadEventRow['status'];
        attempts: number;
        last_error: string | null;
        lead_id: string | null;
        received_ms: number;
        next_ms: number;
        locked_ms: number | null;
        updated_ms: number;
      };
      return rowsOf<Raw>(result)
        .map(
          (r): MetaLeadEventRow => ({
            id: r.id,
            workspaceId: r.workspace_id,
            connectionId: r.connection_id,
            leadgenId: r.leadgen_id,
            pageId: r.page_id,
            formId: r.form_id,
            adId: r.ad_id,
            status: r.status,
            attempts: Number(r.attempts),
            lastError: r.last_error,
            leadId: r.lead_id,
            receivedAt: new Date(Number(r.received_ms)),
            nextAttemptAt: new Date(Number(r.next_ms)),
            lockedUntil: r.locked_ms === null ? null : new Date(Number(r.locked_ms)),
            updatedAt: new Date(Number(r.updated_ms)),
          }),
        )
        .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
    },

    /**
     * Ingests of one workspace take turns (until commit), so two submissions of the same new person arriving
     * at once make one lead and one "came back", not two leads. Taken in workspace order: no deadlock.
     * Capture's lock, then distribution's (ADR 025): every capture batch ends in the distribution step, so it takes
     * both here, in one round trip per workspace, in the order every other holder of both uses. Returns each
     * workspace's distribution version as of this statement's start (ADR 027: a batch of a workspace whose cached
     * setup at that version has no rules skips the distribution read).
     */
    async lockWorkspaceIngest(tx: DbOrTx, workspaceIds: string[]): Promise<IngestLocks> {
      const versions: IngestLocks = new Map();
      for (const id of [...new Set(workspaceIds)].sort()) {
        // One text for every batch: prepared per connection (ADR 029), as are the leads and activities INSERTs below.
        const [row] = rowsOf<{ version: string | number | null }>(
          await executePrepared(tx, sql`
            SELECT pg_advisory_xact_lock(hashtextextended(${`capture:${id}`}, 0)), ${distributionLockSql(id)},
              (SELECT v.version FROM distribution_versions v WHERE v.workspace_id = ${id}) AS version`),
        );
        versions.set(id, Number(row?.version ?? 0));
      }
      return versions;
    },

    /** Inside the ingest transaction: serialises with any other run on the same events (in id order: no deadlock). */
    async lockEvents(tx: DbOrTx, ids: string[]): Promise<Map<string, EventStatus>> {
      if (!ids.length) return new Map();
      const rows = await tx
        .select({ id: metaLeadEvents.id, status: metaLeadEvents.status })
        .from(metaLeadEvents)
        .where(anyOf(metaLeadEvents.id, ids, 'uuid'))
        .orderBy(asc(metaLeadEvents.id))
        .for('update');
      return new Map(rows.map((r) => [r.id, r.status]));
    },

    async markEventsDone(tx: DbOrTx, rows: { id: string; leadId: string; formId: string | null }[], at: Date): Promise<void> {
      if (!rows.length) return;
      await tx.execute(sql`
        UPDATE ${metaLeadEvents} e
        SET status = 'done', lead_id = v.lead_id, form_id = coalesce(v.form_id, e.form_id), last_error = NULL, locked_until = NULL, updated_at = ${at.toISOString()}::timestamptz
        FROM unnest(${arr(rows.map((r) => r.id))}::uuid[], ${arr(rows.map((r) => r.leadId))}::uuid[], ${arr(rows.map((r) => r.formId))}::text[]) AS v(id, lead_id, form_id)
        WHERE e.id = v.id`);
    },

    /** Retriable failures: pending again at their own due time, with the error kept for the admin. */
    async rescheduleEvents(tx: DbOrTx, rows: { id: string; dueAt: Date; error: string }[], at: Date): Promise<void> {
      if (!rows.length) return;
      await tx.execute(sql`
        UPDATE ${metaLeadEvents} e
        SET next_attempt_at = v.due, last_error = v.err, locked_until = NULL, updated_at = ${at.toISOString()}::timestamptz
        FROM unnest(${arr(rows.map((r) => r.id))}::uuid[], ${arr(rows.map((r) => r.dueAt.toISOString()))}::timestamptz[], ${arr(rows.map((r) => r.error))}::text[]) AS v(id, due, err)
        WHERE e.id = v.id AND e.status = 'pending'`);
    },

    /** Not attempted (the page is rate limited): due again then, and this claim does not count as an attempt. */
    async deferEvents(tx: DbOrTx, ids: string[], dueAt: Date, at: Date): Promise<void> {
      if (!ids.length) return;
      await tx
        .update(metaLeadEvents)
        .set({ nextAttemptAt: dueAt, lockedUntil: null, attempts: sql`greatest(${metaLeadEvents.attempts} - 1, 0)`, updatedAt: at })
        .where(and(inArray(metaLeadEvents.id, ids), eq(metaLeadEvents.status, 'pending')));
    },

    /** Ends events as failed (or skipped) with the reason the admin sees. */
    async finishEvents(tx: DbOrTx, ids: string[], status: 'failed' | 'skipped', error: string, at: Date): Promise<void> {
      if (!ids.length) return;
      await tx
        .update(metaLeadEvents)
        .set({ status, lastError: error, lockedUntil: null, updatedAt: at })
        .where(and(inArray(metaLeadEvents.id, ids), inArray(metaLeadEvents.status, ['pending', 'failed'])));
    },

    /** Pending again now, with fresh attempts: after a reconnection, a re-enabled form, Sync now or Retry. */
    async requeueEvents(
      workspaceId: string,
      connectionId: string,
      statuses: EventStatus[],
      at: Date,
      filter: { formId?: string | undefined; ids?: string[] | undefined } = {},
    ): Promise<number> {
      const where: SQL[] = [eq(metaLeadEvents.workspaceId, workspaceId), eq(metaLeadEvents.connectionId, connectionId), inArray(metaLeadEvents.status, statuses)];
      if (filter.formId) where.push(eq(metaLeadEvents.formId, filter.formId));
      if (filter.ids) where.push(inArray(metaLeadEvents.id, filter.ids.length ? filter.ids : ['00000000-0000-0000-0000-000000000000']));
      const rows = await db
        .update(metaLeadEvents)
        .set({ status: 'pending', attempts: 0, nextAttemptAt: at, lockedUntil: null, updatedAt: at })
        .where(and(...where))
        .returning({ id: metaLeadEvents.id });
      return rows.length;
    },

    /** Events of a connection for the admin, newest first (failed and waiting ones are what they look for). */
    listEvents(workspaceId: string, connectionId: string, status: EventStatus | undefined, before: { at: Date; id: string } | undefined, limit: number) {
      const where: SQL[] = [eq(metaLeadEvents.workspaceId, workspaceId), eq(metaLeadEvents.connectionId, connectionId)];
      if (status) where.push(eq(metaLeadEvents.status, status));
      if (before) where.push(sql`(${metaLeadEvents.receivedAt}, ${metaLeadEvents.id}) < (${before.at.toISOString()}::timestamptz, ${before.id}::uuid)`);
      return db.select().from(metaLeadEvents).where(and(...where)).orderBy(desc(metaLeadEvents.receivedAt), desc(metaLeadEvents.id)).limit(limit);
    },

    // Integration log

    async insertLog(values: IntegrationLogInsert | IntegrationLogInsert[]): Promise<void> {
      const list = Array.isArray(values) ? values : [values];
      if (!list.length) return;
      const rows = list.map(logRow);
      await db.execute(sql`INSERT INTO ${integrationLog} (${sql.raw(LOG_COLUMNS.map(([c]) => c).join(', '))}) ${jsonRows(LOG_COLUMNS, rows)}`);
    },

    listLog(q: LogQuery) {
      const where: SQL[] = [eq(integrationLog.workspaceId, q.workspaceId)];
      if (q.provider) where.push(eq(integrationLog.provider, q.provider));
      if (q.status === 'error') where.push(sql`${integrationLog.error} IS NOT NULL`);
      if (q.status === 'ok') where.push(isNull(integrationLog.error));
      if (q.connectionId) where.push(eq(integrationLog.connectionId, q.connectionId));
      if (q.direction) where.push(eq(integrationLog.direction, q.direction));
      if (q.q) {
        const pattern = likeLiteral(q.q);
        where.push(or(ilike(integrationLog.url, pattern), ilike(integrationLog.method, pattern), ilike(integrationLog.error, pattern))!);
      }
      if (q.beforeId !== undefined) where.push(lt(integrationLog.id, q.beforeId));
      return db.select().from(integrationLog).where(and(...where)).orderBy(desc(integrationLog.id)).limit(q.limit);
    },

    // Settings

    async duplicatePolicy(tx: DbOrTx, workspaceId: string): Promise<'merge' | 'always_create'> {
      const [row] = await tx.select({ p: captureSettings.duplicatePolicy }).from(captureSettings).where(eq(captureSettings.workspaceId, workspaceId));
      return row?.p ?? 'merge';
    },

    async setDuplicatePolicy(workspaceId: string, policy: 'merge' | 'always_create', at: Date): Promise<void> {
      await db
        .insert(captureSettings)
        .values({ workspaceId, duplicatePolicy: policy, updatedAt: at })
        .onConflictDoUpdate({ target: captureSettings.workspaceId, set: { duplicatePolicy: policy, updatedAt: at } });
    },

    // API keys and intake

    async insertApiKey(values: typeof apiKeys.$inferInsert): Promise<ApiKeyRow> {
      const [row] = await db.insert(apiKeys).values(values).returning();
      return row!;
    },

    listApiKeys: (workspaceId: string) => db.select().from(apiKeys).where(eq(apiKeys.workspaceId, workspaceId)).orderBy(desc(apiKeys.createdAt)),

    async revokeApiKey(workspaceId: string, id: string, at: Date): Promise<ApiKeyRow | undefined> {
      const [row] = await db
        .update(apiKeys)
        .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, ${at.toISOString()}::timestamptz)` })
        .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, id)))
        .returning();
      return row;
    },

    async findLiveApiKey(keyHash: string): Promise<ApiKeyRow | undefined> {
      const [row] = await db.select().from(apiKeys).where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)));
      return row;
    },

    async touchApiKey(id: string, at: Date): Promise<void> {
      await db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id));
    },

    /** Serialises requests with the same idempotency key until the transaction ends (both engines). */
    async lockIdempotencyKey(tx: DbOrTx, workspaceId: string, key: string): Promise<void> {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`${workspaceId}:${key}`}, 0))`);
    },

    async findIntakeRequest(tx: DbOrTx, workspaceId: string, key: string): Promise<{ leadId: string; outcome: 'created' | 'came_back' } | undefined> {
      const [row] = await tx
        .select({ leadId: intakeRequests.leadId, outcome: intakeRequests.outcome })
        .from(intakeRequests)
        .where(and(eq(intakeRequests.workspaceId, workspaceId), eq(intakeRequests.idempotencyKey, key)));
      return row;
    },

    async insertIntakeRequest(tx: DbOrTx, values: typeof intakeRequests.$inferInsert): Promise<void> {
      await tx.insert(intakeRequests).values(values).onConflictDoNothing();
    },

    // Captured leads. The leads service creates leads for a signed-in actor only (origin `manual`); capture
    // creates them on the system's behalf with an origin and external id, so these queries live here.

    async defaultCountry(tx: DbOrTx, workspaceId: string): Promise<string> {
      const [row] = await tx.select({ c: workspaces.defaultCountry }).from(workspaces).where(eq(workspaces.id, workspaceId));
      return row?.c ?? 'US';
    },

    /** Where a captured lead lands: the mapped stage if it still exists, else the first open stage of the pipeline (or of all). */
    async placement(tx: DbOrTx, workspaceId: string, pipelineId: string | null, stageId: string | null): Promise<{ pipelineId: string | null; stageId: string | null }> {
      const where = [eq(pipelineStages.workspaceId, workspaceId), isNull(pipelineStages.archivedAt), isNull(pipelines.archivedAt)];
      if (stageId) {
        const [s] = await tx
          .select({ id: pipelineStages.id, pipelineId: pipelineStages.pipelineId })
          .from(pipelineStages)
          .innerJoin(pipelines, eq(pipelines.id, pipelineStages.pipelineId))
          .where(and(...where, eq(pipelineStages.id, stageId)));
        if (s) return { pipelineId: s.pipelineId, stageId: s.id };
      }
      const [first] = await tx
        .select({ id: pipelineStages.id, pipelineId: pipelineStages.pipelineId })
        .from(pipelineStages)
        .innerJoin(pipelines, eq(pipelines.id, pipelineStages.pipelineId))
        .where(and(...where, eq(pipelineStages.kind, 'open'), ...(pipelineId ? [eq(pipelineStages.pipelineId, pipelineId)] : [])))
        .orderBy(asc(pipelines.position), asc(pipelineStages.position))
        .limit(1);
      return first ? { pipelineId: first.pipelineId, stageId: first.id } : { pipelineId: null, stageId: null };
    },

    /** The workspace's default phone country and duplicate rule, in one read. */
    async captureContext(tx: DbOrTx, workspaceId: string): Promise<{ defaultCountry: string; duplicatePolicy: 'merge' | 'always_create' }> {
      const [row] = await tx
        .select({ c: workspaces.defaultCountry, p: captureSettings.duplicatePolicy })
        .from(workspaces)
        .leftJoin(captureSettings, eq(captureSettings.workspaceId, workspaces.id))
        .where(eq(workspaces.id, workspaceId));
      return { defaultCountry: row?.c ?? 'US', duplicatePolicy: row?.p ?? 'merge' };
    },

    /** Live leads of the workspace sharing any of these E.164 phones or emails, oldest first. */
    async samePersonCandidates(tx: DbOrTx, workspaceId: string, phones: string[], emails: string[]) {
      const match: SQL[] = [];
      if (phones.length) match.push(sql`${leads.phoneE164} && ${arr(phones)}::text[]`);
      if (emails.length) match.push(sql`${leads.emails} && ${arr(emails)}::text[]`);
      if (!match.length) return [];
      return tx
        .select({ id: leads.id, ownerId: leads.ownerId, phoneE164: leads.phoneE164, emails: leads.emails })
        .from(leads)
        .where(and(eq(leads.workspaceId, workspaceId), isNull(leads.deletedAt), sql`(${sql.join(match, sql` OR `)})`))
        .orderBy(asc(leads.createdAt), asc(leads.id))
        .limit(1000);
    },

    /** Leads already ingested under these external ids (any origin; the caller matches the origin). */
    leadsByExternalIds: (tx: DbOrTx, workspaceId: string, externalIds: string[]) =>
      externalIds.length
        ? tx
            .select({ id: leads.id, ownerId: leads.ownerId, origin: leads.origin, externalId: sql<string>`${leads.externalId}` })
            .from(leads)
            .where(and(eq(leads.workspaceId, workspaceId), anyOf(leads.externalId, externalIds, 'text')))
        : Promise.resolve([] as { id: string; ownerId: string | null; origin: string; externalId: string }[]),

    /** Exactly once per (workspace, origin, external id): returns the ids actually inserted. */
    async insertLeads(tx: DbOrTx, values: NewLeadRow[]): Promise<string[]> {
      if (!values.length) return [];
      const result = await executePrepared(tx, sql`
        INSERT INTO ${leads} (${sql.raw(LEAD_COLUMNS.map(([c]) => c).join(', '))})
        ${jsonRows(LEAD_COLUMNS, values.map(leadRowValues))}
        ON CONFLICT (workspace_id, origin, external_id) DO NOTHING
        RETURNING id`);
      return rowsOf<{ id: string }>(result).map((r) => r.id);
    },

    /**
     * The same rows as `insertLeads` would store them — defaults and generated columns included — without storing
     * them (ADR 026): a query to run as a CTE named `leads`, so the distribution rules' conditions decide on the rows
     * before they exist. Null when a column of `leads` that capture does not set has a default the probe cannot
     * repeat (a sequence, an identity, a volatile function).
     */
    async probeLeads(tx: DbOrTx, values: NewLeadRow[]): Promise<SQL | null> {
      shape ??= leadShape(tx).catch((e: unknown) => {
        shape = null;
        throw e;
      });
      return probeRows(await shape, values.map(leadRowValues));
    },

    async insertActivities(tx: DbOrTx, values: NewActivity[]): Promise<void> {
      if (!values.length) return;
      const rows = values.map((v) => ({ workspace_id: v.workspaceId, lead_id: v.leadId, type: v.type, actor_id: v.actorId, data: v.data, created_at: v.createdAt }));
      await executePrepared(tx, sql`INSERT INTO ${activities} (${sql.raw(ACTIVITY_COLUMNS.map(([c]) => c).join(', '))}) ${jsonRows(ACTIVITY_COLUMNS, rows)}`);
    },

    /** A known person came back: the lead shows it (filterable) and rises in "last activity". */
    async markCameBack(tx: DbOrTx, workspaceId: string, leadIds: string[], at: Date): Promise<void> {
      await tx
        .update(leads)
        .set({ lastActivityAt: at, cameBackAt: at })
        .where(and(eq(leads.workspaceId, workspaceId), anyOf(leads.id, leadIds, 'uuid')));
    },
  };
}

export type CaptureRepository = ReturnType<typeof createCaptureRepository>;
