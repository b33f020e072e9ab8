import { describe, expect, it } from 'vitest';
import { timeZoneFromLocation } from './time-zone.ts';

describe('timeZoneFromLocation', () => {
  it('uses the state in countries with several zones', () => {
    expect(timeZoneFromLocation('BR', 'SP')).toBe('America/Sao_Paulo');
    expect(timeZoneFromLocation('BR', 'Amazonas')).toBe('America/Manaus');
    expect(timeZoneFromLocation('us', 'California')).toBe('America/Los_Angeles');
    expect(timeZoneFromLocation('US', 'NY')).toBe('America/New_York');
  });
  it('falls back to the country, and to null when unknown', () => {
    expect(timeZoneFromLocation('DE')).toBe('Europe/Berlin');
    expect(timeZoneFromLocation('BR', 'Nowhere')).toBeNull();
    expect(timeZoneFromLocation('ZZ')).toBeNull();
    expect(timeZoneFromLocation(null)).toBeNull();
  });
});
