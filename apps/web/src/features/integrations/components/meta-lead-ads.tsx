import type { Pipeline } from '@leadflow/shared/pipelines';
import { Button, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconBrandFacebook, IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { useMetaConnections } from '../api/get-meta-connections';
import type { MappableCustomField } from './form-mapping-editor';
import { MetaConnectModal } from './meta-connect-modal';
import { MetaConnectionCard } from './meta-connection-card';

type MetaLeadAdsProps = { pipelines: Pipeline[]; customFields: MappableCustomField[] };

/** Facebook Lead Ads: the connected pages, and how to connect one. */
export function MetaLeadAds({ pipelines, customFields }: MetaLeadAdsProps) {
  const { t } = useTranslation();
  const connections = useMetaConnections();
  const [connecting, { open, close }] = useDisclosure(false);

  if (connections.isPending) return <LoadingScreen />;
  if (connections.isError) return <QueryError error={connections.error} onRetry={() => void connections.refetch()} />;
  const list = connections.data.connections;

  return (
    <Stack>
      <Group justify="space-between" gap="sm">
        <Group gap="xs">
          <IconBrandFacebook size={22} aria-hidden />
          <Title order={3}>{t('integrations.meta.title')}</Title>
        </Group>
        <Button leftSection={<IconPlus size={16} />} onClick={open}>
          {t('integrations.meta.connectPage')}
        </Button>
      </Group>
      {list.length === 0 ? (
        <Paper withBorder p="md" radius="md">
          <Text fw={500} mb="xs">
            {t('integrations.meta.emptyTitle')}
          </Text>
          <List type="ordered" size="sm" spacing={4}>
            <List.Item>{t('integrations.meta.step1')}</List.Item>
            <List.Item>{t('integrations.meta.step2')}</List.Item>
            <List.Item>{t('integrations.meta.step3')}</List.Item>
            <List.Item>{t('integrations.meta.step4')}</List.Item>
          </List>
        </Paper>
      ) : (
        list.map((connection) => (
          <MetaConnectionCard key={connection.id} connection={connection} pipelines={pipelines} customFields={customFields} />
        ))
      )}
      <MetaConnectModal opened={connecting} onClose={close} onConnected={close} />
    </Stack>
  );
}
