import { ASSIGNMENT_REASONS } from '@leadflow/shared/distribution';
import { currentLanguage, i18n } from '@/lib/i18n';
import { isStrategy } from './rule-form';

export function strategyLabel(strategy: string | null): string {
  if (strategy === null) return '';
  return isStrategy(strategy) ? i18n.t(`distribution.strategies.${strategy}`) : strategy;
}

type Reason = (typeof ASSIGNMENT_REASONS)[number];
const isReason = (value: string): value is Reason => (ASSIGNMENT_REASONS as readonly string[]).includes(value);

export function reasonLabel(reason: string): string {
  return isReason(reason) ? i18n.t(`distribution.reasons.${reason}`) : reason;
}

/** How an assignment was made: by which rule (and strategy), by which manager, or by a rule deleted since. */
export function assignmentHow(record: { ruleId: string | null; ruleName: string | null; strategy: string | null; by: { name: string } | null }): string | null {
  if (record.ruleName) return i18n.t('distribution.history.byRule', { rule: record.ruleName, strategy: strategyLabel(record.strategy) });
  if (record.by) return i18n.t('distribution.history.byUser', { name: record.by.name });
  if (record.ruleId === null && record.strategy) return i18n.t('distribution.history.deletedRule', { strategy: strategyLabel(record.strategy) });
  return null;
}

const UNAVAILABLE = ['inactive', 'paused', 'out_of_office', 'outside_hours', 'daily_cap', 'weekly_cap'] as const;
type Unavailable = (typeof UNAVAILABLE)[number];
const isUnavailable = (value: string): value is Unavailable => (UNAVAILABLE as readonly string[]).includes(value);

export function unavailableLabel(reason: string | null): string {
  if (!reason) return i18n.t('distribution.availability.unavailable');
  return isUnavailable(reason) ? i18n.t(`distribution.availability.reasons.${reason}`) : reason;
}

/** ISO weekday (1 = Monday … 7 = Sunday) in the user's language. */
export function weekdayName(day: number, style: 'long' | 'short' = 'long'): string {
  // 1 January 2024 was a Monday.
  return new Intl.DateTimeFormat(currentLanguage(), { weekday: style, timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, day)));
}

/** "2 min", "1 h 5 min", "45 s": a duration in seconds, short. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return i18n.t('distribution.duration.seconds', { count: s });
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return i18n.t('distribution.duration.minutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return i18n.t('distribution.duration.hoursMinutes', { hours, minutes: minutes % 60 });
  return i18n.t('distribution.duration.days', { count: Math.floor(hours / 24) });
}
