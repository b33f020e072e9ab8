import type { LeadFilter } from '@leadflow/shared/leads';
import { Group, Input, Pill, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { FilterBuilder } from '@/features/leads/components/filter-builder';
import { useLeadReferences } from '@/features/leads/hooks/use-lead-references';
import { filterLabel } from '@/features/leads/utils/filters';
import { resolveLeadField } from '@/features/leads/utils/lead-fields';
import { useDeletedFieldName } from '../hooks/use-deleted-field-name';

type ConditionsEditorProps = {
  value: LeadFilter[];
  onChange: (next: LeadFilter[]) => void;
  /** Errors by condition index (from the server: `conditions.<i>.field`), and one for the list. */
  errors: Record<number, string>;
  error?: string;
};

/** The rule's conditions, built with the lead list's filter builder: the same fields, operators and values. */
export function ConditionsEditor({ value, onChange, errors, error }: ConditionsEditorProps) {
  const { t } = useTranslation();
  const references = useLeadReferences();
  const deletedName = useDeletedFieldName();
  return (
    <Input.Wrapper label={t('distribution.editor.conditions')} description={t('distribution.editor.conditionsHint')} error={error}>
      <Stack gap={6} mt={6}>
        {value.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="rule-conditions-empty">
            {t('distribution.editor.everyLead')}
          </Text>
        ) : (
          <Group gap={6} role="group" aria-label={t('distribution.editor.conditions')}>
            {value.map((condition, index) => {
              const missing = resolveLeadField(condition.field, references.customFields) === null;
              const label = missing ? t('distribution.deletedField', { field: deletedName(condition.field) }) : filterLabel(condition, references);
              const problem = errors[index];
              return (
                <Stack key={`${index}-${condition.field}-${condition.op}`} gap={2} style={{ maxWidth: '100%' }}>
                  <Pill
                    size="md"
                    withRemoveButton
                    onRemove={() => onChange(value.filter((_, i) => i !== index))}
                    removeButtonProps={{ 'aria-label': t('leads.filters.remove', { filter: label }), 'aria-hidden': false, tabIndex: 0 }}
                    data-testid="rule-condition"
                    style={{ maxWidth: '100%', ...(missing || problem ? { outline: '1px solid var(--mantine-color-error)' } : {}) }}
                  >
                    {label}
                  </Pill>
                  {problem ? (
                    <Text size="xs" c="red">
                      {problem}
                    </Text>
                  ) : null}
                </Stack>
              );
            })}
          </Group>
        )}
        <Group>
          <FilterBuilder compact={false} onAdd={(filter) => onChange([...value, filter])} />
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}
