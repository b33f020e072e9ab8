import { z } from 'zod';

/**
 * The user's iCalendar feed (a secret URL a calendar app subscribes to). The URL holds the token and is shown only
 * when it is created or rotated; the server keeps a hash of it.
 */
export const calendarFeedStatus = z.object({
  active: z.boolean(),
  createdAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type CalendarFeedStatus = z.infer<typeof calendarFeedStatus>;

export const calendarFeedCreated = calendarFeedStatus.extend({
  /** https://…/ical/<token>.ics — whoever has it can read the feed until it is rotated or revoked. */
  url: z.string(),
});
export type CalendarFeedCreated = z.infer<typeof calendarFeedCreated>;

/** How long a task lasts on a calendar (tasks have a due time, not an end): a meeting an hour, anything else 30 min. */
export function taskDurationMinutes(type: string): number {
  return type === 'meeting' ? 60 : 30;
}
