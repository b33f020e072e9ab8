import { changePasswordRequest } from '@leadflow/shared/auth';
import { Button, Group, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { PasswordField } from '@/components/password-field';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { notifySuccess } from '@/lib/notify';
import type { ChangePasswordInput } from '../api/change-password';
import { useChangePassword } from '../api/change-password';

export function ChangePasswordForm() {
  const { t } = useTranslation();
  const changePassword = useChangePassword();
  const form = useForm<ChangePasswordInput>({
    initialValues: { currentPassword: '', newPassword: '' },
    validate: zodResolver(changePasswordRequest),
  });

  const submit = form.onSubmit((values) =>
    changePassword.mutate(values, {
      onSuccess: () => {
        form.reset();
        notifySuccess(t('profile.password.changed'));
      },
      onError: (error) => applyFormErrors(form, error),
    }),
  );

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <PasswordField
          label={t('profile.password.current')}
          autoComplete="current-password"
          required
          {...form.getInputProps('currentPassword')}
        />
        <PasswordField
          label={t('profile.password.new')}
          description={t('auth.passwordHint')}
          autoComplete="new-password"
          required
          {...form.getInputProps('newPassword')}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={changePassword.isPending}>
            {t('profile.password.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
