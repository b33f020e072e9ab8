import { describe, expect, it } from 'vitest';
import { afterTaskDone, causeIsFresh, isReplyOutcome, nextStepStartsAt, stepDueAt, stopReasonFor, taskDueAt, whenStepFallsDue } from './cadence-steps.ts';

const SP = 'America/Sao_Paulo';
const NY = 'America/New_York';
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** A clock the test moves by hand. */
function clock(start: string) {
  let now = new Date(start).getTime();
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
}

const threeTiers = [
  { dayOffset: 0, time: '09:00' },
  { dayOffset: 1, time: null },
  { dayOffset: 3, time: '10:30' },
  { dayOffset: 7, time: '09:00' },
];

describe('cadence steps', () => {
  it('puts each step on its day after the start day, at its wall-clock time or all day, in the workspace zone', () => {
    // 23:30 on 4 March in São Paulo is already 5 March in UTC: day counting uses the local day.
    const start = new Date('2026-03-05T02:30:00Z');
    expect(stepDueAt(threeTiers[0]!, start, SP)).toEqual({ dueAt: new Date('2026-03-04T12:00:00Z'), allDay: false });
    expect(stepDueAt(threeTiers[1]!, start, SP)).toEqual({ dueAt: new Date('2026-03-05T03:00:00Z'), allDay: true });
    expect(stepDueAt(threeTiers[2]!, start, SP)).toEqual({ dueAt: new Date('2026-03-07T13:30:00Z'), allDay: false });
    expect(stepDueAt(threeTiers[3]!, start, SP)).toEqual({ dueAt: new Date('2026-03-11T12:00:00Z'), allDay: false });
  });

  it('keeps the wall-clock time across a daylight-saving change', () => {
    // New York springs forward on 8 March 2026: 09:00 is 14:00Z before and 13:00Z after.
    const start = new Date('2026-03-06T15:00:00Z');
    expect(stepDueAt({ dayOffset: 0, time: '09:00' }, start, NY).dueAt.toISOString()).toBe('2026-03-06T14:00:00.000Z');
    expect(stepDueAt({ dayOffset: 3, time: '09:00' }, start, NY).dueAt.toISOString()).toBe('2026-03-09T13:00:00.000Z');
    // 02:30 does not exist on 8 March: it moves forward by the gap.
    expect(stepDueAt({ dayOffset: 2, time: '02:30' }, start, NY).dueAt.toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('never creates a task due in the past: a plan already behind is due now (timed) or today (all day)', () => {
    const c = clock('2026-03-04T18:00:00Z'); // 15:00 in São Paulo
    const start = c.now();
    expect(taskDueAt(threeTiers[0]!, start, c.now(), SP)).toEqual({ dueAt: c.now(), allDay: false });
    expect(taskDueAt(threeTiers[2]!, start, c.now(), SP).dueAt.toISOString()).toBe('2026-03-07T13:30:00.000Z');
    c.advance(5 * DAY);
    // Day 1's all-day step created on day 5 lands on day 5.
    expect(taskDueAt(threeTiers[1]!, start, c.now(), SP)).toEqual({ dueAt: new Date('2026-03-09T03:00:00Z'), allDay: true });
  });

  it('moves on when the current step is done, ends after the last, and ignores late completions of older steps', () => {
    const e = { status: 'active' as const, currentStep: 0, steps: 4 };
    expect(afterTaskDone(e, 0)).toEqual({ kind: 'create', step: 1 });
    expect(afterTaskDone({ ...e, currentStep: 2 }, 1)).toEqual({ kind: 'none' });
    expect(afterTaskDone({ ...e, currentStep: 3 }, 3)).toEqual({ kind: 'complete' });
    expect(afterTaskDone({ ...e, status: 'stopped' }, 0)).toEqual({ kind: 'none' });
    expect(afterTaskDone({ ...e, status: 'completed', currentStep: 3 }, 3)).toEqual({ kind: 'none' });
  });

  it('starts the next step by its timer when the previous one is still open at its time, once', () => {
    const c = clock('2026-03-04T18:00:00Z');
    const start = c.now();
    const e = { status: 'active' as const, currentStep: 0, steps: 4 };
    const at = nextStepStartsAt(threeTiers, 0, start, SP)!;
    expect(at.toISOString()).toBe('2026-03-05T03:00:00.000Z'); // day 1 starts at local midnight (all-day step)
    // A timer that runs early does nothing.
    expect(whenStepFallsDue(e, 1, at, c.now())).toEqual({ kind: 'none' });
    c.advance(9 * HOUR);
    expect(whenStepFallsDue(e, 1, at, c.now())).toEqual({ kind: 'create', step: 1 });
    // Already moved on (the task was done before the timer), ended, or a step that is not the next one: nothing.
    expect(whenStepFallsDue({ ...e, currentStep: 1 }, 1, at, c.now())).toEqual({ kind: 'none' });
    expect(whenStepFallsDue({ ...e, status: 'stopped' }, 1, at, c.now())).toEqual({ kind: 'none' });
    expect(whenStepFallsDue(e, 2, at, c.now())).toEqual({ kind: 'none' });
    expect(nextStepStartsAt(threeTiers, 3, start, SP)).toBeNull();
  });

  it('stops on won, lost or deleted leads, and starts only on recent causes after the cadence existed', () => {
    expect(stopReasonFor('won', false)).toBe('won');
    expect(stopReasonFor('lost', false)).toBe('lost');
    expect(stopReasonFor('open', true)).toBe('deleted');
    expect(stopReasonFor('open', false)).toBeNull();
    expect(stopReasonFor(null, false)).toBeNull();
    const c = clock('2026-03-04T18:00:00Z');
    const created = new Date(c.now().getTime() - DAY);
    expect(causeIsFresh(c.now(), created, c.now())).toBe(true);
    expect(causeIsFresh(new Date(created.getTime() - 1), created, c.now())).toBe(false);
    const cause = c.now();
    c.advance(2 * HOUR);
    expect(causeIsFresh(cause, created, c.now())).toBe(false);
  });

  it('takes reached and not interested (keys or words, any case) as the person answering, and nothing else', () => {
    for (const o of ['reached', 'Reached', 'not_interested', 'Not interested', ' not-interested ']) expect(isReplyOutcome(o)).toBe(true);
    for (const o of ['no_answer', 'No answer', 'left_message', 'rescheduled', 'done', '', null, undefined]) expect(isReplyOutcome(o)).toBe(false);
  });
});
