import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { LostReasonsSettings } from '@/features/pipelines/components/lost-reasons-settings';
import { RequirePermission } from '../require-permission';

export function LostReasonsSettingsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('lostReasons.title')} description={t('lostReasons.description')} />
      <RequirePermission permission="pipelines.manage">
        <LostReasonsSettings />
      </RequirePermission>
    </>
  );
}
