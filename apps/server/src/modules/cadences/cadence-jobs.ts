import type { AppDeps } from '../../platform/http/types.ts';

/**
 * Leads changed in bulk — a bulk move or delete from the lead list, the leads of an archived stage — get the same
 * look as one lead's change (`cadences.lead_changed`): cadences start on a trigger stage, stop on won, lost or
 * trash. One job per slice of leads, queued after the bulk change committed; a bulk change raises no event per lead.
 */
export const CADENCE_LEADS_JOB = 'cadences.leads_changed';
export type LeadsChangedJob = { workspaceId: string; leadIds: string[] };
const SLICE = 500;

export async function queueLeadsChanged(deps: Pick<AppDeps, 'jobs'>, workspaceId: string, leadIds: readonly string[], at: Date): Promise<void> {
  for (let i = 0; i < leadIds.length; i += SLICE) {
    await deps.jobs.send<LeadsChangedJob>(CADENCE_LEADS_JOB, { workspaceId, leadIds: leadIds.slice(i, i + SLICE) }, { singletonKey: `${workspaceId}:${at.toISOString()}:${i}` });
  }
}
