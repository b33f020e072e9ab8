import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { CadencesSettings } from '@/features/cadences/components/cadences-settings';
import { RequirePermission } from '../require-permission';

export function CadencesSettingsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('cadences.title')} description={t('cadences.description')} />
      <RequirePermission permission="workspace.manage">
        <CadencesSettings />
      </RequirePermission>
    </>
  );
}
