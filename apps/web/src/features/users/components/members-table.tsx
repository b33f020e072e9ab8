import type { Member, Role } from '@leadflow/shared/workspace';
import {
  Badge,
  Button,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Tooltip,
} from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { LinkModal } from '@/components/link-modal';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import { roleLabel } from '@/lib/labels';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useCreateResetLink } from '../api/create-reset-link';
import { useDeleteMember } from '../api/delete-member';
import type { MemberStatus } from '../api/get-members';
import { useMembers } from '../api/get-members';
import { useUpdateMember } from '../api/update-member';

const STATUS_COLORS: Record<MemberStatus, string> = { active: 'teal', pending: 'yellow', disabled: 'gray' };

type StatusFilter = MemberStatus | 'all';

type MembersTableProps = {
  /** Roles to pick from; empty when the user may not list roles (the role is then shown as text). */
  roles: Role[];
  currentUserId: string;
  canManage: boolean;
};

export function MembersTable({ roles, currentUserId, canManage }: MembersTableProps) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<StatusFilter>('all');
  const members = useMembers(filter === 'all' ? undefined : filter);
  const filters: StatusFilter[] = ['all', 'pending', 'active', 'disabled'];

  return (
    <Stack>
      <SegmentedControl
        aria-label={t('users.members.filter')}
        value={filter}
        onChange={(value) => setFilter(filters.find((f) => f === value) ?? 'all')}
        data={filters.map((value) => ({
          value,
          label: value === 'all' ? t('users.members.all') : t(`memberStatus.${value}`),
        }))}
        style={{ alignSelf: 'flex-start', maxWidth: '100%' }}
      />
      {members.isPending ? (
        <LoadingScreen />
      ) : members.isError ? (
        <QueryError error={members.error} onRetry={() => void members.refetch()} />
      ) : members.data.members.length === 0 ? (
        <Text c="dimmed">{t('users.members.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('users.members.member')}</Table.Th>
                <Table.Th>{t('users.members.role')}</Table.Th>
                <Table.Th>{t('users.members.status')}</Table.Th>
                <Table.Th>{t('users.members.lastSeen')}</Table.Th>
                <Table.Th>{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {members.data.members.map((member) => (
                <MemberRow
                  key={member.userId}
                  member={member}
                  roles={roles}
                  isSelf={member.userId === currentUserId}
                  canManage={canManage}
                />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

type MemberRowProps = { member: Member; roles: Role[]; isSelf: boolean; canManage: boolean };

function MemberRow({ member, roles, isSelf, canManage }: MemberRowProps) {
  const { t } = useTranslation();
  const updateMember = useUpdateMember();
  const deleteMember = useDeleteMember();
  const createResetLink = useCreateResetLink();
  const editable = canManage && !isSelf;

  const setStatus = (status: 'active' | 'disabled', message: string) =>
    updateMember.mutate(
      { userId: member.userId, status },
      { onSuccess: () => notifySuccess(message), onError: notifyError },
    );

  return (
    <Table.Tr data-testid={`member-row-${member.email}`}>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <div style={{ minWidth: 0 }}>
            <Text size="sm" fw={500} truncate>
              {member.name}
              {isSelf ? ` (${t('users.members.you')})` : ''}
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {member.email}
            </Text>
          </div>
          {member.twoFactorEnabled ? (
            <Tooltip label={t('users.members.twoFactorOn')}>
              <IconShieldCheck size={16} color="var(--mantine-color-teal-6)" aria-label={t('users.members.twoFactorOn')} />
            </Tooltip>
          ) : null}
        </Group>
      </Table.Td>
      <Table.Td>
        {editable && roles.length > 0 ? (
          <Select
            size="xs"
            w={170}
            aria-label={t('users.members.roleFor', { name: member.name })}
            data={roles.map((role) => ({ value: role.id, label: roleLabel(role) }))}
            value={member.role.id}
            allowDeselect={false}
            disabled={updateMember.isPending}
            onChange={(roleId) => {
              if (roleId && roleId !== member.role.id) {
                updateMember.mutate(
                  { userId: member.userId, roleId },
                  { onSuccess: () => notifySuccess(t('users.members.roleChanged')), onError: notifyError },
                );
              }
            }}
          />
        ) : (
          <Text size="sm">{roleLabel(member.role)}</Text>
        )}
      </Table.Td>
      <Table.Td>
        <Badge color={STATUS_COLORS[member.status]} variant="light">
          {t(`memberStatus.${member.status}`)}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatDateTime(member.lastSeenAt)}</Text>
      </Table.Td>
      <Table.Td>
        {editable ? (
          <Group gap={6} wrap="nowrap">
            {member.status === 'pending' ? (
              <>
                <Button
                  size="compact-sm"
                  color="teal"
                  loading={updateMember.isPending}
                  onClick={() => setStatus('active', t('users.members.approved', { name: member.name }))}
                >
                  {t('users.members.approve')}
                </Button>
                <ConfirmButton
                  size="compact-sm"
                  variant="light"
                  title={t('users.members.rejectTitle')}
                  message={t('users.members.rejectMessage', { name: member.name, email: member.email })}
                  confirmLabel={t('users.members.reject')}
                  loading={deleteMember.isPending}
                  onConfirm={() =>
                    deleteMember.mutate(member.userId, {
                      onSuccess: () => notifySuccess(t('users.members.rejected')),
                      onError: notifyError,
                    })
                  }
                >
                  {t('users.members.reject')}
                </ConfirmButton>
              </>
            ) : (
              <>
                {member.status === 'active' ? (
                  <Button
                    size="compact-sm"
                    variant="default"
                    loading={updateMember.isPending}
                    onClick={() => setStatus('disabled', t('users.members.disabledMessage', { name: member.name }))}
                  >
                    {t('users.members.disable')}
                  </Button>
                ) : (
                  <Button
                    size="compact-sm"
                    variant="default"
                    loading={updateMember.isPending}
                    onClick={() => setStatus('active', t('users.members.enabledMessage', { name: member.name }))}
                  >
                    {t('users.members.enable')}
                  </Button>
                )}
                <Button
                  size="compact-sm"
                  variant="default"
                  loading={createResetLink.isPending}
                  onClick={() => createResetLink.mutate(member.userId, { onError: notifyError })}
                >
                  {t('users.members.resetLink')}
                </Button>
                <ConfirmButton
                  size="compact-sm"
                  variant="subtle"
                  title={t('users.members.removeTitle')}
                  message={t('users.members.removeMessage', { name: member.name })}
                  confirmLabel={t('users.members.remove')}
                  loading={deleteMember.isPending}
                  onConfirm={() =>
                    deleteMember.mutate(member.userId, {
                      onSuccess: () => notifySuccess(t('users.members.removed')),
                      onError: notifyError,
                    })
                  }
                >
                  {t('users.members.remove')}
                </ConfirmButton>
              </>
            )}
          </Group>
        ) : null}
        {createResetLink.data ? (
          <LinkModal
            opened
            onClose={() => createResetLink.reset()}
            title={t('users.resetLink.title', { name: member.name })}
            description={t('users.resetLink.description')}
            url={createResetLink.data.resetUrl}
            expiresAt={createResetLink.data.expiresAt}
          />
        ) : null}
      </Table.Td>
    </Table.Tr>
  );
}
