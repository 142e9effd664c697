import type { RunningState } from '@chaconne/contracts';
import type { RunRecord } from './fault-checker';

/** A `chac_job_run` row as the fault checks read it (mysql2 answers DATETIMEs as Dates). */
export interface RunRow {
  run_id: number | string;
  job_id: number;
  planned_at: Date;
  attempt: number;
  running_state: number;
  reason: string | null;
  started_at: Date | null;
  finished_at: Date | null;
}

/** The columns of {@link RunRow}, for a SELECT on `chac_job_run`. */
export const RUN_ROW_COLUMNS =
  'run_id, job_id, planned_at, attempt, running_state, reason, started_at, finished_at';

/**
 * What the manager writes when it records a stretch of missed occurrences as one SKIPPED
 * run (fire.service.ts): `misfire: [at least ]N occurrence(s) from <ISO> to <ISO> missed ...`.
 */
const MISFIRE_STRETCH = /^misfire: (at least )?(\d+) occurrences? from (\S+) to (\S+) missed/;

/** A run row as the checker takes it, with the stretch of occurrences a misfire record covers. */
export function toRunRecord(row: RunRow): RunRecord {
  const record: RunRecord = {
    runId: Number(row.run_id),
    jobId: row.job_id,
    plannedAt: row.planned_at.getTime(),
    attempt: row.attempt,
    runningState: row.running_state as RunningState,
    reason: row.reason,
    finishedAt: row.finished_at?.getTime() ?? null,
  };
  const stretch = row.reason === null ? null : MISFIRE_STRETCH.exec(row.reason);
  if (!stretch) return record;
  return {
    ...record,
    covers: {
      firstMs: Date.parse(stretch[3] ?? ''),
      lastMs: Date.parse(stretch[4] ?? ''),
      count: Number(stretch[2]),
      atLeast: stretch[1] !== undefined,
    },
  };
}
