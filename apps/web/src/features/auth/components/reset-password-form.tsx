import { resetPasswordRequest } from '@leadflow/shared/auth';
import { Alert, Anchor, Button, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { PasswordField } from '@/components/password-field';
import { ApiError } from '@/lib/api-client';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { useResetPassword } from '../api/reset-password';

type ResetPasswordFormProps = { token: string; onSuccess: () => void };

export function ResetPasswordForm({ token, onSuccess }: ResetPasswordFormProps) {
  const { t } = useTranslation();
  const resetPassword = useResetPassword();
  const form = useForm({
    initialValues: { password: '' },
    validate: zodResolver(resetPasswordRequest, (values: { password: string }) => ({ token, ...values })),
  });

  const tokenProblem =
    !resetPasswordRequest.shape.token.safeParse(token).success ? 'TOKEN_INVALID'
    : resetPassword.error instanceof ApiError &&
        (resetPassword.error.code === 'TOKEN_INVALID' || resetPassword.error.code === 'TOKEN_EXPIRED')
      ? resetPassword.error.code
      : null;

  if (tokenProblem) {
    return (
      <Stack>
        <Alert color="red" role="alert">
          {t(`errors.${tokenProblem}`)}
        </Alert>
        <Anchor component={Link} to="/forgot-password" ta="center">
          {t('resetPassword.requestNew')}
        </Anchor>
      </Stack>
    );
  }

  const submit = form.onSubmit((values) =>
    resetPassword.mutate(
      { token, password: values.password },
      {
        onSuccess,
        onError: (error) => {
          if (error instanceof ApiError && (error.code === 'TOKEN_INVALID' || error.code === 'TOKEN_EXPIRED')) return;
          applyFormErrors(form, error);
        },
      },
    ),
  );

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <PasswordField
          label={t('resetPassword.newPassword')}
          description={t('auth.passwordHint')}
          autoComplete="new-password"
          required
          autoFocus
          {...form.getInputProps('password')}
        />
        <Button type="submit" loading={resetPassword.isPending} fullWidth>
          {t('resetPassword.submit')}
        </Button>
      </Stack>
    </form>
  );
}
