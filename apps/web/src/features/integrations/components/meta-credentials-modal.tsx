import { updateMetaConnectionRequest } from '@leadflow/shared/capture';
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMediaQuery } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { PasswordField } from '@/components/password-field';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { notifySuccess } from '@/lib/notify';
import type { MetaConnection } from '../api/get-meta-connections';
import { useUpdateMetaConnection } from '../api/update-meta-connection';

type CredentialValues = { appId: string; appSecret: string; pageAccessToken: string; verifyToken: string };

/** Only what changed: an empty secret keeps the stored one (the server never shows it back). */
function toRequest(connection: MetaConnection) {
  return (values: CredentialValues) => {
    const body: Record<string, string> = {};
    if (values.appId.trim() !== connection.appId) body.appId = values.appId.trim();
    if (values.appSecret.trim()) body.appSecret = values.appSecret.trim();
    if (values.pageAccessToken.trim()) body.pageAccessToken = values.pageAccessToken.trim();
    if (values.verifyToken.trim() !== connection.verifyToken) body.verifyToken = values.verifyToken.trim();
    return body;
  };
}

type MetaCredentialsModalProps = { connection: MetaConnection; opened: boolean; onClose: () => void; onSaved: () => void };

/** Change a connection's credentials; a new page access token is how a broken connection is repaired. */
export function MetaCredentialsModal({ connection, opened, onClose, onSaved }: MetaCredentialsModalProps) {
  const { t } = useTranslation();
  const isPhone = useMediaQuery('(max-width: 36em)');
  const update = useUpdateMetaConnection();
  const body = toRequest(connection);
  const form = useForm<CredentialValues>({
    initialValues: { appId: connection.appId, appSecret: '', pageAccessToken: '', verifyToken: connection.verifyToken },
    validate: zodResolver(updateMetaConnectionRequest, body),
  });

  const close = () => {
    form.reset();
    onClose();
  };

  const submit = form.onSubmit((values) => {
    const changes = body(values);
    if (Object.keys(changes).length === 0) {
      close();
      return;
    }
    update.mutate(
      { id: connection.id, ...changes },
      {
        onSuccess: () => {
          notifySuccess(t('integrations.meta.credentialsSaved'));
          form.reset();
          onSaved();
        },
        onError: (error) => applyFormErrors(form, error),
      },
    );
  });

  return (
    <Modal opened={opened} onClose={close} title={t('integrations.meta.credentialsTitle')} fullScreen={isPhone} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            {t('integrations.meta.credentialsHelp')}
          </Text>
          <TextInput label={t('integrations.meta.appId')} inputMode="numeric" autoComplete="off" {...form.getInputProps('appId')} />
          <PasswordField
            label={t('integrations.meta.appSecret')}
            placeholder={t('integrations.meta.secretSetPlaceholder')}
            autoComplete="off"
            {...form.getInputProps('appSecret')}
          />
          <PasswordField
            label={t('integrations.meta.pageAccessToken')}
            placeholder={t('integrations.meta.secretSetPlaceholder')}
            description={t('integrations.meta.newTokenRepairs')}
            autoComplete="off"
            {...form.getInputProps('pageAccessToken')}
          />
          <TextInput label={t('integrations.meta.verifyToken')} autoComplete="off" {...form.getInputProps('verifyToken')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={update.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
