import type { CadenceStep } from '@leadflow/shared/cadences';
import { addDays, dayInZone, startOfDayInZone } from '../leads/lead-query.ts';
import { fromLocal } from '../tasks/recurrence.ts';

/**
 * The step logic of a follow-up cadence (ADR 017): pure functions of the enrollment's snapshot of steps, its start
 * and the clock, no database. Step i is due `dayOffset` days after the day the lead entered the cadence (in the
 * workspace's time zone), at its time of day or all day.
 */

export type Scheduled = { dueAt: Date; allDay: boolean };

/** When a step is due by the plan: its day counted from the start day, at `time` (wall clock) or all day. */
export function stepDueAt(step: Pick<CadenceStep, 'dayOffset' | 'time'>, startedAt: Date, timeZone: string): Scheduled {
  const day = addDays(dayInZone(startedAt, timeZone), step.dayOffset);
  if (!step.time) return { dueAt: startOfDayInZone(day, timeZone), allDay: true };
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const [hh, mi] = step.time.split(':').map(Number) as [number, number];
  return { dueAt: fromLocal({ y, m, d, hh, mi, ss: 0 }, timeZone), allDay: false };
}

/**
 * The due time of the task created for a step at `now`: the planned one, or — when the plan is already behind
 * (a 09:00 call of day 0 for a lead that arrived at 15:00) — now; an all-day step of a past day moves to today.
 */
export function taskDueAt(step: Pick<CadenceStep, 'dayOffset' | 'time'>, startedAt: Date, now: Date, timeZone: string): Scheduled {
  const planned = stepDueAt(step, startedAt, timeZone);
  if (planned.allDay) {
    const today = startOfDayInZone(dayInZone(now, timeZone), timeZone);
    return planned.dueAt.getTime() < today.getTime() ? { dueAt: today, allDay: true } : planned;
  }
  return planned.dueAt.getTime() < now.getTime() ? { dueAt: new Date(now.getTime()), allDay: false } : planned;
}

/**
 * The moment the next step starts by itself when the current one is still open: the next step's planned due time
 * (for an all-day step, the start of its day). Null after the last step.
 */
export function nextStepStartsAt(steps: readonly Pick<CadenceStep, 'dayOffset' | 'time'>[], current: number, startedAt: Date, timeZone: string): Date | null {
  const next = steps[current + 1];
  return next ? stepDueAt(next, startedAt, timeZone).dueAt : null;
}

export type EnrollmentState = { status: 'active' | 'completed' | 'stopped'; currentStep: number; steps: number };
export type Advance = { kind: 'create'; step: number } | { kind: 'complete' } | { kind: 'none' };

/**
 * What completing the task of `step` does: the next step's task, or the end of the cadence after the last step.
 * Only the current step's task moves the cadence on (an older attempt completed late changes nothing).
 */
export function afterTaskDone(e: EnrollmentState, step: number): Advance {
  if (e.status !== 'active' || step !== e.currentStep) return { kind: 'none' };
  return step + 1 < e.steps ? { kind: 'create', step: step + 1 } : { kind: 'complete' };
}

/**
 * What the timer of `step` does when it goes off (the previous step still open at the next step's time): creates
 * that step, unless the cadence already moved past it, ended, or `now` is early (a timer run ahead of time).
 */
export function whenStepFallsDue(e: EnrollmentState, step: number, startsAt: Date, now: Date): Advance {
  if (e.status !== 'active' || step !== e.currentStep + 1 || step >= e.steps) return { kind: 'none' };
  if (now.getTime() < startsAt.getTime()) return { kind: 'none' };
  return { kind: 'create', step };
}

/** The stop reason a lead's stage implies: a won or lost stage ends its cadences. */
export function stopReasonFor(stageKind: string | null | undefined, deleted: boolean): 'won' | 'lost' | 'deleted' | null {
  if (deleted) return 'deleted';
  if (stageKind === 'won' || stageKind === 'lost') return stageKind;
  return null;
}

/**
 * Task outcomes that mean the person answered: they were reached, or said they are not interested. A cadence
 * exists to get an answer, so either ends every running cadence of the lead (reason `replied`), whichever task of
 * the lead it was, as a submission by the same person (came back) or an inbound message does.
 */
export const REPLY_OUTCOMES: ReadonlySet<string> = new Set(['reached', 'not_interested']);
export const isReplyOutcome = (outcome: string | null | undefined): boolean =>
  Boolean(outcome && REPLY_OUTCOMES.has(outcome.trim().toLowerCase().replace(/[\s-]+/g, '_')));

/** A stage entry or a new lead starts a cadence only while it is recent and after the cadence existed. */
export const TRIGGER_MAX_AGE_MS = 60 * 60_000;
export function causeIsFresh(causeAt: Date, cadenceCreatedAt: Date, now: Date): boolean {
  return causeAt.getTime() >= cadenceCreatedAt.getTime() && now.getTime() - causeAt.getTime() <= TRIGGER_MAX_AGE_MS;
}
