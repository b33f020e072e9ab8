import { Alert, Autocomplete, Badge, Button, Group, Paper, SimpleGrid, Stack, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconUserCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { CountrySelect } from '@/features/leads/components/country-select';
import { CustomFieldInput } from '@/features/leads/components/custom-field-input';
import { LanguageSelect } from '@/features/leads/components/language-select';
import { useLeadReferences } from '@/features/leads/hooks/use-lead-references';
import { applyFormErrors } from '@/lib/form';
import type { SimulateRequest } from '../api/distribution';
import { reasonLabel, strategyLabel } from '../utils/labels';
import { useSimulate } from '../api/distribution';

type SimValues = {
  firstName: string;
  company: string;
  email: string;
  phone: string;
  source: string;
  sourceDetail: string;
  campaign: string;
  city: string;
  state: string;
  zip: string;
  country: string | null;
  /** A BCP 47 tag; null: not set. */
  language: string | null;
  tags: string[];
  custom: Record<string, unknown>;
};

const EMPTY: SimValues = { firstName: '', company: '', email: '', phone: '', source: '', sourceDetail: '', campaign: '', city: '', state: '', zip: '', country: null, language: null, tags: [], custom: {} };

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

export function toSimulateRequest(values: SimValues): SimulateRequest {
  const body: SimulateRequest = {};
  for (const key of ['firstName', 'company', 'email', 'phone', 'source', 'sourceDetail', 'campaign', 'city', 'state', 'zip'] as const) {
    const text = values[key].trim();
    if (text) body[key] = text;
  }
  if (values.country) body.country = values.country;
  if (values.language) body.language = values.language;
  if (values.tags.length) body.tags = values.tags;
  const custom = Object.fromEntries(Object.entries(values.custom).filter(([, v]) => !isBlank(v)));
  if (Object.keys(custom).length) body.custom = custom;
  return body;
}

/** "Where would this lead go?": the rule that matches a made-up lead now, and the agent it would pick — nothing is assigned. */
export function SimulatorPanel() {
  const { t } = useTranslation();
  const references = useLeadReferences();
  const simulate = useSimulate();
  const form = useForm<SimValues>({ initialValues: EMPTY });
  const sources = (references.sources ?? []).filter((s) => !s.archived).map((s) => s.name);
  const result = simulate.data;

  return (
    <Paper withBorder p="md" data-testid="distribution-simulator">
      <Stack gap="sm">
        <div>
          <Title order={4}>{t('distribution.simulator.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('distribution.simulator.description')}
          </Text>
        </div>
        <form
          onSubmit={form.onSubmit((values) => simulate.mutate(toSimulateRequest(values), { onError: (error) => applyFormErrors(form, error) }))}
          noValidate
        >
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
              <Autocomplete label={t('distribution.simulator.source')} data={sources} {...form.getInputProps('source')} />
              <TextInput label={t('distribution.simulator.sourceDetail')} {...form.getInputProps('sourceDetail')} />
              <TextInput label={t('distribution.simulator.campaign')} {...form.getInputProps('campaign')} />
              <TextInput label={t('distribution.simulator.firstName')} {...form.getInputProps('firstName')} />
              <TextInput label={t('distribution.simulator.company')} {...form.getInputProps('company')} />
              <TextInput label={t('distribution.simulator.email')} type="email" {...form.getInputProps('email')} />
              <TextInput label={t('distribution.simulator.phone')} type="tel" {...form.getInputProps('phone')} />
              <TextInput label={t('distribution.simulator.city')} {...form.getInputProps('city')} />
              <TextInput label={t('distribution.simulator.state')} {...form.getInputProps('state')} />
              <TextInput label={t('distribution.simulator.zip')} {...form.getInputProps('zip')} />
              <CountrySelect label={t('distribution.simulator.country')} {...form.getInputProps('country')} />
              <LanguageSelect label={t('distribution.simulator.language')} {...form.getInputProps('language')} />
            </SimpleGrid>
            <TagsInput label={t('distribution.simulator.tags')} data={references.tags ?? []} {...form.getInputProps('tags')} />
            {references.customFields.length > 0 ? (
              <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
                {references.customFields.map((field) => (
                  <CustomFieldInput
                    key={field.id}
                    field={{ ...field, required: false }}
                    input={form.getInputProps(`custom.${field.key}`)}
                    members={references.members}
                    currency={references.currency}
                  />
                ))}
              </SimpleGrid>
            ) : null}
            <Group>
              <Button type="submit" loading={simulate.isPending}>
                {t('distribution.simulator.run')}
              </Button>
              {result ? (
                <Button
                  variant="subtle"
                  onClick={() => {
                    form.reset();
                    simulate.reset();
                  }}
                >
                  {t('distribution.simulator.clear')}
                </Button>
              ) : null}
            </Group>
          </Stack>
        </form>
        {result ? (
          <Alert
            color={result.agent || result.offeredTo.length > 0 ? 'teal' : 'gray'}
            icon={<IconUserCheck size={18} />}
            title={
              result.agent
                ? t('distribution.simulator.wouldGoTo', { name: result.agent.name })
                : result.offeredTo.length > 0
                  ? t('distribution.simulator.wouldBeOffered', { names: result.offeredTo.map((a) => a.name).join(', ') })
                  : t('distribution.simulator.wouldStayUnassigned')
            }
            data-testid="simulator-result"
          >
            <Stack gap={6}>
              <Text size="sm">
                {result.rule
                  ? t('distribution.simulator.byRule', { rule: result.rule.name, strategy: strategyLabel(result.rule.strategy) })
                  : t('distribution.simulator.noRule')}
                {result.reason ? ` · ${reasonLabel(result.reason)}` : ''}
              </Text>
              {result.trace.length > 0 ? (
                <Stack gap={2}>
                  {result.trace.map((step, index) => (
                    <Group key={`${step.ruleId}-${index}`} gap={6} wrap="nowrap">
                      <Text size="xs" c="dimmed">
                        {index + 1}.
                      </Text>
                      <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                        {step.name}
                      </Text>
                      <Badge size="xs" variant="light" color={step.outcome === 'picked' || step.outcome === 'offered' ? 'teal' : 'gray'}>
                        {t(`distribution.simulator.outcomes.${step.outcome}`)}
                      </Badge>
                    </Group>
                  ))}
                </Stack>
              ) : null}
              <Text size="xs" c="dimmed">
                {t('distribution.simulator.nothingAssigned')}
              </Text>
            </Stack>
          </Alert>
        ) : null}
      </Stack>
    </Paper>
  );
}
