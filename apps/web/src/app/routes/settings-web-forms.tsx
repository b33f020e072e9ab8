import { useTranslation } from 'react-i18next';
import { LoadingScreen } from '@/components/loading-screen';
import { PageHeader } from '@/components/page-header';
import { QueryError } from '@/components/query-error';
import { useCustomFields } from '@/features/custom-fields/api/get-custom-fields';
import { usePipelines } from '@/features/leads/api/get-pipelines';
import { WebFormsSettings } from '@/features/web-forms/components/web-forms-settings';
import { isOfferedType } from '@/features/web-forms/utils/form-values';
import { RequirePermission } from '../require-permission';

/** The builder needs the workspace's stages and the custom fields a page can ask for. */
function WebFormsPage() {
  const pipelines = usePipelines();
  const customFields = useCustomFields();
  if (pipelines.isPending || customFields.isPending) return <LoadingScreen />;
  if (pipelines.isError) return <QueryError error={pipelines.error} onRetry={() => void pipelines.refetch()} />;
  if (customFields.isError) return <QueryError error={customFields.error} onRetry={() => void customFields.refetch()} />;
  const offered = customFields.data.fields
    .filter((f) => !f.deletedAt && isOfferedType(f.type))
    .map((f) => ({ key: f.key, label: f.label, type: f.type, options: f.options.map((o) => ({ value: o.value, label: o.label })) }));
  return <WebFormsSettings pipelines={pipelines.data.pipelines} customFields={offered} />;
}

export function WebFormsSettingsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('webForms.title')} description={t('webForms.description')} />
      <RequirePermission permission="marketing.manage">
        <WebFormsPage />
      </RequirePermission>
    </>
  );
}
