/**
 * Named permissions, defined once. Roles are editable sets of these per workspace;
 * the server checks them on every route, the web app only hides what the server refuses.
 */
export const PERMISSIONS = [
  'workspace.manage',
  /** Download everything in the workspace as one ZIP (a full backup): owner and admin by default. */
  'workspace.export',
  'users.view',
  'users.manage',
  'roles.manage',
  'audit.view',
  'outbox.view',
  'integrations.manage',
  'leads.view_all',
  'leads.create',
  'leads.edit',
  'leads.delete',
  'leads.assign',
  'leads.export',
  'leads.import',
  'trash.manage',
  'fields.manage',
  'pipelines.manage',
  'distribution.manage',
  'tasks.view_all',
  'tasks.manage',
  'clients.view',
  'production.manage',
  'marketing.manage',
  'reports.view',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const BUILT_IN_ROLES = [
  'owner',
  'admin',
  'manager',
  'agent',
  'lead_generator',
  'marketing',
  'production',
  'viewer',
] as const;

export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

const ALL: readonly Permission[] = PERMISSIONS;

/** Sensible defaults; admins edit every built-in role except owner, which always holds everything. */
export const BUILT_IN_ROLE_PERMISSIONS: Record<BuiltInRole, readonly Permission[]> = {
  owner: ALL,
  admin: ALL,
  manager: [
    'users.view',
    'audit.view',
    'leads.view_all',
    'leads.create',
    'leads.edit',
    'leads.delete',
    'leads.assign',
    'leads.export',
    'leads.import',
    'tasks.view_all',
    'tasks.manage',
    'clients.view',
    'reports.view',
  ],
  agent: ['leads.create', 'leads.edit', 'tasks.manage', 'clients.view'],
  lead_generator: ['leads.create', 'leads.import', 'marketing.manage'],
  marketing: ['leads.view_all', 'leads.export', 'marketing.manage', 'reports.view', 'integrations.manage'],
  production: ['clients.view', 'tasks.manage', 'production.manage'],
  viewer: ['leads.view_all', 'clients.view', 'reports.view'],
};

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}
