import { LOCALES } from '@leadflow/shared/fields';
import type { WorkspaceSettings } from '@leadflow/shared/workspace';
import { updateWorkspaceRequest } from '@leadflow/shared/workspace';
import { Button, Group, NumberInput, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { TimeZoneSelect } from '@/components/time-zone-select';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { isLocale, LANGUAGE_NAMES } from '@/lib/i18n';
import { notifySuccess } from '@/lib/notify';
import { useUpdateWorkspace } from '../api/update-workspace';

type WorkspaceValues = Pick<
  WorkspaceSettings,
  'name' | 'timeZone' | 'locale' | 'currency' | 'defaultCountry' | 'idleTimeoutMinutes' | 'trashRetentionDays'
>;

function editableValues(workspace: WorkspaceSettings): WorkspaceValues {
  return {
    name: workspace.name,
    timeZone: workspace.timeZone,
    locale: workspace.locale,
    currency: workspace.currency,
    defaultCountry: workspace.defaultCountry,
    idleTimeoutMinutes: workspace.idleTimeoutMinutes,
    trashRetentionDays: workspace.trashRetentionDays,
  };
}

/** ISO codes are upper case; people type them any way. */
function normalise(values: WorkspaceValues): WorkspaceValues {
  return {
    ...values,
    currency: values.currency.trim().toUpperCase(),
    defaultCountry: values.defaultCountry.trim().toUpperCase(),
  };
}

type WorkspaceSettingsFormProps = { workspace: WorkspaceSettings; canManage: boolean };

export function WorkspaceSettingsForm({ workspace, canManage }: WorkspaceSettingsFormProps) {
  const { t } = useTranslation();
  const updateWorkspace = useUpdateWorkspace();
  const form = useForm<WorkspaceValues>({
    initialValues: editableValues(workspace),
    transformValues: normalise,
    validate: zodResolver(updateWorkspaceRequest, normalise),
  });

  const submit = form.onSubmit((values) =>
    updateWorkspace.mutate(values, {
      onSuccess: (saved) => {
        form.setValues(editableValues(saved));
        form.resetDirty(editableValues(saved));
        notifySuccess(t('workspace.settings.saved'));
      },
      onError: (error) => applyFormErrors(form, error),
    }),
  );

  return (
    <form onSubmit={submit} noValidate>
      <fieldset disabled={!canManage} style={{ border: 0, padding: 0, margin: 0 }}>
        <Stack>
          <Text size="sm" c="dimmed">
            {t('workspace.settings.slugInfo', { slug: workspace.slug })}
          </Text>
          <TextInput label={t('workspace.name')} required {...form.getInputProps('name')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TimeZoneSelect label={t('common.timeZone')} {...form.getInputProps('timeZone')} />
            <Select
              label={t('workspace.settings.locale')}
              data={LOCALES.map((locale) => ({ value: locale, label: LANGUAGE_NAMES[locale] }))}
              allowDeselect={false}
              {...form.getInputProps('locale')}
              onChange={(value) => {
                if (isLocale(value)) form.setFieldValue('locale', value);
              }}
            />
            <TextInput
              label={t('workspace.settings.currency')}
              description={t('workspace.settings.currencyHint')}
              maxLength={3}
              {...form.getInputProps('currency')}
            />
            <TextInput
              label={t('workspace.settings.defaultCountry')}
              description={t('workspace.settings.defaultCountryHint')}
              maxLength={2}
              {...form.getInputProps('defaultCountry')}
            />
            <NumberInput
              label={t('workspace.settings.idleTimeout')}
              description={t('workspace.settings.idleTimeoutHint')}
              min={5}
              max={60 * 24 * 30}
              allowDecimal={false}
              {...form.getInputProps('idleTimeoutMinutes')}
            />
            <NumberInput
              label={t('workspace.settings.trashRetention')}
              description={t('workspace.settings.trashRetentionHint')}
              min={1}
              max={3650}
              allowDecimal={false}
              {...form.getInputProps('trashRetentionDays')}
            />
          </SimpleGrid>
          {canManage ? (
            <Group justify="flex-end">
              <Button type="submit" loading={updateWorkspace.isPending}>
                {t('common.save')}
              </Button>
            </Group>
          ) : null}
        </Stack>
      </fieldset>
    </form>
  );
}
