import { Anchor, Button, Group, Paper, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useLead } from '@/features/leads/api/get-lead';
import { useTasksLiveUpdates } from '../hooks/use-tasks-live-updates';
import { TaskFormModal } from './task-form-modal';
import { TaskList } from './task-list';

/** On the lead page: the lead's open tasks (mine, or everyone's for tasks.view_all) and "Add task". */
export function LeadTasksCard({ leadId, canManage, seesAll }: { leadId: string; canManage: boolean; seesAll: boolean }) {
  const { t } = useTranslation();
  const lead = useLead(leadId);
  const [opened, modal] = useDisclosure(false);
  useTasksLiveUpdates();
  return (
    <Paper withBorder p="md" mt="md" data-testid="lead-tasks">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5">
          {t('tasks.leadCard')}
        </Title>
        {canManage ? (
          <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={modal.open}>
            {t('tasks.add')}
          </Button>
        ) : null}
      </Group>
      <TaskList params={{ queue: 'open', scope: seesAll ? 'team' : 'mine', leadId }} showAssignee={seesAll} canManage={canManage} />
      <Anchor renderRoot={(props) => <Link to="/tasks" search={{ leadId }} {...props} />} size="sm" mt="xs" display="inline-block">
        {t('tasks.allOfLead')}
      </Anchor>
      <TaskFormModal opened={opened} onClose={modal.close} lead={{ id: leadId, name: lead.data?.displayName ?? '' }} />
    </Paper>
  );
}
