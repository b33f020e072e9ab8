/** Quiet hours: a daily window in the user's time zone (it may wrap past midnight, e.g. 22:00–07:00). */
export type QuietHours = { enabled: boolean; start: string; end: string };

const MINUTE = 60_000;

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** Minutes since local midnight (and seconds into the minute) of `at` in `timeZone`; UTC when the zone is unknown. */
function localClock(at: Date, timeZone: string): { minute: number; ms: number } {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  } catch {
    parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  }
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { minute: get('hour') * 60 + get('minute'), ms: at.getTime() % MINUTE };
}

export function inQuietHours(q: QuietHours | null | undefined, at: Date, timeZone: string): boolean {
  if (!q?.enabled) return false;
  const { minute } = localClock(at, timeZone);
  const start = minutes(q.start);
  const end = minutes(q.end);
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * When the quiet hours that contain `at` end (what is held back is sent then), or `at` itself outside them.
 * Counted in local minutes from `at`, so a change of UTC offset inside the window shifts it by at most that change.
 */
export function quietHoursEnd(q: QuietHours | null | undefined, at: Date, timeZone: string): Date {
  if (!q || !inQuietHours(q, at, timeZone)) return at;
  const { minute, ms } = localClock(at, timeZone);
  const wait = (minutes(q.end) - minute + 1440) % 1440;
  return new Date(at.getTime() + wait * MINUTE - ms);
}
