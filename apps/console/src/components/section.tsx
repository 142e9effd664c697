import { Group, Paper, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** A titled part of a page (h3), with optional controls at the right of the title. */
export function Section({
  title,
  actions,
  children,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Paper withBorder p="md" component="section" miw={0} aria-label={title}>
      <Group justify="space-between" mb="sm" gap="xs">
        <Title order={3} size="h4">
          {title}
        </Title>
        {actions}
      </Group>
      {children}
    </Paper>
  );
}
