import type { UserProfile } from '@leadflow/shared/auth';
import { updateProfileRequest } from '@leadflow/shared/auth';
import type { Locale } from '@leadflow/shared/fields';
import { LOCALES, THEMES } from '@leadflow/shared/fields';
import { Button, Group, Radio, Select, Stack, TextInput } from '@mantine/core';
import { useMantineColorScheme } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { TimeZoneSelect } from '@/components/time-zone-select';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { changeLanguage, isLocale, LANGUAGE_NAMES } from '@/lib/i18n';
import { notifySuccess } from '@/lib/notify';
import { useUpdateProfile } from '../api/update-profile';

type ProfileValues = Pick<UserProfile, 'name' | 'locale' | 'timeZone' | 'theme'>;

export function ProfileForm({ user }: { user: UserProfile }) {
  const { t } = useTranslation();
  const { setColorScheme } = useMantineColorScheme();
  const updateProfile = useUpdateProfile();
  const form = useForm<ProfileValues>({
    initialValues: { name: user.name, locale: user.locale, timeZone: user.timeZone, theme: user.theme },
    validate: zodResolver(updateProfileRequest),
  });

  const submit = form.onSubmit((values) => {
    updateProfile.mutate(values, {
      onSuccess: () => {
        form.resetDirty(values);
        notifySuccess(t('profile.saved'));
      },
      onError: (error) => applyFormErrors(form, error),
    });
    // Applied at once; the profile keeps them for the next sign-in.
    setColorScheme(values.theme);
    void changeLanguage(values.locale);
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput label={t('auth.name')} autoComplete="name" required {...form.getInputProps('name')} />
        <Select
          label={t('profile.language')}
          data={LOCALES.map((locale: Locale) => ({ value: locale, label: LANGUAGE_NAMES[locale] }))}
          allowDeselect={false}
          {...form.getInputProps('locale')}
          onChange={(value) => {
            if (isLocale(value)) form.setFieldValue('locale', value);
          }}
        />
        <TimeZoneSelect label={t('common.timeZone')} {...form.getInputProps('timeZone')} />
        <Radio.Group label={t('profile.theme')} {...form.getInputProps('theme')}>
          <Group mt="xs">
            {THEMES.map((theme) => (
              <Radio key={theme} value={theme} label={t(`theme.${theme}`)} />
            ))}
          </Group>
        </Radio.Group>
        <Group justify="flex-end">
          <Button type="submit" loading={updateProfile.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
