import type { Permission } from '@leadflow/shared/permissions';
import type { Role } from '@leadflow/shared/workspace';
import { createRoleRequest } from '@leadflow/shared/workspace';
import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMediaQuery } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { roleLabel } from '@/lib/labels';
import { notifySuccess } from '@/lib/notify';
import { useCreateRole } from '../api/create-role';
import { useUpdateRole } from '../api/update-role';
import { PermissionPicker } from './permission-picker';

type RoleValues = { name: string; permissions: Permission[] };

type RoleFormModalProps = {
  /** The role to edit; without it a new role is created. */
  role?: Role;
  onClose: () => void;
};

export function RoleFormModal({ role, onClose }: RoleFormModalProps) {
  const { t } = useTranslation();
  const createRole = useCreateRole();
  const updateRole = useUpdateRole();
  const phone = useMediaQuery('(max-width: 36em)') ?? false;
  const isOwner = role?.key === 'owner';
  const nameLocked = role?.builtIn === true;
  const form = useForm<RoleValues>({
    initialValues: { name: role ? roleLabel(role) : '', permissions: role?.permissions ?? [] },
    validate: zodResolver(createRoleRequest),
  });

  const submit = form.onSubmit((values) => {
    const callbacks = {
      onSuccess: () => {
        notifySuccess(role ? t('rolesPage.form.saved') : t('rolesPage.form.created'));
        onClose();
      },
      onError: (error: unknown) => applyFormErrors(form, error),
    };
    if (!role) createRole.mutate(values, callbacks);
    else if (nameLocked) updateRole.mutate({ roleId: role.id, permissions: values.permissions }, callbacks);
    else updateRole.mutate({ roleId: role.id, ...values }, callbacks);
  });

  return (
    <Modal
      opened
      onClose={onClose}
      title={role ? t('rolesPage.form.editTitle', { name: roleLabel(role) }) : t('rolesPage.form.createTitle')}
      size="xl"
      fullScreen={phone}
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          {isOwner ? <Alert color="blue">{t('rolesPage.form.ownerLocked')}</Alert> : null}
          <TextInput
            label={t('rolesPage.form.name')}
            required
            disabled={nameLocked}
            description={nameLocked ? t('rolesPage.form.builtInName') : undefined}
            data-autofocus
            {...form.getInputProps('name')}
          />
          <PermissionPicker
            value={form.values.permissions}
            onChange={(permissions) => form.setFieldValue('permissions', permissions)}
            disabled={isOwner}
            error={form.errors.permissions}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {isOwner ? t('common.close') : t('common.cancel')}
            </Button>
            {isOwner ? null : (
              <Button type="submit" loading={createRole.isPending || updateRole.isPending}>
                {role ? t('common.save') : t('rolesPage.form.create')}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
