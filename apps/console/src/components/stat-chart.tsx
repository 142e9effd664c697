import type { JobStatDetail } from '@chaconne/client';
import { Box } from '@mantine/core';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/** The counters charted, in the colours of the outcome badges. */
const SERIES = [
  { key: 'completedCount', name: 'Completed', color: 'var(--mantine-color-green-6)' },
  { key: 'failedCount', name: 'Failed', color: 'var(--mantine-color-red-6)' },
  { key: 'skippedCount', name: 'Skipped', color: 'var(--mantine-color-gray-5)' },
  { key: 'finishedCount', name: 'Finished', color: 'var(--mantine-color-dark-4)' },
  { key: 'retryCount', name: 'Retries', color: 'var(--mantine-color-orange-5)' },
] as const;

/**
 * Runs per day or month by outcome (not animated: a refresh redraws at once): stacked bars, or lines (one per counter). Labels are the
 * days (`yyyy-MM-dd`, shown as MM-dd) or months (`yyyy-MM`).
 */
export function StatChart({
  data,
  kind = 'bar',
  height = 260,
  label,
}: {
  data: JobStatDetail[];
  kind?: 'bar' | 'line';
  height?: number;
  label: string;
}) {
  const tick = (value: string) => (value.length === 10 ? value.slice(5) : value);
  const axes = (
    <>
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="executionDate" tickFormatter={tick} fontSize={12} minTickGap={8} />
      <YAxis allowDecimals={false} fontSize={12} width={40} />
      <Tooltip />
      <Legend wrapperStyle={{ fontSize: 12 }} />
    </>
  );
  return (
    <Box h={height} role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        {kind === 'bar' ? (
          <BarChart data={data}>
            {axes}
            {SERIES.filter((s) => s.key !== 'retryCount').map((s) => (
              <Bar
                key={s.key}
                dataKey={s.key}
                name={s.name}
                stackId="runs"
                fill={s.color}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        ) : (
          <LineChart data={data}>
            {axes}
            {SERIES.map((s) => (
              <Line
                key={s.key}
                dataKey={s.key}
                name={s.name}
                stroke={s.color}
                dot={false}
                type="monotone"
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        )}
      </ResponsiveContainer>
    </Box>
  );
}
