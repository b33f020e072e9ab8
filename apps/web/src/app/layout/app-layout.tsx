import { AppShell, Box, Burger, Group } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Outlet, useRouterState } from '@tanstack/react-router';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageMenu } from '@/components/language-menu';
import { Logo } from '@/components/logo';
import { ThemeToggle } from '@/components/theme-toggle';
import { useUpdateProfile } from '@/features/profile/api/update-profile';
import { NotificationBell } from '@/features/notifications/components/notification-bell';
import { WorkspaceSwitcher } from '@/features/workspace/components/workspace-switcher';
import { notifyError } from '@/lib/notify';
import { accessState, useSession } from '../session';
import { AccessScreen } from './access-screens';
import { AppNavbar } from './app-navbar';
import { useRealtime, useSessionSync } from './use-session-sync';
import { UserMenu } from './user-menu';

export function AppLayout() {
  const { t } = useTranslation();
  const { me, user, can } = useSession();
  const [navOpened, nav] = useDisclosure(false);
  const updateProfile = useUpdateProfile();
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  const access = accessState(me);
  const withNav = access === 'active';

  useSessionSync(me);
  useRealtime();

  // On phones the navbar is a drawer: close it once a page is chosen.
  const closeNav = nav.close;
  useEffect(() => {
    closeNav();
  }, [pathname, closeNav]);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 250, breakpoint: 'sm', collapsed: { mobile: !navOpened, desktop: !withNav } }}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <AppShell.Header>
        <Group h="100%" px={{ base: 'xs', sm: 'md' }} justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            {withNav ? (
              <Burger
                opened={navOpened}
                onClick={nav.toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label={navOpened ? t('nav.close') : t('nav.open')}
              />
            ) : null}
            <Box visibleFrom="sm">
              <Logo />
            </Box>
            <WorkspaceSwitcher workspaces={me.workspaces} currentWorkspaceId={me.currentWorkspaceId} />
          </Group>
          <Group gap={6} wrap="nowrap">
            {access === 'active' ? <NotificationBell /> : null}
            <ThemeToggle onChange={(theme) => updateProfile.mutate({ theme }, { onError: notifyError })} />
            <LanguageMenu onChange={(locale) => updateProfile.mutate({ locale }, { onError: notifyError })} />
            <UserMenu user={user} />
          </Group>
        </Group>
      </AppShell.Header>
      {withNav ? (
        <AppShell.Navbar p="xs">
          <AppNavbar can={can} />
        </AppShell.Navbar>
      ) : null}
      <AppShell.Main>{access === 'active' ? <Outlet /> : <AccessScreen state={access} me={me} />}</AppShell.Main>
    </AppShell>
  );
}
