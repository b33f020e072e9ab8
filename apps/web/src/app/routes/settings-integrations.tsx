import { Tabs } from '@mantine/core';
import { getRouteApi } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { useCustomFields } from '@/features/custom-fields/api/get-custom-fields';
import { ApiKeysPanel } from '@/features/integrations/components/api-keys-panel';
import { CaptureSettingsCard } from '@/features/integrations/components/capture-settings-card';
import { IntegrationLog } from '@/features/integrations/components/integration-log';
import { MetaLeadAds } from '@/features/integrations/components/meta-lead-ads';
import { useIntegrationLiveUpdates } from '@/features/integrations/hooks/use-integration-live-updates';
import { usePipelines } from '@/features/leads/api/get-pipelines';
import { RequirePermission } from '../require-permission';
import { INTEGRATIONS_TABS, type IntegrationsTab } from '../router';

const routeApi = getRouteApi('/_app/settings/integrations');

function isTab(value: string | null): value is IntegrationsTab {
  return (INTEGRATIONS_TABS as readonly (string | null)[]).includes(value);
}

function IntegrationsSettings() {
  const { t } = useTranslation();
  const { tab = 'lead-ads' } = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const pipelines = usePipelines();
  const customFields = useCustomFields();
  useIntegrationLiveUpdates();
  const mappable = (customFields.data?.fields ?? []).map((field) => ({ key: field.key, label: field.label }));

  return (
    <Tabs
      value={tab}
      onChange={(value) => {
        if (isTab(value)) void navigate({ search: { tab: value === 'lead-ads' ? undefined : value }, replace: true });
      }}
      keepMounted={false}
    >
      <Tabs.List mb="md">
        <Tabs.Tab value="lead-ads">{t('integrations.tabs.leadAds')}</Tabs.Tab>
        <Tabs.Tab value="api-keys">{t('integrations.tabs.apiKeys')}</Tabs.Tab>
        <Tabs.Tab value="log">{t('integrations.tabs.log')}</Tabs.Tab>
        <Tabs.Tab value="capture">{t('integrations.tabs.capture')}</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="lead-ads">
        <MetaLeadAds pipelines={pipelines.data?.pipelines ?? []} customFields={mappable} />
      </Tabs.Panel>
      <Tabs.Panel value="api-keys">
        <ApiKeysPanel />
      </Tabs.Panel>
      <Tabs.Panel value="log">
        <IntegrationLog />
      </Tabs.Panel>
      <Tabs.Panel value="capture">
        <CaptureSettingsCard />
      </Tabs.Panel>
    </Tabs>
  );
}

export function IntegrationsSettingsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('integrations.title')} description={t('integrations.description')} />
      <RequirePermission permission="integrations.manage">
        <IntegrationsSettings />
      </RequirePermission>
    </>
  );
}
