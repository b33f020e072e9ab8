import type { TaskItem } from '@leadflow/shared/tasks';
import { addDays, zonedParts, zonedToDate } from './zoned';

/** The new due time of a snooze: from now (or from the due time when it is still ahead), in the user's zone. */
export function snoozeTarget(task: TaskItem, kind: '15' | '60' | 'tomorrow', timeZone: string, now = new Date()): { dueAt: string; allDay: boolean } {
  if (kind === 'tomorrow') {
    const day = addDays(zonedParts(now, timeZone).day, 1);
    return task.allDay ? { dueAt: zonedToDate(day, 0, timeZone).toISOString(), allDay: true } : { dueAt: zonedToDate(day, 9 * 60, timeZone).toISOString(), allDay: false };
  }
  const base = Math.max(now.getTime(), Date.parse(task.dueAt));
  return { dueAt: new Date(base + Number(kind) * 60_000).toISOString(), allDay: false };
}
