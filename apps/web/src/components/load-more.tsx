import { Button, Group } from '@mantine/core';

type Paged = { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };

/** The "Load more" button under a list read in pages (an infinite query); nothing once the last page is in. */
export function LoadMore({ query, label }: { query: Paged; label: string }) {
  if (!query.hasNextPage) return null;
  return (
    <Group justify="center">
      <Button variant="default" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
        {label}
      </Button>
    </Group>
  );
}
