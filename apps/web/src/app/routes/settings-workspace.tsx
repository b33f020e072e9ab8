import { useTranslation } from 'react-i18next';
import { LoadingScreen } from '@/components/loading-screen';
import { PageHeader } from '@/components/page-header';
import { QueryError } from '@/components/query-error';
import { useWorkspace } from '@/features/workspace/api/get-workspace';
import { WorkspaceSettingsForm } from '@/features/workspace/components/workspace-settings-form';
import { RequirePermission } from '../require-permission';
import { useSession } from '../session';

function WorkspaceSettings() {
  const { can } = useSession();
  const workspace = useWorkspace();
  if (workspace.isPending) return <LoadingScreen />;
  if (workspace.isError) return <QueryError error={workspace.error} onRetry={() => void workspace.refetch()} />;
  return (
    <WorkspaceSettingsForm
      key={workspace.data.id}
      workspace={workspace.data}
      canManage={can('workspace.manage')}
    />
  );
}

export function WorkspaceSettingsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('workspace.settings.title')} description={t('workspace.settings.description')} />
      <RequirePermission permission="workspace.manage">
        <WorkspaceSettings />
      </RequirePermission>
    </>
  );
}
