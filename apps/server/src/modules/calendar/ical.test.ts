import { describe, expect, it } from 'vitest';
import { escapeText, foldLine, parseContentLines, serializeCalendar, unescapeText, utcDateTime } from './ical.ts';

const octets = (s: string) => Buffer.byteLength(s, 'utf8');

describe('iCalendar writer', () => {
  it('escapes backslash, semicolon, comma and every kind of line break in TEXT values, and reads them back', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf\rg')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng');
    const nasty = 'Call Ana, re: "plan; B"\\C:\nline 2';
    expect(unescapeText(escapeText(nasty))).toBe(nasty);
  });

  it('folds lines longer than 75 octets, continuation lines starting with one space, never splitting a UTF-8 character', () => {
    expect(foldLine('SUMMARY:short')).toBe('SUMMARY:short');
    const exact = `X:${'a'.repeat(73)}`;
    expect(foldLine(exact)).toBe(exact);
    const long = `DESCRIPTION:${'x'.repeat(200)}`;
    const folded = foldLine(long).split('\r\n');
    expect(folded.length).toBe(3);
    for (const l of folded) expect(octets(l)).toBeLessThanOrEqual(75);
    expect(octets(folded[0]!)).toBe(75);
    for (const l of folded.slice(1)) expect(l.startsWith(' ')).toBe(true);
    expect(folded.map((l, i) => (i ? l.slice(1) : l)).join('')).toBe(long);
    // Multi-byte text (ç = 2 octets, 🎉 = 4): each piece is whole UTF-8 and within 75 octets.
    const accents = `SUMMARY:${'Reunião ç 🎉 '.repeat(20)}`;
    const pieces = foldLine(accents).split('\r\n');
    for (const l of pieces) {
      expect(octets(l)).toBeLessThanOrEqual(75);
      expect(Buffer.from(l, 'utf8').toString('utf8')).toBe(l);
      expect(l).not.toMatch(/\uFFFD/);
    }
    expect(pieces.map((l, i) => (i ? l.slice(1) : l)).join('')).toBe(accents);
  });

  it('writes a calendar with CRLF line ends, PRODID and VERSION, timed and all-day events, and unfolds back', () => {
    const stamp = new Date('2026-12-04T10:00:00Z');
    const text = serializeCalendar({
      prodId: '-//LeadFlow//Tasks//EN',
      name: 'Ana, tasks',
      timeZone: 'America/Sao_Paulo',
      events: [
        {
          uid: 'task-1@leadflow',
          stamp,
          start: new Date('2026-12-24T15:00:00Z'),
          end: new Date('2026-12-24T15:30:00Z'),
          summary: 'Call; then email, OK?',
          description: `Lead: Maria\nhttp://localhost:3000/leads/1 ${'long '.repeat(30)}`,
          priority: 1,
          sequence: 3,
          alarms: [{ at: new Date('2026-12-24T14:45:00Z'), description: 'Reminder' }],
        },
        { uid: 'task-2@leadflow', stamp, day: '2026-12-25', nextDay: '2026-12-26', summary: 'Christmas visit' },
      ],
    });
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of text.split('\r\n')) expect(octets(line)).toBeLessThanOrEqual(75);
    const lines = parseContentLines(text);
    expect(lines[0]).toMatchObject({ name: 'BEGIN', value: 'VCALENDAR' });
    expect(lines.at(-1)).toMatchObject({ name: 'END', value: 'VCALENDAR' });
    expect(lines.find((l) => l.name === 'VERSION')!.value).toBe('2.0');
    expect(lines.find((l) => l.name === 'PRODID')!.value).toBe('-//LeadFlow//Tasks//EN');
    expect(lines.filter((l) => l.name === 'BEGIN' && l.value === 'VEVENT')).toHaveLength(2);
    expect(lines.find((l) => l.name === 'DTSTART' && !l.params.VALUE)!.value).toBe('20261224T150000Z');
    expect(lines.find((l) => l.name === 'DTSTART' && l.params.VALUE === 'DATE')!.value).toBe('20261225');
    expect(lines.find((l) => l.name === 'DTEND' && l.params.VALUE === 'DATE')!.value).toBe('20261226');
    expect(unescapeText(lines.find((l) => l.name === 'SUMMARY')!.value)).toBe('Call; then email, OK?');
    expect(unescapeText(lines.find((l) => l.name === 'DESCRIPTION')!.value)).toContain('Lead: Maria\nhttp://localhost:3000/leads/1');
    expect(lines.find((l) => l.name === 'TRIGGER')).toMatchObject({ params: { VALUE: 'DATE-TIME' }, value: '20261224T144500Z' });
    expect(utcDateTime(stamp)).toBe('20261204T100000Z');
  });
});
