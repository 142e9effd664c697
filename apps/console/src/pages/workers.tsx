import { Title } from '@mantine/core';

export function WorkersPage() {
  return <Title order={2}>Workers</Title>;
}
