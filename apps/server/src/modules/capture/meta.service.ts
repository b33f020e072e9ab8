import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import type {
  createMetaConnectionRequest,
  integrationLogEntry,
  metaConnection,
  metaConnectionTestResult,
  metaFormMapping,
  metaFormMappingInput,
  metaLeadEvent,
  metaSyncResult,
  updateMetaConnectionRequest,
} from '@leadflow/shared/capture';
import { writeAudit } from '../../platform/audit/audit.ts';
import { conflict, isUniqueViolation, notFound } from '../../platform/errors.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import { randomToken } from '../../platform/secrets/crypto.ts';
import { createWorkspacesRepository } from '../workspaces/workspaces.repository.ts';
import { connectionBrokenMail } from './capture-mail.ts';
import { isForeignKeyViolation } from './capture-errors.ts';
import { createCaptureRepository, type NewEvent, type IntegrationLogInsert, type LogQuery, type MetaConnectionRow, type MetaFormMappingRow, type MetaLeadEventRow } from './capture.repository.ts';
import { announceIngests, ingestCapturedLeads, type CapturedLead, type IngestOutcome } from './lead-ingest.ts';
import { mapFormAnswers } from './meta-field-map.ts';
import { GraphError, createGraphClient, type GraphCallRecord, type GraphLead } from './meta-graph.ts';
import { createGroupWriter } from './group-writer.ts';
import { createInboxRunner, type InboxRunner } from './meta-inbox.ts';

export const POLL_JOB = 'meta.poll';
export const POLL_CRON = '*/5 * * * *';
/** Polls start a little before the last one so a lead created during a poll is not missed. */
const POLL_OVERLAP_MS = 10 * 60_000;
const FIRST_POLL_WINDOW_MS = 24 * 60 * 60_000;
const DEFAULT_SOURCE = 'Facebook Lead Ads';

/** Events claimed per batch: one claim, one Graph round of fetches in parallel, one ingest transaction. */
const INBOX_BATCH = 100;
/** Graph reads in flight per batch (keep-alive connections to graph.facebook.com). */
const FETCH_CONCURRENCY = 32;
/** A claimed event is someone's for this long; longer than a Graph timeout plus an ingest. */
const LEASE_MS = 2 * 60_000;
/** Batches drained at once per process: one fetches from Graph while the other writes. */
const INBOX_CONCURRENCY = 2;
/**
 * A webhook arriving when no insert is in flight waits this long for others to share its insert and commit: at a
 * steady 500 deliveries a second, a few commits a second instead of hundreds, for 5 ms more per answer.
 */
const WEBHOOK_GROUP_WINDOW_MS = 5;
/** After a small batch, a worker waits this long so the next one gathers more leads (see meta-inbox.ts). */
const INBOX_LINGER_MS = 100;
/** How often an idle worker looks at the inbox (other instances' webhooks, retries that came due, lost leases). */
const INBOX_IDLE_MS = 1000;
/** Retriable failures (rate limits, temporary errors, 5xx, timeouts): 15 s doubling to 30 min, ten tries (about 2 h). */
export const MAX_ATTEMPTS = 10;
const RETRY_BASE_MS = 15_000;
const RETRY_MAX_MS = 30 * 60_000;
/** A rate-limited page gets no lead fetch for at least this long. */
const THROTTLE_MS = 60_000;
/** The webhook keeps the connections of a page this long (a new or deleted connection, a new secret are looked up afresh). */
const CONNECTION_CACHE_MS = 5000;

type MetaConnection = z.infer<typeof metaConnection>;
type CreateConnectionInput = z.infer<typeof createMetaConnectionRequest>;
type UpdateConnectionInput = z.infer<typeof updateMetaConnectionRequest>;
type MappingInput = z.infer<typeof metaFormMappingInput>;
type SyncResult = z.infer<typeof metaSyncResult>;
type TestResult = z.infer<typeof metaConnectionTestResult>;
type LogEntry = z.infer<typeof integrationLogEntry>;
type LeadEvent = z.infer<typeof metaLeadEvent>;

export type WebhookAnswer = { status: 200 | 400 | 401; body: Record<string, unknown>; unknownPageIds?: string[] };

/** What a drained batch did, for Sync now's answer and the tests. */
export type DrainResult = { claimed: number; created: number; cameBack: number; retrying: number; failed: number; skipped: number };

/** Constant-time check of `X-Hub-Signature-256` over the raw bytes as received. */
export function verifyMetaSignature(appSecret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

type LeadgenChange = { leadgenId: string; pageId: string; formId: string | null; adId: string | null };

/** The leadgen changes of a webhook body, per page; anything else in it is ignored. */
function leadgenChanges(body: unknown): { pageIds: string[]; changes: LeadgenChange[] } | null {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { entry?: unknown }).entry)) return null;
  const changes: LeadgenChange[] = [];
  const pageIds = new Set<string>();
  for (const entry of (body as { entry: unknown[] }).entry) {
    const e = (entry ?? {}) as { id?: unknown; changes?: unknown };
    if (typeof e.id === 'string') pageIds.add(e.id);
    for (const change of Array.isArray(e.changes) ? e.changes : []) {
      const c = (change ?? {}) as { field?: unknown; value?: Record<string, unknown> };
      const v = c.value;
      if (c.field !== 'leadgen' || !v || typeof v.leadgen_id !== 'string' || !/^\d{1,30}$/.test(v.leadgen_id)) continue;
      const pageId = typeof v.page_id === 'string' ? v.page_id : typeof e.id === 'string' ? e.id : null;
      if (!pageId) continue;
      pageIds.add(pageId);
      changes.push({
        leadgenId: v.leadgen_id,
        pageId,
        formId: typeof v.form_id === 'string' ? v.form_id : null,
        adId: typeof v.ad_id === 'string' ? v.ad_id : null,
      });
    }
  }
  return { pageIds: [...pageIds], changes };
}

function submissionOf(lead: GraphLead, answers: Record<string, string>, mapping: MetaFormMappingRow | undefined): Record<string, unknown> {
  return {
    leadgenId: lead.id,
    formId: lead.form_id ?? mapping?.formId ?? null,
    formName: mapping?.name ?? null,
    formAnswers: answers,
    adId: lead.ad_id ?? null,
    adName: lead.ad_name ?? null,
    adsetId: lead.adset_id ?? null,
    adsetName: lead.adset_name ?? null,
    campaignId: lead.campaign_id ?? null,
    campaignName: lead.campaign_name ?? null,
    isOrganic: lead.is_organic ?? null,
    platform: lead.platform ?? null,
    submittedAt: lead.created_time ?? null,
  };
}

/** Exponential backoff with ±20% jitter, so retries of a burst do not come back together. */
export function retryDelayMs(attempts: number, random = Math.random()): number {
  const base = Math.min(RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1), RETRY_MAX_MS);
  return Math.round(base * (0.8 + 0.4 * random));
}

type Fetched = { event: MetaLeadEventRow; lead: GraphLead };
type Sink = IntegrationLogInsert[];

export type MetaServiceOptions = { pollPageSize?: number; graphTimeoutMs?: number; batchSize?: number };

export function createMetaService(deps: AppDeps, options: MetaServiceOptions = {}) {
  const db = deps.database.db;
  const repo = createCaptureRepository(db);
  const workspacesRepo = createWorkspacesRepository(db);
  const webhookUrl = `${deps.config.publicUrl}/hooks/meta`;
  const batchSize = options.batchSize ?? INBOX_BATCH;
  let runner: InboxRunner | undefined;

  // Webhooks arriving together share one multi-row insert of their events (and one of their log lines); each
  // answers 200 only once its own row is committed.
  const eventWriter = createGroupWriter<{ events: NewEvent[]; log: IntegrationLogInsert[] }, boolean>(async (items) => {
    const inserted = new Set(
      (await repo.insertEventsWithLog(items.flatMap((i) => i.events), items.flatMap((i) => i.log))).map((r) => `${r.workspaceId}|${r.leadgenId}`),
    );
    return items.map((i) => i.events.some((e) => inserted.has(`${e.workspaceId}|${e.leadgenId}`)));
  }, { windowMs: WEBHOOK_GROUP_WINDOW_MS });
  const logWriter = createGroupWriter<IntegrationLogInsert, void>(async (rows) => {
    // The log must never cost a lead: a failed write is lost, the ingest is not.
    await repo.insertLog(rows).catch(() => undefined);
    return rows.map(() => undefined);
  });

  /** Decrypted secrets by their sealed form (a new secret is a new sealed string), so a webhook does not decrypt. */
  const secrets = new Map<string, string>();
  const reveal = (sealed: string) => {
    let plain = secrets.get(sealed);
    if (plain === undefined) {
      if (secrets.size > 10_000) secrets.clear();
      plain = deps.cipher.decrypt(sealed);
      secrets.set(sealed, plain);
    }
    return plain;
  };

  /** Connections by page for the webhook, briefly cached; only found ones are kept (a new page is never missed). */
  const connectionCache = new Map<string, { until: number; rows: MetaConnectionRow[] }>();
  const forgetConnections = () => connectionCache.clear();
  async function connectionsForPages(pageIds: string[], fresh: boolean): Promise<{ rows: MetaConnectionRow[]; cached: boolean }> {
    const key = [...pageIds].sort().join(',');
    const hit = connectionCache.get(key);
    if (!fresh && hit && hit.until > Date.now()) return { rows: hit.rows, cached: true };
    const rows = await repo.connectionsOfPages(pageIds);
    if (connectionCache.size > 10_000) connectionCache.clear();
    if (rows.length) connectionCache.set(key, { until: Date.now() + CONNECTION_CACHE_MS, rows });
    else connectionCache.delete(key);
    return { rows, cached: false };
  }

  /** A Graph client whose calls land in `sink` (written once per batch) under the connection. */
  function graphOf(conn: MetaConnectionRow, sink: Sink) {
    return createGraphClient({
      baseUrl: conn.graphBaseUrl,
      version: conn.graphVersion,
      accessToken: reveal(conn.pageTokenSealed),
      ...(options.graphTimeoutMs ? { timeoutMs: options.graphTimeoutMs } : {}),
      record: async (call: GraphCallRecord) => {
        sink.push({ workspaceId: conn.workspaceId, connectionId: conn.id, provider: 'meta', direction: 'out', ...call, createdAt: deps.now() });
      },
    });
  }

  async function flushLog(sink: Sink): Promise<void> {
    if (!sink.length) return;
    await Promise.all(sink.splice(0, sink.length).map((row) => logWriter.write(row)));
  }

  type Health = { leadsToday: number; pending: number; failed: number; skipped: number };
  const NO_HEALTH: Health = { leadsToday: 0, pending: 0, failed: 0, skipped: 0 };

  function toApi(c: MetaConnectionRow, h: Health): MetaConnection {
    return {
      id: c.id,
      pageId: c.pageId,
      pageName: c.pageName,
      appId: c.appId,
      verifyToken: c.verifyToken,
      webhookUrl,
      status: c.status,
      lastError: c.lastError,
      lastErrorAt: c.lastErrorAt?.toISOString() ?? null,
      lastSuccessAt: c.lastSuccessAt?.toISOString() ?? null,
      lastPolledAt: c.lastPolledAt?.toISOString() ?? null,
      throttledUntil: c.throttledUntil && c.throttledUntil > deps.now() ? c.throttledUntil.toISOString() : null,
      graphVersion: c.graphVersion,
      leadsToday: h.leadsToday,
      pendingEvents: h.pending,
      failedEvents: h.failed,
      skippedEvents: h.skipped,
      createdAt: c.createdAt.toISOString(),
    };
  }

  function toEvent(e: MetaLeadEventRow): LeadEvent {
    return {
      id: e.id,
      leadgenId: e.leadgenId,
      formId: e.formId,
      status: e.status,
      attempts: e.attempts,
      lastError: e.lastError,
      leadId: e.leadId,
      receivedAt: e.receivedAt.toISOString(),
      nextAttemptAt: e.status === 'pending' ? e.nextAttemptAt.toISOString() : null,
      updatedAt: e.updatedAt.toISOString(),
    };
  }

  function toMapping(m: MetaFormMappingRow): z.infer<typeof metaFormMapping> {
    return {
      formId: m.formId,
      name: m.name,
      fieldMap: m.fieldMap,
      pipelineId: m.pipelineId,
      stageId: m.stageId,
      source: m.source,
      tags: m.tags,
      enabled: m.enabled,
      lastSyncedAt: m.lastSyncedAt?.toISOString() ?? null,
    };
  }

  async function connectionOrNotFound(actor: Actor, id: string): Promise<MetaConnectionRow> {
    const row = await repo.findConnection(actor.workspaceId, id);
    if (!row) throw notFound('Meta connection');
    return row;
  }

  async function healthOf(connectionIds: string[]): Promise<Map<string, Health>> {
    const now = deps.now();
    return repo.connectionHealth(connectionIds, new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())));
  }

  async function noteError(conn: MetaConnectionRow, err: GraphError, extra: Partial<MetaConnectionRow> = {}): Promise<void> {
    const at = deps.now();
    await repo.updateConnection(db, conn.workspaceId, conn.id, { lastError: err.describe(), lastErrorAt: at, ...extra });
  }

  /** Token expired or permission lost: nothing works until an admin reconnects, so tell them once. */
  async function markBroken(conn: MetaConnectionRow, err: GraphError): Promise<void> {
    const at = deps.now();
    const changed = await db.transaction(async (tx) => {
      // Read under the row lock: of two workers hitting a dead token at once, one tells the admins.
      const before = await repo.lockConnection(tx, conn.id);
      const row = await repo.updateConnection(tx, conn.workspaceId, conn.id, { status: 'broken', lastError: err.describe(), lastErrorAt: at, updatedAt: at });
      if (!row || before === 'broken') return false;
      await writeAudit(tx, {
        workspaceId: conn.workspaceId,
        actorId: null,
        action: 'integration.broken',
        entityType: 'meta_connection',
        entityId: conn.id,
        oldValues: { status: 'active' },
        newValues: { status: 'broken', error: err.toJSON() },
      });
      return true;
    });
    if (!changed) return;
    await deps.events
      .publish({
        workspaceId: conn.workspaceId,
        type: 'integration.broken',
        data: { provider: 'meta', connectionId: conn.id, pageId: conn.pageId, pageName: conn.pageName, error: err.describe() },
        audience: { permission: 'integrations.manage' },
      })
      .catch(() => undefined);
    // Real-time reaches only who is online; the mail reaches every admin.
    const ws = await workspacesRepo.findWorkspace(conn.workspaceId);
    if (!ws) return;
    for (const admin of await workspacesRepo.membersWithPermission(conn.workspaceId, 'integrations.manage')) {
      const mail = connectionBrokenMail(ws.locale, { page: conn.pageName ?? conn.pageId, workspace: ws.name, error: err.describe(), url: `${deps.config.publicUrl}/settings/integrations` });
      await deps.mailer.send({ to: admin.email, ...mail, workspaceId: ws.id }).catch(() => undefined);
    }
  }

  /**
   * Fetched Graph leads → leads, in one transaction per batch: the events are locked (a poll and a worker
   * holding the same lead take turns), those already done are left alone, the rest go through the single
   * ingest path and are marked done with their lead. Announced after commit.
   */
  async function ingestFetched(conn: MetaConnectionRow, items: Fetched[], mappings: Map<string, MetaFormMappingRow>): Promise<{ created: number; cameBack: number; skipped: number }> {
    const counts = { created: 0, cameBack: 0, skipped: 0 };
    if (!items.length) return counts;
    const at = deps.now();
    const announced = await db.transaction(async (tx) => {
      const locks = await repo.lockWorkspaceIngest(tx, [conn.workspaceId]);
      const statuses = await repo.lockEvents(tx, items.map((i) => i.event.id));
      const todo: Fetched[] = [];
      const disabled: string[] = [];
      for (const item of items) {
        const status = statuses.get(item.event.id);
        if (status !== 'pending' && status !== 'failed') continue;
        const mapping = mappings.get(item.lead.form_id ?? item.event.formId ?? '');
        if (mapping && !mapping.enabled) disabled.push(item.event.id);
        else todo.push(item);
      }
      await repo.finishEvents(tx, disabled, 'skipped', 'The form is disabled in LeadFlow', at);
      counts.skipped = disabled.length;
      const inputs: CapturedLead[] = todo.map(({ event, lead }) => {
        const mapping = mappings.get(lead.form_id ?? event.formId ?? '');
        const { person, answers } = mapFormAnswers(lead.field_data ?? [], mapping?.fieldMap ?? {});
        return {
          workspaceId: conn.workspaceId,
          origin: 'meta',
          externalId: lead.id,
          person,
          source: mapping?.source ?? DEFAULT_SOURCE,
          campaign: lead.campaign_name ?? null,
          tags: mapping?.tags ?? [],
          pipelineId: mapping?.pipelineId ?? null,
          stageId: mapping?.stageId ?? null,
          submission: submissionOf(lead, answers, mapping),
        };
      });
      // Every input is of this connection's workspace, locked above.
      const outcomes = await ingestCapturedLeads(tx, repo, at, inputs, { locked: locks });
      await repo.markEventsDone(
        tx,
        todo.map((item, k) => ({ id: item.event.id, leadId: outcomes[k]!.leadId, formId: item.lead.form_id ?? item.event.formId })),
        at,
      );
      return outcomes;
    });
    for (const o of announced) {
      if (o.outcome === 'created') counts.created++;
      if (o.outcome === 'came_back') counts.cameBack++;
    }
    await announceIngests(deps, announced.map((result: IngestOutcome) => ({ workspaceId: conn.workspaceId, result })));
    return counts;
  }

  async function mappingsOf(conn: MetaConnectionRow): Promise<Map<string, MetaFormMappingRow>> {
    return new Map((await repo.listMappings(conn.workspaceId, conn.id)).map((m) => [m.formId, m]));
  }

  /**
   * One connection's share of a claimed batch: Graph reads in parallel, then one ingest; failures sorted by
   * kind — rate limits and temporary errors retried with backoff (the page throttled on a rate limit), a dead
   * token or lost permission breaks the connection, anything else fails the event where the admin sees it.
   */
  async function drainConnection(conn: MetaConnectionRow, events: MetaLeadEventRow[], result: DrainResult, sink: Sink): Promise<void> {
    const now = deps.now();
    const ids = events.map((e) => e.id);
    if (conn.status === 'broken') {
      await repo.finishEvents(db, ids, 'failed', `The Meta connection needs reconnecting: ${conn.lastError ?? 'broken'}`, now);
      result.failed += ids.length;
      return;
    }
    if (conn.throttledUntil && conn.throttledUntil > now) {
      await repo.deferEvents(db, ids, conn.throttledUntil, now);
      result.retrying += ids.length;
      return;
    }
    const mappings = await mappingsOf(conn);
    const disabled = events.filter((e) => e.formId && mappings.get(e.formId)?.enabled === false);
    if (disabled.length) {
      await repo.finishEvents(db, disabled.map((e) => e.id), 'skipped', 'The form is disabled in LeadFlow', now);
      result.skipped += disabled.length;
    }
    const queue = events.filter((e) => !disabled.includes(e));
    const graph = graphOf(conn, sink);
    const fetched: Fetched[] = [];
    const retry: { event: MetaLeadEventRow; err: GraphError }[] = [];
    const fail: { event: MetaLeadEventRow; err: GraphError }[] = [];
    const notTried: MetaLeadEventRow[] = [];
    let stop = null as GraphError | null;
    let next = 0;
    const worker = async () => {
      while (next < queue.length) {
        const event = queue[next++]!;
        if (stop) {
          notTried.push(event);
          continue;
        }
        try {
          fetched.push({ event, lead: await graph.getLead(event.leadgenId) });
        } catch (err) {
          if (!(err instanceof GraphError)) throw err;
          if (err.kind === 'rate_limited' || err.kind === 'token' || err.kind === 'permission') stop ??= err;
          if (err.retriable) retry.push({ event, err });
          else fail.push({ event, err });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, queue.length) }, worker));

    const counts = await ingestFetched(conn, fetched, mappings);
    result.created += counts.created;
    result.cameBack += counts.cameBack;
    result.skipped += counts.skipped;

    const at = deps.now();
    const throttledUntil = stop?.kind === 'rate_limited' ? new Date(at.getTime() + THROTTLE_MS) : null;
    const reschedule = retry.filter((r) => r.event.attempts < MAX_ATTEMPTS);
    const exhausted = retry.filter((r) => r.event.attempts >= MAX_ATTEMPTS);
    await repo.rescheduleEvents(
      db,
      reschedule.map(({ event, err }) => {
        let due = at.getTime() + retryDelayMs(event.attempts);
        if (err.kind === 'rate_limited') due = Math.max(due, throttledUntil?.getTime() ?? at.getTime() + THROTTLE_MS);
        return { id: event.id, dueAt: new Date(due), error: err.describe() };
      }),
      at,
    );
    result.retrying += reschedule.length;
    for (const { event, err } of [...exhausted, ...fail]) {
      const reason = exhausted.some((x) => x.event === event) ? `Gave up after ${event.attempts} attempts: ${err.describe()}` : err.describe();
      await repo.finishEvents(db, [event.id], 'failed', reason, at);
    }
    result.failed += exhausted.length + fail.length;

    if (stop && (stop.kind === 'token' || stop.kind === 'permission')) {
      await markBroken(conn, stop);
      await repo.finishEvents(db, notTried.map((e) => e.id), 'failed', `The Meta connection needs reconnecting: ${stop.describe()}`, at);
      result.failed += notTried.length;
    } else if (throttledUntil) {
      await repo.deferEvents(db, notTried.map((e) => e.id), throttledUntil, at);
      result.retrying += notTried.length;
      await noteError(conn, stop!, { throttledUntil });
    } else if (retry.length || fail.length) {
      await noteError(conn, (retry[0] ?? fail[0])!.err, fetched.length ? { lastSuccessAt: at } : {});
    } else if (fetched.length) {
      await repo.updateConnection(db, conn.workspaceId, conn.id, { lastSuccessAt: at });
    }
  }

  /** Claims one batch of due events (of every connection, or of one) and sees it through. */
  async function drainOnce(connectionId?: string): Promise<DrainResult> {
    const result: DrainResult = { claimed: 0, created: 0, cameBack: 0, retrying: 0, failed: 0, skipped: 0 };
    const now = deps.now();
    const claimed = await repo.claimDueEvents(now, new Date(now.getTime() + LEASE_MS), batchSize, connectionId);
    result.claimed = claimed.length;
    if (!claimed.length) return result;
    const byConnection = new Map<string, MetaLeadEventRow[]>();
    for (const e of claimed) byConnection.set(e.connectionId, [...(byConnection.get(e.connectionId) ?? []), e]);
    const connections = new Map((await repo.connectionsByIds([...byConnection.keys()])).map((c) => [c.id, c]));
    const sink: Sink = [];
    try {
      await Promise.all(
        [...byConnection].map(async ([id, events]) => {
          const conn = connections.get(id);
          // A deleted connection took its events with it (cascade); nothing to do.
          if (conn) await drainConnection(conn, events, result, sink);
        }),
      );
    } finally {
      await flushLog(sink);
    }
    return result;
  }

  /** Drains until nothing is due (tests, Sync now); workers use `drainOnce` in their loops. */
  async function drainInbox(connectionId?: string): Promise<DrainResult> {
    const total: DrainResult = { claimed: 0, created: 0, cameBack: 0, retrying: 0, failed: 0, skipped: 0 };
    for (;;) {
      const r = await drainOnce(connectionId);
      for (const k of Object.keys(total) as (keyof DrainResult)[]) total[k] += r[k];
      if (r.claimed === 0) return total;
    }
  }

  /**
   * Reads the leads of the connection's forms created since `since` (per form: its last sync, else the
   * connection's), to the last page, and ingests them through the same path as webhooks. Every lead gets an
   * event (the inbox is the record of every lead seen); those done already are left alone.
   */
  async function pollConnection(conn: MetaConnectionRow, since: { days?: number | undefined; formId?: string | undefined }): Promise<SyncResult> {
    const result: SyncResult = { fetched: 0, created: 0, cameBack: 0, failed: 0, skipped: 0, error: null };
    const startedAt = deps.now();
    const sink: Sink = [];
    const graph = graphOf(conn, sink);
    try {
      const mappings = await mappingsOf(conn);
      let formIds: string[];
      if (since.formId) formIds = [since.formId];
      else {
        // Every form of the page (the automatic mapping applies to all), plus mapped ones Graph no longer lists.
        const listed = (await graph.listForms(conn.pageId)).map((f) => f.id);
        formIds = [...new Set([...listed, ...mappings.keys()])];
      }
      for (const formId of formIds) {
        const mapping = mappings.get(formId);
        if (mapping && !mapping.enabled) continue;
        const from = since.days
          ? startedAt.getTime() - since.days * 24 * 60 * 60_000
          : (mapping?.lastSyncedAt ?? conn.lastPolledAt)
            ? (mapping?.lastSyncedAt ?? conn.lastPolledAt)!.getTime() - POLL_OVERLAP_MS
            : startedAt.getTime() - FIRST_POLL_WINDOW_MS;
        const formStarted = deps.now();
        for await (const page of graph.formLeadsSince(formId, Math.floor(from / 1000), options.pollPageSize)) {
          result.fetched += page.length;
          const now = deps.now();
          // Leased to this poll, so a worker does not fetch again what is in hand.
          await repo.insertEvents(
            page.map((lead) => ({
              workspaceId: conn.workspaceId,
              connectionId: conn.id,
              leadgenId: lead.id,
              pageId: conn.pageId,
              formId: lead.form_id ?? formId,
              adId: lead.ad_id ?? null,
              receivedAt: now,
              nextAttemptAt: now,
              lockedUntil: new Date(now.getTime() + LEASE_MS),
            })),
          );
          const events = new Map((await repo.eventsByLeadgen(conn.workspaceId, page.map((l) => l.id))).map((e) => [e.leadgenId, e]));
          const items = page.flatMap((lead) => {
            const event = events.get(lead.id);
            return event && (event.status === 'pending' || event.status === 'failed') ? [{ event, lead }] : [];
          });
          const counts = await ingestFetched(conn, items, mappings);
          result.created += counts.created;
          result.cameBack += counts.cameBack;
          result.skipped += counts.skipped;
        }
        await repo.formSynced(conn.workspaceId, conn.id, formId, formStarted);
      }
      const fresh: Partial<MetaConnectionRow> = { lastSuccessAt: deps.now() };
      if (!since.formId && !since.days) fresh.lastPolledAt = startedAt;
      // Graph answered with the stored token: whatever broke the connection has passed.
      if (conn.status === 'broken') Object.assign(fresh, { status: 'active' as const });
      await repo.updateConnection(db, conn.workspaceId, conn.id, fresh);
      if (conn.status === 'broken') await repo.requeueEvents(conn.workspaceId, conn.id, ['failed'], deps.now());
    } catch (err) {
      if (!(err instanceof GraphError)) throw err;
      if (err.kind === 'token' || err.kind === 'permission') await markBroken(conn, err);
      else await noteError(conn, err, err.kind === 'rate_limited' ? { throttledUntil: new Date(deps.now().getTime() + THROTTLE_MS) } : {});
      result.error = err.toJSON();
    } finally {
      await flushLog(sink);
    }
    return result;
  }

  return {
    drainOnce,
    drainInbox,

    /** The inbox workers of this process (instances with JOBS_ENABLED): started with the app, stopped before the database closes. */
    startInbox(): void {
      runner ??= createInboxRunner(async () => (await drainOnce()).claimed, {
        concurrency: INBOX_CONCURRENCY,
        idleMs: INBOX_IDLE_MS,
        lingerMs: INBOX_LINGER_MS,
        smallBatch: batchSize / 2,
        logger: { error: (obj, msg) => console.error(msg, obj) },
      });
      runner.start();
    },

    async stopInbox(): Promise<void> {
      await runner?.stop();
      await eventWriter.idle();
      await logWriter.idle();
    },

    /** The scheduled safety net (one job per 5-minute slot across all instances): poll every active, unthrottled page. */
    async pollAll(): Promise<void> {
      const now = deps.now();
      for (const conn of await repo.activeConnections()) {
        if (conn.throttledUntil && conn.throttledUntil > now) continue;
        // One page's failure is recorded on it (Graph errors) or in the server log, and does not stop the others.
        await pollConnection(conn, {}).catch((err: unknown) => console.error(`Meta poll of page ${conn.pageId} failed`, err));
      }
    },

    verifyHandshake: async (mode: string | undefined, token: string | undefined): Promise<boolean> =>
      mode === 'subscribe' && !!token && !!(await repo.connectionByVerifyToken(token)),

    /**
     * A Lead Ads delivery: signature first (over the raw bytes), then one durable inbox event per leadgen
     * change, in one insert, before the 200. The fetch happens in the inbox workers.
     */
    async receiveWebhook(rawBody: Buffer, signature: string | undefined, parsedBody?: { value: unknown }): Promise<WebhookAnswer> {
      const started = performance.now();
      if (!signature) return { status: 401, body: { error: 'Missing X-Hub-Signature-256' } };
      let body: unknown;
      if (parsedBody) body = parsedBody.value;
      else {
        try {
          body = JSON.parse(rawBody.toString('utf8'));
        } catch {
          return { status: 400, body: { error: 'Malformed JSON' } };
        }
      }
      const parsed = leadgenChanges(body);
      if (!parsed) return { status: 400, body: { error: 'Not a webhook notification' } };
      let lookup = await connectionsForPages(parsed.pageIds, false);
      if (!lookup.rows.length) {
        // Nobody here owns the page: answering anything but 200 makes Meta retry forever. No workspace to log
        // it under, so the route writes it to the server log.
        return { status: 200, body: { received: 0 }, unknownPageIds: parsed.pageIds };
      }
      const verify = (rows: MetaConnectionRow[]) => rows.filter((c) => verifyMetaSignature(reveal(c.appSecretSealed), rawBody, signature));
      let verified = verify(lookup.rows);
      // The app secret may have changed on another instance since we cached the connection.
      if (!verified.length && lookup.cached) {
        lookup = await connectionsForPages(parsed.pageIds, true);
        verified = verify(lookup.rows);
      }
      const candidates = lookup.rows;
      const logRow = (c: MetaConnectionRow, status: number, error: string | null): IntegrationLogInsert => ({
        workspaceId: c.workspaceId,
        connectionId: c.id,
        provider: 'meta',
        direction: 'in',
        method: 'POST',
        url: '/hooks/meta',
        status,
        durationMs: Math.round(performance.now() - started),
        error,
        createdAt: deps.now(),
      });
      if (!verified.length) {
        await Promise.all(candidates.map((c) => logWriter.write(logRow(c, 401, 'Wrong X-Hub-Signature-256'))));
        return { status: 401, body: { error: 'Wrong X-Hub-Signature-256' } };
      }
      const now = deps.now();
      const rows = verified.flatMap((conn) =>
        parsed.changes
          .filter((c) => c.pageId === conn.pageId)
          .map((change) => ({
            workspaceId: conn.workspaceId,
            connectionId: conn.id,
            leadgenId: change.leadgenId,
            pageId: change.pageId,
            formId: change.formId,
            adId: change.adId,
            receivedAt: now,
            // A rate-limited page's new leads wait with the others instead of hitting the limit again.
            nextAttemptAt: conn.throttledUntil && conn.throttledUntil > now ? conn.throttledUntil : now,
          })),
      );
      let inserted: boolean;
      try {
        // The events and the log line in one statement, shared with the webhooks arriving meanwhile.
        inserted = await eventWriter.write({ events: rows, log: verified.map((c) => logRow(c, 200, null)) });
      } catch (err) {
        // A connection deleted meanwhile (on another instance): forget the cache; Meta retries on the 500.
        if (isForeignKeyViolation(err)) forgetConnections();
        throw err;
      }
      if (inserted) runner?.wake();
      return { status: 200, body: { received: rows.length } };
    },

    async listConnections(actor: Actor): Promise<MetaConnection[]> {
      const rows = await repo.listConnections(actor.workspaceId);
      const health = await healthOf(rows.map((c) => c.id));
      return rows.map((c) => toApi(c, health.get(c.id) ?? NO_HEALTH));
    },

    async getConnection(actor: Actor, id: string): Promise<MetaConnection> {
      const c = await connectionOrNotFound(actor, id);
      return toApi(c, (await healthOf([c.id])).get(c.id) ?? NO_HEALTH);
    },

    async createConnection(actor: Actor, input: CreateConnectionInput): Promise<MetaConnection> {
      const at = deps.now();
      try {
        const row = await repo.insertConnection({
          workspaceId: actor.workspaceId,
          pageId: input.pageId,
          appId: input.appId,
          appSecretSealed: deps.cipher.encrypt(input.appSecret),
          pageTokenSealed: deps.cipher.encrypt(input.pageAccessToken),
          verifyToken: input.verifyToken ?? randomToken(24),
          graphBaseUrl: deps.config.metaGraphUrl,
          graphVersion: input.graphVersion ?? 'v26.0',
          createdAt: at,
          updatedAt: at,
        });
        await writeAudit(db, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: 'integration.create',
          entityType: 'meta_connection',
          entityId: row.id,
          newValues: { provider: 'meta', pageId: row.pageId, appId: row.appId },
          ip: actor.ip,
        });
        forgetConnections();
        return toApi(row, NO_HEALTH);
      } catch (err) {
        if (isUniqueViolation(err, 'meta_connections_page_key')) throw conflict('This page is already connected', 'pageId');
        throw err;
      }
    },

    async updateConnection(actor: Actor, id: string, input: UpdateConnectionInput): Promise<MetaConnection> {
      const before = await connectionOrNotFound(actor, id);
      const at = deps.now();
      const set: Partial<MetaConnectionRow> = { updatedAt: at };
      if (input.appId !== undefined) set.appId = input.appId;
      if (input.appSecret !== undefined) set.appSecretSealed = deps.cipher.encrypt(input.appSecret);
      if (input.verifyToken !== undefined) set.verifyToken = input.verifyToken;
      if (input.graphVersion !== undefined) set.graphVersion = input.graphVersion;
      if (input.pageAccessToken !== undefined) {
        // A new token is the admin's fix for a broken connection.
        set.pageTokenSealed = deps.cipher.encrypt(input.pageAccessToken);
        set.status = 'active';
        set.lastError = null;
        set.throttledUntil = null;
      }
      const row = await db.transaction(async (tx) => {
        const updated = await repo.updateConnection(tx, actor.workspaceId, id, set);
        await writeAudit(tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: 'integration.update',
          entityType: 'meta_connection',
          entityId: id,
          // Which secrets changed, never their values.
          oldValues: { status: before.status },
          newValues: { changed: Object.keys(input), status: updated?.status ?? before.status },
          ip: actor.ip,
        });
        return updated;
      });
      if (!row) throw notFound('Meta connection');
      forgetConnections();
      if (input.pageAccessToken !== undefined) {
        // The leads that failed while the token was dead are fetched again now, without anyone asking.
        if (await repo.requeueEvents(actor.workspaceId, id, ['failed'], at)) runner?.wake();
      }
      return toApi(row, (await healthOf([row.id])).get(row.id) ?? NO_HEALTH);
    },

    async deleteConnection(actor: Actor, id: string): Promise<void> {
      const deleted = await db.transaction(async (tx) => {
        const ok = await repo.deleteConnection(tx, actor.workspaceId, id);
        if (ok) {
          await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'integration.delete', entityType: 'meta_connection', entityId: id, ip: actor.ip });
        }
        return ok;
      });
      if (!deleted) throw notFound('Meta connection');
      forgetConnections();
    },

    /** Reads the page's name and lead forms (with their questions) with the stored token: Meta's exact error if any. */
    async testConnection(actor: Actor, id: string): Promise<TestResult> {
      const conn = await connectionOrNotFound(actor, id);
      const sink: Sink = [];
      const graph = graphOf(conn, sink);
      try {
        const page = await graph.getPage(conn.pageId);
        const forms = await graph.listForms(conn.pageId);
        await repo.updateConnection(db, actor.workspaceId, id, { pageName: page.name, lastSuccessAt: deps.now() });
        return {
          ok: true,
          pageName: page.name,
          forms: forms.map((f) => ({
            id: f.id,
            name: f.name ?? null,
            status: f.status ?? null,
            questions: (f.questions ?? []).filter((q) => typeof q?.key === 'string').map((q) => ({ key: q.key, label: q.label ?? null, type: q.type ?? null })),
          })),
        };
      } catch (err) {
        if (!(err instanceof GraphError)) throw err;
        if (err.kind === 'token' || err.kind === 'permission') await markBroken(conn, err);
        else await noteError(conn, err);
        return { ok: false, error: err.toJSON() };
      } finally {
        await flushLog(sink);
      }
    },

    /**
     * Sync now: poll the connection (or one form) since its last sync, or the last `days` (backfill); then
     * fetch again every lead of it that failed or waits, at once.
     */
    async syncConnection(actor: Actor, id: string, query: { days?: number | undefined; formId?: string | undefined }): Promise<SyncResult> {
      const conn = await connectionOrNotFound(actor, id);
      const result = await pollConnection(conn, query);
      if (result.error) return result;
      await repo.requeueEvents(actor.workspaceId, id, ['failed', 'pending'], deps.now(), { formId: query.formId });
      const drained = await drainInbox(id);
      result.created += drained.created;
      result.cameBack += drained.cameBack;
      result.failed += drained.failed + drained.retrying;
      result.skipped += drained.skipped;
      return result;
    },

    async listEvents(actor: Actor, id: string, q: { status?: LeadEvent['status'] | undefined; cursor?: string | undefined; limit: number }): Promise<{ events: LeadEvent[]; nextCursor: string | null }> {
      await connectionOrNotFound(actor, id);
      const [at, eventId] = q.cursor?.split('_') ?? [];
      const before = at && eventId ? { at: new Date(at), id: eventId } : undefined;
      const rows = await repo.listEvents(actor.workspaceId, id, q.status, before, q.limit + 1);
      const events = rows.slice(0, q.limit).map(toEvent);
      const last = rows.length > q.limit ? rows[q.limit - 1]! : null;
      return { events, nextCursor: last ? `${last.receivedAt.toISOString()}_${last.id}` : null };
    },

    /** Retry now: the given failed (or skipped) events, or all of the connection's failed ones. */
    async retryEvents(actor: Actor, id: string, eventIds: string[] | undefined): Promise<{ requeued: number }> {
      await connectionOrNotFound(actor, id);
      const requeued = await repo.requeueEvents(actor.workspaceId, id, eventIds ? ['failed', 'skipped'] : ['failed'], deps.now(), { ids: eventIds });
      if (requeued) runner?.wake();
      return { requeued };
    },

    async listMappings(actor: Actor, id: string): Promise<z.infer<typeof metaFormMapping>[]> {
      await connectionOrNotFound(actor, id);
      return (await repo.listMappings(actor.workspaceId, id)).map(toMapping);
    },

    async putMapping(actor: Actor, id: string, formId: string, input: MappingInput): Promise<z.infer<typeof metaFormMapping>> {
      await connectionOrNotFound(actor, id);
      const at = deps.now();
      const before = await repo.findMapping(actor.workspaceId, id, formId);
      const m = await repo.upsertMapping({
        workspaceId: actor.workspaceId,
        connectionId: id,
        formId,
        name: input.name ?? null,
        fieldMap: input.fieldMap,
        pipelineId: input.pipelineId ?? null,
        stageId: input.stageId ?? null,
        source: input.source ?? null,
        tags: input.tags,
        enabled: input.enabled ?? before?.enabled ?? true,
        createdAt: at,
        updatedAt: at,
      });
      if (before && !before.enabled && m.enabled) {
        // Re-enabled: the leads recorded while it was off are created now.
        if (await repo.requeueEvents(actor.workspaceId, id, ['skipped'], at, { formId })) runner?.wake();
      }
      return toMapping(m);
    },

    async deleteMapping(actor: Actor, id: string, formId: string): Promise<void> {
      await connectionOrNotFound(actor, id);
      if (!(await repo.deleteMapping(actor.workspaceId, id, formId))) throw notFound('Form mapping');
    },

    async listLog(actor: Actor, q: Omit<LogQuery, 'workspaceId'>): Promise<{ entries: LogEntry[]; nextCursor: string | null }> {
      const rows = await repo.listLog({ ...q, workspaceId: actor.workspaceId, limit: q.limit + 1 });
      const entries = rows.slice(0, q.limit).map((r) => ({
        id: r.id.toString(),
        provider: r.provider,
        connectionId: r.connectionId,
        direction: r.direction,
        method: r.method,
        url: r.url,
        status: r.status,
        durationMs: r.durationMs,
        error: r.error,
        createdAt: r.createdAt.toISOString(),
      }));
      return { entries, nextCursor: rows.length > q.limit ? entries[entries.length - 1]!.id : null };
    },

    async getSettings(actor: Actor): Promise<{ duplicatePolicy: 'merge' | 'always_create' }> {
      return { duplicatePolicy: await repo.duplicatePolicy(db, actor.workspaceId) };
    },

    async updateSettings(actor: Actor, input: { duplicatePolicy: 'merge' | 'always_create' }): Promise<{ duplicatePolicy: 'merge' | 'always_create' }> {
      const before = await repo.duplicatePolicy(db, actor.workspaceId);
      await repo.setDuplicatePolicy(actor.workspaceId, input.duplicatePolicy, deps.now());
      await writeAudit(db, {
        workspaceId: actor.workspaceId,
        actorId: actor.userId,
        action: 'capture.settings.update',
        entityType: 'capture_settings',
        entityId: actor.workspaceId,
        oldValues: { duplicatePolicy: before },
        newValues: { duplicatePolicy: input.duplicatePolicy },
        ip: actor.ip,
      });
      return input;
    },
  };
}

export type MetaService = ReturnType<typeof createMetaService>;

/** The 5-minute poll, one job per slot across all instances (pg-boss cron). The inbox workers start with the app. */
export async function registerCaptureJobs(deps: AppDeps, meta: MetaService): Promise<void> {
  await deps.jobs.register(POLL_JOB, () => meta.pollAll());
  if (deps.config.jobsEnabled) await deps.jobs.schedule(POLL_JOB, POLL_CRON);
}
