import { forgotPasswordRequest } from '@leadflow/shared/auth';
import { Alert, Anchor, Button, Checkbox, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconMailCheck } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { applyFormErrors, zodResolver } from '@/lib/form';
import type { ForgotPasswordInput } from '../api/forgot-password';
import { useForgotPassword } from '../api/forgot-password';

export function ForgotPasswordForm() {
  const { t } = useTranslation();
  const forgotPassword = useForgotPassword();
  const form = useForm<Required<ForgotPasswordInput>>({
    initialValues: { email: '', askAdmin: false },
    validate: zodResolver(forgotPasswordRequest),
  });

  if (forgotPassword.isSuccess) {
    const askedAdmin = forgotPassword.variables.askAdmin === true;
    return (
      <Stack>
        <Alert color="teal" icon={<IconMailCheck size={18} />} role="status">
          {askedAdmin ? t('forgotPassword.sentToAdmins') : t('forgotPassword.sentByEmail')}
        </Alert>
        <Anchor component={Link} to="/login" ta="center">
          {t('auth.backToLogin')}
        </Anchor>
      </Stack>
    );
  }

  const submit = form.onSubmit((values) =>
    forgotPassword.mutate(values, { onError: (error) => applyFormErrors(form, error) }),
  );

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput
          label={t('auth.email')}
          type="email"
          autoComplete="username"
          required
          autoFocus
          {...form.getInputProps('email')}
        />
        <Checkbox
          label={t('forgotPassword.askAdmin')}
          description={t('forgotPassword.askAdminHint')}
          {...form.getInputProps('askAdmin', { type: 'checkbox' })}
        />
        <Button type="submit" loading={forgotPassword.isPending} fullWidth>
          {t('forgotPassword.submit')}
        </Button>
        <Anchor component={Link} to="/login" ta="center" size="sm">
          {t('auth.backToLogin')}
        </Anchor>
      </Stack>
    </form>
  );
}
