import type { LeadFilter } from '@leadflow/shared/leads';
import { Button, Group, Pill } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useLeadReferences } from '../hooks/use-lead-references';
import { filterLabel } from '../utils/filters';

type FilterChipsProps = {
  filters: LeadFilter[];
  onRemove: (index: number) => void;
  onClear: () => void;
};

export function FilterChips({ filters, onRemove, onClear }: FilterChipsProps) {
  const { t } = useTranslation();
  const references = useLeadReferences();
  if (filters.length === 0) return null;
  return (
    <Group gap={6} aria-label={t('leads.filters.active')} role="group">
      {filters.map((filter, index) => {
        const label = filterLabel(filter, references);
        return (
          <Pill
            key={`${index}-${filter.field}-${filter.op}`}
            size="md"
            withRemoveButton
            onRemove={() => onRemove(index)}
            // Mantine hides a pill's remove button from keyboards and screen readers; here it is the only way to
            // remove the filter, so it is a real button.
            removeButtonProps={{ 'aria-label': t('leads.filters.remove', { filter: label }), 'aria-hidden': false, tabIndex: 0 }}
            data-testid="filter-chip"
            style={{ maxWidth: '100%' }}
          >
            {label}
          </Pill>
        );
      })}
      {filters.length > 1 ? (
        <Button variant="subtle" size="compact-sm" onClick={onClear}>
          {t('leads.filters.clear')}
        </Button>
      ) : null}
    </Group>
  );
}
