import type { Role } from '@leadflow/shared/workspace';
import { Button, Group, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconUserPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import { roleLabel } from '@/lib/labels';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useInvitations } from '../api/get-invitations';
import { useRevokeInvitation } from '../api/revoke-invitation';
import { InviteModal } from './invite-modal';

export function InvitationsPanel({ roles }: { roles: Role[] }) {
  const { t } = useTranslation();
  const invitations = useInvitations();
  const revoke = useRevokeInvitation();
  const [inviteOpened, inviteModal] = useDisclosure(false);

  return (
    <Stack>
      <Group justify="flex-end">
        <Button leftSection={<IconUserPlus size={16} />} onClick={inviteModal.open} disabled={roles.length === 0}>
          {t('users.invitations.invite')}
        </Button>
      </Group>
      {invitations.isPending ? (
        <LoadingScreen />
      ) : invitations.isError ? (
        <QueryError error={invitations.error} onRetry={() => void invitations.refetch()} />
      ) : invitations.data.invitations.length === 0 ? (
        <Text c="dimmed">{t('users.invitations.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={620}>
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('auth.email')}</Table.Th>
                <Table.Th>{t('users.members.role')}</Table.Th>
                <Table.Th>{t('users.invitations.invitedBy')}</Table.Th>
                <Table.Th>{t('users.invitations.expires')}</Table.Th>
                <Table.Th>{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {invitations.data.invitations.map((invitation) => (
                <Table.Tr key={invitation.id} data-testid={`invitation-row-${invitation.email}`}>
                  <Table.Td>{invitation.email}</Table.Td>
                  <Table.Td>{roleLabel(invitation.role)}</Table.Td>
                  <Table.Td>{invitation.invitedBy ?? '—'}</Table.Td>
                  <Table.Td>{formatDateTime(invitation.expiresAt)}</Table.Td>
                  <Table.Td>
                    <ConfirmButton
                      size="compact-sm"
                      variant="light"
                      title={t('users.invitations.revokeTitle')}
                      message={t('users.invitations.revokeMessage', { email: invitation.email })}
                      confirmLabel={t('users.invitations.revoke')}
                      onConfirm={() =>
                        revoke.mutate(invitation.id, {
                          onSuccess: () => notifySuccess(t('users.invitations.revoked')),
                          onError: notifyError,
                        })
                      }
                    >
                      {t('users.invitations.revoke')}
                    </ConfirmButton>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {inviteOpened ? <InviteModal opened onClose={inviteModal.close} roles={roles} /> : null}
    </Stack>
  );
}
