import { describe, expect, it } from 'vitest';
import { isoInZone, zoneOffsetMinutes } from './lead-query.ts';
import { isoInZoneFormatter, zoneOffsetCache } from './zone-offsets.ts';

describe('zone offsets cached by day', () => {
  // Zones with daylight saving (both hemispheres, a 30-minute change), odd offsets, and São Paulo's DST years.
  const zones = ['America/Sao_Paulo', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'UTC'];

  it('writes every instant exactly as isoInZone, across transitions, every 3 h 10 min for two years', () => {
    const from = Date.UTC(2017, 0, 1);
    const to = Date.UTC(2019, 0, 1);
    for (const zone of zones) {
      const iso = isoInZoneFormatter(zone);
      const offsetAt = zoneOffsetCache(zone);
      // Steps of 3 h 10 min (and 23.456 s) land on every hour and minute of the day over the years.
      for (let t = from + 1_043_456; t < to; t += 11_400_000) {
        const at = new Date(t);
        expect(iso(at), `${zone} ${at.toISOString()}`).toBe(isoInZone(at, zone));
        expect(offsetAt(at)).toBe(zoneOffsetMinutes(at, zone));
      }
    }
  });

  it('is exact in the minutes around a transition', () => {
    // New York springs forward at 2025-03-09 07:00 UTC and falls back at 2025-11-02 06:00 UTC.
    for (const edge of [Date.UTC(2025, 2, 9, 7), Date.UTC(2025, 10, 2, 6)]) {
      const iso = isoInZoneFormatter('America/New_York');
      for (let t = edge - 120_000; t <= edge + 120_000; t += 1_000) expect(iso(new Date(t))).toBe(isoInZone(new Date(t), 'America/New_York'));
    }
  });
});
