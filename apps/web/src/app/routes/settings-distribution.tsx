import { Tabs } from '@mantine/core';
import { getRouteApi } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { AssignmentLog } from '@/features/distribution/components/assignment-log';
import { AvailabilityList } from '@/features/distribution/components/availability-list';
import { DistributionRulesSettings } from '@/features/distribution/components/distribution-rules-settings';
import { SpeedToLead } from '@/features/distribution/components/speed-to-lead';
import { RequirePermission } from '../require-permission';
import type { DistributionTab } from '../router';
import { DISTRIBUTION_TABS } from '../router';
import { useSession } from '../session';
import { LeadReferencesGate } from './leads-references';

const routeApi = getRouteApi('/_app/settings/distribution');

function DistributionSettings() {
  const { t } = useTranslation();
  const { can } = useSession();
  const { tab } = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const active: DistributionTab = tab ?? 'rules';
  return (
    <Tabs
      value={active}
      onChange={(value) => {
        const next = DISTRIBUTION_TABS.find((item) => item === value);
        if (next) void navigate({ search: { tab: next === 'rules' ? undefined : next }, replace: true });
      }}
      keepMounted={false}
    >
      <Tabs.List mb="md">
        <Tabs.Tab value="rules">{t('distribution.tabs.rules')}</Tabs.Tab>
        <Tabs.Tab value="availability">{t('distribution.tabs.availability')}</Tabs.Tab>
        <Tabs.Tab value="speed">{t('distribution.tabs.speed')}</Tabs.Tab>
        <Tabs.Tab value="history">{t('distribution.tabs.history')}</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="rules">
        <LeadReferencesGate>
          <DistributionRulesSettings canEdit={can('distribution.manage')} />
        </LeadReferencesGate>
      </Tabs.Panel>
      <Tabs.Panel value="availability">
        <AvailabilityList />
      </Tabs.Panel>
      <Tabs.Panel value="speed">
        <SpeedToLead />
      </Tabs.Panel>
      <Tabs.Panel value="history">
        <AssignmentLog canExport={can('leads.export')} />
      </Tabs.Panel>
    </Tabs>
  );
}

export function DistributionSettingsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('distribution.title')} description={t('distribution.description')} />
      <RequirePermission permission="leads.assign">
        <DistributionSettings />
      </RequirePermission>
    </>
  );
}
