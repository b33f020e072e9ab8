import { addDays, isoInZone, startOfDayInZone } from '../leads/lead-query.ts';
import type { OutOfOffice, WorkingHours } from './distribution.table.ts';

/**
 * The pure part of distribution: who of a rule's group may take a lead now, and which of them a strategy picks.
 * No database and no clock of its own: callers pass `now`, the counts and the rotation state (ADR 011).
 */

export type Availability = { paused: boolean; workingHours: WorkingHours | null; outOfOffice: OutOfOffice };

export type Candidate = {
  userId: string;
  /** Order in the group (round-robin order). */
  position: number;
  /** Percent for the weighted strategy. */
  weight: number;
  /** An active member of the workspace (not disabled, not pending, not removed). */
  active: boolean;
  availability: Availability | null;
  /** Leads this rule gave the agent today / this week (workspace time zone), for caps. */
  assignedToday: number;
  assignedThisWeek: number;
  /** least_loaded: open leads owned now, or leads received today, as the rule measures. */
  load: number;
};

export type RuleLimits = { dailyCap: number | null; weeklyCap: number | null };

export type SkipReason = 'inactive' | 'paused' | 'out_of_office' | 'outside_hours' | 'daily_cap' | 'weekly_cap';

/** The wall clock of an instant in a zone: ISO weekday 1–7, "HH:MM", and the day. */
export function wallClock(now: Date, timeZone: string): { weekday: number; time: string; day: string } {
  const iso = isoInZone(now, timeZone);
  const day = iso.slice(0, 10);
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const weekday = ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
  return { weekday, time: iso.slice(11, 16), day };
}

/** Today's and this week's first local dates (YYYY-MM-DD, weeks from Monday) in the zone: what assignment counts are kept by. */
export function periodDays(now: Date, timeZone: string): { day: string; weekStartDay: string } {
  const { weekday, day } = wallClock(now, timeZone);
  return { day, weekStartDay: addDays(day, 1 - weekday) };
}

/** Start of today and of this ISO week (Monday) in the zone, for daily and weekly caps. */
export function periodStarts(now: Date, timeZone: string): { dayStart: Date; weekStart: Date } {
  const { weekday, day } = wallClock(now, timeZone);
  return { dayStart: startOfDayInZone(day, timeZone), weekStart: startOfDayInZone(addDays(day, 1 - weekday), timeZone) };
}

/** Why an agent cannot take a lead now, or null when they can. */
export function unavailableReason(c: Candidate, limits: RuleLimits, now: Date, timeZone: string): SkipReason | null {
  if (!c.active) return 'inactive';
  const a = c.availability;
  if (a) {
    if (a.paused) return 'paused';
    const { weekday, time, day } = wallClock(now, timeZone);
    if (a.outOfOffice.some((o) => o.from <= day && day <= o.to)) return 'out_of_office';
    if (a.workingHours) {
      const ranges = a.workingHours[String(weekday) as keyof WorkingHours] ?? [];
      if (!ranges.some((r) => r.start <= time && time < r.end)) return 'outside_hours';
    }
  }
  if (limits.dailyCap !== null && c.assignedToday >= limits.dailyCap) return 'daily_cap';
  if (limits.weeklyCap !== null && c.assignedThisWeek >= limits.weeklyCap) return 'weekly_cap';
  return null;
}

export function eligibleCandidates(candidates: readonly Candidate[], limits: RuleLimits, now: Date, timeZone: string): Candidate[] {
  return candidates.filter((c) => unavailableReason(c, limits, now, timeZone) === null).sort((a, b) => a.position - b.position);
}

/** The rotation state a rule keeps between leads (distribution_pointers). */
export type RotationState = { lastUserId: string | null; credits: Record<string, number> };

export type Pick = { userId: string; state: RotationState };

/** Round-robin: the next eligible agent after the last one served, in group order (wrapping). */
export function pickRoundRobin(group: readonly Candidate[], eligible: readonly Candidate[], state: RotationState): Pick | null {
  if (!eligible.length) return null;
  const ordered = [...group].sort((a, b) => a.position - b.position);
  const lastIndex = state.lastUserId ? ordered.findIndex((c) => c.userId === state.lastUserId) : -1;
  const ok = new Set(eligible.map((c) => c.userId));
  for (let step = 1; step <= ordered.length; step++) {
    const c = ordered[(lastIndex + step + ordered.length) % ordered.length]!;
    if (ok.has(c.userId)) return { userId: c.userId, state: { ...state, lastUserId: c.userId } };
  }
  return null;
}

/**
 * Weighted: smooth weighted round-robin over the eligible agents. Each pick adds every agent's weight to its
 * credit and serves the highest credit, which then pays the total: over any window the shares follow the weights
 * exactly (within one lead per agent), with no randomness to drift.
 */
export function pickWeighted(eligible: readonly Candidate[], state: RotationState): Pick | null {
  const live = eligible.filter((c) => c.weight > 0);
  if (!live.length) return null;
  const credits: Record<string, number> = {};
  let total = 0;
  let best: Candidate | null = null;
  for (const c of live) {
    credits[c.userId] = (state.credits[c.userId] ?? 0) + c.weight;
    total += c.weight;
    if (!best || credits[c.userId]! > credits[best.userId]!) best = c;
  }
  credits[best!.userId]! -= total;
  return { userId: best!.userId, state: { lastUserId: best!.userId, credits } };
}

/** Least-loaded: the fewest open leads (or received today); ties go to the earliest in group order. */
export function pickLeastLoaded(eligible: readonly Candidate[], state: RotationState): Pick | null {
  let best: Candidate | null = null;
  for (const c of eligible) if (!best || c.load < best.load || (c.load === best.load && c.position < best.position)) best = c;
  return best ? { userId: best.userId, state: { ...state, lastUserId: best.userId } } : null;
}

export type Strategy = 'round_robin' | 'weighted' | 'least_loaded' | 'manual' | 'first_to_claim';

/** The agent a strategy picks now among a group, or null (nobody available, or a manual rule). */
export function pickAgent(strategy: Strategy, group: readonly Candidate[], limits: RuleLimits, state: RotationState, now: Date, timeZone: string): Pick | null {
  const eligible = eligibleCandidates(group, limits, now, timeZone);
  switch (strategy) {
    case 'round_robin':
      return pickRoundRobin(group, eligible, state);
    case 'weighted':
      return pickWeighted(eligible, state);
    case 'least_loaded':
      return pickLeastLoaded(eligible, state);
    default:
      return null;
  }
}
