import type { Page } from '@chaconne/client';
import { Group, Pagination, Text } from '@mantine/core';

/** Pages of a server-paged list: how many rows there are, and links to the other pages. */
export function Pager({
  page,
  onChange,
  label = 'Pages',
}: {
  page: Page<unknown>;
  onChange: (page: number) => void;
  label?: string;
}) {
  const pages = Math.max(1, Math.ceil(page.rows / page.size));
  return (
    <Group justify="space-between" gap="xs" mt="sm">
      <Text size="sm" c="dimmed">
        {page.rows} in all
      </Text>
      {pages > 1 && (
        <Pagination
          total={pages}
          value={page.page}
          onChange={onChange}
          size="sm"
          siblings={1}
          boundaries={1}
          aria-label={label}
        />
      )}
    </Group>
  );
}
