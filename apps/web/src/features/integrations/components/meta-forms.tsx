import type { Pipeline } from '@leadflow/shared/pipelines';
import { Accordion, Badge, Group, Loader, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { QueryError } from '@/components/query-error';
import { useFormMappings } from '../api/get-form-mappings';
import type { MetaTestResult } from '../api/test-meta-connection';
import type { LeadForm, MappableCustomField } from './form-mapping-editor';
import { FormMappingEditor } from './form-mapping-editor';

type MetaFormsProps = {
  connectionId: string;
  /** The last "Test connection" result: the page's forms as Meta lists them. */
  test: MetaTestResult | undefined;
  testing: boolean;
  pipelines: Pipeline[];
  customFields: MappableCustomField[];
  connectionBroken: boolean;
};

/** The page's lead forms, each with its mapping editor; forms mapped earlier show even when Meta is unreachable. */
export function MetaForms({ connectionId, test, testing, pipelines, customFields, connectionBroken }: MetaFormsProps) {
  const { t } = useTranslation();
  const mappings = useFormMappings(connectionId);

  if (mappings.isPending) return <Loader size="sm" aria-label={t('common.loading')} />;
  if (mappings.isError) return <QueryError error={mappings.error} onRetry={() => void mappings.refetch()} />;

  const byForm = new Map(mappings.data.mappings.map((m) => [m.formId, m]));
  const forms = new Map<string, LeadForm>();
  if (test?.ok) for (const form of test.forms) forms.set(form.id, form);
  for (const m of mappings.data.mappings) if (!forms.has(m.formId)) forms.set(m.formId, { id: m.formId, name: m.name, status: null });

  return (
    <Stack gap="xs">
      <Group gap="xs">
        <Text size="sm" fw={600}>
          {t('integrations.forms.title')}
        </Text>
        {testing ? <Loader size="xs" aria-label={t('integrations.forms.loading')} /> : null}
      </Group>
      {forms.size === 0 ? (
        <Text size="sm" c="dimmed">
          {testing ? t('integrations.forms.loading') : test?.ok ? t('integrations.forms.none') : t('integrations.forms.testFirst')}
        </Text>
      ) : (
        <Accordion variant="separated" chevronPosition="left">
          {[...forms.values()].map((form) => {
            const mapping = byForm.get(form.id);
            return (
              <Accordion.Item key={form.id} value={form.id} data-testid={`meta-form-${form.id}`}>
                <Accordion.Control>
                  <Group gap="xs" wrap="wrap">
                    <Text size="sm" fw={500}>
                      {form.name ?? form.id}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {form.id}
                    </Text>
                    {form.status ? (
                      <Badge size="xs" variant="outline" color={form.status === 'ACTIVE' ? 'teal' : 'gray'}>
                        {form.status}
                      </Badge>
                    ) : null}
                    <Badge size="xs" variant="light" color={mapping ? 'blue' : 'gray'}>
                      {mapping ? t('integrations.forms.customMapping') : t('integrations.forms.automaticMapping')}
                    </Badge>
                    {mapping?.enabled === false ? (
                      <Badge size="xs" variant="filled" color="gray">
                        {t('integrations.forms.disabled')}
                      </Badge>
                    ) : null}
                  </Group>
                </Accordion.Control>
                <Accordion.Panel>
                  <FormMappingEditor
                    connectionId={connectionId}
                    form={form}
                    mapping={mapping}
                    pipelines={pipelines}
                    customFields={customFields}
                    connectionBroken={connectionBroken}
                  />
                </Accordion.Panel>
              </Accordion.Item>
            );
          })}
        </Accordion>
      )}
    </Stack>
  );
}
