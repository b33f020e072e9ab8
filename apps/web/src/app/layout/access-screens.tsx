import type { MeResponse } from '@leadflow/shared/auth';
import { Button, Group, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconBuildingPlus, IconLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { AwaitingApproval } from '@/features/auth/components/awaiting-approval';
import { CreateWorkspaceModal } from '@/features/workspace/components/create-workspace-modal';
import type { AccessState } from '../session';
import { useSignOut } from '../session';

type AccessScreenProps = { state: Exclude<AccessState, 'active'>; me: MeResponse };

/** Shown instead of the app when the user cannot work in the current workspace. */
export function AccessScreen({ state, me }: AccessScreenProps) {
  const { t } = useTranslation();
  const { signOut } = useSignOut();
  const [createOpened, createModal] = useDisclosure(false);
  const current = me.workspaces.find((workspace) => workspace.id === me.currentWorkspaceId);
  const pending = current ?? me.workspaces.find((workspace) => workspace.status === 'pending');
  const hasOther = me.workspaces.some((workspace) => workspace.status === 'active');

  const actions = (
    <Group justify="center" mt="md">
      <Button variant="default" onClick={signOut}>
        {t('userMenu.logOut')}
      </Button>
    </Group>
  );

  if (state === 'pending') {
    return (
      <AwaitingApproval workspaceName={pending?.name}>
        {hasOther ? <Text size="sm">{t('access.switchHint')}</Text> : null}
        {actions}
      </AwaitingApproval>
    );
  }

  return (
    <Stack align="center" ta="center" gap="sm" py="xl" maw={480} mx="auto">
      <ThemeIcon size={56} radius="xl" variant="light" color={state === 'disabled' ? 'red' : 'blue'}>
        {state === 'disabled' ? <IconLock size={30} /> : <IconBuildingPlus size={30} />}
      </ThemeIcon>
      <Title order={2}>{state === 'disabled' ? t('access.disabledTitle') : t('access.noWorkspaceTitle')}</Title>
      <Text>
        {state === 'disabled'
          ? t('access.disabledBody', { workspace: current?.name ?? '' })
          : hasOther
            ? t('access.chooseWorkspace')
            : t('access.noWorkspaceBody')}
      </Text>
      {hasOther ? <Text size="sm">{t('access.switchHint')}</Text> : null}
      <Group justify="center" mt="md">
        <Button leftSection={<IconBuildingPlus size={16} />} onClick={createModal.open}>
          {t('workspace.create.open')}
        </Button>
        <Button variant="default" onClick={signOut}>
          {t('userMenu.logOut')}
        </Button>
      </Group>
      <CreateWorkspaceModal opened={createOpened} onClose={createModal.close} />
    </Stack>
  );
}
