import { Tabs } from '@mantine/core';
import { getRouteApi } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { useRoles } from '@/features/roles/api/get-roles';
import { InvitationsPanel } from '@/features/users/components/invitations-panel';
import { MembersTable } from '@/features/users/components/members-table';
import { PasswordResetRequests } from '@/features/users/components/password-reset-requests';
import { RequirePermission } from '../require-permission';
import type { UsersTab } from '../router';
import { useSession } from '../session';

const routeApi = getRouteApi('/_app/settings/users');

function isUsersTab(value: string | null): value is UsersTab {
  return value === 'members' || value === 'invitations' || value === 'reset-requests';
}

function UsersSettings() {
  const { t } = useTranslation();
  const { user, can } = useSession();
  const canManage = can('users.manage');
  const { tab } = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  // Listing roles needs roles.manage; without it members show their role as text.
  const roles = useRoles({ enabled: canManage && can('roles.manage') });
  const roleList = roles.data?.roles ?? [];
  const active: UsersTab = canManage && tab ? tab : 'members';

  return (
    <Tabs
      value={active}
      onChange={(value) => {
        if (isUsersTab(value)) void navigate({ search: { tab: value === 'members' ? undefined : value }, replace: true });
      }}
      keepMounted={false}
    >
      <Tabs.List mb="md">
        <Tabs.Tab value="members">{t('users.tabs.members')}</Tabs.Tab>
        {canManage ? <Tabs.Tab value="invitations">{t('users.tabs.invitations')}</Tabs.Tab> : null}
        {canManage ? <Tabs.Tab value="reset-requests">{t('users.tabs.resetRequests')}</Tabs.Tab> : null}
      </Tabs.List>
      <Tabs.Panel value="members">
        <MembersTable roles={roleList} currentUserId={user.id} canManage={canManage} />
      </Tabs.Panel>
      {canManage ? (
        <>
          <Tabs.Panel value="invitations">
            <InvitationsPanel roles={roleList} />
          </Tabs.Panel>
          <Tabs.Panel value="reset-requests">
            <PasswordResetRequests />
          </Tabs.Panel>
        </>
      ) : null}
    </Tabs>
  );
}

export function UsersSettingsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('users.title')} description={t('users.description')} />
      <RequirePermission permission="users.view">
        <UsersSettings />
      </RequirePermission>
    </>
  );
}
