import type { FilterOperator, LeadFilter } from '@leadflow/shared/leads';
import { ActionIcon, Button, Popover, Select, Stack } from '@mantine/core';
import { IconFilterPlus } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLeadReferences } from '../hooks/use-lead-references';
import { isCompleteValue, operatorLabel, toLeadFilter } from '../utils/filters';
import { fieldLabel, leadFields, OPERATORS, resolveLeadField } from '../utils/lead-fields';
import { FilterValueInput } from './filter-value-input';

type FilterBuilderProps = {
  onAdd: (filter: LeadFilter) => void;
  /** On a phone the button shows only its icon. */
  compact: boolean;
};

const inPopover = { withinPortal: false } as const;

/** "Add filter": pick a field, an operator valid for its type, then a value shaped by both. */
export function FilterBuilder({ onAdd, compact }: FilterBuilderProps) {
  const { t } = useTranslation();
  const references = useLeadReferences();
  const [opened, setOpened] = useState(false);
  const [fieldId, setFieldId] = useState<string | null>(null);
  const [op, setOp] = useState<FilterOperator | null>(null);
  const [value, setValue] = useState<unknown>(undefined);

  const field = fieldId ? resolveLeadField(fieldId, references.customFields) : null;
  const fieldData = useMemo(() => {
    const all = leadFields(references.customFields);
    const standard = all.filter((f) => !f.custom).map((f) => ({ value: f.id, label: fieldLabel(f) }));
    const custom = all.filter((f) => f.custom).map((f) => ({ value: f.id, label: fieldLabel(f) }));
    return custom.length > 0
      ? [
          { group: t('leads.filters.standardFields'), items: standard },
          { group: t('leads.filters.customFields'), items: custom },
        ]
      : standard;
  }, [references.customFields, t]);

  const reset = () => {
    setFieldId(null);
    setOp(null);
    setValue(undefined);
  };

  const chooseField = (id: string | null) => {
    setFieldId(id);
    const next = id ? resolveLeadField(id, references.customFields) : null;
    setOp(next ? (OPERATORS[next.kind][0] ?? null) : null);
    setValue(undefined);
  };

  const complete = field !== null && op !== null && isCompleteValue(field, op, value);

  const apply = () => {
    if (!field || !op || !complete) return;
    onAdd(toLeadFilter(field, op, value));
    setOpened(false);
    reset();
  };

  const label = t('leads.filters.add');
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-start" width={320} shadow="md" trapFocus withinPortal>
      <Popover.Target>
        {compact ? (
          <ActionIcon variant="default" size="lg" aria-label={label} data-testid="add-filter" onClick={() => setOpened((o) => !o)}>
            <IconFilterPlus size={18} />
          </ActionIcon>
        ) : (
          <Button variant="default" leftSection={<IconFilterPlus size={16} />} data-testid="add-filter" onClick={() => setOpened((o) => !o)}>
            {label}
          </Button>
        )}
      </Popover.Target>
      <Popover.Dropdown>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            apply();
          }}
        >
          <Stack gap="sm">
            <Select
              label={t('leads.filters.field')}
              placeholder={t('leads.filters.fieldPlaceholder')}
              data={fieldData}
              value={fieldId}
              onChange={chooseField}
              searchable
              comboboxProps={inPopover}
              data-autofocus
            />
            {field ? (
              <Select
                label={t('leads.filters.operator')}
                data={OPERATORS[field.kind].map((o) => ({ value: o, label: operatorLabel(o) }))}
                value={op}
                onChange={(next) => {
                  setOp(OPERATORS[field.kind].find((o) => o === next) ?? null);
                  setValue(undefined);
                }}
                allowDeselect={false}
                comboboxProps={inPopover}
              />
            ) : null}
            {field && op ? <FilterValueInput field={field} op={op} value={value} onChange={setValue} /> : null}
            <Button type="submit" disabled={!complete}>
              {t('leads.filters.apply')}
            </Button>
          </Stack>
        </form>
      </Popover.Dropdown>
    </Popover>
  );
}
