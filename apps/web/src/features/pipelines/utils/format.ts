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
