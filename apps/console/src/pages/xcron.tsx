import { Title } from '@mantine/core';

export function XcronPage() {
  return <Title order={2}>xcron tasks</Title>;
}
