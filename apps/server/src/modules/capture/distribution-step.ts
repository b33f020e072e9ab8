import type { DbOrTx } from '../../platform/db/client.ts';
import { timed } from '../../platform/timing/timing.ts';
import { distributeLeads } from '../distribution/distribution.assign.ts';
import type { CaptureOrigin } from './lead-ingest.ts';

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
export async function distributeNewLeads(tx: DbOrTx, newLeads: NewLead[], at: Date, opts: { newPeople?: boolean } = {}): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  const byWorkspace = new Map<string, string[]>();
  for (const l of newLeads) byWorkspace.set(l.workspaceId, [...(byWorkspace.get(l.workspaceId) ?? []), l.leadId]);
  for (const [workspaceId, leadIds] of byWorkspace) {
    const distributed = await timed('distribution.step', leadIds.length, () => distributeLeads(tx, { workspaceId, leadIds, at, newPeople: opts.newPeople, locked: true }));
    for (const d of distributed) if (d.owner) owners.set(d.leadId, d.owner.id);
  }
  return owners;
}
