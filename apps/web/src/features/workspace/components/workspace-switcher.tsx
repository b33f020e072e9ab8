import type { WorkspaceSummary } from '@leadflow/shared/auth';
import { Badge, Button, Menu, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconBuildingStore, IconCheck, IconPlus, IconSelector } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { roleLabel } from '@/lib/labels';
import { notifyError } from '@/lib/notify';
import { useSwitchWorkspace } from '../api/switch-workspace';
import { CreateWorkspaceModal } from './create-workspace-modal';

type WorkspaceSwitcherProps = {
  workspaces: WorkspaceSummary[];
  currentWorkspaceId: string | null;
};

export function WorkspaceSwitcher({ workspaces, currentWorkspaceId }: WorkspaceSwitcherProps) {
  const { t } = useTranslation();
  const [createOpened, createModal] = useDisclosure(false);
  const switchWorkspace = useSwitchWorkspace();
  const current = workspaces.find((workspace) => workspace.id === currentWorkspaceId);

  return (
    <>
      <Menu position="bottom-start" width={280} withinPortal>
        <Menu.Target>
          <Button
            variant="default"
            data-testid="workspace-switcher"
            leftSection={<IconBuildingStore size={16} />}
            rightSection={<IconSelector size={14} />}
            loading={switchWorkspace.isPending}
            maw={{ base: 170, xs: 260 }}
            title={t('workspace.switcher.label')}
            styles={{ label: { overflow: 'hidden', textOverflow: 'ellipsis' } }}
          >
            {current?.name ?? t('workspace.switcher.none')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{t('workspace.switcher.label')}</Menu.Label>
          {workspaces.map((workspace) => (
            <Menu.Item
              key={workspace.id}
              leftSection={workspace.id === currentWorkspaceId ? <IconCheck size={14} /> : <span style={{ width: 14 }} />}
              rightSection={
                workspace.status === 'active' ? null : (
                  <Badge size="xs" color={workspace.status === 'pending' ? 'yellow' : 'gray'}>
                    {t(`memberStatus.${workspace.status}`)}
                  </Badge>
                )
              }
              onClick={() => {
                if (workspace.id !== currentWorkspaceId) switchWorkspace.mutate(workspace.id, { onError: notifyError });
              }}
            >
              <Text size="sm" truncate>
                {workspace.name}
              </Text>
              <Text size="xs" c="dimmed" truncate>
                {roleLabel(workspace.role)}
              </Text>
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item leftSection={<IconPlus size={14} />} onClick={createModal.open}>
            {t('workspace.create.open')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <CreateWorkspaceModal opened={createOpened} onClose={createModal.close} />
    </>
  );
}
