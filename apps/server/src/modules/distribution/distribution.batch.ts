import type { DbOrTx } from '../../platform/db/client.ts';
import { timed } from '../../platform/timing/timing.ts';
import { type Candidate, eligibleCandidates, periodDays, pickAgent, type RotationState, type Strategy } from './distribution-engine.ts';
import { distributionRepository as repo, type GroupMemberState, type GroupSpec, type RuleWithMembers } from './distribution.repository.ts';

type Person = { id: string; name: string };
export type PointerSave = { ruleId: string; state: RotationState; picks: number };
type Measure = 'open_leads' | 'received_today';

const measureOf = (rule: RuleWithMembers, strategy: string): Measure | null => (strategy === 'least_loaded' ? (rule.loadMeasure as Measure) : null);
const groupKey = (rule: RuleWithMembers, measure: Measure | null) => `${rule.id}:${measure ?? '-'}`;

/**
 * The state distribution reads about groups, kept for one transaction (ADR 011, "Batches"): each rule's rotation
 * pointer is locked and read once, each group's availability, cap counts and loads are read once (one statement
 * per rule), and every pick after that updates the counts in memory; `flush()` writes the pointers back once.
 *
 * Exact because the caller holds the workspace's distribution lock for the whole transaction: nobody else can
 * assign, move a pointer or add to a count in between. Availability and membership are read at the first use of
 * a rule in the transaction, which is the moment the transaction began deciding.
 */
export class DistributionBatch {
  private readonly pointers = new Map<string, { state: RotationState; picks: number }>();
  private readonly groups = new Map<string, Candidate[]>();
  /** Loads per user, shared by every rule that measures them the same way (a pick by one rule loads the agent in all). */
  private readonly loads: Record<Measure, Map<string, number>> = { open_leads: new Map(), received_today: new Map() };
  readonly periods: { day: string; weekStartDay: string };

  constructor(
    private readonly tx: DbOrTx,
    private readonly workspaceId: string,
    private readonly at: Date,
    private readonly timeZone: string,
    private readonly dryRun: boolean,
  ) {
    this.periods = periodDays(at, timeZone);
  }

  /** Loads groups' state (and locks and reads the pointers of `lock`, in the same statement); returns those pointers. */
  private async loadGroups(wanted: { rule: RuleWithMembers; measure: Measure | null }[], lock: string[] = []): Promise<Map<string, RotationState>> {
    if (!wanted.length && !lock.length) return new Map();
    const { states, pointers } = await timed('distribution.groups', wanted.length, () =>
      repo.groupStatesAndPointers(this.tx, this.workspaceId, this.specsOf(wanted), this.periods, lock),
    );
    this.applyGroups(wanted, states);
    return pointers;
  }

  /**
   * For a caller that reads the state in a statement of its own (the hot path's one read, ADR 025): the group
   * specs and pointers these rules need (every rule with a group: its pointer and its members' state).
   * Hand what the statement read to `seed`.
   */
  plan(rules: readonly RuleWithMembers[]): { specs: GroupSpec[]; pointerRuleIds: string[]; seed: (states: Map<string, Map<string, GroupMemberState>>, pointers: Map<string, RotationState>) => void } {
    const withGroups = rules.filter((r) => r.members.length);
    const wanted = withGroups.map((r) => ({ rule: r, measure: measureOf(r, r.strategy) })).filter((x) => !this.groups.has(groupKey(x.rule, x.measure)));
    const pointerRuleIds = withGroups.map((r) => r.id).filter((id) => !this.pointers.has(id));
    return {
      specs: this.specsOf(wanted),
      pointerRuleIds,
      seed: (states, pointers) => {
        this.applyGroups(wanted, states);
        for (const id of pointerRuleIds) this.pointers.set(id, { state: pointers.get(id) ?? { lastUserId: null, credits: {} }, picks: 0 });
      },
    };
  }

  private specsOf(wanted: { rule: RuleWithMembers; measure: Measure | null }[]): GroupSpec[] {
    return wanted.map(({ rule, measure }) => ({
      ruleId: rule.id,
      userIds: rule.members.map((m) => m.userId),
      daily: rule.dailyCap !== null,
      weekly: rule.weeklyCap !== null,
      load: measure && rule.members.some((m) => !this.loads[measure].has(m.userId)) ? measure : null,
    }));
  }

  private applyGroups(wanted: { rule: RuleWithMembers; measure: Measure | null }[], states: Map<string, Map<string, GroupMemberState>>): void {
    for (const { rule, measure } of wanted) {
      const state = states.get(rule.id) ?? new Map<string, GroupMemberState>();
      if (measure) for (const m of rule.members) if (!this.loads[measure].has(m.userId) && state.has(m.userId)) this.loads[measure].set(m.userId, state.get(m.userId)!.load);
      this.groups.set(
        groupKey(rule, measure),
        rule.members.map((m) => {
          const s = state.get(m.userId);
          const a = s?.availability;
          return {
            userId: m.userId,
            position: m.position,
            weight: m.weight,
            active: m.active,
            availability: a ? { paused: a.paused, workingHours: a.workingHours, outOfOffice: a.outOfOffice } : null,
            assignedToday: s?.today ?? 0,
            assignedThisWeek: s?.week ?? 0,
            load: 0,
          };
        }),
      );
    }
  }

  /** The rule's group as the engine sees it now; `load` filled for least-loaded. */
  async candidates(rule: RuleWithMembers, strategy: string): Promise<Candidate[]> {
    const measure = measureOf(rule, strategy);
    const key = groupKey(rule, measure);
    if (!this.groups.has(key)) await this.loadGroups([{ rule, measure }]);
    const group = this.groups.get(key)!;
    if (measure) for (const c of group) c.load = this.loads[measure].get(c.userId) ?? 0;
    return group;
  }

  /** The members who could take a lead now (availability and caps), in group order. */
  async available(rule: RuleWithMembers, exclude: readonly string[] = []): Promise<Person[]> {
    const group = (await this.candidates(rule, rule.strategy)).filter((c) => !exclude.includes(c.userId));
    const eligible = new Set(eligibleCandidates(group, { dailyCap: rule.dailyCap, weeklyCap: rule.weeklyCap }, this.at, this.timeZone).map((c) => c.userId));
    return rule.members.filter((m) => eligible.has(m.userId)).map((m) => ({ id: m.userId, name: m.name }));
  }

  /**
   * One agent of the rule's group by its strategy (rules that do not pick — manual, first_to_claim — pick
   * round-robin, for SLA reassignment), never one of `exclude`; the pointer moves on in memory.
   */
  async pick(rule: RuleWithMembers, exclude: readonly string[] = []): Promise<Person | null> {
    if (!rule.members.length) return null;
    const strategy: Strategy = rule.strategy === 'manual' || rule.strategy === 'first_to_claim' ? 'round_robin' : (rule.strategy as Strategy);
    const pointer = await this.pointer(rule.id);
    const group = (await this.candidates(rule, strategy)).filter((c) => !exclude.includes(c.userId));
    const pick = pickAgent(strategy, group, { dailyCap: rule.dailyCap, weeklyCap: rule.weeklyCap }, pointer.state, this.at, this.timeZone);
    if (!pick) return null;
    pointer.state = pick.state;
    pointer.picks++;
    this.noteAssigned(pick.userId, rule.id);
    const member = rule.members.find((m) => m.userId === pick.userId)!;
    return { id: member.userId, name: member.name };
  }

  /** A lead went to `userId` (by `ruleId`, or otherwise: existing owner, fallback user, claim): counts follow. */
  noteAssigned(userId: string, ruleId: string | null): void {
    for (const [key, group] of this.groups) {
      if (ruleId === null || !key.startsWith(`${ruleId}:`)) continue;
      const c = group.find((x) => x.userId === userId);
      if (c) {
        c.assignedToday++;
        c.assignedThisWeek++;
      }
    }
    for (const measure of ['open_leads', 'received_today'] as const) {
      const m = this.loads[measure];
      if (m.has(userId)) m.set(userId, m.get(userId)! + 1);
    }
  }

  private async pointer(ruleId: string): Promise<{ state: RotationState; picks: number }> {
    let p = this.pointers.get(ruleId);
    if (!p) {
      const state = this.dryRun
        ? await repo.lockPointer(this.tx, this.workspaceId, ruleId, false)
        : ((await repo.lockPointers(this.tx, this.workspaceId, [ruleId])).get(ruleId) ?? { lastUserId: null, credits: {} });
      p = { state, picks: 0 };
      this.pointers.set(ruleId, p);
    }
    return p;
  }

  /** The moved pointers, to be written back (by `flush()`, or by the caller's own statement); none when dry. */
  moved(): PointerSave[] {
    if (this.dryRun) return [];
    return [...this.pointers].filter(([, p]) => p.picks).map(([ruleId, p]) => ({ ruleId, state: p.state, picks: p.picks }));
  }

  /** Writes every moved pointer back, in one statement; nothing when dry. */
  async flush(): Promise<void> {
    await repo.savePointers(this.tx, this.workspaceId, this.moved(), this.at);
  }
}
