import { Paper, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** How often the overview asks again: it is the page an operator leaves open. */
export const OVERVIEW_REFRESH_MS = 10_000;

/** One titled panel of the overview. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={title}>
      <Title order={3} size="h4" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}
