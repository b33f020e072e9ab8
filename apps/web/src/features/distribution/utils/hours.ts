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
