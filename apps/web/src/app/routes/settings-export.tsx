import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { WorkspaceExports } from '@/features/exports/components/workspace-exports';
import { RequirePermission } from '../require-permission';

export function ExportSettingsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('exports.title')} description={t('exports.description')} />
      <RequirePermission permission="workspace.export">
        <WorkspaceExports />
      </RequirePermission>
    </>
  );
}
