import { Button, Card, Checkbox, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { OfferedCustomField, WebFormValues } from '../utils/form-values';
import { isStandardField } from '../utils/form-values';

type Props = { values: WebFormValues; customFields: OfferedCustomField[] };

/** The form as visitors will see it, drawn from the builder's unsaved state (the hosted page is plain HTML). */
export function WebFormPreview({ values, customFields }: Props) {
  const { t } = useTranslation();
  const customByKey = new Map(customFields.map((f) => [`custom.${f.key}`, f]));

  return (
    <Card withBorder padding="lg" aria-label={t('webForms.editor.preview')} role="region">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb="sm">
        {t('webForms.editor.preview')}
      </Text>
      <Stack gap="sm" data-testid="web-form-preview">
        {values.title.trim() ? <Title order={3}>{values.title}</Title> : null}
        {values.intro.trim() ? (
          <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-line' }}>
            {values.intro}
          </Text>
        ) : null}
        {values.fields.map((row) => {
          const label = row.label || row.key;
          const common = { label, required: row.required, placeholder: row.placeholder || undefined, readOnly: true, tabIndex: -1 };
          if (row.key === 'country') return <Select key={row.key} {...common} data={[]} />;
          if (isStandardField(row.key)) return <TextInput key={row.key} {...common} type={row.key === 'email' ? 'email' : row.key === 'phone' ? 'tel' : 'text'} />;
          const custom = customByKey.get(row.key);
          if (custom?.type === 'boolean') return <Checkbox key={row.key} label={label} required={row.required} readOnly tabIndex={-1} />;
          if (custom?.type === 'long_text') return <Textarea key={row.key} {...common} autosize minRows={3} />;
          if (custom?.type === 'select') return <Select key={row.key} {...common} data={custom.options} />;
          return <TextInput key={row.key} {...common} type={custom?.type === 'date' ? 'date' : 'text'} />;
        })}
        {values.consentText.trim() ? <Checkbox label={values.consentText} required readOnly tabIndex={-1} /> : null}
        <div>
          <Button tabIndex={-1}>{values.submitLabel.trim() || t('webForms.editor.submitDefault')}</Button>
        </div>
      </Stack>
    </Card>
  );
}
