import type { Permission } from '@leadflow/shared/permissions';
import { PERMISSIONS } from '@leadflow/shared/permissions';
import { Checkbox, Fieldset, SimpleGrid, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { permissionLabel } from '@/lib/labels';

type PermissionGroup = Permission extends `${infer Group}.${string}` ? Group : never;

function groupOf(permission: Permission): PermissionGroup {
  const [group] = permission.split('.');
  return group as PermissionGroup;
}

/** Permissions grouped by their prefix (leads.*, users.*, …), in the order they are defined. */
const GROUPS: { group: PermissionGroup; permissions: Permission[] }[] = [];
for (const permission of PERMISSIONS) {
  const group = groupOf(permission);
  const existing = GROUPS.find((entry) => entry.group === group);
  if (existing) existing.permissions.push(permission);
  else GROUPS.push({ group, permissions: [permission] });
}

type PermissionPickerProps = {
  value: Permission[];
  onChange: (value: Permission[]) => void;
  disabled?: boolean;
  error?: React.ReactNode;
};

export function PermissionPicker({ value, onChange, disabled, error }: PermissionPickerProps) {
  const { t } = useTranslation();
  const selected = new Set(value);
  const update = (permissions: Permission[], checked: boolean) => {
    const next = new Set(selected);
    for (const permission of permissions) {
      if (checked) next.add(permission);
      else next.delete(permission);
    }
    onChange(PERMISSIONS.filter((permission) => next.has(permission)));
  };

  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        {GROUPS.map(({ group, permissions }) => {
          const count = permissions.filter((permission) => selected.has(permission)).length;
          return (
            <Fieldset key={group} legend={t(`permissionGroups.${group}`)} p="sm" disabled={disabled}>
              <Stack gap={6}>
                {permissions.length > 1 ? (
                  <Checkbox
                    label={t('rolesPage.form.allInGroup')}
                    aria-label={t('rolesPage.form.allInGroupOf', { group: t(`permissionGroups.${group}`) })}
                    checked={count === permissions.length}
                    indeterminate={count > 0 && count < permissions.length}
                    onChange={(event) => update(permissions, event.currentTarget.checked)}
                    fw={500}
                  />
                ) : null}
                {permissions.map((permission) => (
                  <Checkbox
                    key={permission}
                    label={permissionLabel(permission)}
                    value={permission}
                    checked={selected.has(permission)}
                    onChange={(event) => update([permission], event.currentTarget.checked)}
                  />
                ))}
              </Stack>
            </Fieldset>
          );
        })}
      </SimpleGrid>
      {error ? (
        <div role="alert" style={{ color: 'var(--mantine-color-error)', fontSize: 'var(--mantine-font-size-sm)' }}>
          {error}
        </div>
      ) : null}
    </Stack>
  );
}
