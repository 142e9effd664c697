import type { ValueTransformer } from 'typeorm';

/** BIGINT columns hold values below 2^53 (ids, milliseconds); read them as numbers, not strings. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/** Millisecond-precision timestamps; all stored in UTC (the connection uses timezone 'Z'). */
export const TIMESTAMP = { type: 'datetime', precision: 3 } as const;
