/** Median, min and max of one figure over the runs of a scenario. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** Ascending copy of `values` (numbers only; `sort()` alone would compare them as strings). */
export function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/**
 * The `p`-th percentile (0-100) by nearest rank: the smallest value with at least p % of
 * the values at or below it, so p99 of 10,000 values is the 9,900th. Needs `ascending` sorted.
 */
export function percentile(ascending: readonly number[], p: number): number {
  if (ascending.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * ascending.length);
  return ascending[Math.min(ascending.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/** The middle value (mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const ascending = sorted(values);
  const n = ascending.length;
  if (n === 0) return Number.NaN;
  const upper = ascending[Math.floor(n / 2)] ?? Number.NaN;
  return n % 2 === 1 ? upper : ((ascending[n / 2 - 1] ?? Number.NaN) + upper) / 2;
}

/** Median, min and max of the values that were measured (null: not measured in that run). */
export function spread(values: readonly (number | null)[]): Spread | null {
  const measured = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (measured.length === 0) return null;
  return { median: median(measured), min: Math.min(...measured), max: Math.max(...measured) };
}

/** p50, p99 and max of a latency sample in ms; nulls when the sample is empty. */
export function latencySummary(values: readonly number[]): {
  p50: number | null;
  p99: number | null;
  max: number | null;
} {
  if (values.length === 0) return { p50: null, p99: null, max: null };
  const ascending = sorted(values);
  return {
    p50: percentile(ascending, 50),
    p99: percentile(ascending, 99),
    max: ascending[ascending.length - 1] ?? null,
  };
}

/** Rounds for display and JSON: 3 significant decimals at most, integers stay integers. */
export function round(value: number, decimals = 3): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
