import type { UseQueryResult } from '@tanstack/react-query';
import { Center, Loader, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ApiErrorAlert } from './api-error';

/**
 * The three states every page shows: loading, the API's error (never swallowed), or the data,
 * with `empty` (a sentence) when `isEmpty(data)` says there is nothing to show.
 */
export function QueryState<T>({
  query,
  children,
  isEmpty,
  empty = 'Nothing here yet.',
}: {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
}) {
  if (query.isPending) {
    return (
      <Center p="lg" data-testid="loading">
        <Loader size="sm" aria-label="Loading" />
      </Center>
    );
  }
  if (query.isError) return <ApiErrorAlert error={query.error} title="Could not load this" />;
  if (isEmpty?.(query.data)) {
    return (
      <Text c="dimmed" p="md" data-testid="empty">
        {empty}
      </Text>
    );
  }
  return <>{children(query.data)}</>;
}
