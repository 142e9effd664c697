import { Title } from '@mantine/core';

export function JobDetailPage() {
  return <Title order={2}>Job detail</Title>;
}
