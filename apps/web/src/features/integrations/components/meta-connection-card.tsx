import type { Pipeline } from '@leadflow/shared/pipelines';
import { Alert, Badge, Button, Card, Divider, Group, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertTriangle, IconCircleCheck, IconPlugConnected } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { QueryError } from '@/components/query-error';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useDeleteMetaConnection } from '../api/delete-meta-connection';
import type { MetaConnection } from '../api/get-meta-connections';
import { useTestMetaConnection } from '../api/test-meta-connection';
import type { MappableCustomField } from './form-mapping-editor';
import { GraphError } from './graph-error';
import { MetaCredentialsModal } from './meta-credentials-modal';
import { MetaForms } from './meta-forms';
import { MetaHealthPanel } from './meta-health-panel';
import { MetaLeadEvents } from './meta-lead-events';
import { MetaSyncControls } from './meta-sync-controls';
import { MetaWebhookSetup } from './meta-webhook-setup';

type MetaConnectionCardProps = {
  connection: MetaConnection;
  pipelines: Pipeline[];
  customFields: MappableCustomField[];
};

/** One connected Facebook Page: status, test, health, sync, webhook set-up, its forms' mappings, disconnect. */
export function MetaConnectionCard({ connection, pipelines, customFields }: MetaConnectionCardProps) {
  const { t } = useTranslation();
  const broken = connection.status === 'broken';
  // An active connection lists its forms as soon as it is shown; a broken one waits for the admin.
  const test = useTestMetaConnection(connection.id, !broken);
  const disconnect = useDeleteMetaConnection();
  const [editing, { open: openEditing, close: closeEditing }] = useDisclosure(false);
  const formNames = new Map(test.data?.ok ? test.data.forms.map((f) => [f.id, f.name ?? f.id]) : []);
  const title = connection.pageName ?? (test.data?.ok ? test.data.pageName : null) ?? connection.pageId;

  return (
    <Card withBorder radius="md" padding="md" data-testid={`meta-connection-${connection.pageId}`}>
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" gap="sm">
          <Stack gap={2} style={{ minWidth: 0, flex: '1 1 14rem' }}>
            <Group gap="xs">
              <Title order={4} style={{ overflowWrap: 'anywhere' }}>
                {title}
              </Title>
              <Badge color={broken ? 'red' : 'teal'} variant="light" data-testid="meta-connection-status">
                {broken ? t('integrations.meta.statusBroken') : t('integrations.meta.statusConnected')}
              </Badge>
            </Group>
            <Text size="xs" c="dimmed">
              {t('integrations.meta.summary', { pageId: connection.pageId, appId: connection.appId, version: connection.graphVersion })}
            </Text>
            <Text size="xs" c="dimmed">
              {t('integrations.meta.secretsSet')}
            </Text>
          </Stack>
          <Button
            leftSection={<IconPlugConnected size={16} />}
            variant="light"
            loading={test.isFetching}
            onClick={() => void test.refetch()}
          >
            {t('integrations.meta.test')}
          </Button>
        </Group>

        {broken ? (
          <Alert color="red" icon={<IconAlertTriangle size={18} />} title={t('integrations.meta.brokenTitle')} role="alert">
            <Text size="sm">{connection.lastError ?? t('integrations.meta.brokenUnknown')}</Text>
            <Button size="compact-sm" variant="white" color="red" mt="xs" onClick={openEditing}>
              {t('integrations.meta.repair')}
            </Button>
          </Alert>
        ) : null}

        {test.isError ? <QueryError error={test.error} onRetry={() => void test.refetch()} /> : null}
        {test.data && !test.isFetching ? (
          test.data.ok ? (
            <Alert color="teal" icon={<IconCircleCheck size={18} />} data-testid="meta-test-ok">
              {t('integrations.meta.testOk', { page: test.data.pageName, count: test.data.forms.length })}
            </Alert>
          ) : (
            <GraphError error={test.data.error} title={t('integrations.meta.testFailed')} />
          )
        ) : null}

        <MetaHealthPanel connection={connection} />
        <MetaLeadEvents connection={connection} formNames={formNames} />
        <MetaSyncControls connectionId={connection.id} disabled={broken} />

        <Divider />
        <MetaWebhookSetup connection={connection} />

        <Divider />
        <MetaForms
          connectionId={connection.id}
          test={test.data}
          testing={test.isFetching}
          pipelines={pipelines}
          customFields={customFields}
          connectionBroken={broken}
        />

        <Divider />
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={openEditing}>
            {t('integrations.meta.changeCredentials')}
          </Button>
          <ConfirmButton
            variant="light"
            title={t('integrations.meta.disconnectTitle')}
            message={t('integrations.meta.disconnectMessage', { page: title })}
            confirmLabel={t('integrations.meta.disconnect')}
            loading={disconnect.isPending}
            onConfirm={() =>
              disconnect.mutate(connection.id, {
                onSuccess: () => notifySuccess(t('integrations.meta.disconnected', { page: title })),
                onError: notifyError,
              })
            }
          >
            {t('integrations.meta.disconnect')}
          </ConfirmButton>
        </Group>
      </Stack>
      {editing ? (
        <MetaCredentialsModal
          connection={connection}
          opened
          onClose={closeEditing}
          onSaved={() => {
            closeEditing();
            void test.refetch();
          }}
        />
      ) : null}
    </Card>
  );
}
