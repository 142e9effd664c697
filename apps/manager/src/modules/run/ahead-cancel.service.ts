import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { JobState, RunningState } from '@chaconne/contracts';
import { planOf, ScheduleSyncService, type ScheduledJobRow } from '../schedule/schedule-sync.service';
import { SqlBatcher } from '../sql/sql.module';
import { nextFireAfter } from '../trigger/trigger-plan';
import { jobStateReason } from './job-state-reason';
import { RunOutcomes } from './run-outcomes.service';

interface WaitingRun {
  run_id: number | string;
  planned_at: Date;
  attempt: number;
  instance_id: string | null;
  address: string | null;
  state_reason: string | null;
}

/**
 * Runs are sent ahead of their start (README, "On time"). One whose job is paused, deleted,
 * unscheduled or frozen, or whose occurrence the job's new trigger no longer plans, before
 * it starts, ends SKIPPED `cancelled before start: <reason>` and its worker is told to drop
 * it. The outcome is recorded first, so it is the one final record whether or not the worker
 * is reachable; the worker's own report of the cancelled run is kept as a late report.
 */
@Injectable()
export class AheadRunCanceller implements OnModuleInit {
  private readonly logger = new Logger(AheadRunCanceller.name);

  constructor(
    private readonly sql: SqlBatcher,
    private readonly scheduleSync: ScheduleSyncService,
    private readonly outcomes: RunOutcomes,
  ) {}

  onModuleInit(): void {
    this.scheduleSync.onChange(async (row) => {
      await this.cancelUnplanned(row);
    });
  }

  /** Cancels the job's runs not started yet that `row` (its state and trigger now) no longer plans. */
  async cancelUnplanned(row: ScheduledJobRow): Promise<number> {
    try {
      const waiting = await this.sql.query<WaitingRun[]>(
        `SELECT x.run_id, x.planned_at, x.attempt, x.instance_id, x.address, r.state_reason
           FROM chac_job_run x JOIN chac_job_runtime_detail r ON r.job_id = x.job_id
          WHERE x.job_id = ? AND x.running_state = ? AND COALESCE(x.not_before, x.planned_at) > ?`,
        [row.job_id, RunningState.RUNNING, new Date()],
      );
      let cancelled = 0;
      for (const run of waiting) {
        const reason = unplannedReason(row, run);
        if (reason === null) continue;
        const runId = Number(run.run_id);
        const { accepted } = await this.outcomes.record(runId, {
          runningState: RunningState.SKIPPED,
          reason: `cancelled before start: ${reason}`,
          finishedAt: new Date(),
        });
        if (!accepted) continue;
        cancelled++;
        this.logger.log(`run ${runId} of job ${row.job_id} cancelled before start: ${reason}`);
        await this.outcomes.cancelAtWorker(runId, run, reason);
      }
      return cancelled;
    } catch (error) {
      // The run then starts on its worker as planned: its outcome is recorded like any other.
      this.logger.warn(`runs sent ahead of job ${row.job_id} not cancelled: ${(error as Error).message}`);
      return 0;
    }
  }
}

/** Why a run not started yet may not start any more, or null when it still may. */
export function unplannedReason(
  row: ScheduledJobRow,
  run: Pick<WaitingRun, 'planned_at' | 'attempt' | 'state_reason'>,
): string | null {
  switch (row.job_state) {
    case JobState.PAUSED:
    case JobState.NOT_SCHEDULED:
    case JobState.FROZEN:
      return jobStateReason(row.job_state);
    case JobState.FINISHED:
      // Ended by the manager (end date, repeat count, a strategy): its planned runs still run.
      return run.state_reason === null ? 'job is deleted' : null;
    default: {
      // A retry or a manual run is not an occurrence of the trigger.
      if (run.attempt !== 0) return null;
      const plan = planOf(row);
      if (plan.kind !== 'cron' && plan.kind !== 'fixedRate' && plan.kind !== 'once') return null;
      const plannedMs = run.planned_at.getTime();
      return nextFireAfter(plan, plannedMs - 1) === plannedMs
        ? null
        : 'the trigger changed and no longer plans this occurrence';
    }
  }
}
