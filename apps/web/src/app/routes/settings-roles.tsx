import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { RolesList } from '@/features/roles/components/roles-list';
import { RequirePermission } from '../require-permission';

export function RolesSettingsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('rolesPage.title')} description={t('rolesPage.description')} />
      <RequirePermission permission="roles.manage">
        <RolesList />
      </RequirePermission>
    </>
  );
}
