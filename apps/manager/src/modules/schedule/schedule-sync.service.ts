import { Injectable, Logger } from '@nestjs/common';
import { JobState, RunningState } from '@chaconne/contracts';
import { DataSource } from 'typeorm';
import { nextFireAfter, planFromTrigger, type TriggerPlan } from '../trigger/trigger-plan';
import { JobRuntimeRepository } from '../job-runtime/job-runtime.repository';
import { FireQueue } from './fire-queue.service';

/** A job's trigger and state as the scheduler needs them. */
export interface ScheduledJobRow {
  job_id: number;
  trigger_type: number;
  trigger_description: string;
  start_date: Date | null;
  time_zone: string;
  job_state: number;
  create_date: Date;
  /** What the runtime row holds; undefined when not read (then it is written). */
  next_execution_time?: Date | null;
  /** The latest occurrence its ticks handled (or a misfire covered); undefined when not read. */
  last_planned_at?: Date | null;
}

export const SCHEDULED_JOB_SELECT = `
  SELECT t.job_id, t.trigger_type, t.trigger_description, t.start_date, t.time_zone,
         r.job_state, d.create_date, r.next_execution_time, r.last_planned_at
    FROM chac_job_trigger_detail t
    JOIN chac_job_runtime_detail r ON r.job_id = t.job_id
    JOIN chac_job_detail d ON d.job_id = t.job_id`;

/** States in which a job's occurrences keep coming (a paused job's are recorded as skipped). */
export const ACTIVE_STATES: readonly number[] = [JobState.SCHEDULING, JobState.RUNNING, JobState.PAUSED];

export function planOf(row: ScheduledJobRow): TriggerPlan {
  return planFromTrigger({
    triggerType: row.trigger_type,
    triggerDescription: row.trigger_description,
    startDate: row.start_date,
    timeZone: row.time_zone,
  });
}

/** Told of a job whose state or trigger changed, with the row its schedule was applied from. */
export type ScheduleChangeListener = (row: ScheduledJobRow) => Promise<void>;

/** Makes Redis hold exactly the schedule MySQL describes for one job. */
@Injectable()
export class ScheduleSyncService {
  private readonly logger = new Logger(ScheduleSyncService.name);
  private readonly listeners: ScheduleChangeListener[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly fireQueue: FireQueue,
    private readonly runtime: JobRuntimeRepository,
  ) {}

  /**
   * Listens to schedule changes (a job paused, deleted, re-planned: every {@link sync}); the
   * run module cancels the runs it sent ahead that are no longer planned. Listeners handle
   * their own failures.
   */
  onChange(listener: ScheduleChangeListener): void {
    this.listeners.push(listener);
  }

  /** Applies one job's schedule; a failure also tells the reconciler that Redis may be missing it. */
  async sync(jobId: number): Promise<void> {
    let row: ScheduledJobRow | undefined;
    try {
      const rows = await this.dataSource.query<ScheduledJobRow[]>(
        `${SCHEDULED_JOB_SELECT} WHERE t.job_id = ?`,
        [jobId],
      );
      row = rows[0];
      // A deleted job: its queued tick finds no job and queues no next one.
      if (row) await this.apply(row);
    } catch (error) {
      await this.fireQueue.markIntact(false).catch(() => undefined);
      throw error;
    }
    if (row) for (const listener of this.listeners) await listener(row);
  }

  /** Like {@link sync}, but a Redis outage only logs: the reconciler repairs it later. */
  async syncQuietly(jobId: number): Promise<void> {
    try {
      await this.sync(jobId);
    } catch (error) {
      this.logger.warn(
        `schedule of job ${jobId} not applied yet (${(error as Error).message}); the reconciler will retry`,
      );
    }
  }

  /**
   * A job just created (SCHEDULING, no runs yet): its first fire goes to Redis with no read
   * of MySQL. A Redis outage only logs; the reconciler adds it later.
   */
  async scheduleNewQuietly(row: ScheduledJobRow): Promise<void> {
    const plan = planOf(row);
    try {
      if (plan.kind === 'cron' || plan.kind === 'fixedRate') {
        const next = nextFireAfter(plan, Date.now());
        if (next !== null) await this.fireQueue.enqueue('tick', row.job_id, next);
      } else if (plan.kind === 'once') {
        await this.fireQueue.enqueue('once', row.job_id, plan.atMs);
      } else if (plan.kind === 'fixedDelay') {
        await this.fireQueue.enqueue(
          'delay',
          row.job_id,
          plan.startMs ?? row.create_date.getTime() + plan.periodMs,
        );
      }
    } catch (error) {
      this.logger.warn(
        `schedule of job ${row.job_id} not applied yet (${(error as Error).message}); the reconciler will retry`,
      );
      await this.fireQueue.markIntact(false).catch(() => undefined);
    }
  }

  /**
   * Applies one job's schedule: an active recurring job gets its next tick queued (a no-op
   * when it is; the tick of an old trigger revision finds itself stale when it fires), and
   * its next execution time is stored. One-shot and fixed-delay fires are put back only
   * when Redis may have lost them (`intact` false), after checking MySQL for their run.
   *
   * `resume` (the reconciler, after Redis may have lost ticks): a recurring chain starts
   * again at its first occurrence no tick handled, not at the next one. That tick fires at
   * once and, late, records every occurrence since as one misfire; begun at the next one,
   * the occurrences of the last misfire threshold before it were never recorded at all (the
   * tick leaves a gap that young alone, as another manager may be handling it).
   */
  async apply(row: ScheduledJobRow, intact = false, resume = false): Promise<void> {
    const plan = planOf(row);
    const active = ACTIVE_STATES.includes(row.job_state);
    const upcoming = nextFireAfter(plan, Date.now());
    const next = active ? upcoming : null;
    if (upcoming !== null && (plan.kind === 'cron' || plan.kind === 'fixedRate')) {
      // An inactive job's waiting tick leaves at once (one being handled ends the chain itself).
      const start = this.chainStart(plan, row, upcoming, resume);
      // A chain resumed in the past restarts at the occurrence whose fire may have failed.
      if (active && start < upcoming) await this.fireQueue.enqueueAgain('tick', row.job_id, start);
      else if (active) await this.fireQueue.enqueue('tick', row.job_id, upcoming);
      else await this.fireQueue.drop('tick', row.job_id, upcoming);
    }
    if (active && !intact) {
      if (plan.kind === 'once') await this.ensureOnce(row.job_id, plan.atMs);
      if (plan.kind === 'fixedDelay') await this.ensureNextDelay(row, plan.periodMs, plan.startMs);
    }
    const stored =
      row.next_execution_time === undefined ? undefined : (row.next_execution_time?.getTime() ?? null);
    if (stored !== next) {
      await this.runtime.setNextExecution(row.job_id, next === null ? null : new Date(next));
    }
  }

  /** Where a recurring chain (re)starts: the next occurrence, or the first one not handled when resuming. */
  private chainStart(plan: TriggerPlan, row: ScheduledJobRow, upcoming: number, resume: boolean): number {
    if (!resume || !row.last_planned_at) return upcoming;
    const first = nextFireAfter(plan, row.last_planned_at.getTime());
    return first !== null && first < upcoming ? first : upcoming;
  }

  /** After a run ends: a fixed-delay job's next occurrence is counted from now. */
  async onRunFinished(jobId: number): Promise<void> {
    const rows = await this.dataSource.query<ScheduledJobRow[]>(
      `${SCHEDULED_JOB_SELECT} WHERE t.job_id = ?`,
      [jobId],
    );
    const row = rows[0];
    if (!row || !ACTIVE_STATES.includes(row.job_state)) return;
    const plan = planOf(row);
    if (plan.kind !== 'fixedDelay') return;
    try {
      await this.ensureNextDelay(row, plan.periodMs, plan.startMs);
    } catch (error) {
      this.logger.warn(
        `next occurrence of job ${jobId} not queued (${(error as Error).message}); the reconciler will add it`,
      );
      await this.fireQueue.markIntact(false).catch(() => undefined);
    }
  }

  private async ensureOnce(jobId: number, atMs: number): Promise<void> {
    if (!(await this.hasRun(jobId, atMs))) await this.fireQueue.enqueue('once', jobId, atMs);
  }

  /**
   * Fixed delay: the next occurrence is `period` after the latest run ended (or after the
   * start date / creation for the first). Derived from MySQL only, so it is deterministic
   * and a reconcile can re-create it after Redis lost it.
   */
  private async ensureNextDelay(
    row: ScheduledJobRow,
    periodMs: number,
    startMs: number | null,
  ): Promise<void> {
    const latest = await this.dataSource.query<
      { running_state: number; planned_at: Date; finished_at: Date | null }[]
    >(
      'SELECT running_state, planned_at, finished_at FROM chac_job_run WHERE job_id = ? ORDER BY planned_at DESC LIMIT 1',
      [row.job_id],
    );
    const last = latest[0];
    if (last?.running_state === RunningState.RUNNING) return;
    const atMs = last
      ? (last.finished_at ?? last.planned_at).getTime() + periodMs
      : (startMs ?? row.create_date.getTime() + periodMs);
    if (!(await this.hasRun(row.job_id, atMs))) await this.fireQueue.enqueue('delay', row.job_id, atMs);
  }

  private async hasRun(jobId: number, plannedAt: number): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM chac_job_run WHERE job_id = ? AND planned_at = ? LIMIT 1',
      [jobId, new Date(plannedAt)],
    );
    return rows.length > 0;
  }
}
