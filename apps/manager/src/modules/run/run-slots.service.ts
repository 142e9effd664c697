import { Injectable } from '@nestjs/common';
import { RunningState } from '@chaconne/contracts';
import { DataSource } from 'typeorm';

export type SlotClaim = { acquired: true } | { acquired: false; holder: number };

interface SlotRow {
  active_run_id: number | string | null;
  holder_state: number | null;
}

/**
 * A job's overlap slot (policies other than ALLOW): the run holding it is the job's one
 * run in flight. The slot lives in the job's runtime row and changes hands only through
 * conditional UPDATEs, so every manager and every instance sees the same owner. The
 * outcome pipeline releases it (or hands it to the run's retry) in the same statement
 * that records the outcome.
 */
@Injectable()
export class RunSlots {
  constructor(private readonly dataSource: DataSource) {}

  /** Takes the slot for `runId`; a slot held by a run that already ended is taken over. */
  async acquire(jobId: number, runId: number): Promise<SlotClaim> {
    for (let tries = 0; tries < 3; tries++) {
      const taken = await this.dataSource.query<{ affectedRows: number }>(
        'UPDATE chac_job_runtime_detail SET active_run_id = ? WHERE job_id = ? AND active_run_id IS NULL',
        [runId, jobId],
      );
      if (taken.affectedRows === 1) return { acquired: true };
      const rows = await this.dataSource.query<SlotRow[]>(
        `SELECT r.active_run_id, x.running_state AS holder_state FROM chac_job_runtime_detail r
           LEFT JOIN chac_job_run x ON x.run_id = r.active_run_id WHERE r.job_id = ?`,
        [jobId],
      );
      const holder = rows[0]?.active_run_id;
      if (holder === undefined) return { acquired: false, holder: 0 };
      if (holder === null) continue; // released meanwhile: try again
      if (Number(holder) === runId) return { acquired: true };
      if (rows[0]?.holder_state === RunningState.RUNNING) return { acquired: false, holder: Number(holder) };
      // The holder has an outcome (or is gone) but kept the slot: take it over.
      const stolen = await this.dataSource.query<{ affectedRows: number }>(
        'UPDATE chac_job_runtime_detail SET active_run_id = ? WHERE job_id = ? AND active_run_id = ?',
        [runId, jobId, holder],
      );
      if (stolen.affectedRows === 1) return { acquired: true };
    }
    return { acquired: false, holder: 0 };
  }

  /**
   * QUEUE_ONE: makes `runId` the job's one waiting run; false when another run waits
   * already. A run that queued while the slot was being released takes the slot itself
   * (answers 'acquired'), so no queued run is left behind.
   */
  async enqueue(jobId: number, runId: number): Promise<'queued' | 'acquired' | 'full'> {
    const queued = await this.dataSource.query<{ affectedRows: number }>(
      `UPDATE chac_job_runtime_detail r SET r.queued_run_id = ?
        WHERE r.job_id = ? AND (r.queued_run_id IS NULL OR r.queued_run_id = ? OR NOT EXISTS
              (SELECT 1 FROM chac_job_run x WHERE x.run_id = r.queued_run_id AND x.running_state = ?))`,
      [runId, jobId, runId, RunningState.RUNNING],
    );
    if (queued.affectedRows === 0) return 'full';
    return (await this.takeQueued(jobId, runId)) ? 'acquired' : 'queued';
  }

  /** After the slot was released: the waiting run, now holding the slot, or null. */
  async promoteQueued(jobId: number): Promise<number | null> {
    const rows = await this.dataSource.query<{ queued_run_id: number | string | null }[]>(
      'SELECT queued_run_id FROM chac_job_runtime_detail WHERE job_id = ?',
      [jobId],
    );
    const queued = rows[0]?.queued_run_id;
    if (queued === null || queued === undefined) return null;
    return (await this.takeQueued(jobId, Number(queued))) ? Number(queued) : null;
  }

  private async takeQueued(jobId: number, runId: number): Promise<boolean> {
    const moved = await this.dataSource.query<{ affectedRows: number }>(
      `UPDATE chac_job_runtime_detail SET active_run_id = queued_run_id, queued_run_id = NULL
        WHERE job_id = ? AND active_run_id IS NULL AND queued_run_id = ?`,
      [jobId, runId],
    );
    return moved.affectedRows === 1;
  }
}
