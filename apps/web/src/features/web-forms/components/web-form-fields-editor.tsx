import { WEB_FORM_MAX_FIELDS, WEB_FORM_STANDARD_FIELDS } from '@leadflow/shared/web-forms';
import { ActionIcon, Badge, Card, Checkbox, Group, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconArrowDown, IconArrowUp, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { OfferedCustomField, WebFormValues } from '../utils/form-values';
import { isStandardField } from '../utils/form-values';

type Props = {
  form: UseFormReturnType<WebFormValues>;
  customFields: OfferedCustomField[];
};

/** The form's fields in order: pick a lead or custom field, then give it a label, a placeholder and "required". */
export function WebFormFieldsEditor({ form, customFields }: Props) {
  const { t } = useTranslation();
  const rows = form.values.fields;
  const used = new Set(rows.map((r) => r.key));
  const customByKey = new Map(customFields.map((f) => [`custom.${f.key}`, f]));

  const fieldName = (key: string) => {
    if (isStandardField(key)) return t(`webForms.standardFields.${key}`);
    return customByKey.get(key)?.label ?? key;
  };

  const pickerData = [
    {
      group: t('webForms.editor.leadFields'),
      items: WEB_FORM_STANDARD_FIELDS.filter((k) => !used.has(k)).map((k) => ({ value: k, label: t(`webForms.standardFields.${k}`) })),
    },
    {
      group: t('webForms.editor.customFields'),
      items: customFields.filter((f) => !used.has(`custom.${f.key}`)).map((f) => ({ value: `custom.${f.key}`, label: f.label })),
    },
  ].filter((g) => g.items.length > 0);

  const add = (key: string | null) => {
    if (!key) return;
    form.insertListItem('fields', { key, label: fieldName(key), required: false, placeholder: '' });
  };

  const listError = form.errors.fields;

  return (
    <Stack gap="xs">
      {listError ? (
        <Text size="sm" c="red" role="alert">
          {listError}
        </Text>
      ) : null}
      {rows.map((row, index) => {
        const keyError = form.errors[`fields.${index}.key`];
        const custom = customByKey.get(row.key);
        return (
          <Card key={row.key} withBorder padding="sm" data-testid={`web-form-field-${row.key}`}>
            <Group justify="space-between" wrap="nowrap" gap="xs" mb={6}>
              <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
                <Text size="sm" fw={600} truncate>
                  {fieldName(row.key)}
                </Text>
                {custom ? (
                  <Badge size="xs" variant="light" color="grape">
                    {t(`customFields.types.${custom.type}`)}
                  </Badge>
                ) : null}
              </Group>
              <Group gap={4} wrap="nowrap">
                <ActionIcon
                  variant="default"
                  size="sm"
                  aria-label={t('webForms.editor.moveUp', { label: row.label || fieldName(row.key) })}
                  disabled={index === 0}
                  onClick={() => form.reorderListItem('fields', { from: index, to: index - 1 })}
                >
                  <IconArrowUp size={14} />
                </ActionIcon>
                <ActionIcon
                  variant="default"
                  size="sm"
                  aria-label={t('webForms.editor.moveDown', { label: row.label || fieldName(row.key) })}
                  disabled={index === rows.length - 1}
                  onClick={() => form.reorderListItem('fields', { from: index, to: index + 1 })}
                >
                  <IconArrowDown size={14} />
                </ActionIcon>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  size="sm"
                  aria-label={t('webForms.editor.removeField', { label: row.label || fieldName(row.key) })}
                  onClick={() => form.removeListItem('fields', index)}
                >
                  <IconTrash size={14} />
                </ActionIcon>
              </Group>
            </Group>
            {keyError ? (
              <Text size="xs" c="red" mb={4}>
                {keyError}
              </Text>
            ) : null}
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs" verticalSpacing={4}>
              <TextInput
                size="xs"
                label={t('webForms.editor.fieldLabel')}
                aria-label={t('webForms.editor.fieldLabelOf', { field: fieldName(row.key) })}
                {...form.getInputProps(`fields.${index}.label`)}
              />
              <TextInput
                size="xs"
                label={t('webForms.editor.placeholder')}
                aria-label={t('webForms.editor.placeholderOf', { field: fieldName(row.key) })}
                {...form.getInputProps(`fields.${index}.placeholder`)}
              />
            </SimpleGrid>
            <Checkbox
              mt="xs"
              size="xs"
              label={t('webForms.editor.required')}
              aria-label={t('webForms.editor.requiredOf', { field: fieldName(row.key) })}
              {...form.getInputProps(`fields.${index}.required`, { type: 'checkbox' })}
            />
          </Card>
        );
      })}
      <Select
        label={t('webForms.editor.addField')}
        placeholder={t('webForms.editor.addFieldPlaceholder')}
        data={pickerData}
        value={null}
        onChange={add}
        searchable
        disabled={rows.length >= WEB_FORM_MAX_FIELDS || pickerData.length === 0}
        nothingFoundMessage={t('common.nothingFound')}
        comboboxProps={{ withinPortal: true }}
      />
    </Stack>
  );
}
