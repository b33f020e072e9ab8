import { recurrenceRule as contract } from '@leadflow/shared/tasks';
import { describe, expect, it } from 'vitest';
import type { TaskItem } from '@leadflow/shared/tasks';
import { NO_RECURRENCE, recurrenceRule, recurrenceValues } from './recurrence';
import { snoozeTarget } from './snooze';

const task = (over: Partial<TaskItem>) => ({ dueAt: '2026-12-24T15:00:00.000Z', allDay: false, reminders: [], ...over }) as TaskItem;

describe('task form values', () => {
  it('turns the recurrence fields into a rule the contract accepts, and a stored rule back into the same fields', () => {
    expect(recurrenceRule(NO_RECURRENCE)).toBeNull();
    const weekly = recurrenceRule({ ...NO_RECURRENCE, repeat: 'weekly', weekdays: ['4', '1'], ends: 'count', count: 6 });
    expect(weekly).toEqual({ frequency: 'weekly', interval: 1, unit: null, weekdays: [1, 4], monthDay: null, until: null, count: 6 });
    expect(contract.safeParse(weekly).success).toBe(true);
    const custom = recurrenceRule({ ...NO_RECURRENCE, repeat: 'custom', interval: 2, unit: 'month', weekdays: ['3'], ends: 'until', until: '2027-06-30' });
    expect(custom).toEqual({ frequency: 'custom', interval: 2, unit: 'month', weekdays: null, monthDay: null, until: '2027-06-30', count: null });
    expect(contract.safeParse(custom).success).toBe(true);
    // A daily rule never sends an interval or unit (only custom rules may).
    expect(contract.safeParse(recurrenceRule({ ...NO_RECURRENCE, repeat: 'daily', interval: 5, unit: 'day' })).success).toBe(true);
    const stored: NonNullable<TaskItem['recurrence']> = { frequency: 'weekly', unit: 'week', interval: 1, weekdays: [1, 4], monthDay: null, until: null, count: 6, time: '15:00:00' };
    expect(recurrenceRule(recurrenceValues(stored))).toEqual(weekly);
  });

  it('snoozes from the due time when it is ahead, from now when it passed, and to 9:00 tomorrow in the user’s zone', () => {
    const now = new Date('2026-12-24T14:00:00.000Z');
    expect(snoozeTarget(task({}), '60', 'UTC', now)).toEqual({ dueAt: '2026-12-24T16:00:00.000Z', allDay: false });
    expect(snoozeTarget(task({ dueAt: '2026-12-24T10:00:00.000Z' }), '15', 'UTC', now)).toEqual({ dueAt: '2026-12-24T14:15:00.000Z', allDay: false });
    // 14:00Z is 11:00 in São Paulo: tomorrow there is the 25th, 9:00 local = 12:00Z.
    expect(snoozeTarget(task({}), 'tomorrow', 'America/Sao_Paulo', now)).toEqual({ dueAt: '2026-12-25T12:00:00.000Z', allDay: false });
    expect(snoozeTarget(task({ allDay: true }), 'tomorrow', 'America/Sao_Paulo', now)).toEqual({ dueAt: '2026-12-25T03:00:00.000Z', allDay: true });
  });
});
