import { Anchor, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { parseNote } from '../utils/mentions';

const URL_OR_BOLD = /(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"]|\*\*[^*\n]+\*\*)/g;

/** Plain text with **bold** and web links; everything else stays literal text, never HTML. */
function renderText(text: string, keyPrefix: string): ReactNode[] {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_OR_BOLD)) {
    const token = match[0];
    if (match.index > last) parts.push(text.slice(last, match.index));
    const key = `${keyPrefix}-${match.index}`;
    parts.push(
      token.startsWith('**') ? (
        <strong key={key}>{token.slice(2, -2)}</strong>
      ) : (
        <Anchor key={key} href={token} target="_blank" rel="noopener noreferrer nofollow" inherit>
          {token}
        </Anchor>
      ),
    );
    last = match.index + token.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** A note as text: mentions show as @Name, markdown markers other than bold stay as typed. */
export function NoteBody({ body }: { body: string }) {
  return (
    <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
      {parseNote(body).map((segment, index) =>
        segment.type === 'mention' ? (
          <Text key={index} span fw={600} c="var(--mantine-primary-color-filled)" data-user-id={segment.userId}>
            @{segment.name}
          </Text>
        ) : (
          renderText(segment.text, String(index))
        ),
      )}
    </Text>
  );
}
