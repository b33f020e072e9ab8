import type { CustomField } from '@leadflow/shared/leads';
import { IMPORT_STANDARD_FIELDS } from '@leadflow/shared/imports';
import { Badge, Box, Group, Paper, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CustomFieldFormModal } from '@/features/custom-fields/components/custom-field-form-modal';
import type { ImportColumn } from '../api/imports';
import { targetLabel } from '../utils/field-labels';
import { duplicateTargets } from '../utils/wizard';

const IGNORE = '__ignore';
const CREATE = '__create';

type MappingStepProps = {
  columns: readonly ImportColumn[];
  customFields: readonly CustomField[];
  mapping: Record<string, string | null>;
  onChange: (header: string, target: string | null) => void;
  /** A custom field was created for a column: the page maps the column to it and asks the server to suggest again. */
  onFieldCreated: (header: string, field: CustomField) => void;
};

/** Step 2: each column of the file with its first values and where it goes (the server's suggestion first). */
export function MappingStep({ columns, customFields, mapping, onChange, onFieldCreated }: MappingStepProps) {
  const { t } = useTranslation();
  const [creatingFor, setCreatingFor] = useState<string | null>(null);
  const active = customFields.filter((f) => !f.deletedAt);
  const duplicates = new Set(duplicateTargets(mapping));

  const data = [
    { group: t('imports.mapping.skipGroup'), items: [{ value: IGNORE, label: t('imports.mapping.ignore') }] },
    { group: t('imports.mapping.standardFields'), items: IMPORT_STANDARD_FIELDS.map((f) => ({ value: f, label: targetLabel(f, active) })) },
    {
      group: t('imports.mapping.customFields'),
      items: [
        ...active.map((f) => ({ value: `custom.${f.key}`, label: f.label })),
        { value: CREATE, label: t('imports.mapping.createField') },
      ],
    },
  ];

  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed">
        {t('imports.mapping.hint')}
      </Text>
      {columns.map((column) => {
        const target = mapping[column.header] ?? null;
        const accepted = column.suggested !== null && target === column.suggested;
        const duplicate = target !== null && duplicates.has(target);
        return (
          <Paper key={column.index} withBorder p="sm" data-testid="import-column" data-column={column.header}>
            <Group align="flex-start" gap="sm" wrap="wrap">
              <Box style={{ flex: '1 1 14rem', minWidth: 0 }}>
                <Text fw={600} truncate="end">
                  {column.header}
                </Text>
                {column.samples.length ? (
                  <Stack gap={0} mt={2}>
                    {column.samples.slice(0, 3).map((sample, i) => (
                      <Text key={i} size="xs" c="dimmed" truncate="end" data-testid="import-sample">
                        {sample}
                      </Text>
                    ))}
                  </Stack>
                ) : (
                  <Text size="xs" c="dimmed" fs="italic">
                    {t('imports.mapping.noSamples')}
                  </Text>
                )}
              </Box>
              <Stack gap={4} style={{ flex: '1 1 14rem', minWidth: 0 }}>
                <Select
                  aria-label={t('imports.mapping.targetFor', { column: column.header })}
                  data={data}
                  value={target ?? IGNORE}
                  searchable
                  allowDeselect={false}
                  nothingFoundMessage={t('common.nothingFound')}
                  error={duplicate ? t('imports.mapping.duplicate', { field: targetLabel(target, active) }) : undefined}
                  onChange={(value) => {
                    if (value === CREATE) setCreatingFor(column.header);
                    else onChange(column.header, !value || value === IGNORE ? null : value);
                  }}
                />
                {column.suggested ? (
                  <Group gap={4}>
                    <Badge size="xs" variant={accepted ? 'light' : 'outline'} color={accepted ? 'teal' : 'gray'}>
                      {column.reason === 'content' ? t('imports.mapping.suggestedByContent') : t('imports.mapping.suggestedByName')}
                    </Badge>
                    {!accepted ? (
                      <Text
                        component="button"
                        type="button"
                        size="xs"
                        c="blue"
                        style={{ background: 'none', border: 0, padding: 0, cursor: 'pointer' }}
                        onClick={() => onChange(column.header, column.suggested)}
                      >
                        {t('imports.mapping.useSuggestion', { field: targetLabel(column.suggested, active) })}
                      </Text>
                    ) : null}
                  </Group>
                ) : null}
              </Stack>
            </Group>
          </Paper>
        );
      })}
      {creatingFor !== null ? (
        <CustomFieldFormModal
          nextPosition={customFields.length}
          initialLabel={creatingFor}
          onClose={() => setCreatingFor(null)}
          onCreated={(field) => onFieldCreated(creatingFor, field)}
        />
      ) : null}
    </Stack>
  );
}
