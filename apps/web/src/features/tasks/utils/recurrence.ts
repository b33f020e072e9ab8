import type { RECURRENCE_FREQUENCIES, RECURRENCE_UNITS, RecurrenceRuleInput, TaskItem } from '@leadflow/shared/tasks';

/** The task form's recurrence fields, and the rule they send (ADR 017). */
export type RecurrenceValues = {
  repeat: 'none' | (typeof RECURRENCE_FREQUENCIES)[number];
  interval: number;
  unit: (typeof RECURRENCE_UNITS)[number];
  /** "0" (Sunday) … "6". */
  weekdays: string[];
  ends: 'never' | 'until' | 'count';
  until: string;
  count: number;
};

export const NO_RECURRENCE: RecurrenceValues = { repeat: 'none', interval: 1, unit: 'week', weekdays: [], ends: 'never', until: '', count: 10 };

/** The form's values of a task's stored rule. */
export function recurrenceValues(r: TaskItem['recurrence']): RecurrenceValues {
  if (!r) return NO_RECURRENCE;
  return {
    repeat: r.frequency,
    interval: r.interval,
    unit: r.unit,
    weekdays: (r.weekdays ?? []).map(String),
    ends: r.until ? 'until' : r.count ? 'count' : 'never',
    until: r.until ?? '',
    count: r.count ?? 10,
  };
}

/**
 * The rule to send, or null (does not repeat). Weekdays left empty on a weekly rule take the due date's weekday on
 * the server; a monthly rule repeats on the due date's day of the month.
 */
export function recurrenceRule(v: RecurrenceValues): RecurrenceRuleInput | null {
  if (v.repeat === 'none') return null;
  const custom = v.repeat === 'custom';
  const unit = custom ? v.unit : v.repeat === 'daily' ? 'day' : v.repeat === 'weekly' ? 'week' : 'month';
  return {
    frequency: v.repeat,
    interval: custom ? v.interval : 1,
    unit: custom ? v.unit : null,
    weekdays: unit === 'week' && v.weekdays.length ? v.weekdays.map(Number).sort() : null,
    monthDay: null,
    until: v.ends === 'until' && v.until ? v.until : null,
    count: v.ends === 'count' ? v.count : null,
  };
}
