import { formatDateTime } from '@/lib/format';
import { currentLanguage } from '@/lib/i18n';

export function formatMoney(value: number, currency: string): string {
  try {
    return new Intl.NumberFormat(currentLanguage(), { style: 'currency', currency, maximumFractionDigits: 0 }).format(value);
  } catch {
    return `${currency} ${new Intl.NumberFormat(currentLanguage()).format(value)}`;
  }
}

export function formatCount(value: number): string {
  return new Intl.NumberFormat(currentLanguage()).format(value);
}

/** A follow-up on a card: the day (and time) in the user's language. */
export function formatFollowUp(iso: string): string {
  return formatDateTime(iso);
}

/** The day of a moment, in the user's language (a card has no room for the time). */
export function formatDay(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium' }).format(date);
}
