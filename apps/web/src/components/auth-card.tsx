import { Paper, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';

type AuthCardProps = { title: string; description?: ReactNode; children: ReactNode };

/** The card that frames the public pages (log in, sign up, reset password, …). */
export function AuthCard({ title, description, children }: AuthCardProps) {
  useDocumentTitle(`${title} · LeadFlow`);
  return (
    <Stack gap="md">
      <Stack gap={4} ta="center">
        <Title order={1} fz={{ base: 24, xs: 28 }}>
          {title}
        </Title>
        {description ? (
          <Text c="dimmed" size="sm">
            {description}
          </Text>
        ) : null}
      </Stack>
      <Paper withBorder shadow="sm" p={{ base: 'md', xs: 'xl' }} radius="md">
        {children}
      </Paper>
    </Stack>
  );
}
