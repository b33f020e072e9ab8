import type { MemberOption } from '../hooks/use-lead-references';

/** `@[Ana Lima](user:0b7c…)` in a note's markdown, as the server reads it. */
const MENTION = /@\[([^\]\n]{1,120})\]\(user:([0-9a-fA-F-]{36})\)/g;

export type NoteSegment = { type: 'text'; text: string } | { type: 'mention'; name: string; userId: string };

/** A note split into plain text and mentions; nothing in it is ever treated as HTML. */
export function parseNote(body: string): NoteSegment[] {
  const segments: NoteSegment[] = [];
  let last = 0;
  for (const match of body.matchAll(MENTION)) {
    const index = match.index;
    if (index > last) segments.push({ type: 'text', text: body.slice(last, index) });
    segments.push({ type: 'mention', name: match[1] ?? '', userId: (match[2] ?? '').toLowerCase() });
    last = index + match[0].length;
  }
  if (last < body.length) segments.push({ type: 'text', text: body.slice(last) });
  return segments;
}

export function mentionToken(member: MemberOption): string {
  const name = member.name.replace(/[[\]\n]/g, ' ').trim().slice(0, 120) || member.id;
  return `@[${name}](user:${member.id})`;
}

/** The `@word` being typed just before the caret, if any: where it starts and what follows the @. */
export function mentionQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([\p{L}\p{N}._-]{0,30})$/u.exec(before);
  if (!match) return null;
  const query = match[2] ?? '';
  return { start: caret - query.length - 1, query };
}
