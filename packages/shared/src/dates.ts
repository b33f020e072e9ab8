import { z } from 'zod';

/**
 * The years a date given to the API may fall in. PostgreSQL has no year 0 and reads no year past 9999 written as
 * JavaScript writes it (`+010000-…`), and a filter's day is turned into the start of the next day too, so the
 * last year allowed is 9998. A value outside is refused with a message instead of failing in the database.
 */
export const MIN_YEAR = 1000;
export const MAX_YEAR = 9998;
export const YEAR_RANGE_MESSAGE = `Use a year from ${MIN_YEAR} to ${MAX_YEAR}`;

/** Whether the year of an ISO date or date-time text (`YYYY-…`) is within the range above. */
export function yearInRange(iso: string): boolean {
  const year = Number(iso.slice(0, 4));
  return year >= MIN_YEAR && year <= MAX_YEAR;
}

/** Whether an instant falls within the years above (in UTC; its day in any time zone then exists too). */
export function instantInRange(t: Date): boolean {
  const year = t.getUTCFullYear();
  return !Number.isNaN(year) && year >= MIN_YEAR && year <= MAX_YEAR;
}

/** `YYYY-MM-DD`, a real calendar day within the years above. */
export function isoDay(message = 'Use YYYY-MM-DD') {
  return z.iso.date({ message }).refine(yearInRange, { message: YEAR_RANGE_MESSAGE });
}

/** An ISO 8601 date-time with an offset (`Z` or `±hh:mm`), within the years above. */
export function isoDateTime(message = 'Use an ISO 8601 date-time, e.g. 2026-12-24T15:00:00-03:00') {
  return z.iso.datetime({ offset: true, message }).refine((v) => instantInRange(new Date(v)), { message: YEAR_RANGE_MESSAGE });
}
