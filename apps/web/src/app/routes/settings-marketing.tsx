import { Tabs } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { EventsSettings } from '@/features/marketing/components/events-settings';
import { LeadSourcesSettings } from '@/features/marketing/components/lead-sources-settings';
import { ReferrerReport } from '@/features/marketing/components/referrer-report';
import { RequirePermission } from '../require-permission';
import { useSession } from '../session';

export function MarketingSettingsPage() {
  const { t } = useTranslation();
  const { me } = useSession();
  const canReport = me.permissions.includes('reports.view') || me.permissions.includes('leads.view_all');
  return (
    <>
      <PageHeader title={t('marketing.title')} description={t('marketing.description')} />
      <RequirePermission permission="marketing.manage">
        <Tabs defaultValue="sources" keepMounted={false}>
          <Tabs.List mb="md">
            <Tabs.Tab value="sources">{t('marketing.tabs.sources')}</Tabs.Tab>
            <Tabs.Tab value="events">{t('marketing.tabs.events')}</Tabs.Tab>
            {canReport ? <Tabs.Tab value="referrers">{t('marketing.tabs.referrers')}</Tabs.Tab> : null}
          </Tabs.List>
          <Tabs.Panel value="sources">
            <LeadSourcesSettings />
          </Tabs.Panel>
          <Tabs.Panel value="events">
            <EventsSettings />
          </Tabs.Panel>
          {canReport ? (
            <Tabs.Panel value="referrers">
              <ReferrerReport />
            </Tabs.Panel>
          ) : null}
        </Tabs>
      </RequirePermission>
    </>
  );
}
