import type { DbOrTx } from '../../platform/db/client.ts';
import { publishTiming, timed, timingWanted } from '../../platform/timing/timing.ts';
import type { BusEvent } from '../../platform/events/event-bus.ts';
import { distributeBeforeInsert, distributeLeads, queuedLeadEvents, type Distributed } from '../distribution/distribution.assign.ts';
import { distributionCache } from '../distribution/distribution.cache.ts';
import type { CaptureRepository, IngestLocks, NewLeadRow } from './capture.repository.ts';
import type { CaptureOrigin } from './lead-ingest.ts';

/** What the step did with a batch: each handed-over lead's owner, and `lead.unassigned` for those a rule queued. */
export type HandedOver = { owners: Map<string, string>; queued: Map<string, BusEvent> };

function handedOver(workspaceId: string, results: Distributed[], owners: Map<string, string>): HandedOver {
  return { owners, queued: new Map(queuedLeadEvents(workspaceId, results).map((e) => [e.data.leadId as string, e])) };
}

/** A lead that capture has just created, as the distribution step receives it. */
export type NewLead = {
  workspaceId: string;
  leadId: string;
  origin: CaptureOrigin;
  source: string | null;
  campaign: string | null;
  /** The submission as the timeline keeps it (form, ad, answers). */
  submission: Record<string, unknown>;
};

/**
 * The distribution step every new captured lead goes through, inside the transaction that creates it, so a
 * lead is never stored without having been handed over: the workspace's distribution rules (ADR 011) match on
 * the stored lead's fields and pick its owner, or leave it in the unassigned queue. Returns the owner per lead id.
 * `newPeople`: capture merged known people into their leads, so no new lead is a returning person. The caller
 * holds the workspace's distribution lock: capture's lock statement takes it (`lockWorkspaceIngest`, ADR 025).
 */
export async function distributeNewLeads(
  tx: DbOrTx,
  newLeads: NewLead[],
  at: Date,
  /** `versions`: what capture's lock statement read (`lockWorkspaceIngest`). */
  opts: { newPeople?: boolean; versions?: IngestLocks } = {},
): Promise<HandedOver> {
  const owners = new Map<string, string>();
  const queued = new Map<string, BusEvent>();
  const byWorkspace = new Map<string, string[]>();
  for (const l of newLeads) byWorkspace.set(l.workspaceId, [...(byWorkspace.get(l.workspaceId) ?? []), l.leadId]);
  for (const [workspaceId, leadIds] of byWorkspace) {
    // As in `decideOwnersBeforeInsert`: no rules at the version read under the lock, nothing to hand over.
    if (distributionCache.noRulesAt(workspaceId, opts.versions?.get(workspaceId))) continue;
    const distributed = await timed('distribution.step', leadIds.length, () => distributeLeads(tx, { workspaceId, leadIds, at, newPeople: opts.newPeople, locked: true }));
    for (const d of distributed) if (d.owner) owners.set(d.leadId, d.owner.id);
    for (const [leadId, event] of handedOver(workspaceId, distributed, owners).queued) queued.set(leadId, event);
  }
  return { owners, queued };
}

/**
 * The same step for a batch of one workspace whose leads are all new people (duplicate policy `merge`), decided
 * before the rows are inserted (ADR 026): each row's `ownerId` is set here, so the lead is stored with its owner;
 * `record` then writes the assignments of the leads that were stored and returns their owners. The step's time, as
 * the benchmarks read it (`distribution.step`), is both parts together. Null when `leads` has a column the probe
 * cannot reproduce (the caller then stores first and hands over after).
 */
export async function decideOwnersBeforeInsert(
  tx: DbOrTx,
  repo: CaptureRepository,
  workspaceId: string,
  rows: NewLeadRow[],
  at: Date,
  /** The workspace's distribution version as the lock statement read it (`lockWorkspaceIngest`). */
  version?: number,
): Promise<{ record(stored: Set<string>): Promise<HandedOver> } | null> {
  // No rules at the version this transaction started from (ADR 027): every lead waits unassigned, nothing to read or
  // record. A rule saved since is seen by the next batch (its version differs from the cache's).
  if (distributionCache.noRulesAt(workspaceId, version)) return { record: async () => ({ owners: new Map(), queued: new Map() }) };
  const probe = await repo.probeLeads(tx, rows);
  if (!probe) return null;
  const started = timingWanted() ? performance.now() : 0;
  const pending = await distributeBeforeInsert(tx, { workspaceId, leadIds: rows.map((r) => r.id), at, newPeople: true, probe });
  const decideMs = timingWanted() ? performance.now() - started : 0;
  const owners = new Map<string, string>();
  for (const d of pending.results) if (d.owner) owners.set(d.leadId, d.owner.id);
  for (const row of rows) row.ownerId = owners.get(row.id) ?? null;
  return {
    async record(stored) {
      const recording = timingWanted() ? performance.now() : 0;
      await timed('distribution.record', stored.size, () => pending.record(stored));
      if (timingWanted()) publishTiming('distribution.step', decideMs + performance.now() - recording, stored.size);
      return handedOver(
        workspaceId,
        pending.results.filter((r) => stored.has(r.leadId)),
        new Map([...owners].filter(([id]) => stored.has(id))),
      );
    },
  };
}
