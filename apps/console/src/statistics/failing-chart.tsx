import type { JobStatByJob } from '@chaconne/client';
import { Box, Text } from '@mantine/core';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

const TOP = 10;

/** The jobs with the most failures among `rows`, as horizontal bars. */
export function FailingChart({ rows }: { rows: JobStatByJob[] }) {
  const top = rows
    .filter((r) => r.failedCount > 0)
    .sort((a, b) => b.failedCount - a.failedCount)
    .slice(0, TOP)
    .map((r) => ({ name: r.jobKey.jobName, failed: r.failedCount }));
  if (top.length === 0)
    return (
      <Text c="dimmed" size="sm" p="md">
        No failures among these jobs.
      </Text>
    );
  return (
    <Box h={40 + 28 * top.length} role="img" aria-label="Failing jobs chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={top} layout="vertical" margin={{ left: 8, right: 16 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" allowDecimals={false} fontSize={12} />
          <YAxis type="category" dataKey="name" width={120} fontSize={12} />
          <Tooltip />
          <Bar dataKey="failed" name="Failed" fill="var(--mantine-color-red-6)" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </Box>
  );
}
