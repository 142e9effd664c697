import { Group, Pagination, Select, Text } from '@mantine/core';
import { type JobListView, PAGE_SIZES } from './list-view';

/** Page links, the page size and how many jobs match. */
export function ListPager({
  total,
  view,
  onPage,
  onSize,
}: {
  total: number;
  view: JobListView;
  onPage: (page: number) => void;
  onSize: (size: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / view.size));
  return (
    <Group justify="space-between" wrap="wrap" gap="sm">
      <Text size="sm" c="dimmed">
        {total} job{total === 1 ? '' : 's'}
      </Text>
      <Group gap="sm" wrap="wrap">
        <Pagination
          total={pages}
          value={Math.min(view.page, pages)}
          onChange={onPage}
          size="sm"
          siblings={1}
          boundaries={1}
          aria-label="Pages"
        />
        <Select
          aria-label="Page size"
          data={PAGE_SIZES.map((s) => ({ value: s, label: `${s} / page` }))}
          value={PAGE_SIZES.includes(String(view.size)) ? String(view.size) : null}
          placeholder={`${view.size} / page`}
          onChange={(v) => {
            if (v) onSize(Number(v));
          }}
          allowDeselect={false}
          w={120}
          size="xs"
        />
      </Group>
    </Group>
  );
}
