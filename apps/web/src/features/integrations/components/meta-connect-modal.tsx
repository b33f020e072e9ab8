import { createMetaConnectionRequest } from '@leadflow/shared/capture';
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMediaQuery } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { PasswordField } from '@/components/password-field';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { notifySuccess } from '@/lib/notify';
import type { MetaConnection } from '../api/get-meta-connections';
import { useCreateMetaConnection } from '../api/create-meta-connection';

type ConnectValues = { pageId: string; appId: string; appSecret: string; pageAccessToken: string; verifyToken: string };

function toRequest(values: ConnectValues) {
  return {
    pageId: values.pageId.trim(),
    appId: values.appId.trim(),
    appSecret: values.appSecret.trim(),
    pageAccessToken: values.pageAccessToken.trim(),
    verifyToken: values.verifyToken.trim() || undefined,
  };
}

type MetaConnectModalProps = { opened: boolean; onClose: () => void; onConnected: (connection: MetaConnection) => void };

/** Connect a Facebook Page: the app's credentials and a page access token, stored encrypted on the server. */
export function MetaConnectModal({ opened, onClose, onConnected }: MetaConnectModalProps) {
  const { t } = useTranslation();
  const isPhone = useMediaQuery('(max-width: 36em)');
  const create = useCreateMetaConnection();
  const form = useForm<ConnectValues>({
    initialValues: { pageId: '', appId: '', appSecret: '', pageAccessToken: '', verifyToken: '' },
    validate: zodResolver(createMetaConnectionRequest, toRequest),
  });

  const close = () => {
    form.reset();
    onClose();
  };

  const submit = form.onSubmit((values) =>
    create.mutate(toRequest(values), {
      onSuccess: (connection) => {
        notifySuccess(t('integrations.meta.connected'));
        form.reset();
        onConnected(connection);
      },
      onError: (error) => applyFormErrors(form, error),
    }),
  );

  return (
    <Modal opened={opened} onClose={close} title={t('integrations.meta.connectTitle')} fullScreen={isPhone} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            {t('integrations.meta.connectHelp')}
          </Text>
          <TextInput
            label={t('integrations.meta.pageId')}
            description={t('integrations.meta.pageIdHelp')}
            inputMode="numeric"
            autoComplete="off"
            required
            {...form.getInputProps('pageId')}
          />
          <TextInput
            label={t('integrations.meta.appId')}
            description={t('integrations.meta.appIdHelp')}
            inputMode="numeric"
            autoComplete="off"
            required
            {...form.getInputProps('appId')}
          />
          <PasswordField
            label={t('integrations.meta.appSecret')}
            description={t('integrations.meta.appSecretHelp')}
            autoComplete="off"
            required
            {...form.getInputProps('appSecret')}
          />
          <PasswordField
            label={t('integrations.meta.pageAccessToken')}
            description={t('integrations.meta.pageAccessTokenHelp')}
            autoComplete="off"
            required
            {...form.getInputProps('pageAccessToken')}
          />
          <TextInput
            label={t('integrations.meta.verifyToken')}
            description={t('integrations.meta.verifyTokenHelp')}
            autoComplete="off"
            {...form.getInputProps('verifyToken')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('integrations.meta.connect')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
