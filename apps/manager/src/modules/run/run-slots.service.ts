import { Injectable } from '@nestjs/common';
import { JobState, RunningState } from '@chaconne/contracts';
import { JobRuntimeRepository } from '../job-runtime/job-runtime.repository';

/** Refused: `holder` is the run in flight, or null when the job may not start runs now (e.g. it just froze). */
export type SlotClaim = { acquired: true } | { acquired: false; holder: number | null; jobState: number };

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
  constructor(private readonly runtime: JobRuntimeRepository) {}

  /**
   * Takes the slot for `runId`; a slot held by a run that already ended is taken over.
   * A scheduled occurrence takes it only while the job is scheduled, so none starts once
   * the job froze or finished, whatever the manager read before.
   */
  async acquire(jobId: number, runId: number, scheduled: boolean): Promise<SlotClaim> {
    const states = scheduled ? SCHEDULED_STATES : null;
    for (let tries = 0; tries < 3; tries++) {
      if (await this.runtime.takeFreeSlot(jobId, runId, states)) return { acquired: true };
      const row = await this.runtime.slotOf(jobId);
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
      if (await this.runtime.passSlot(jobId, Number(holder), runId)) return { acquired: true };
    }
    return { acquired: false, holder: null, jobState: JobState.RUNNING };
  }

  /**
   * QUEUE_ONE: makes `runId` the job's one waiting run; false when another run waits
   * already. A run that queued while the slot was being released takes the slot itself
   * (answers 'acquired'), so no queued run is left behind.
   */
  async enqueue(jobId: number, runId: number): Promise<'queued' | 'acquired' | 'full'> {
    if (!(await this.runtime.queueRun(jobId, runId))) return 'full';
    return (await this.runtime.takeSlotForQueued(jobId, runId)) ? 'acquired' : 'queued';
  }
}
