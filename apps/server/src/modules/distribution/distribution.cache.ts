import type { DistributionSetup } from './distribution.repository.ts';

/** Workspaces whose setup a process keeps; the least recently used goes first beyond this. */
const MAX_WORKSPACES = 1000;

/**
 * Each workspace's distribution setup (enabled rules with their groups, member status and names, lead custom
 * fields, time zone) as last read by this process, with the distribution version it was read at (ADR 025). The hot
 * path checks the version in the statement that reads the state it locks and reloads on any difference, so a
 * change made on another instance is seen by the next batch after its commit, as it was when every batch read
 * the rules. Nothing here is trusted without that check.
 */
const setups = new Map<string, DistributionSetup>();

export const distributionCache = {
  get(workspaceId: string): DistributionSetup | undefined {
    const setup = setups.get(workspaceId);
    if (setup) {
      // Most recently used last.
      setups.delete(workspaceId);
      setups.set(workspaceId, setup);
    }
    return setup;
  },
  set(workspaceId: string, setup: DistributionSetup): void {
    setups.delete(workspaceId);
    setups.set(workspaceId, setup);
    while (setups.size > MAX_WORKSPACES) setups.delete(setups.keys().next().value!);
  },
  forget(workspaceId: string): void {
    setups.delete(workspaceId);
  },
  /**
   * Whether the workspace had no enabled rule at `version`, as read by the caller under the distribution lock
   * (capture's lock statement, ADR 027): then there is nothing to decide and no read to make. False when unknown.
   */
  noRulesAt(workspaceId: string, version: number | undefined): boolean {
    const setup = version === undefined ? undefined : setups.get(workspaceId);
    return setup !== undefined && setup.version === version && setup.rules.length === 0;
  },
};
