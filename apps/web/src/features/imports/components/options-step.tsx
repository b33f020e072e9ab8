import type { CustomField } from '@leadflow/shared/leads';
import type { Pipeline } from '@leadflow/shared/pipelines';
import { Radio, SegmentedControl, Select, SimpleGrid, Stack, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSession } from '@/app/session';
import { CountrySelect } from '@/features/leads/components/country-select';
import { useMembers } from '@/features/users/api/get-members';
import { targetLabel } from '../utils/field-labels';
import type { AssignmentKind, DateFormat, ImportMode, WizardValues } from '../utils/wizard';

type OptionsStepProps = {
  values: WizardValues;
  onChange: (patch: Partial<WizardValues>) => void;
  pipelines: readonly Pipeline[];
  customFields: readonly CustomField[];
};

/** Step 3: mode and match key, date format and phone country, defaults, and who gets the new leads. */
export function OptionsStep({ values, onChange, pipelines, customFields }: OptionsStepProps) {
  const { t } = useTranslation();
  const { can, user } = useSession();
  const canListMembers = can('users.view');
  const members = useMembers('active', { enabled: canListMembers });
  const memberOptions = canListMembers && members.data ? members.data.members.map((m) => ({ value: m.userId, label: m.name })) : [{ value: user.id, label: user.name }];

  const mapped = Object.values(values.mapping).filter((v): v is string => v !== null);
  const matchCandidates = ['email', 'phone', 'externalId', ...mapped.filter((m) => m.startsWith('custom.'))];
  const matchOptions = [...new Set(matchCandidates)].map((value) => ({
    value,
    label: mapped.includes(value) ? targetLabel(value, customFields) : t('imports.options.notMapped', { field: targetLabel(value, customFields) }),
    disabled: !mapped.includes(value),
  }));
  const stageOptions = pipelines
    .filter((p) => !p.archivedAt)
    .map((p) => ({ group: p.name, items: p.stages.filter((s) => !s.archivedAt).map((s) => ({ value: s.id, label: `${s.name} (${p.name})` })) }));

  return (
    <Stack gap="lg" maw={720}>
      <Stack gap="xs">
        <Title order={4}>{t('imports.options.modeTitle')}</Title>
        <SegmentedControl
          aria-label={t('imports.options.mode')}
          orientation="vertical"
          fullWidth
          value={values.mode}
          onChange={(mode) => onChange({ mode: mode as ImportMode })}
          data={[
            { value: 'create', label: t('imports.options.modes.create') },
            { value: 'upsert', label: t('imports.options.modes.upsert') },
            { value: 'update', label: t('imports.options.modes.update') },
          ]}
        />
        <Select
          label={t('imports.options.matchOn')}
          description={values.mode === 'create' ? t('imports.options.matchOnCreateHint') : t('imports.options.matchOnHint')}
          data={matchOptions}
          value={values.matchOn}
          clearable={values.mode === 'create'}
          onChange={(matchOn) => onChange({ matchOn })}
        />
      </Stack>

      <Stack gap="xs">
        <Title order={4}>{t('imports.options.formatsTitle')}</Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select
            label={t('imports.options.dateFormat')}
            data={[
              { value: 'DMY', label: t('imports.options.dateFormats.DMY') },
              { value: 'MDY', label: t('imports.options.dateFormats.MDY') },
              { value: 'YMD', label: t('imports.options.dateFormats.YMD') },
            ]}
            value={values.dateFormat}
            allowDeselect={false}
            onChange={(value) => value && onChange({ dateFormat: value as DateFormat })}
          />
          <CountrySelect
            label={t('imports.options.defaultCountry')}
            description={t('imports.options.defaultCountryHint')}
            value={values.defaultCountry || null}
            onChange={(value) => onChange({ defaultCountry: value ?? '' })}
          />
        </SimpleGrid>
      </Stack>

      <Stack gap="xs">
        <Title order={4}>{t('imports.options.defaultsTitle')}</Title>
        <Text size="sm" c="dimmed">
          {t('imports.options.defaultsHint')}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput label={t('leads.fields.source')} value={values.source} onChange={(e) => onChange({ source: e.currentTarget.value })} />
          <Select
            label={t('imports.options.stage')}
            placeholder={t('imports.options.stageDefault')}
            data={stageOptions}
            value={values.stageId}
            searchable
            clearable
            onChange={(stageId) => onChange({ stageId })}
          />
        </SimpleGrid>
        <TagsInput label={t('leads.fields.tags')} value={values.tags} onChange={(tags) => onChange({ tags })} />
      </Stack>

      <Stack gap="xs">
        <Title order={4}>{t('imports.options.assignmentTitle')}</Title>
        <Radio.Group value={values.assignment} onChange={(value) => onChange({ assignment: value as AssignmentKind })}>
          <Stack gap="xs">
            <Radio value="none" label={t('imports.options.assignment.none')} />
            <Radio
              value="column"
              label={t('imports.options.assignment.column')}
              description={mapped.includes('owner') ? undefined : t('imports.options.assignment.columnMissing')}
              disabled={!mapped.includes('owner')}
            />
            <Radio value="user" label={t('imports.options.assignment.user')} />
            <Radio value="distribution" label={t('imports.options.assignment.distribution')} description={t('imports.options.assignment.distributionHint')} />
          </Stack>
        </Radio.Group>
        {values.assignment === 'user' ? (
          <Select
            label={t('imports.options.assignment.userLabel')}
            data={memberOptions}
            value={values.userId}
            searchable
            onChange={(userId) => onChange({ userId })}
          />
        ) : null}
      </Stack>
    </Stack>
  );
}
