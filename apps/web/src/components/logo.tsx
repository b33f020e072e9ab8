import { Group, Text, ThemeIcon } from '@mantine/core';
import { IconBolt } from '@tabler/icons-react';

export function Logo({ withText = true }: { withText?: boolean }) {
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon size={30} radius="md" variant="filled" aria-hidden>
        <IconBolt size={18} />
      </ThemeIcon>
      {withText ? (
        <Text fw={700} size="lg" visibleFrom="sm">
          LeadFlow
        </Text>
      ) : null}
    </Group>
  );
}
