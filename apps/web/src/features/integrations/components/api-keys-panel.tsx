import { Badge, Button, Code, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconKey, IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useApiKeys } from '../api/get-api-keys';
import { useRevokeApiKey } from '../api/revoke-api-key';
import { CreateApiKeyModal } from './create-api-key-modal';
import { IntakeUsageExample } from './intake-usage-example';

/** Workspace API keys for POST /hooks/intake: create (shown once), list with last use, revoke. */
export function ApiKeysPanel() {
  const { t } = useTranslation();
  const keys = useApiKeys();
  const revoke = useRevokeApiKey();
  const [creating, { open, close }] = useDisclosure(false);

  return (
    <Stack>
      <Group justify="space-between" gap="sm">
        <Group gap="xs">
          <IconKey size={22} aria-hidden />
          <Title order={3}>{t('integrations.apiKeys.title')}</Title>
        </Group>
        <Button leftSection={<IconPlus size={16} />} onClick={open}>
          {t('integrations.apiKeys.new')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('integrations.apiKeys.description')}
      </Text>

      {keys.isPending ? (
        <LoadingScreen />
      ) : keys.isError ? (
        <QueryError error={keys.error} onRetry={() => void keys.refetch()} />
      ) : keys.data.apiKeys.length === 0 ? (
        <Text c="dimmed">{t('integrations.apiKeys.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('integrations.apiKeys.name')}</Table.Th>
                <Table.Th>{t('integrations.apiKeys.key')}</Table.Th>
                <Table.Th>{t('integrations.apiKeys.created')}</Table.Th>
                <Table.Th>{t('integrations.apiKeys.lastUsed')}</Table.Th>
                <Table.Th>{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data.apiKeys.map((key) => (
                <Table.Tr key={key.id} data-testid={`api-key-row-${key.name}`}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {key.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {key.scopes.join(', ')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Code>{key.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {formatDateTime(key.createdAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" style={{ whiteSpace: 'nowrap' }} data-testid="api-key-last-used">
                      {key.lastUsedAt ? formatDateTime(key.lastUsedAt) : t('integrations.apiKeys.neverUsed')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {key.revokedAt ? (
                      <Badge color="gray" variant="light">
                        {t('integrations.apiKeys.revokedAt', { date: formatDateTime(key.revokedAt) })}
                      </Badge>
                    ) : (
                      <ConfirmButton
                        size="compact-sm"
                        variant="light"
                        aria-label={t('integrations.apiKeys.revokeKey', { name: key.name })}
                        title={t('integrations.apiKeys.revokeTitle')}
                        message={t('integrations.apiKeys.revokeMessage', { name: key.name })}
                        confirmLabel={t('integrations.apiKeys.revoke')}
                        loading={revoke.isPending && revoke.variables === key.id}
                        onConfirm={() =>
                          revoke.mutate(key.id, {
                            onSuccess: () => notifySuccess(t('integrations.apiKeys.revoked', { name: key.name })),
                            onError: notifyError,
                          })
                        }
                      >
                        {t('integrations.apiKeys.revoke')}
                      </ConfirmButton>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      <Paper withBorder p="md" radius="md">
        <IntakeUsageExample />
      </Paper>
      <CreateApiKeyModal opened={creating} onClose={close} />
    </Stack>
  );
}
