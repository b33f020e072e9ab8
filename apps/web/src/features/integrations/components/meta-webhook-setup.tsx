import { Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { CopyableValue } from '@/components/copyable-value';
import type { MetaConnection } from '../api/get-meta-connections';

/** What to paste into the Meta app's Webhooks settings (Page object, `leadgen` field). */
export function MetaWebhookSetup({ connection }: { connection: MetaConnection }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Text size="sm" fw={600}>
        {t('integrations.meta.webhookTitle')}
      </Text>
      <Text size="sm" c="dimmed">
        {t('integrations.meta.webhookHelp')}
      </Text>
      <CopyableValue label={t('integrations.meta.callbackUrl')} value={connection.webhookUrl} />
      <CopyableValue label={t('integrations.meta.verifyToken')} value={connection.verifyToken} />
    </Stack>
  );
}
