import type { RunRow } from './database';

/** One first-attempt run of an occurrence, wherever it was observed (a MySQL row, a BullMQ job). */
export interface Occurrence {
  /** The job (a job id, or a BullMQ job scheduler id). */
  key: number | string;
  plannedMs: number;
  /** When its handler started; null if it never did (skipped, failed before dispatch, lost). */
  startedMs: number | null;
}

/** The first-attempt runs among stored run rows, as occurrences (retries are not occurrences). */
export function firstAttempts(rows: readonly RunRow[]): Occurrence[] {
  return rows
    .filter((r) => r.attempt === 0)
    .map((r) => ({
      key: r.job_id,
      plannedMs: r.planned_at.getTime(),
      startedMs: r.started_at?.getTime() ?? null,
    }));
}

export interface OccurrenceCounts {
  /** Occurrences that should have run: every key at every slot. */
  expected: number;
  /** Of those, how many had a handler start. */
  started: number;
  /** Expected occurrences with no handler start. */
  missing: number;
  /** Extra first-attempt runs of an expected occurrence (two runs of one occurrence count 1). */
  duplicated: number;
  /** Handler start minus planned time of every started occurrence, ms. */
  latenessMs: number[];
}

const slotId = (key: number | string, plannedMs: number): string => `${key}@${plannedMs}`;

/**
 * Compares what ran with what should have: each of `keys` once at each of `slots`.
 * Occurrences outside that grid (before or after the counting window) are ignored.
 */
export function countOccurrences(
  keys: readonly (number | string)[],
  slots: readonly number[],
  occurrences: Iterable<Occurrence>,
): OccurrenceCounts {
  const expected = new Set<string>();
  for (const key of keys) for (const slot of slots) expected.add(slotId(key, slot));
  const runs = new Map<string, number>();
  const started = new Set<string>();
  const latenessMs: number[] = [];
  for (const occurrence of occurrences) {
    const id = slotId(occurrence.key, occurrence.plannedMs);
    if (!expected.has(id)) continue;
    runs.set(id, (runs.get(id) ?? 0) + 1);
    if (occurrence.startedMs !== null) {
      started.add(id);
      latenessMs.push(occurrence.startedMs - occurrence.plannedMs);
    }
  }
  let duplicated = 0;
  for (const count of runs.values()) duplicated += count - 1;
  return {
    expected: expected.size,
    started: started.size,
    missing: expected.size - started.size,
    duplicated,
    latenessMs,
  };
}

/** How many items repeat an identity already seen (n copies of one identity count n - 1). */
export function countRepeats<T>(items: Iterable<T>, identity: (item: T) => string): number {
  const seen = new Set<string>();
  let repeats = 0;
  for (const item of items) {
    const id = identity(item);
    if (seen.has(id)) repeats++;
    else seen.add(id);
  }
  return repeats;
}

/** The whole seconds from `fromMs` to `toMs`, both ends included when they are whole seconds. */
export function secondsBetween(fromMs: number, toMs: number): number[] {
  const slots: number[] = [];
  for (let s = Math.ceil(fromMs / 1000) * 1000; s <= toMs; s += 1000) slots.push(s);
  return slots;
}
