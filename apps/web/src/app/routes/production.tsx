import { TASK_PRIORITIES } from '@leadflow/shared/tasks';
import { Button, Group, Modal, Select, Stack } from '@mantine/core';
import { useDebouncedValue, useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { useProductionClients, useProductionMembers } from '@/features/production/api/production';
import { ProductionBoardView } from '@/features/production/components/production-board';
import { ProductionTaskDrawer } from '@/features/production/components/production-task-drawer';
import { ProductionTaskForm } from '@/features/production/components/production-task-form';
import { useProductionLiveUpdates } from '@/features/production/hooks/use-production-live-updates';
import { RequirePermission } from '../require-permission';

function ProductionScreen() {
  const { t } = useTranslation();
  const isPhone = useMediaQuery('(max-width: 48em)', false, { getInitialValueInEffect: false }) ?? false;
  const [leadId, setLeadId] = useState<string | null>(null);
  const [assigneeId, setAssigneeId] = useState<string | null>(null);
  const [priority, setPriority] = useState<string | null>(null);
  const [clientQuery, setClientQuery] = useState('');
  const [debouncedClientQuery] = useDebouncedValue(clientQuery, 250);
  const [openId, setOpenId] = useState<string | null>(null);
  const [creating, { open: startCreating, close: stopCreating }] = useDisclosure(false);
  const clients = useProductionClients(debouncedClientQuery);
  const members = useProductionMembers();
  useProductionLiveUpdates();
  const [clientLabel, setClientLabel] = useState<{ value: string; label: string } | null>(null);
  const clientOptions = [
    ...(clientLabel && !clients.data?.items.some((c) => c.id === clientLabel.value) ? [clientLabel] : []),
    ...(clients.data?.items ?? []).map((c) => ({ value: c.id, label: c.openTasks > 0 ? `${c.name} (${c.openTasks})` : c.name })),
  ];
  const filterWidth = isPhone ? '100%' : 220;

  return (
    <>
      <PageHeader
        title={t('production.title')}
        description={t('production.description')}
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={startCreating}>
            {t('production.new')}
          </Button>
        }
      />
      <Stack gap="sm">
        <Group gap="xs" wrap="wrap">
          <Select
            aria-label={t('production.filters.client')}
            placeholder={t('production.filters.allClients')}
            data={clientOptions}
            value={leadId}
            searchable
            clearable
            onSearchChange={setClientQuery}
            onChange={(value, option) => {
              setLeadId(value);
              setClientLabel(value && option ? { value, label: option.label } : null);
            }}
            nothingFoundMessage={t('production.form.noClients')}
            w={filterWidth}
            data-testid="production-client-filter"
          />
          <Select
            aria-label={t('production.filters.assignee')}
            placeholder={t('production.filters.anyone')}
            data={(members.data?.items ?? []).map((m) => ({ value: m.id, label: m.name }))}
            value={assigneeId}
            onChange={setAssigneeId}
            searchable
            clearable
            w={filterWidth}
          />
          <Select
            aria-label={t('production.filters.priority')}
            placeholder={t('production.filters.anyPriority')}
            data={TASK_PRIORITIES.map((p) => ({ value: p, label: t(`production.priorities.${p}`) }))}
            value={priority}
            onChange={setPriority}
            clearable
            w={isPhone ? '100%' : 180}
          />
        </Group>
        <ProductionBoardView filters={{ leadId, assigneeId, priority }} isPhone={isPhone} onOpen={(card) => setOpenId(card.id)} />
      </Stack>
      <Modal opened={creating} onClose={stopCreating} title={t('production.new')} fullScreen={isPhone}>
        <ProductionTaskForm defaultLeadId={leadId} onDone={stopCreating} />
      </Modal>
      <ProductionTaskDrawer taskId={openId} onClose={() => setOpenId(null)} />
    </>
  );
}

export function ProductionPage() {
  return (
    <RequirePermission permission="production.manage">
      <ProductionScreen />
    </RequirePermission>
  );
}
