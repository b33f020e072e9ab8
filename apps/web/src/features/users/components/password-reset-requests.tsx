import { Button, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LinkModal } from '@/components/link-modal';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import { notifyError } from '@/lib/notify';
import { usePasswordResetRequests } from '../api/get-password-reset-requests';
import { useResolvePasswordResetRequest } from '../api/resolve-password-reset-request';

type GeneratedLink = { name: string; resetUrl: string; expiresAt: string };

/** Requests from users who cannot reach their mailbox; the admin hands them a reset link. */
export function PasswordResetRequests() {
  const { t } = useTranslation();
  const requests = usePasswordResetRequests();
  const resolve = useResolvePasswordResetRequest();
  const [link, setLink] = useState<GeneratedLink | null>(null);

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('users.resetRequests.description')}
      </Text>
      {requests.isPending ? (
        <LoadingScreen />
      ) : requests.isError ? (
        <QueryError error={requests.error} onRetry={() => void requests.refetch()} />
      ) : requests.data.requests.length === 0 ? (
        <Text c="dimmed">{t('users.resetRequests.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('users.members.member')}</Table.Th>
                <Table.Th>{t('users.resetRequests.requestedAt')}</Table.Th>
                <Table.Th>{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {requests.data.requests.map((request) => (
                <Table.Tr key={request.id} data-testid={`reset-request-row-${request.email}`}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {request.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {request.email}
                    </Text>
                  </Table.Td>
                  <Table.Td>{formatDateTime(request.requestedAt)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-sm"
                      loading={resolve.isPending && resolve.variables === request.id}
                      onClick={() =>
                        resolve.mutate(request.id, {
                          onSuccess: (result) => setLink({ name: request.name, ...result }),
                          onError: notifyError,
                        })
                      }
                    >
                      {t('users.resetRequests.generate')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {link ? (
        <LinkModal
          opened
          onClose={() => setLink(null)}
          title={t('users.resetLink.title', { name: link.name })}
          description={t('users.resetLink.description')}
          url={link.resetUrl}
          expiresAt={link.expiresAt}
        />
      ) : null}
    </Stack>
  );
}
