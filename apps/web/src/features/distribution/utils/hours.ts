import type { WorkingHours } from '@leadflow/shared/distribution';

/**
 * A week of working hours in one line: consecutive days with the same ranges together ("Mon–Fri 09:00–18:00 ·
 * Sat 09:00–13:00"); `anyTime` when there are no hours (null), `never` when no day has any. `dayName` names an ISO
 * weekday (1 = Monday) in the user's language.
 */
export function weekHoursSummary(hours: WorkingHours | null, words: { anyTime: string; never: string; dayName: (day: number) => string }): string {
  if (!hours) return words.anyTime;
  const rangesOf = (day: number) => (hours[String(day) as keyof WorkingHours] ?? []).map((r) => `${r.start}–${r.end}`).join(', ');
  const parts: string[] = [];
  for (let day = 1; day <= 7; day += 1) {
    const ranges = rangesOf(day);
    if (!ranges) continue;
    let last = day;
    while (last < 7 && rangesOf(last + 1) === ranges) last += 1;
    parts.push(`${last === day ? words.dayName(day) : `${words.dayName(day)}–${words.dayName(last)}`} ${ranges}`);
    day = last;
  }
  return parts.length ? parts.join(' · ') : words.never;
}

type Range = { start: string; end: string };
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/**
 * The range "Add hours" proposes for a day that has some: up to four hours from where the day's latest range ends
 * (the ranges of a day may not overlap), or, when that one ends at midnight, the time before the earliest one.
 */
export function nextRange(ranges: readonly Range[]): Range {
  if (!ranges.length) return { start: '09:00', end: '18:00' };
  const lastEnd = Math.max(...ranges.map((r) => minutes(r.end)));
  if (lastEnd < 24 * 60) return { start: hhmm(lastEnd), end: hhmm(Math.min(lastEnd + 4 * 60, 24 * 60)) };
  const firstStart = Math.min(...ranges.map((r) => minutes(r.start)));
  return firstStart > 0 ? { start: hhmm(Math.max(firstStart - 4 * 60, 0)), end: hhmm(firstStart) } : { start: '00:00', end: '01:00' };
}
