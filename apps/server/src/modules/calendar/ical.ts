/**
 * A small RFC 5545 (iCalendar) writer: just what a subscribed feed of tasks needs — VCALENDAR, VEVENT, VALARM,
 * TEXT escaping, UTC date-times, DATE values, CRLF line ends and folding at 75 octets.
 */

const MAX_OCTETS = 75;

/** TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, and line breaks as `\n`. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * Folds one content line (RFC 5545 3.1): no line longer than 75 octets; each continuation starts with one space
 * (which counts toward its 75). A UTF-8 character is never split across lines.
 */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= MAX_OCTETS) return line;
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  let limit = MAX_OCTETS;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > limit) {
      parts.push(current);
      current = ' ';
      octets = 1;
      limit = MAX_OCTETS;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n');
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A UTC DATE-TIME: 20261224T150000Z. */
export function utcDateTime(at: Date): string {
  return `${pad(at.getUTCFullYear(), 4)}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}T${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}Z`;
}

/** A DATE from an ISO day (2026-12-24 → 20261224). */
export function dateValue(day: string): string {
  return day.replaceAll('-', '');
}

export type IcalAlarm = { at: Date; description: string };

export type IcalEvent = {
  uid: string;
  stamp: Date;
  /** A timed event: start and end instants. */
  start?: Date;
  end?: Date;
  /** An all-day event: the ISO day (in the owner's time zone); it ends the next day (exclusive). */
  day?: string;
  nextDay?: string;
  summary: string;
  description?: string | null;
  url?: string | null;
  lastModified?: Date;
  sequence?: number;
  /** 1 (highest) to 9 (lowest). */
  priority?: number;
  categories?: string[];
  alarms?: IcalAlarm[];
};

export type IcalCalendar = { prodId: string; name: string; timeZone?: string; events: IcalEvent[] };

function eventLines(e: IcalEvent): string[] {
  const lines = ['BEGIN:VEVENT', `UID:${escapeText(e.uid)}`, `DTSTAMP:${utcDateTime(e.stamp)}`];
  if (e.day) {
    lines.push(`DTSTART;VALUE=DATE:${dateValue(e.day)}`);
    if (e.nextDay) lines.push(`DTEND;VALUE=DATE:${dateValue(e.nextDay)}`);
  } else if (e.start) {
    lines.push(`DTSTART:${utcDateTime(e.start)}`);
    if (e.end) lines.push(`DTEND:${utcDateTime(e.end)}`);
  }
  lines.push(`SUMMARY:${escapeText(e.summary)}`);
  if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
  if (e.url) lines.push(`URL:${e.url}`);
  if (e.categories?.length) lines.push(`CATEGORIES:${e.categories.map(escapeText).join(',')}`);
  if (e.priority) lines.push(`PRIORITY:${e.priority}`);
  if (e.sequence !== undefined) lines.push(`SEQUENCE:${e.sequence}`);
  if (e.lastModified) lines.push(`LAST-MODIFIED:${utcDateTime(e.lastModified)}`);
  lines.push('STATUS:CONFIRMED', 'TRANSP:OPAQUE');
  for (const a of e.alarms ?? []) {
    lines.push('BEGIN:VALARM', 'ACTION:DISPLAY', `DESCRIPTION:${escapeText(a.description)}`, `TRIGGER;VALUE=DATE-TIME:${utcDateTime(a.at)}`, 'END:VALARM');
  }
  lines.push('END:VEVENT');
  return lines;
}

/** The whole calendar object as text: CRLF after every line, each folded at 75 octets. */
export function serializeCalendar(cal: IcalCalendar): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${cal.prodId}`, 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${escapeText(cal.name)}`];
  if (cal.timeZone) lines.push(`X-WR-TIMEZONE:${escapeText(cal.timeZone)}`);
  for (const e of cal.events) lines.push(...eventLines(e));
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

/** Reads content lines back (unfolds, splits name;params:value) — for tests and for checking our own output. */
export function parseContentLines(text: string): { name: string; params: Record<string, string>; value: string }[] {
  const unfolded = text.replace(/\r\n[ \t]/g, '');
  return unfolded
    .split('\r\n')
    .filter(Boolean)
    .map((line) => {
      // The first colon outside a quoted parameter value ends the name and parameters.
      let colon = -1;
      let quoted = false;
      for (let i = 0; i < line.length && colon < 0; i++) {
        if (line[i] === '"') quoted = !quoted;
        else if (line[i] === ':' && !quoted) colon = i;
      }
      const head = line.slice(0, colon);
      const [name, ...rest] = head.split(';');
      const params = Object.fromEntries(rest.map((p) => p.split('=') as [string, string]));
      return { name: name!, params, value: line.slice(colon + 1) };
    });
}

/** Undoes escapeText. */
export function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}
