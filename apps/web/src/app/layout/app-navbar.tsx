import type { Permission } from '@leadflow/shared/permissions';
import { NavLink, ScrollArea, Text } from '@mantine/core';
import { Link, useRouterState } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { NavItem } from '../nav';
import { visibleNavItems } from '../nav';

function isActive(item: NavItem, pathname: string): boolean {
  return item.to === '/' ? pathname === '/' : pathname === item.to || pathname.startsWith(`${item.to}/`);
}

export function AppNavbar({ can }: { can: (permission: Permission) => boolean }) {
  const { t } = useTranslation();
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  const main = visibleNavItems(can, 'main');
  const settings = visibleNavItems(can, 'settings');

  const renderItem = (item: NavItem) => {
    const ItemIcon = item.icon;
    return (
      <NavLink
        key={item.to}
        component={Link}
        to={item.to}
        label={t(item.label)}
        leftSection={<ItemIcon size={18} stroke={1.6} />}
        active={isActive(item, pathname)}
        aria-current={isActive(item, pathname) ? 'page' : undefined}
      />
    );
  };

  return (
    <ScrollArea component="nav" aria-label={t('nav.label')}>
      {main.map(renderItem)}
      {settings.length > 0 ? (
        <>
          <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" mt="lg" mb={4}>
            {t('nav.settings')}
          </Text>
          {settings.map(renderItem)}
        </>
      ) : null}
    </ScrollArea>
  );
}
