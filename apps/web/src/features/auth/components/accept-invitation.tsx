import { acceptInvitationRequest } from '@leadflow/shared/auth';
import { passwordField, personNameField } from '@leadflow/shared/fields';
import { Alert, Button, Card, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconMailOpened } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { Trans, useTranslation } from 'react-i18next';
import { LoadingScreen } from '@/components/loading-screen';
import { PasswordField } from '@/components/password-field';
import { QueryError } from '@/components/query-error';
import type { FormLike } from '@/lib/form';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { browserTimeZone } from '@/lib/format';
import { currentLanguage } from '@/lib/i18n';
import { notifyError } from '@/lib/notify';
import { useAcceptInvitation } from '../api/accept-invitation';
import { useInvitationPreview } from '../api/get-invitation-preview';

/** A new account needs a name and a password that meets the usual rules. */
const newAccountRequest = acceptInvitationRequest.extend({ name: personNameField, password: passwordField });

type AcceptInvitationProps = {
  token: string;
  /** Email of the signed-in user, or null when nobody is signed in. */
  signedInEmail: string | null;
  onAccepted: () => void;
};

export function AcceptInvitation({ token, signedInEmail, onAccepted }: AcceptInvitationProps) {
  const { t } = useTranslation();
  const preview = useInvitationPreview(token);
  const accept = useAcceptInvitation();

  if (!token) {
    return (
      <Alert color="red" role="alert">
        {t('errors.TOKEN_INVALID')}
      </Alert>
    );
  }
  if (preview.isPending) return <LoadingScreen />;
  if (preview.isError) return <QueryError error={preview.error} />;

  const invitation = preview.data;
  const signedInAsInvitee = signedInEmail !== null && signedInEmail.toLowerCase() === invitation.email.toLowerCase();
  const returnTo = `/accept-invitation?token=${encodeURIComponent(token)}`;

  return (
    <Stack>
      <Card withBorder padding="md">
        <Stack gap={6}>
          <IconMailOpened size={28} aria-hidden />
          <Text>
            <Trans
              i18nKey="invitation.summary"
              values={{ workspace: invitation.workspaceName, role: invitation.roleName }}
              components={{ strong: <strong /> }}
            />
          </Text>
          <Text size="sm" c="dimmed">
            {t('invitation.sentTo', { email: invitation.email })}
          </Text>
        </Stack>
      </Card>

      {signedInAsInvitee ? (
        <Button
          loading={accept.isPending}
          onClick={() => accept.mutate({ token }, { onSuccess: onAccepted, onError: notifyError })}
        >
          {t('invitation.accept')}
        </Button>
      ) : invitation.accountExists ? (
        <Stack>
          {signedInEmail ? (
            <Alert color="yellow">{t('invitation.signedInAsOther', { email: signedInEmail })}</Alert>
          ) : null}
          <Text size="sm">{t('invitation.logInFirst', { email: invitation.email })}</Text>
          <Button
            renderRoot={(props) => <Link {...props} to="/login" search={{ email: invitation.email, redirect: returnTo }} />}
          >
            {t('invitation.logInToAccept')}
          </Button>
        </Stack>
      ) : (
        <NewAccountForm
          email={invitation.email}
          pending={accept.isPending}
          onSubmit={(values, form) =>
            // The new account lives in this browser's time zone and reads the app in the language shown here.
            accept.mutate(
              { token, ...values, timeZone: browserTimeZone(), locale: currentLanguage() },
              { onSuccess: onAccepted, onError: (error) => applyFormErrors(form, error) },
            )
          }
        />
      )}
    </Stack>
  );
}

type NewAccountValues = { name: string; password: string };

function NewAccountForm({
  email,
  pending,
  onSubmit,
}: {
  email: string;
  pending: boolean;
  onSubmit: (values: NewAccountValues, form: FormLike) => void;
}) {
  const { t } = useTranslation();
  const form = useForm<NewAccountValues>({
    initialValues: { name: '', password: '' },
    validate: zodResolver(newAccountRequest),
  });
  return (
    <form onSubmit={form.onSubmit((values) => onSubmit(values, form))} noValidate>
      <Stack>
        <Text size="sm">{t('invitation.createAccount')}</Text>
        <TextInput label={t('auth.email')} value={email} readOnly />
        <TextInput label={t('auth.name')} autoComplete="name" required autoFocus {...form.getInputProps('name')} />
        <PasswordField
          label={t('auth.password')}
          description={t('auth.passwordHint')}
          autoComplete="new-password"
          required
          {...form.getInputProps('password')}
        />
        <Button type="submit" loading={pending}>
          {t('invitation.acceptAndCreate')}
        </Button>
      </Stack>
    </form>
  );
}
