import { Box, Container, Group } from '@mantine/core';
import { Outlet } from '@tanstack/react-router';
import { LanguageMenu } from '@/components/language-menu';
import { Logo } from '@/components/logo';
import { ThemeToggle } from '@/components/theme-toggle';

export function PublicLayout() {
  return (
    <Box mih="100dvh">
      <Group justify="space-between" px="md" py="sm" component="header">
        <Group gap="xs">
          <Logo withText={false} />
          <Box fw={700} fz="lg">
            LeadFlow
          </Box>
        </Group>
        <Group gap={6}>
          <LanguageMenu />
          <ThemeToggle />
        </Group>
      </Group>
      <Container size={460} px="md" pt={{ base: 'md', sm: 48 }} pb="xl" component="main">
        <Outlet />
      </Container>
    </Box>
  );
}
