import type { Role } from '@leadflow/shared/workspace';
import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { roleLabel } from '@/lib/labels';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useDeleteRole } from '../api/delete-role';
import { useRoles } from '../api/get-roles';
import { RoleFormModal } from './role-form-modal';

type Editing = { role?: Role } | null;

export function RolesList() {
  const { t } = useTranslation();
  const roles = useRoles();
  const deleteRole = useDeleteRole();
  const [editing, setEditing] = useState<Editing>(null);

  return (
    <Stack>
      <Group justify="flex-end">
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({})}>
          {t('rolesPage.new')}
        </Button>
      </Group>
      {roles.isPending ? (
        <LoadingScreen />
      ) : roles.isError ? (
        <QueryError error={roles.error} onRetry={() => void roles.refetch()} />
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('rolesPage.form.name')}</Table.Th>
                <Table.Th>{t('rolesPage.permissionCount')}</Table.Th>
                <Table.Th>{t('rolesPage.memberCount')}</Table.Th>
                <Table.Th>{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {roles.data.roles.map((role) => (
                <Table.Tr key={role.id} data-testid={`role-row-${role.key}`}>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Text size="sm" fw={500}>
                        {roleLabel(role)}
                      </Text>
                      {role.builtIn ? (
                        <Badge size="xs" variant="light" color="gray">
                          {t('rolesPage.builtIn')}
                        </Badge>
                      ) : null}
                    </Group>
                  </Table.Td>
                  <Table.Td>{role.permissions.length}</Table.Td>
                  <Table.Td>{role.memberCount}</Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="default"
                        aria-label={t('rolesPage.editRole', { name: roleLabel(role) })}
                        onClick={() => setEditing({ role })}
                      >
                        {role.key === 'owner' ? t('common.view') : t('common.edit')}
                      </Button>
                      {role.builtIn ? null : (
                        <ConfirmButton
                          size="compact-sm"
                          variant="light"
                          aria-label={t('rolesPage.deleteRole', { name: role.name })}
                          title={t('rolesPage.deleteTitle')}
                          message={
                            role.memberCount > 0
                              ? t('rolesPage.deleteInUse', { name: role.name, count: role.memberCount })
                              : t('rolesPage.deleteMessage', { name: role.name })
                          }
                          confirmLabel={t('common.delete')}
                          loading={deleteRole.isPending && deleteRole.variables === role.id}
                          onConfirm={() =>
                            deleteRole.mutate(role.id, {
                              onSuccess: () => notifySuccess(t('rolesPage.deleted')),
                              onError: notifyError,
                            })
                          }
                        >
                          {t('common.delete')}
                        </ConfirmButton>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing ? <RoleFormModal role={editing.role} onClose={() => setEditing(null)} /> : null}
    </Stack>
  );
}
