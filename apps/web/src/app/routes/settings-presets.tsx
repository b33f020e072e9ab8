import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { PresetsSettings } from '@/features/presets/components/presets-settings';
import { RequirePermission } from '../require-permission';

export function PresetsSettingsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('presets.title')} description={t('presets.description')} />
      <RequirePermission permission="workspace.manage">
        <PresetsSettings />
      </RequirePermission>
    </>
  );
}
