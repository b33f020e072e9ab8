import { describe, expect, it } from 'vitest';
import { inQuietHours, quietHoursEnd } from './quiet-hours.ts';

const night = { enabled: true, start: '22:00', end: '07:00' };
const lunch = { enabled: true, start: '12:00', end: '13:30' };

describe('quiet hours', () => {
  it('reads the window in the user’s time zone, wrapping past midnight', () => {
    // 01:30 UTC is 22:30 the day before in São Paulo (UTC-3): quiet there, not in UTC (01:30 is quiet in UTC too).
    expect(inQuietHours(night, new Date('2026-03-10T01:30:00Z'), 'America/Sao_Paulo')).toBe(true);
    expect(inQuietHours(night, new Date('2026-03-10T12:00:00Z'), 'America/Sao_Paulo')).toBe(false);
    expect(inQuietHours(night, new Date('2026-03-10T09:59:00Z'), 'America/Sao_Paulo')).toBe(true);
    expect(inQuietHours(night, new Date('2026-03-10T10:00:00Z'), 'America/Sao_Paulo')).toBe(false);
    expect(inQuietHours(lunch, new Date('2026-03-10T12:15:00Z'), 'UTC')).toBe(true);
    expect(inQuietHours(lunch, new Date('2026-03-10T13:30:00Z'), 'UTC')).toBe(false);
    expect(inQuietHours({ ...night, enabled: false }, new Date('2026-03-10T01:30:00Z'), 'UTC')).toBe(false);
    expect(inQuietHours(null, new Date('2026-03-10T01:30:00Z'), 'UTC')).toBe(false);
  });

  it('ends at the local end time, or is now outside the window', () => {
    // 23:10:20 in São Paulo: the end is 07:00 there, 10:00 UTC the next day.
    expect(quietHoursEnd(night, new Date('2026-03-10T02:10:20.500Z'), 'America/Sao_Paulo').toISOString()).toBe('2026-03-10T10:00:00.000Z');
    expect(quietHoursEnd(lunch, new Date('2026-03-10T12:59:59Z'), 'UTC').toISOString()).toBe('2026-03-10T13:30:00.000Z');
    const outside = new Date('2026-03-10T15:00:00Z');
    expect(quietHoursEnd(lunch, outside, 'UTC')).toBe(outside);
  });

  it('falls back to UTC for an unknown time zone', () => {
    expect(inQuietHours(lunch, new Date('2026-03-10T12:15:00Z'), 'Mars/Olympus')).toBe(true);
  });
});
