import { setupRequest } from '@leadflow/shared/auth';
import type { PresetKey } from '@leadflow/shared/presets';
import { Button, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { PasswordField } from '@/components/password-field';
import { PresetSelect } from '@/components/preset-select';
import { TimeZoneSelect } from '@/components/time-zone-select';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { browserTimeZone } from '@/lib/format';
import { currentLanguage } from '@/lib/i18n';
import { useSetup } from '../api/setup';

type SetupValues = { name: string; email: string; password: string; workspaceName: string; timeZone: string; preset: PresetKey };

export function SetupForm({ onSuccess }: { onSuccess: () => void }) {
  const { t } = useTranslation();
  const setup = useSetup();
  const toRequest = (values: SetupValues) => ({ ...values, locale: currentLanguage() });
  const form = useForm<SetupValues>({
    initialValues: { name: '', email: '', password: '', workspaceName: '', timeZone: browserTimeZone(), preset: 'blank' },
    validate: zodResolver(setupRequest, toRequest),
  });

  const submit = form.onSubmit((values) =>
    setup.mutate(toRequest(values), { onSuccess, onError: (error) => applyFormErrors(form, error) }),
  );

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput label={t('auth.name')} autoComplete="name" required autoFocus {...form.getInputProps('name')} />
        <TextInput
          label={t('auth.email')}
          type="email"
          autoComplete="username"
          required
          {...form.getInputProps('email')}
        />
        <PasswordField
          label={t('auth.password')}
          description={t('auth.passwordHint')}
          autoComplete="new-password"
          required
          {...form.getInputProps('password')}
        />
        <TextInput label={t('setup.workspaceName')} required {...form.getInputProps('workspaceName')} />
        <TimeZoneSelect label={t('common.timeZone')} {...form.getInputProps('timeZone')} />
        <PresetSelect label={t('presets.field')} {...form.getInputProps('preset')} />
        <Button type="submit" loading={setup.isPending} fullWidth>
          {t('setup.submit')}
        </Button>
      </Stack>
    </form>
  );
}
