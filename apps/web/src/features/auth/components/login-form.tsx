import { loginRequest, twoFactorLoginRequest } from '@leadflow/shared/auth';
import { Anchor, Button, Checkbox, Group, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PasswordField } from '@/components/password-field';
import { ApiError } from '@/lib/api-client';
import { applyFormErrors, zodResolver } from '@/lib/form';
import type { LoginInput } from '../api/login';
import { useLogin } from '../api/login';
import type { TwoFactorLoginInput } from '../api/login-two-factor';
import { useLoginTwoFactor } from '../api/login-two-factor';

type LoginFormProps = {
  defaultEmail?: string;
  onSuccess: () => void;
  onPendingApproval: () => void;
};

export function LoginForm({ defaultEmail, onSuccess, onPendingApproval }: LoginFormProps) {
  const [step, setStep] = useState<'password' | 'two-factor'>('password');
  return step === 'password' ? (
    <PasswordStep
      defaultEmail={defaultEmail}
      onTwoFactor={() => setStep('two-factor')}
      onSuccess={onSuccess}
      onPendingApproval={onPendingApproval}
    />
  ) : (
    <TwoFactorStep onSuccess={onSuccess} onBack={() => setStep('password')} />
  );
}

type PasswordStepProps = {
  defaultEmail?: string;
  onTwoFactor: () => void;
  onSuccess: () => void;
  onPendingApproval: () => void;
};

function PasswordStep({ defaultEmail, onTwoFactor, onSuccess, onPendingApproval }: PasswordStepProps) {
  const { t } = useTranslation();
  const login = useLogin();
  const form = useForm<Required<LoginInput>>({
    initialValues: { email: defaultEmail ?? '', password: '', remember: false },
    validate: zodResolver(loginRequest),
  });

  const submit = form.onSubmit((values) =>
    login.mutate(values, {
      onSuccess: (result) => (result.twoFactorRequired ? onTwoFactor() : onSuccess()),
      onError: (error) => {
        if (error instanceof ApiError && error.code === 'ACCOUNT_PENDING_APPROVAL') onPendingApproval();
        else applyFormErrors(form, error);
      },
    }),
  );

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput
          label={t('auth.email')}
          type="email"
          autoComplete="username"
          required
          autoFocus={!defaultEmail}
          {...form.getInputProps('email')}
        />
        <PasswordField
          label={t('auth.password')}
          autoComplete="current-password"
          required
          autoFocus={Boolean(defaultEmail)}
          {...form.getInputProps('password')}
        />
        <Group justify="space-between">
          <Checkbox label={t('auth.rememberMe')} {...form.getInputProps('remember', { type: 'checkbox' })} />
          <Anchor component={Link} to="/forgot-password" size="sm">
            {t('auth.forgotPasswordLink')}
          </Anchor>
        </Group>
        <Button type="submit" loading={login.isPending} fullWidth>
          {t('auth.logIn')}
        </Button>
        <Text size="sm" ta="center">
          {t('auth.noAccount')}{' '}
          <Anchor component={Link} to="/signup">
            {t('auth.signUpLink')}
          </Anchor>
        </Text>
      </Stack>
    </form>
  );
}

type TwoFactorValues = { code: string; recoveryCode: string };

function TwoFactorStep({ onSuccess, onBack }: { onSuccess: () => void; onBack: () => void }) {
  const { t } = useTranslation();
  const loginTwoFactor = useLoginTwoFactor();
  const [useRecoveryCode, setUseRecoveryCode] = useState(false);
  const toRequest = (values: TwoFactorValues): TwoFactorLoginInput =>
    useRecoveryCode ? { recoveryCode: values.recoveryCode } : { code: values.code };
  const form = useForm<TwoFactorValues>({
    initialValues: { code: '', recoveryCode: '' },
    validate: zodResolver(twoFactorLoginRequest, toRequest),
  });

  const submit = form.onSubmit((values) =>
    loginTwoFactor.mutate(toRequest(values), {
      onSuccess,
      onError: (error) => applyFormErrors(form, error),
    }),
  );

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm">{useRecoveryCode ? t('auth.twoFactor.recoveryHelp') : t('auth.twoFactor.codeHelp')}</Text>
        {useRecoveryCode ? (
          <TextInput
            key="recovery"
            label={t('auth.twoFactor.recoveryCode')}
            autoComplete="off"
            autoFocus
            {...form.getInputProps('recoveryCode')}
          />
        ) : (
          <TextInput
            key="code"
            label={t('auth.twoFactor.code')}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            autoFocus
            {...form.getInputProps('code')}
          />
        )}
        <Switch
          label={t('auth.twoFactor.useRecoveryCode')}
          checked={useRecoveryCode}
          onChange={(event) => {
            setUseRecoveryCode(event.currentTarget.checked);
            form.clearErrors();
          }}
        />
        <Button type="submit" loading={loginTwoFactor.isPending} fullWidth>
          {t('auth.twoFactor.verify')}
        </Button>
        <Button variant="subtle" onClick={onBack}>
          {t('common.back')}
        </Button>
      </Stack>
    </form>
  );
}
