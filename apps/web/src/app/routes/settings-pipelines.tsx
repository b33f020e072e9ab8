import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { PipelinesSettings } from '@/features/pipelines/components/pipelines-settings';
import { RequirePermission } from '../require-permission';

export function PipelinesSettingsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('pipelineSettings.title')} description={t('pipelineSettings.description')} />
      <RequirePermission permission="pipelines.manage">
        <PipelinesSettings />
      </RequirePermission>
    </>
  );
}
