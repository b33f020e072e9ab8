import { Button } from '@mantine/core';
import { IconUpload } from '@tabler/icons-react';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { LoadingScreen } from '@/components/loading-screen';
import { PageHeader } from '@/components/page-header';
import { QueryError } from '@/components/query-error';
import { useCustomFields } from '@/features/custom-fields/api/get-custom-fields';
import { useImport } from '@/features/imports/api/imports';
import { ImportsList } from '@/features/imports/components/imports-list';
import { ImportWizard, NewImportWizard } from '@/features/imports/components/import-wizard';
import { usePipelines } from '@/features/leads/api/get-pipelines';
import { RequirePermission } from '../require-permission';

const importRouteApi = getRouteApi('/_app/imports/$importId');

export function ImportsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader
        title={t('imports.title')}
        description={t('imports.description')}
        actions={
          <Button component={Link} to="/imports/new" leftSection={<IconUpload size={16} />}>
            {t('imports.new')}
          </Button>
        }
      />
      <RequirePermission permission="leads.import">
        <ImportsList />
      </RequirePermission>
    </>
  );
}

export function NewImportPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('imports.newTitle')} description={t('imports.newDescription')} />
      <RequirePermission permission="leads.import">
        <NewImportWizard />
      </RequirePermission>
    </>
  );
}

/** The wizard needs the import with its columns, the stages (defaults) and the custom fields (mapping). */
function ImportLoader({ importId }: { importId: string }) {
  const detail = useImport(importId);
  const pipelines = usePipelines();
  const customFields = useCustomFields();
  if (detail.isPending || pipelines.isPending || customFields.isPending) return <LoadingScreen />;
  if (detail.isError) return <QueryError error={detail.error} onRetry={() => void detail.refetch()} />;
  if (pipelines.isError) return <QueryError error={pipelines.error} onRetry={() => void pipelines.refetch()} />;
  if (customFields.isError) return <QueryError error={customFields.error} onRetry={() => void customFields.refetch()} />;
  return <ImportWizard key={importId} detail={detail.data} pipelines={pipelines.data.pipelines} customFields={customFields.data.fields} />;
}

export function ImportPage() {
  const { t } = useTranslation();
  const { importId } = importRouteApi.useParams();
  return (
    <>
      <PageHeader
        title={t('imports.importTitle')}
        actions={
          <Button component={Link} to="/imports" variant="default">
            {t('imports.backToList')}
          </Button>
        }
      />
      <RequirePermission permission="leads.import">
        <ImportLoader importId={importId} />
      </RequirePermission>
    </>
  );
}
