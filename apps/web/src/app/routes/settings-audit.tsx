import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { AuditLog } from '@/features/audit/components/audit-log';
import { useMembers } from '@/features/users/api/get-members';
import { RequirePermission } from '../require-permission';
import { useSession } from '../session';

function AuditSettings() {
  const { can } = useSession();
  const members = useMembers(undefined, { enabled: can('users.view') });
  const actors = (members.data?.members ?? []).map((member) => ({ id: member.userId, name: member.name }));
  return <AuditLog actors={actors} />;
}

export function AuditSettingsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('audit.title')} description={t('audit.description')} />
      <RequirePermission permission="audit.view">
        <AuditSettings />
      </RequirePermission>
    </>
  );
}
