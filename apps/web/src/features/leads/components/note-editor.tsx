import { Combobox, Text, Textarea, useCombobox } from '@mantine/core';
import type { ChangeEvent, KeyboardEvent } from 'react';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLeadReferences } from '../hooks/use-lead-references';
import { mentionQueryAt, mentionToken } from '../utils/mentions';

type NoteEditorProps = {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Ctrl/⌘+Enter. */
  onSubmit: () => void;
  error?: string | null;
  autoFocus?: boolean;
};

const MAX_SUGGESTIONS = 8;

/** A markdown textarea where typing @ suggests members and inserts `@[Name](user:<id>)`. */
export function NoteEditor({ label, value, onChange, onSubmit, error, autoFocus }: NoteEditorProps) {
  const { t } = useTranslation();
  const references = useLeadReferences();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const [mention, setMention] = useState<{ start: number; query: string } | null>(null);
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });

  const matches = mention
    ? references.members
        .filter((member) => member.name.toLowerCase().includes(mention.query.toLowerCase()))
        .slice(0, MAX_SUGGESTIONS)
    : [];

  const track = (text: string, caret: number) => {
    const found = mentionQueryAt(text, caret);
    setMention(found);
    if (found) {
      combobox.openDropdown();
      requestAnimationFrame(() => combobox.selectFirstOption());
    } else {
      combobox.closeDropdown();
    }
  };

  const insert = (memberId: string) => {
    const member = references.members.find((m) => m.id === memberId);
    if (!member || !mention) return;
    const caret = mention.start + 1 + mention.query.length;
    const token = `${mentionToken(member)} `;
    const next = value.slice(0, mention.start) + token + value.slice(caret);
    onChange(next);
    setMention(null);
    combobox.closeDropdown();
    const position = mention.start + token.length;
    requestAnimationFrame(() => {
      textarea.current?.focus();
      textarea.current?.setSelectionRange(position, position);
    });
  };

  return (
    <Combobox store={combobox} onOptionSubmit={insert} position="bottom-start" width={260} withinPortal>
      <Combobox.Target withKeyboardNavigation={matches.length > 0}>
        <Textarea
          ref={textarea}
          label={label}
          description={t('leads.notes.hint')}
          autosize
          minRows={3}
          maxRows={12}
          value={value}
          error={error}
          autoFocus={autoFocus}
          onChange={(event: ChangeEvent<HTMLTextAreaElement>) => {
            onChange(event.currentTarget.value);
            track(event.currentTarget.value, event.currentTarget.selectionStart);
          }}
          onClick={(event) => track(event.currentTarget.value, event.currentTarget.selectionStart)}
          onKeyDown={(event: KeyboardEvent<HTMLTextAreaElement>) => {
            if (event.key === 'Escape' && combobox.dropdownOpened) {
              event.stopPropagation();
              combobox.closeDropdown();
              setMention(null);
            }
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
              event.preventDefault();
              onSubmit();
            }
          }}
          onBlur={() => combobox.closeDropdown()}
        />
      </Combobox.Target>
      <Combobox.Dropdown hidden={!mention || matches.length === 0}>
        <Combobox.Options aria-label={t('leads.notes.mentionSuggestions')}>
          {matches.map((member) => (
            <Combobox.Option value={member.id} key={member.id}>
              <Text size="sm">{member.name}</Text>
            </Combobox.Option>
          ))}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  );
}
