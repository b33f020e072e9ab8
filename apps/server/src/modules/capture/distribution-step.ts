import type { DbOrTx } from '../../platform/db/client.ts';
import type { CaptureOrigin } from './lead-ingest.ts';

/** A lead that capture has just created, as the distribution step receives it. */
export type NewLead = {
  workspaceId: string;
  leadId: string;
  origin: CaptureOrigin;
  source: string | null;
  campaign: string | null;
  /** The submission as the timeline keeps it (form, ad, answers): what distribution rules may match on. */
  submission: Record<string, unknown>;
};

/**
 * The distribution step every new captured lead goes through, inside the transaction that creates it, so a
 * lead is never stored without having been handed over. It returns the owner it chose per lead id.
 *
 * Placeholder until the distribution issue (rules, round-robin, first-to-claim…) fills it in: it assigns
 * nobody, so captured leads stay unassigned.
 */
export async function distributeNewLeads(_tx: DbOrTx, _leads: NewLead[]): Promise<Map<string, string>> {
  return new Map();
}
