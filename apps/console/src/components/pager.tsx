import type { Page } from '@chaconne/client';
import { Group, Pagination, Select, Text } from '@mantine/core';

const PAGE_SIZES = ['10', '20', '50', '100'];

/**
 * Pages of a server-paged list: how many rows there are, links to the other pages and, with
 * `onSize`, the page size.
 */
export function Pager({
  page,
  onChange,
  onSize,
  label = 'Pages',
  noun = 'in all',
}: {
  page: Pick<Page<unknown>, 'page' | 'size' | 'rows'>;
  onChange: (page: number) => void;
  onSize?: (size: number) => void;
  label?: string;
  /** What the count counts, e.g. "jobs". */
  noun?: string;
}) {
  const pages = Math.max(1, Math.ceil(page.rows / page.size));
  return (
    <Group justify="space-between" wrap="wrap" gap="sm" mt="sm">
      <Text size="sm" c="dimmed">
        {page.rows.toLocaleString()} {noun}
      </Text>
      <Group gap="sm" wrap="wrap">
        {pages > 1 && (
          <Pagination
            total={pages}
            value={Math.min(page.page, pages)}
            onChange={onChange}
            size="sm"
            siblings={1}
            boundaries={1}
            aria-label={label}
          />
        )}
        {onSize && (
          <Select
            aria-label="Page size"
            data={PAGE_SIZES.map((s) => ({ value: s, label: `${s} / page` }))}
            value={PAGE_SIZES.includes(String(page.size)) ? String(page.size) : null}
            placeholder={`${page.size} / page`}
            onChange={(v) => {
              if (v) onSize(Number(v));
            }}
            allowDeselect={false}
            w={120}
            size="xs"
          />
        )}
      </Group>
    </Group>
  );
}
