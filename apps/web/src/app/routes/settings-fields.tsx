import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { CustomFieldsSettings } from '@/features/custom-fields/components/custom-fields-settings';
import { RequirePermission } from '../require-permission';

export function FieldsSettingsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('customFields.title')} description={t('customFields.description')} />
      <RequirePermission permission="fields.manage">
        <CustomFieldsSettings />
      </RequirePermission>
    </>
  );
}
