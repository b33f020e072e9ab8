import { currentLanguage } from '@/lib/i18n';

let displayTimeZone: string | undefined;

/** Dates are shown in the signed-in user's profile time zone when it is known. */
export function setDisplayTimeZone(timeZone: string | undefined): void {
  displayTimeZone = timeZone;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(currentLanguage(), {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: displayTimeZone,
    }).format(date);
  } catch {
    return date.toLocaleString();
  }
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

let timeZones: string[] | null = null;

export function allTimeZones(): string[] {
  if (!timeZones) {
    try {
      timeZones = Intl.supportedValuesOf('timeZone');
    } catch {
      timeZones = [];
    }
    if (!timeZones.includes('UTC')) timeZones = ['UTC', ...timeZones];
  }
  return timeZones;
}
