import type { UserProfile } from '@leadflow/shared/auth';
import { Avatar, Indicator, Menu, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { IconLogout, IconUserCircle } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ReceivingLeadsItem, useMyAvailability } from '@/features/distribution/components/receiving-leads-item';
import { useSignOut } from '../session';

export function UserMenu({ user }: { user: UserProfile }) {
  const { t } = useTranslation();
  const { signOut } = useSignOut();
  // A paused agent gets no new leads: the avatar says so until they resume, not only the toast when they paused.
  const paused = useMyAvailability(user.id)?.paused === true;
  return (
    <Menu position="bottom-end" width={240} withinPortal>
      <Menu.Target>
        <UnstyledButton data-testid="user-menu" aria-label={paused ? `${t('userMenu.label')} · ${t('distribution.pausedBadge')}` : t('userMenu.label')}>
          <Tooltip label={t('distribution.pausedBadge')} disabled={!paused} withArrow>
            <Indicator color="orange" size={12} offset={4} withBorder disabled={!paused} data-testid={paused ? 'paused-indicator' : undefined}>
              <Avatar name={user.name} color="initials" size={34} radius="xl" />
            </Indicator>
          </Tooltip>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={500} c="var(--mantine-color-text)" truncate>
            {user.name}
          </Text>
          <Text size="xs" truncate>
            {user.email}
          </Text>
        </Menu.Label>
        <Menu.Divider />
        <ReceivingLeadsItem userId={user.id} />
        <Menu.Item component={Link} to="/profile" leftSection={<IconUserCircle size={16} />}>
          {t('userMenu.profile')}
        </Menu.Item>
        <Menu.Item color="red" leftSection={<IconLogout size={16} />} onClick={signOut}>
          {t('userMenu.logOut')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
