import { describe, expect, it } from 'vitest';
import { recurrenceRule } from '@leadflow/shared/tasks';
import { fromLocal, localParts, nextOccurrence, normalizeRule } from './recurrence.ts';

/** Builds a stored rule as the server does at creation, from the first due moment. */
function rule(input: Record<string, unknown>, firstDue: string, tz: string) {
  return normalizeRule(recurrenceRule.parse(input), new Date(firstDue), tz);
}

/** The next `n` due moments after `first`, as ISO strings in UTC. */
function series(r: ReturnType<typeof rule>, first: string, tz: string, n: number): string[] {
  const out: string[] = [];
  let due = new Date(first);
  for (let occurrence = 1; occurrence <= n; occurrence++) {
    const next = nextOccurrence(r, { dueAt: due, occurrence }, tz);
    if (!next) break;
    out.push(next.toISOString());
    due = next;
  }
  return out;
}

describe('recurrence rules', () => {
  it('repeats daily at the same wall-clock time across a DST change (New York, spring forward and fall back)', () => {
    const tz = 'America/New_York';
    const r = rule({ frequency: 'daily' }, '2027-03-13T14:00:00Z', tz); // 09:00 EST
    expect(series(r, '2027-03-13T14:00:00Z', tz, 2)).toEqual(['2027-03-14T13:00:00.000Z', '2027-03-15T13:00:00.000Z']); // 09:00 EDT
    const fall = rule({ frequency: 'daily' }, '2027-11-06T13:00:00Z', tz); // 09:00 EDT
    expect(series(fall, '2027-11-06T13:00:00Z', tz, 1)).toEqual(['2027-11-07T14:00:00.000Z']); // 09:00 EST
  });

  it('moves a time skipped by a DST gap forward, and takes the first instant of a repeated time', () => {
    const tz = 'America/New_York';
    // 02:30 does not exist on 2027-03-14: 03:30 EDT.
    expect(fromLocal({ y: 2027, m: 3, d: 14, hh: 2, mi: 30, ss: 0 }, tz).toISOString()).toBe('2027-03-14T07:30:00.000Z');
    // 01:30 happens twice on 2027-11-07: the first (EDT).
    expect(fromLocal({ y: 2027, m: 11, d: 7, hh: 1, mi: 30, ss: 0 }, tz).toISOString()).toBe('2027-11-07T05:30:00.000Z');
    const r = rule({ frequency: 'daily' }, '2027-03-13T07:30:00Z', tz); // 02:30 EST: 03:30 on the gap day, 02:30 again after (no drift)
    expect(series(r, '2027-03-13T07:30:00Z', tz, 2)).toEqual(['2027-03-14T07:30:00.000Z', '2027-03-15T06:30:00.000Z']);
  });

  it('keeps the calendar day in the workspace zone, not UTC (São Paulo, 22:00 local is the next day in UTC)', () => {
    const tz = 'America/Sao_Paulo';
    const r = rule({ frequency: 'weekly' }, '2027-01-05T01:00:00Z', tz); // Monday 2027-01-04 22:00 local
    expect(r.weekdays).toEqual([1]);
    expect(series(r, '2027-01-05T01:00:00Z', tz, 1)).toEqual(['2027-01-12T01:00:00.000Z']);
    expect(localParts(new Date('2027-01-12T01:00:00Z'), tz)).toMatchObject({ d: 11, hh: 22 });
  });

  it('repeats weekly on chosen weekdays, and every other week', () => {
    const tz = 'UTC';
    // Monday 2027-01-04 10:00; Mondays, Wednesdays and Fridays.
    const r = rule({ frequency: 'weekly', weekdays: [5, 1, 3] }, '2027-01-04T10:00:00Z', tz);
    expect(series(r, '2027-01-04T10:00:00Z', tz, 4).map((d) => d.slice(0, 10))).toEqual(['2027-01-06', '2027-01-08', '2027-01-11', '2027-01-13']);
    const biweekly = rule({ frequency: 'custom', unit: 'week', interval: 2, weekdays: [2, 4] }, '2027-01-05T10:00:00Z', tz); // Tuesday
    expect(series(biweekly, '2027-01-05T10:00:00Z', tz, 3).map((d) => d.slice(0, 10))).toEqual(['2027-01-07', '2027-01-19', '2027-01-21']);
  });

  it('repeats monthly on a day of the month, the last day when the month is shorter', () => {
    const tz = 'Europe/Lisbon';
    const r = rule({ frequency: 'monthly' }, '2027-01-31T09:00:00Z', tz);
    expect(r.monthDay).toBe(31);
    expect(series(r, '2027-01-31T09:00:00Z', tz, 4).map((d) => d.slice(0, 10))).toEqual(['2027-02-28', '2027-03-31', '2027-04-30', '2027-05-31']);
    // Lisbon moves to summer time on 2027-03-28: still 09:00 local.
    expect(series(r, '2027-01-31T09:00:00Z', tz, 2)[1]).toBe('2027-03-31T08:00:00.000Z');
    const leap = rule({ frequency: 'custom', unit: 'month', interval: 12, monthDay: 29 }, '2028-02-29T12:00:00Z', 'UTC');
    expect(series(leap, '2028-02-29T12:00:00Z', 'UTC', 1)).toEqual(['2029-02-28T12:00:00.000Z']);
  });

  it('repeats every N days, and ends after a count or after a date', () => {
    const tz = 'UTC';
    const every3 = rule({ frequency: 'custom', unit: 'day', interval: 3, count: 3 }, '2027-06-01T08:00:00Z', tz);
    expect(series(every3, '2027-06-01T08:00:00Z', tz, 10)).toEqual(['2027-06-04T08:00:00.000Z', '2027-06-07T08:00:00.000Z']);
    const untilDate = rule({ frequency: 'daily', until: '2027-06-03' }, '2027-06-01T08:00:00Z', tz);
    expect(series(untilDate, '2027-06-01T08:00:00Z', tz, 10)).toEqual(['2027-06-02T08:00:00.000Z', '2027-06-03T08:00:00.000Z']);
  });

  it('refuses rules that do not make sense, naming the field', () => {
    const field = (input: Record<string, unknown>) => recurrenceRule.safeParse(input).error?.issues[0]?.path.join('.');
    expect(field({ frequency: 'custom' })).toBe('unit');
    expect(field({ frequency: 'daily', interval: 2 })).toBe('interval');
    expect(field({ frequency: 'daily', weekdays: [1] })).toBe('weekdays');
    expect(field({ frequency: 'weekly', weekdays: [] })).toBe('weekdays');
    expect(field({ frequency: 'weekly', monthDay: 3 })).toBe('monthDay');
    expect(field({ frequency: 'daily', until: '2027-01-01', count: 3 })).toBe('count');
    expect(field({ frequency: 'hourly' })).toBe('frequency');
    expect(field({ frequency: 'monthly', monthDay: 32 })).toBe('monthDay');
  });
});
