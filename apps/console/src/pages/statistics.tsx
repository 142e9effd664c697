import { Title } from '@mantine/core';

export function StatisticsPage() {
  return <Title order={2}>Statistics</Title>;
}
