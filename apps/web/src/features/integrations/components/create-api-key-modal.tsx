import { createApiKeyRequest } from '@leadflow/shared/capture';
import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMediaQuery } from '@mantine/hooks';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyableValue } from '@/components/copyable-value';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { useCreateApiKey } from '../api/create-api-key';
import { IntakeUsageExample } from './intake-usage-example';

type KeyValues = { name: string };

const toRequest = (values: KeyValues) => ({ name: values.name.trim(), scopes: ['leads.create' as const] });

/** Name a new key, then show it once with a copy button and a usage example. */
export function CreateApiKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const isPhone = useMediaQuery('(max-width: 36em)');
  const create = useCreateApiKey();
  const [created, setCreated] = useState<string | null>(null);
  const form = useForm<KeyValues>({ initialValues: { name: '' }, validate: zodResolver(createApiKeyRequest, toRequest) });

  const close = () => {
    form.reset();
    setCreated(null);
    create.reset();
    onClose();
  };

  const submit = form.onSubmit((values) =>
    create.mutate(toRequest(values), {
      onSuccess: (key) => setCreated(key.key),
      onError: (error) => applyFormErrors(form, error),
    }),
  );

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? t('integrations.apiKeys.createdTitle') : t('integrations.apiKeys.createTitle')}
      fullScreen={isPhone}
      size="lg"
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack>
          <Alert color="yellow" icon={<IconAlertTriangle size={18} />}>
            {t('integrations.apiKeys.shownOnce')}
          </Alert>
          <CopyableValue label={t('integrations.apiKeys.key')} value={created} />
          <IntakeUsageExample apiKey={created} />
          <Group justify="flex-end">
            <Button onClick={close}>{t('integrations.apiKeys.savedIt')}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput
              label={t('integrations.apiKeys.name')}
              description={t('integrations.apiKeys.nameHelp')}
              required
              data-autofocus
              {...form.getInputProps('name')}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={create.isPending}>
                {t('integrations.apiKeys.create')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
