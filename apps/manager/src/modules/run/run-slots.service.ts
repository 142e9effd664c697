import { Injectable } from '@nestjs/common';
import { JobState, RunningState } from '@chaconne/contracts';
import { SqlBatcher } from '../sql/sql.module';

/** Refused: `holder` is the run in flight, or null when the job may not start runs now (e.g. it just froze). */
export type SlotClaim = { acquired: true } | { acquired: false; holder: number | null; jobState: number };

interface SlotRow {
  active_run_id: number | string | null;
  holder_state: number | null;
  holder_finished_at: Date | null;
  job_state: number;
}

/**
 * A slot still held this long after its run ended was left behind (its manager died
 * before handing it over) and may be taken. Shorter: the run that ended is handing it to
 * its retry or to the waiting run right now.
 */
const ABANDONED_AFTER_MS = 10_000;

/** States in which a scheduled occurrence may take the slot. */
const SCHEDULED_STATES = [JobState.SCHEDULING, JobState.RUNNING];

/**
 * A job's overlap slot (policies other than ALLOW): the run holding it is the job's one
 * run in flight. The slot lives in the job's runtime row and changes hands only through
 * conditional UPDATEs, so every manager and every instance sees the same owner. The
 * outcome pipeline hands it to the run's retry, else to the waiting run (QUEUE_ONE), else
 * releases it, in the same statement that records the outcome.
 */
@Injectable()
export class RunSlots {
  constructor(private readonly sql: SqlBatcher) {}

  /**
   * Takes the slot for `runId`; a slot held by a run that already ended is taken over.
   * A scheduled occurrence takes it only while the job is scheduled, so none starts once
   * the job froze or finished, whatever the manager read before.
   */
  async acquire(jobId: number, runId: number, scheduled: boolean): Promise<SlotClaim> {
    const states = scheduled ? SCHEDULED_STATES : null;
    const stateClause = states ? ` AND job_state IN (${states.map(() => '?').join(',')})` : '';
    for (let tries = 0; tries < 3; tries++) {
      const taken = await this.sql.query<{ affectedRows: number }>(
        `UPDATE chac_job_runtime_detail SET active_run_id = ? WHERE job_id = ? AND active_run_id IS NULL${stateClause}`,
        [runId, jobId, ...(states ?? [])],
      );
      if (taken.affectedRows === 1) return { acquired: true };
      const rows = await this.sql.query<SlotRow[]>(
        `SELECT r.active_run_id, r.job_state, x.running_state AS holder_state, x.finished_at AS holder_finished_at
           FROM chac_job_runtime_detail r
           LEFT JOIN chac_job_run x ON x.run_id = r.active_run_id WHERE r.job_id = ?`,
        [jobId],
      );
      const row = rows[0];
      if (!row) return { acquired: false, holder: null, jobState: JobState.FINISHED };
      if (states && !states.includes(row.job_state as (typeof SCHEDULED_STATES)[number])) {
        return { acquired: false, holder: null, jobState: row.job_state };
      }
      const holder = row.active_run_id;
      if (holder === null) continue; // released meanwhile: try again
      if (Number(holder) === runId) return { acquired: true };
      const handingOver =
        row.holder_finished_at !== null && Date.now() - row.holder_finished_at.getTime() < ABANDONED_AFTER_MS;
      if (row.holder_state === RunningState.RUNNING || handingOver) {
        return { acquired: false, holder: Number(holder), jobState: row.job_state };
      }
      // The holder ended long ago (or is gone) but kept the slot: take it over.
      const stolen = await this.sql.query<{ affectedRows: number }>(
        'UPDATE chac_job_runtime_detail SET active_run_id = ? WHERE job_id = ? AND active_run_id = ?',
        [runId, jobId, holder],
      );
      if (stolen.affectedRows === 1) return { acquired: true };
    }
    return { acquired: false, holder: null, jobState: JobState.RUNNING };
  }

  /**
   * QUEUE_ONE: makes `runId` the job's one waiting run; false when another run waits
   * already. A run that queued while the slot was being released takes the slot itself
   * (answers 'acquired'), so no queued run is left behind.
   */
  async enqueue(jobId: number, runId: number): Promise<'queued' | 'acquired' | 'full'> {
    const queued = await this.sql.query<{ affectedRows: number }>(
      `UPDATE chac_job_runtime_detail r SET r.queued_run_id = ?
        WHERE r.job_id = ? AND (r.queued_run_id IS NULL OR r.queued_run_id = ? OR NOT EXISTS
              (SELECT 1 FROM chac_job_run x WHERE x.run_id = r.queued_run_id AND x.running_state = ?))`,
      [runId, jobId, runId, RunningState.RUNNING],
    );
    if (queued.affectedRows === 0) return 'full';
    return (await this.takeQueued(jobId, runId)) ? 'acquired' : 'queued';
  }

  private async takeQueued(jobId: number, runId: number): Promise<boolean> {
    const moved = await this.sql.query<{ affectedRows: number }>(
      `UPDATE chac_job_runtime_detail SET active_run_id = queued_run_id, queued_run_id = NULL
        WHERE job_id = ? AND active_run_id IS NULL AND queued_run_id = ?`,
      [jobId, runId],
    );
    return moved.affectedRows === 1;
  }
}
