import { signupRequest } from '@leadflow/shared/auth';
import { Alert, Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconHourglass } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { PasswordField } from '@/components/password-field';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { browserTimeZone } from '@/lib/format';
import type { SignupInput } from '../api/signup';
import { useSignup } from '../api/signup';

export function SignupForm() {
  const { t } = useTranslation();
  const signup = useSignup();
  const form = useForm<SignupInput>({
    initialValues: { name: '', email: '', password: '', workspaceSlug: '' },
    validate: zodResolver(signupRequest),
  });

  if (signup.isSuccess) {
    return (
      <Stack>
        <Alert color="blue" icon={<IconHourglass size={18} />} title={t('signup.pendingTitle')} role="status">
          {t('signup.pendingBody')}
        </Alert>
        <Anchor component={Link} to="/login" ta="center">
          {t('auth.backToLogin')}
        </Anchor>
      </Stack>
    );
  }

  const submit = form.onSubmit((values) =>
    signup.mutate({ ...values, timeZone: browserTimeZone() }, { onError: (error) => applyFormErrors(form, error) }),
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
        <TextInput
          label={t('signup.workspaceSlug')}
          description={t('signup.workspaceSlugHint')}
          autoCapitalize="none"
          required
          {...form.getInputProps('workspaceSlug')}
        />
        <Button type="submit" loading={signup.isPending} fullWidth>
          {t('signup.submit')}
        </Button>
        <Text size="sm" ta="center">
          {t('signup.haveAccount')}{' '}
          <Anchor component={Link} to="/login">
            {t('auth.logIn')}
          </Anchor>
        </Text>
      </Stack>
    </form>
  );
}
