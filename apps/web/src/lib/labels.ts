import type { BuiltInRole, Permission } from '@leadflow/shared/permissions';
import { BUILT_IN_ROLES } from '@leadflow/shared/permissions';
import { i18n } from '@/lib/i18n';

function isBuiltInRole(key: string): key is BuiltInRole {
  return (BUILT_IN_ROLES as readonly string[]).includes(key);
}

/** Built-in roles are shown in the user's language; custom roles by the name their admin gave them. */
export function roleLabel(role: { key: string; name: string; builtIn?: boolean }): string {
  if (role.builtIn === false || !isBuiltInRole(role.key)) return role.name;
  return i18n.t(`roles.${role.key}`);
}

export function permissionLabel(permission: Permission): string {
  return i18n.t(`permissions.${permission}`);
}
