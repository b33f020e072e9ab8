import type { LeadFilter } from '@leadflow/shared/leads';
import { Select, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export type QuickFilters = { owner: string | null; source: string; tag: string };

export const NO_QUICK_FILTERS: QuickFilters = { owner: null, source: '', tag: '' };

const UNASSIGNED = '__none__';

/** The quick filters as lead-list filters, in the same format the list and the board's API take. */
export function quickFilterList(quick: QuickFilters): LeadFilter[] {
  const filters: LeadFilter[] = [];
  if (quick.owner === UNASSIGNED) filters.push({ field: 'ownerId', op: 'empty' });
  else if (quick.owner) filters.push({ field: 'ownerId', op: 'eq', value: quick.owner });
  if (quick.source.trim()) filters.push({ field: 'source', op: 'eq', value: quick.source.trim() });
  if (quick.tag.trim()) filters.push({ field: 'tags', op: 'in', value: [quick.tag.trim()] });
  return filters;
}

type BoardQuickFiltersProps = {
  value: QuickFilters;
  onChange: (next: QuickFilters) => void;
  members: { id: string; name: string }[];
  meId: string;
  compact: boolean;
};

/** Owner, source and tag: the filters a board is most often narrowed by, one tap away. */
export function BoardQuickFilters({ value, onChange, members, meId, compact }: BoardQuickFiltersProps) {
  const { t } = useTranslation();
  const width = compact ? '1 1 30%' : '0 1 11rem';
  return (
    <>
      <Select
        aria-label={t('board.filters.owner')}
        placeholder={t('board.filters.owner')}
        data={[
          { value: 'me', label: t('board.filters.me') },
          { value: UNASSIGNED, label: t('board.filters.unassigned') },
          ...members.filter((member) => member.id !== meId).map((member) => ({ value: member.id, label: member.name })),
        ]}
        value={value.owner}
        onChange={(owner) => onChange({ ...value, owner })}
        clearable
        searchable
        data-testid="board-owner-filter"
        style={{ flex: width, minWidth: 0 }}
      />
      <TextInput
        aria-label={t('board.filters.source')}
        placeholder={t('board.filters.source')}
        value={value.source}
        onChange={(event) => onChange({ ...value, source: event.currentTarget.value })}
        style={{ flex: width, minWidth: 0 }}
      />
      <TextInput
        aria-label={t('board.filters.tag')}
        placeholder={t('board.filters.tag')}
        value={value.tag}
        onChange={(event) => onChange({ ...value, tag: event.currentTarget.value })}
        style={{ flex: width, minWidth: 0 }}
      />
    </>
  );
}
