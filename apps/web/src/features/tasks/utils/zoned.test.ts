import { describe, expect, it } from 'vitest';
import { addDays, addMonths, fromLocalInput, startOfWeek, toLocalInput, weekday, zonedParts, zonedToDate } from './zoned';

describe('zoned calendar arithmetic', () => {
  it('reads and writes wall-clock times in a zone other than the browser’s', () => {
    const at = new Date('2026-12-24T02:30:00Z');
    expect(zonedParts(at, 'America/Sao_Paulo')).toEqual({ day: '2026-12-23', minutes: 23 * 60 + 30 });
    expect(zonedParts(at, 'Asia/Tokyo')).toEqual({ day: '2026-12-24', minutes: 11 * 60 + 30 });
    expect(zonedToDate('2026-12-23', 23 * 60 + 30, 'America/Sao_Paulo').toISOString()).toBe('2026-12-24T02:30:00.000Z');
    expect(fromLocalInput('2026-12-24T15:00', 'Europe/Lisbon').toISOString()).toBe('2026-12-24T15:00:00.000Z');
    expect(toLocalInput('2026-07-01T12:00:00Z', 'Europe/Lisbon')).toBe('2026-07-01T13:00');
  });

  it('handles daylight saving: a gap moves forward, both sides of a fall-back keep their offsets', () => {
    // New York springs forward on 2026-03-08 at 02:00 → 03:00: 02:30 does not exist.
    expect(zonedToDate('2026-03-08', 2 * 60 + 30, 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(zonedToDate('2026-03-08', 9 * 60, 'America/New_York').toISOString()).toBe('2026-03-08T13:00:00.000Z');
    expect(zonedToDate('2026-11-01', 9 * 60, 'America/New_York').toISOString()).toBe('2026-11-01T14:00:00.000Z');
  });

  it('steps days, weeks and months on plain ISO days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(weekday('2026-12-24')).toBe(4);
    expect(startOfWeek('2026-12-24')).toBe('2026-12-20');
    expect(addMonths('2026-12-24', 1)).toBe('2027-01-01');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-01');
  });
});
