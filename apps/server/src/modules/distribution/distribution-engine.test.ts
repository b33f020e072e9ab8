import { describe, expect, it } from 'vitest';
import { type Candidate, periodStarts, pickAgent, pickLeastLoaded, pickRoundRobin, pickWeighted, type RotationState, unavailableReason, wallClock } from './distribution-engine.ts';

const agent = (userId: string, position: number, extra: Partial<Candidate> = {}): Candidate => ({
  userId,
  position,
  weight: 1,
  active: true,
  availability: null,
  assignedToday: 0,
  assignedThisWeek: 0,
  load: 0,
  ...extra,
});
const fresh: RotationState = { lastUserId: null, credits: {} };
const noCaps = { dailyCap: null, weeklyCap: null };
// A Wednesday, 15:00 in São Paulo (UTC-3).
const WED_15H_SP = new Date('2026-03-04T18:00:00Z');
const SP = 'America/Sao_Paulo';

function run(strategy: 'round_robin' | 'weighted' | 'least_loaded', group: Candidate[], n: number, now = WED_15H_SP): string[] {
  let state = fresh;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const pick = pickAgent(strategy, group, noCaps, state, now, SP);
    if (!pick) break;
    state = pick.state;
    out.push(pick.userId);
  }
  return out;
}

describe('distribution engine', () => {
  it('round-robin serves the group in order, wrapping, and skips who cannot take leads', () => {
    const group = [agent('c', 3), agent('a', 1), agent('b', 2)];
    expect(run('round_robin', group, 7)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
    group[1] = agent('a', 1, { availability: { paused: true, workingHours: null, outOfOffice: [] } });
    expect(run('round_robin', group, 4)).toEqual(['b', 'c', 'b', 'c']);
    // The pointer stays on the last agent served: after b comes c even when b was removed from the group meanwhile.
    expect(pickRoundRobin([agent('a', 1), agent('c', 3)], [agent('a', 1), agent('c', 3)], { lastUserId: 'a', credits: {} })?.userId).toBe('c');
    expect(pickRoundRobin(group, [], fresh)).toBeNull();
  });

  it('weighted shares follow 50/30/20 within 1% over 10,000 leads, and stay smooth', () => {
    const group = [agent('a', 1, { weight: 50 }), agent('b', 2, { weight: 30 }), agent('c', 3, { weight: 20 })];
    const picks = run('weighted', group, 10_000);
    const share = (id: string) => picks.filter((p) => p === id).length / picks.length;
    expect(Math.abs(share('a') - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(share('b') - 0.3)).toBeLessThan(0.01);
    expect(Math.abs(share('c') - 0.2)).toBeLessThan(0.01);
    // Smooth: in every window of 10 leads each agent gets its share, not bursts.
    for (let i = 0; i + 10 <= 100; i += 10) expect(picks.slice(i, i + 10).filter((p) => p === 'a').length).toBe(5);
    // An agent who becomes unavailable leaves the others sharing by their own weights.
    expect(pickWeighted([], fresh)).toBeNull();
    const two = run('weighted', [group[1]!, group[2]!], 1000);
    expect(two.filter((p) => p === 'b').length).toBe(600);
  });

  it('least-loaded picks the fewest leads, ties in group order', () => {
    const group = [agent('a', 1, { load: 4 }), agent('b', 2, { load: 2 }), agent('c', 3, { load: 2 })];
    expect(pickLeastLoaded(group, fresh)?.userId).toBe('b');
    expect(pickAgent('least_loaded', group, { dailyCap: 1, weeklyCap: null }, fresh, WED_15H_SP, SP)?.userId).toBe('b');
    expect(pickAgent('manual', group, noCaps, fresh, WED_15H_SP, SP)).toBeNull();
  });

  it('availability: inactive, paused, out of office and working hours in the workspace time zone', () => {
    const hours = { '3': [{ start: '09:00', end: '18:00' }] };
    const at = (iso: string) => new Date(iso);
    expect(unavailableReason(agent('a', 1, { active: false }), noCaps, WED_15H_SP, SP)).toBe('inactive');
    expect(unavailableReason(agent('a', 1, { availability: { paused: false, workingHours: hours, outOfOffice: [] } }), noCaps, WED_15H_SP, SP)).toBeNull();
    // 15:00 in São Paulo is 18:00 UTC: outside a UTC workspace's 09–18.
    expect(unavailableReason(agent('a', 1, { availability: { paused: false, workingHours: hours, outOfOffice: [] } }), noCaps, WED_15H_SP, 'UTC')).toBe('outside_hours');
    // 08:59 and Thursday are outside.
    expect(unavailableReason(agent('a', 1, { availability: { paused: false, workingHours: hours, outOfOffice: [] } }), noCaps, at('2026-03-04T11:59:00Z'), SP)).toBe('outside_hours');
    expect(unavailableReason(agent('a', 1, { availability: { paused: false, workingHours: hours, outOfOffice: [] } }), noCaps, at('2026-03-05T15:00:00Z'), SP)).toBe('outside_hours');
    // Out-of-office days are inclusive calendar days in the workspace zone.
    const ooo = { paused: false, workingHours: null, outOfOffice: [{ from: '2026-03-05', to: '2026-03-06' }] };
    expect(unavailableReason(agent('a', 1, { availability: ooo }), noCaps, at('2026-03-05T02:30:00Z'), SP)).toBeNull(); // 23:30 on the 4th
    expect(unavailableReason(agent('a', 1, { availability: ooo }), noCaps, at('2026-03-05T03:30:00Z'), SP)).toBe('out_of_office');
    expect(unavailableReason(agent('a', 1, { availability: ooo }), noCaps, at('2026-03-07T03:00:00Z'), SP)).toBeNull();
    expect(unavailableReason(agent('a', 1, { availability: { paused: true, workingHours: null, outOfOffice: [] } }), noCaps, WED_15H_SP, SP)).toBe('paused');
  });

  it('caps per agent per rule, daily and weekly, counted from the start of the day and ISO week in the zone', () => {
    const limits = { dailyCap: 2, weeklyCap: 5 };
    expect(unavailableReason(agent('a', 1, { assignedToday: 2, assignedThisWeek: 2 }), limits, WED_15H_SP, SP)).toBe('daily_cap');
    expect(unavailableReason(agent('a', 1, { assignedToday: 1, assignedThisWeek: 5 }), limits, WED_15H_SP, SP)).toBe('weekly_cap');
    expect(unavailableReason(agent('a', 1, { assignedToday: 1, assignedThisWeek: 4 }), limits, WED_15H_SP, SP)).toBeNull();
    expect(unavailableReason(agent('a', 1), { dailyCap: 0, weeklyCap: null }, WED_15H_SP, SP)).toBe('daily_cap');
    const { dayStart, weekStart } = periodStarts(WED_15H_SP, SP);
    expect(dayStart.toISOString()).toBe('2026-03-04T03:00:00.000Z');
    expect(weekStart.toISOString()).toBe('2026-03-02T03:00:00.000Z');
    expect(wallClock(WED_15H_SP, SP)).toEqual({ weekday: 3, time: '15:00', day: '2026-03-04' });
    expect(pickAgent('round_robin', [agent('a', 1, { assignedToday: 2 }), agent('b', 2)], limits, fresh, WED_15H_SP, SP)?.userId).toBe('b');
  });
});
