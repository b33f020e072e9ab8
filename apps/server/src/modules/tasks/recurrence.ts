import type { recurrenceRule, TaskRecurrence } from '@leadflow/shared/tasks';
import type { z } from 'zod';

/**
 * Recurring tasks (ADR 017): pure functions, no clock and no database. A rule repeats the wall-clock time of the
 * current occurrence in the workspace's time zone, so a 09:00 task stays at 09:00 across daylight-saving changes;
 * a time that does not exist on the next day (skipped by a DST gap) moves forward by the gap, and an ambiguous one
 * (repeated by a DST overlap) takes its first instant.
 */

type Local = { y: number; m: number; d: number; hh: number; mi: number; ss: number };

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock of an instant in a zone. */
export function localParts(at: Date, timeZone: string): Local {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year!, m: p.month!, d: p.day!, hh: p.hour! % 24, mi: p.minute!, ss: p.second! };
}

const wallMs = (l: Local) => Date.UTC(l.y, l.m - 1, l.d, l.hh, l.mi, l.ss);
const offsetMs = (at: number, timeZone: string) => wallMs(localParts(new Date(at), timeZone)) - Math.floor(at / 1000) * 1000;

/** The instant a wall-clock time has in a zone (first instant when repeated; shifted forward by the gap when skipped). */
export function fromLocal(l: Local, timeZone: string): Date {
  const wall = wallMs(l);
  const before = offsetMs(wall - 36 * 3600_000, timeZone);
  const after = offsetMs(wall + 36 * 3600_000, timeZone);
  const valid = [wall - before, wall - after].filter((t) => wallMs(localParts(new Date(t), timeZone)) === wall).sort((a, b) => a - b);
  return new Date(valid[0] ?? wall - before);
}

const DAY = 86_400_000;
/** Days since 1970-01-01 of a calendar date, and back. */
const dayNumber = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / DAY;
function fromDayNumber(n: number): { y: number; m: number; d: number } {
  const date = new Date(n * DAY);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() };
}
const weekday = (n: number) => (new Date(n * DAY).getUTCDay() + 7) % 7; // 0 = Sunday
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const iso = (x: { y: number; m: number; d: number }) => `${String(x.y).padStart(4, '0')}-${String(x.m).padStart(2, '0')}-${String(x.d).padStart(2, '0')}`;

/** The rule as stored: the unit spelled out, and the weekday or day of the month taken from the first due date. */
export function normalizeRule(input: z.infer<typeof recurrenceRule>, dueAt: Date, timeZone: string): TaskRecurrence {
  const unit = input.frequency === 'custom' ? input.unit! : input.frequency === 'daily' ? 'day' : input.frequency === 'weekly' ? 'week' : 'month';
  const local = localParts(dueAt, timeZone);
  return {
    frequency: input.frequency,
    unit,
    interval: input.interval,
    weekdays: unit === 'week' ? [...new Set(input.weekdays ?? [weekday(dayNumber(local.y, local.m, local.d))])].sort((a, b) => a - b) : null,
    monthDay: unit === 'month' ? (input.monthDay ?? local.d) : null,
    until: input.until,
    count: input.count,
    time: [local.hh, local.mi, local.ss].map((n) => String(n).padStart(2, '0')).join(':'),
  };
}

/**
 * The due moment of the occurrence after the one due at `dueAt` (number `occurrence` in its series), or null when
 * the series has ended (its count reached, or the next date after `until`).
 */
export function nextOccurrence(rule: TaskRecurrence, current: { dueAt: Date; occurrence: number }, timeZone: string): Date | null {
  if (rule.count !== null && current.occurrence >= rule.count) return null;
  const l = localParts(current.dueAt, timeZone);
  const today = dayNumber(l.y, l.m, l.d);
  let next: { y: number; m: number; d: number };
  if (rule.unit === 'day') {
    next = fromDayNumber(today + rule.interval);
  } else if (rule.unit === 'week') {
    const days = new Set(rule.weekdays?.length ? rule.weekdays : [weekday(today)]);
    const weekStart = (n: number) => n - weekday(n);
    let found = today + 7 * rule.interval;
    for (let n = today + 1; n <= today + 7 * rule.interval + 7; n++) {
      const weeks = (weekStart(n) - weekStart(today)) / 7;
      if (weeks % rule.interval === 0 && days.has(weekday(n))) {
        found = n;
        break;
      }
    }
    next = fromDayNumber(found);
  } else {
    const months = l.y * 12 + (l.m - 1) + rule.interval;
    const y = Math.floor(months / 12);
    const m = (months % 12) + 1;
    next = { y, m, d: Math.min(rule.monthDay ?? l.d, daysInMonth(y, m)) };
  }
  if (rule.until !== null && iso(next) > rule.until) return null;
  const [hh, mi, ss] = (rule.time ?? '').split(':').map(Number);
  const time = hh !== undefined && mi !== undefined && ss !== undefined && !Number.isNaN(hh + mi + ss) ? { hh, mi, ss } : { hh: l.hh, mi: l.mi, ss: l.ss };
  return fromLocal({ ...next, ...time }, timeZone);
}
