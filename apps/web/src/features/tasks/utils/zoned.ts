/**
 * Calendar arithmetic in a named time zone (the user's profile zone), with plain ISO days ("2026-12-24") as the
 * unit: a day in São Paulo is not the browser's day when the browser is elsewhere.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    } catch {
      f = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

export type ZonedParts = { day: string; minutes: number };

/** The wall-clock day and minute of the day of an instant in a zone. */
export function zonedParts(at: Date, timeZone: string): ZonedParts {
  const p = Object.fromEntries(formatter(timeZone).formatToParts(at).map((x) => [x.type, x.value]));
  return { day: `${p.year}-${p.month}-${p.day}`, minutes: Number(p.hour) * 60 + Number(p.minute) };
}

function offsetMinutes(at: Date, timeZone: string): number {
  const p = Object.fromEntries(formatter(timeZone).formatToParts(at).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return Math.round((wall - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The instant of a wall-clock time (day + minutes after midnight) in a zone; in a DST gap, the later side. */
export function zonedToDate(day: string, minutes: number, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  const first = wall - offsetMinutes(new Date(wall), timeZone) * 60_000;
  const second = wall - offsetMinutes(new Date(first), timeZone) * 60_000;
  const target = zonedParts(new Date(wall), 'UTC');
  const match = [first, second].find((t) => {
    const p = zonedParts(new Date(t), timeZone);
    return p.day === target.day && p.minutes === target.minutes;
  });
  return new Date(match ?? Math.max(first, second));
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** 0 = Sunday. */
export function weekday(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export function startOfWeek(day: string): string {
  return addDays(day, -weekday(day));
}

export function startOfMonth(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

export function addMonths(day: string, n: number): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 10);
}

export function today(timeZone: string): string {
  return zonedParts(new Date(), timeZone).day;
}

/** "HH:MM" of minutes after midnight. */
export function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "YYYY-MM-DDTHH:MM" (a datetime-local input's value) of an instant in a zone. */
export function toLocalInput(iso: string, timeZone: string): string {
  const p = zonedParts(new Date(iso), timeZone);
  return `${p.day}T${hhmm(p.minutes)}`;
}

/** The instant of a datetime-local value ("YYYY-MM-DDTHH:MM") read in a zone. */
export function fromLocalInput(value: string, timeZone: string): Date {
  const [day, time = '00:00'] = value.split('T');
  const [h, m] = time.split(':').map(Number) as [number, number];
  return zonedToDate(day!, h * 60 + m, timeZone);
}

/** A day's label in the user's language, e.g. "Thu, Dec 24". */
export function formatDay(day: string, language: string, options: Intl.DateTimeFormatOptions = { weekday: 'short', month: 'short', day: 'numeric' }): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(language, { ...options, timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d, 12)));
}

/** A time of day in the user's language, e.g. "3:00 PM" / "15:00". */
export function formatTime(iso: string, language: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(language, { hour: 'numeric', minute: '2-digit', timeZone }).format(new Date(iso));
  } catch {
    return new Date(iso).toLocaleTimeString();
  }
}
