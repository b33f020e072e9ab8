import { Button, Checkbox, Group, Popover, ScrollArea, Stack, Text } from '@mantine/core';
import { IconColumns } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useLeadReferences } from '../hooks/use-lead-references';
import { DEFAULT_COLUMNS, FIXED_COLUMN, fieldLabel, leadFields } from '../utils/lead-fields';

type ColumnChooserProps = {
  columns: string[];
  onChange: (columns: string[]) => void;
};

/** Which standard and custom fields the list shows, in the order of the field list. */
export function ColumnChooser({ columns, onChange }: ColumnChooserProps) {
  const { t } = useTranslation();
  const references = useLeadReferences();
  const fields = leadFields(references.customFields);
  const chosen = new Set(columns);

  const toggle = (id: string, checked: boolean) => {
    const next = new Set(chosen);
    if (checked) next.add(id);
    else next.delete(id);
    // Chosen columns keep their place; newly ticked ones follow in field order.
    const kept = columns.filter((c) => next.has(c));
    const added = fields.map((f) => f.id).filter((f) => next.has(f) && !kept.includes(f));
    onChange([...kept, ...added]);
  };

  return (
    <Popover position="bottom-end" width={280} shadow="md" trapFocus>
      <Popover.Target>
        <Button variant="default" leftSection={<IconColumns size={16} />}>
          {t('leads.columns.button')}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs">
          <Group justify="space-between">
            <Text size="sm" fw={600}>
              {t('leads.columns.title')}
            </Text>
            <Button variant="subtle" size="compact-xs" onClick={() => onChange([...DEFAULT_COLUMNS])}>
              {t('leads.columns.reset')}
            </Button>
          </Group>
          <ScrollArea.Autosize mah={360} type="auto">
            <Stack gap={8} pr="xs">
              {fields.map((field) => (
                <Checkbox
                  key={field.id}
                  label={fieldLabel(field)}
                  checked={chosen.has(field.id)}
                  disabled={field.id === FIXED_COLUMN}
                  onChange={(event) => toggle(field.id, event.currentTarget.checked)}
                />
              ))}
            </Stack>
          </ScrollArea.Autosize>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
