import { describe, expect, it } from 'vitest';
import { nextRange, weekHoursSummary } from './hours';

// 1 January 2024 was a Monday.
const dayName = (day: number) => new Intl.DateTimeFormat('en', { weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, day)));
const words = { anyTime: 'Any time', never: 'No day', dayName };
const office = [{ start: '09:00', end: '18:00' }];

describe('weekHoursSummary', () => {
  it('puts consecutive days with the same hours together', () => {
    expect(weekHoursSummary({ '1': office, '2': office, '3': office, '4': office, '5': office, '6': [{ start: '09:00', end: '13:00' }] }, words)).toBe(
      'Mon–Fri 09:00–18:00 · Sat 09:00–13:00',
    );
  });

  it('keeps days apart when their hours differ or a day lies between', () => {
    const split = [
      { start: '08:00', end: '12:00' },
      { start: '14:00', end: '18:00' },
    ];
    expect(weekHoursSummary({ '1': office, '2': split, '3': office, '5': office }, words)).toBe(
      'Mon 09:00–18:00 · Tue 08:00–12:00, 14:00–18:00 · Wed 09:00–18:00 · Fri 09:00–18:00',
    );
    expect(weekHoursSummary({ '7': office }, words)).toBe('Sun 09:00–18:00');
  });

  it('says when there are no hours at all, and when no day has any', () => {
    expect(weekHoursSummary(null, words)).toBe('Any time');
    expect(weekHoursSummary({}, words)).toBe('No day');
    expect(weekHoursSummary({ '1': [], '2': [] }, words)).toBe('No day');
  });
});

describe('the range "Add hours" proposes', () => {
  it('starts where the day ends, never overlapping it', () => {
    expect(nextRange([{ start: '09:00', end: '12:00' }])).toEqual({ start: '12:00', end: '16:00' });
    expect(nextRange([{ start: '09:00', end: '18:00' }, { start: '07:00', end: '08:00' }])).toEqual({ start: '18:00', end: '22:00' });
    expect(nextRange([{ start: '20:00', end: '22:30' }])).toEqual({ start: '22:30', end: '24:00' });
    expect(nextRange([{ start: '06:00', end: '24:00' }])).toEqual({ start: '02:00', end: '06:00' });
    expect(nextRange([])).toEqual({ start: '09:00', end: '18:00' });
  });
});
