import { createRequire } from 'node:module';
import tzlookup from 'tz-lookup';

type Place = {
  name: string;
  isoCode: string;
  countryCode?: string;
  latitude: string | null;
  longitude: string | null;
  timezones?: { zoneName: string; gmtOffset: number }[];
};

const require = createRequire(import.meta.url);
let cache: { countries: Map<string, Place>; states: Map<string, Place[]> } | undefined;

/** The maintained country/state data set of `country-state-city`, without its 60 MB city list. */
function places() {
  if (!cache) {
    const countries = require('country-state-city/lib/assets/country.json') as Place[];
    const states = require('country-state-city/lib/assets/state.json') as Place[];
    const byCountry = new Map<string, Place[]>();
    for (const s of states) {
      const list = byCountry.get(s.countryCode!) ?? [];
      list.push(s);
      byCountry.set(s.countryCode!, list);
    }
    cache = { countries: new Map(countries.map((c) => [c.isoCode, c])), states: byCountry };
  }
  return cache;
}

function zoneAt(p: Place | undefined): string | null {
  if (!p?.latitude || !p.longitude) return null;
  try {
    return tzlookup(Number(p.latitude), Number(p.longitude));
  } catch {
    return null;
  }
}

const norm = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase();

/**
 * A lead's time zone from where it is: the state (by code or name), else the country when all its zones keep the same time.
 * Null when the location says too little.
 */
export function timeZoneFromLocation(country: string | null | undefined, state?: string | null): string | null {
  if (!country) return null;
  const code = country.toUpperCase();
  const { countries, states } = places();
  const c = countries.get(code);
  if (!c) return null;
  if (state) {
    const wanted = norm(state);
    const s = states.get(code)?.find((x) => norm(x.isoCode) === wanted || norm(x.name) === wanted);
    const zone = zoneAt(s);
    if (zone) return zone;
  }
  // A country spanning several zones without a known state: a guess would show a wrong local time.
  const zones = c.timezones ?? [];
  if (zones.length === 0) return zoneAt(c);
  return zones.every((z) => z.gmtOffset === zones[0]!.gmtOffset) ? zones[0]!.zoneName : null;
}

export function isKnownCountry(code: string): boolean {
  return places().countries.has(code.toUpperCase());
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
