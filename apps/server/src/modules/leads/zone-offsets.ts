import { zoneOffsetMinutes } from './lead-query.ts';

/**
 * Exports write every date in the workspace's zone; asking Intl for each of 100,000 rows costs more than the query.
 * Offsets only change at a zone's transitions (at most one a day), so they are worked out once per UTC day: a day
 * whose first and last second have the same offset has it throughout; the rare day with a transition asks Intl for
 * each instant.
 */

const DAY_MS = 86_400_000;

/** The zone's offset in minutes at an instant (as zoneOffsetMinutes), cached by UTC day. */
export function zoneOffsetCache(timeZone: string): (at: Date) => number {
  const byDay = new Map<number, number | null>();
  return (at) => {
    const day = Math.floor(at.getTime() / DAY_MS);
    let offset = byDay.get(day);
    if (offset === undefined) {
      const first = zoneOffsetMinutes(new Date(day * DAY_MS), timeZone);
      const last = zoneOffsetMinutes(new Date((day + 1) * DAY_MS - 1000), timeZone);
      offset = first === last ? first : null;
      byDay.set(day, offset);
    }
    return offset ?? zoneOffsetMinutes(at, timeZone);
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** isoInZone for many instants of one zone: 2025-03-01T14:30:00-03:00, to the second. */
export function isoInZoneFormatter(timeZone: string): (at: Date) => string {
  const offsetAt = zoneOffsetCache(timeZone);
  return (at) => {
    const offset = offsetAt(at);
    const wall = new Date(Math.floor(at.getTime() / 1000) * 1000 + offset * 60_000);
    const abs = Math.abs(offset);
    const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
    return `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}T${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}${zone}`;
  };
}
