import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  ErrorCode,
  JobState,
  MisfirePolicy,
  OverlapPolicy,
  type ResolvedRunPolicy,
  RunningState,
} from '@chaconne/contracts';
import { Conflict, NotFound, ValidationFailed } from '../../common/app-error';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { storedRunPolicy } from '../job-definition/dto/run-policy.dto';
import { JobLifecycleService } from '../job-definition/job-lifecycle.service';
import { JobRuntimeRepository } from '../job-runtime/job-runtime.repository';
import { ManagerPlugins } from '../policy/manager-plugins';
import { missedBetween } from '../policy/misfire';
import { type Fire, FireQueue } from '../schedule/fire-queue.service';
import {
  ACTIVE_STATES,
  SCHEDULED_JOB_SELECT,
  planOf,
  type ScheduledJobRow,
} from '../schedule/schedule-sync.service';
import { nextFireAfter } from '../trigger/trigger-plan';
import { JobCompletion } from './job-completion.service';
import { jobStateReason } from './job-state-reason';
import { jobKeyOf, type LaunchableJob, RunLauncher } from './run-launcher.service';
import { RunOutcomes } from './run-outcomes.service';
import { RunSlots } from './run-slots.service';
import { RunStore } from './run-store.service';
import { SqlBatcher } from '../sql/sql.module';

interface FireJobRow extends ScheduledJobRow, LaunchableJob {
  end_date: Date | null;
  repeat_count: number;
  run_count: number;
  run_policy: string | null;
  last_planned_at: Date | null;
  consecutive_failures: number;
}

const FIRE_SELECT = SCHEDULED_JOB_SELECT.replace(
  'SELECT ',
  `SELECT d.cluster_name, d.group_name, d.job_name, d.job_class_name, d.attachment, d.timeout, d.retries,
          d.executor, d.run_policy, t.end_date, t.repeat_count, r.run_count, r.consecutive_failures, `,
);

/** States in which a waiting run (retry, queued run) may still be sent. */
const LAUNCHABLE_STATES: readonly number[] = [...ACTIVE_STATES, JobState.NOT_SCHEDULED];

const iso = (ms: number): string => new Date(ms).toISOString();

/** How many times a tick decides again when the watermark moved under it before its fire fails (and is retried). */
const WATERMARK_ATTEMPTS = 5;

/**
 * The fire pipeline (DESIGN.md §3): load the job, apply its policy (paused, end date,
 * misfire, termination strategy, repeat count, overlap), create the run (unique per
 * occurrence), and hand it to the launcher.
 */
@Injectable()
export class FireService implements OnApplicationBootstrap {
  private readonly logger = new Logger(FireService.name);

  constructor(
    private readonly sql: SqlBatcher,
    private readonly fireQueue: FireQueue,
    private readonly runs: RunStore,
    private readonly slots: RunSlots,
    private readonly runtime: JobRuntimeRepository,
    private readonly launcher: RunLauncher,
    private readonly outcomes: RunOutcomes,
    private readonly lifecycle: JobLifecycleService,
    private readonly completion: JobCompletion,
    private readonly plugins: ManagerPlugins,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.fireQueue.start((fire) => this.fire(fire));
  }

  async fire(fire: Fire): Promise<void> {
    if (fire.runId !== undefined) {
      await this.launchWaiting({ ...fire, runId: fire.runId });
      return;
    }
    const { jobId, plannedAt } = fire;
    const job = await this.load(jobId);
    // A fire that outlived its job (deleted, finished, frozen) is dropped: a recurring job's
    // chain of ticks ends there, and its next sync queues a new one.
    if (!job || !ACTIVE_STATES.includes(job.job_state)) return;
    const planned = new Date(plannedAt);
    // End date: the first occurrence after it finishes the job.
    if (job.end_date && plannedAt > job.end_date.getTime()) {
      await this.terminate(job, planned, `end date ${job.end_date.toISOString()} has passed`);
      return;
    }
    // Repeat count used up: no occurrence is left (the chain of ticks ends here); the job
    // finishes when its last run is final.
    if (job.repeat_count > 0 && job.run_count >= job.repeat_count) return;
    const policy = storedRunPolicy(job.run_policy);
    // One moment for the chain and the misfire check, so both agree on whether it is late.
    const now = Date.now();
    if (fire.recurring && !(await this.queueNextTick(job, policy, plannedAt, now))) return;
    await this.occur(job, policy, fire, now);
    // Its trigger's last occurrence (a one-shot's only one): the job finishes once it is final.
    if (nextFireAfter(planOf(job), plannedAt) === null) await this.completion.finishIfDone(jobId);
  }

  /** One scheduled occurrence: skipped while paused or late, ended by a strategy, else run. */
  private async occur(job: FireJobRow, policy: ResolvedRunPolicy, fire: Fire, now: number): Promise<void> {
    const planned = new Date(fire.plannedAt);
    if (job.job_state === JobState.PAUSED) {
      await this.runs.recordEnded(job.job_id, planned, RunningState.SKIPPED, jobStateReason(JobState.PAUSED));
      return;
    }
    if (!(await this.withinDeadline(job, policy, fire, now))) return;
    if (policy.terminationStrategy !== null) {
      const reason = await this.askTerminationStrategy(job, policy.terminationStrategy, planned);
      if (reason !== null) {
        await this.terminate(job, planned, reason);
        return;
      }
    }
    await this.start(job, policy, planned, { scheduled: true, force: false });
  }

  /**
   * Runs a job now, outside its schedule (Chaconne's triggerJob), optionally with another
   * attachment; answers the run id. Manual runs do not count against the repeat count.
   * The overlap policy applies unless `force`: under SKIP a job with a run in flight
   * answers 409 RUN_IN_PROGRESS and nothing is recorded.
   */
  async runNow(jobId: number, attachment?: string | null, force = false): Promise<number> {
    const job = await this.load(jobId);
    if (!job) throw new NotFound(ErrorCode.JOB_NOT_FOUND, `no job ${jobId}`);
    if (job.job_state === JobState.FINISHED) {
      throw new Conflict(ErrorCode.STATE_CONFLICT, `job ${jobId} is FINISHED: triggerJob is not possible`, {
        jobState: job.job_state,
      });
    }
    if (job.executor === 'http' && attachment !== undefined) {
      // An xcron task's attachment is its callback: an override would bypass createTask's checks.
      throw ValidationFailed.of(
        'attachment',
        "cannot be overridden for an HTTP callback task (its attachment is the task's callback)",
      );
    }
    const policy = storedRunPolicy(job.run_policy);
    if (!force && policy.overlapPolicy === OverlapPolicy.SKIP) {
      const holder = await this.runtime.openSlotHolder(jobId, false);
      if (holder !== null) throw this.inProgress(jobId, holder, policy.overlapPolicy);
    }
    const started = await this.start(
      attachment === undefined ? job : { ...job, attachment },
      policy,
      new Date(),
      { scheduled: false, force },
    );
    if (started.skippedFor !== null) throw this.inProgress(jobId, started.skippedFor, policy.overlapPolicy);
    return started.runId;
  }

  /**
   * Creates the occurrence's run and sends it, within the overlap policy. Answers the run
   * and, when SKIP refused it, the run that holds the job.
   */
  private async start(
    job: FireJobRow,
    policy: ResolvedRunPolicy,
    planned: Date,
    how: { scheduled: boolean; force: boolean },
  ): Promise<{ runId: number; skippedFor: number | null }> {
    const claimed = how.scheduled
      ? { ...(await this.runs.claim(job.job_id, planned, 0)), plannedAt: planned }
      : await this.runs.claimManual(job.job_id, planned);
    const result = { runId: claimed.runId, skippedFor: null as number | null };
    if (!claimed.needsDispatch) return result;

    let last = false;
    // Only jobs with a repeat count pay for counting occurrences.
    if (how.scheduled && claimed.fresh && job.repeat_count > 0) {
      const occurrence = await this.runs.countOccurrence(job.job_id);
      if (!occurrence.allowed) {
        // Another manager counted the last allowed occurrence meanwhile.
        await this.skip(claimed.runId, 'repeat count reached');
        return result;
      }
      last = occurrence.last;
    }
    if (!how.force && policy.overlapPolicy !== OverlapPolicy.ALLOW) {
      const admitted = await this.admit(job, policy, claimed.runId, how.scheduled ? claimed.plannedAt : null);
      if (admitted !== true) {
        if (typeof admitted === 'number') result.skippedFor = admitted;
        return result;
      }
    }
    // The last occurrence the repeat count allows has no next one.
    const next = last ? null : nextFireAfter(planOf(job), Math.max(claimed.plannedAt.getTime(), Date.now()));
    const execution = { nextExecution: next === null ? null : new Date(next) };
    const sent = await this.launcher.launch(job, policy, {
      runId: claimed.runId,
      plannedAt: claimed.plannedAt,
      attempt: 0,
      previousInstanceId: null,
      execution,
      // A scheduled occurrence is sent ahead and starts at its time; a manual run at once.
      ...(how.scheduled ? { startAt: claimed.plannedAt.getTime() } : {}),
    });
    if (!sent) await this.runs.recordExecution(job.job_id, execution.nextExecution);
    // Repeat count: the job finishes once its last allowed run is final (it may be retried).
    if (last) await this.completion.finishIfDone(job.job_id);
    return result;
  }

  /**
   * The overlap policy, enforced through the job's slot (shared by every manager):
   * answers true when the run may go, 'queued' when it waits (QUEUE_ONE), or the run
   * holding the job when it was skipped (null: the job may not start runs now).
   * A scheduled occurrence (`plannedAt`) handled ahead of its time while another run holds
   * the job is decided at its time: that run may well end before then.
   */
  private async admit(
    job: FireJobRow,
    policy: ResolvedRunPolicy,
    runId: number,
    plannedAt: Date | null,
  ): Promise<true | 'queued' | number | null> {
    const scheduled = plannedAt !== null;
    let claim = await this.slots.acquire(job.job_id, runId, scheduled);
    if (claim.acquired) return true;
    const early = plannedAt === null ? 0 : plannedAt.getTime() - Date.now();
    if (claim.holder !== null && early > 0) {
      await sleep(early);
      claim = await this.slots.acquire(job.job_id, runId, scheduled);
      if (claim.acquired) return true;
    }
    if (claim.holder === null) {
      await this.skip(runId, jobStateReason(claim.jobState));
      return null;
    }
    const holder = claim.holder;
    if (policy.overlapPolicy === OverlapPolicy.QUEUE_ONE) {
      const queued = await this.slots.enqueue(job.job_id, runId);
      if (queued === 'acquired') return true;
      if (queued === 'queued') {
        this.logger.debug(`run ${runId} of job ${job.job_id} waits for run ${holder}`);
        return 'queued';
      }
      await this.skip(runId, `overlap: run ${holder} is still running and another run is already waiting`);
      return holder;
    }
    if (policy.overlapPolicy === OverlapPolicy.REPLACE) {
      await this.outcomes.cancel(holder, `replaced by run ${runId}`, 'replaced');
      claim = await this.slots.acquire(job.job_id, runId, scheduled);
      if (claim.acquired) return true;
    }
    await this.skip(runId, `overlap: run ${holder} is still running`);
    return holder;
  }

  private async skip(runId: number, reason: string): Promise<void> {
    await this.outcomes.record(runId, { runningState: RunningState.SKIPPED, reason, finishedAt: new Date() });
  }

  /**
   * A run that waited (a retry after its backoff, a queued run) is sent, ahead of its time
   * like an occurrence; one waiting for capacity is sent at once.
   */
  private async launchWaiting(fire: Fire & { runId: number }): Promise<void> {
    const { runId } = fire;
    const waiting = await this.runs.pendingLaunch(runId);
    if (!waiting) return; // already sent, or it got an outcome meanwhile
    const job = await this.load(waiting.jobId);
    if (!job) return;
    if (!LAUNCHABLE_STATES.includes(job.job_state) || job.job_state === JobState.PAUSED) {
      await this.skip(runId, jobStateReason(job.job_state));
      return;
    }
    await this.launcher.launch(
      job,
      storedRunPolicy(job.run_policy),
      fire.waitingSince === undefined
        ? { ...waiting, startAt: fire.plannedAt }
        : { ...waiting, waitingSince: fire.waitingSince },
    );
  }

  /**
   * A recurring job's ticks form a chain: each queues the next before anything else, so a
   * tick that fails or crashes half-way still leaves one (and a redelivered tick queues the
   * same one again, a no-op). The next one follows this occurrence; after a misfire (a
   * tick later than its deadline) it follows now, the backlog being one misfire. A tick of
   * an old trigger revision (the trigger changed while it waited) only joins the chain of
   * the current trigger and answers false: it is not an occurrence any more.
   */
  private async queueNextTick(
    job: FireJobRow,
    policy: ResolvedRunPolicy,
    plannedAt: number,
    now: number,
  ): Promise<boolean> {
    const plan = planOf(job);
    const current = nextFireAfter(plan, plannedAt - 1) === plannedAt;
    const late = now - plannedAt > this.recurringDeadlineMs(policy);
    const next = nextFireAfter(plan, current && !late ? plannedAt : Math.max(plannedAt, now));
    if (next !== null) await this.fireQueue.enqueue('tick', job.job_id, next);
    return current;
  }

  /** How late a fire may start: the job's start deadline, else the misfire threshold for recurring ticks. */
  private deadlineMs(policy: ResolvedRunPolicy, recurring: boolean): number | null {
    if (recurring) return this.recurringDeadlineMs(policy);
    return policy.startDeadlineSeconds === null ? null : policy.startDeadlineSeconds * 1000;
  }

  private recurringDeadlineMs(policy: ResolvedRunPolicy): number {
    return policy.startDeadlineSeconds === null
      ? this.config.misfireThresholdMs
      : policy.startDeadlineSeconds * 1000;
  }

  /**
   * Misfires. A tick handled later than the job's start deadline (or, for recurring
   * schedules, the manager's misfire threshold) after its planned time, and any
   * occurrences that never got a tick (no manager ran, Redis lost the schedule), are
   * handled once per outage by the misfire policy: DO_NOTHING records one SKIPPED run
   * for all of them; FIRE_ONCE_NOW runs one of them now. Answers whether this tick runs.
   */
  private async withinDeadline(
    job: FireJobRow,
    policy: ResolvedRunPolicy,
    fire: Fire,
    now: number,
  ): Promise<boolean> {
    const { plannedAt } = fire;
    const deadlineMs = this.deadlineMs(policy, fire.recurring);
    if (deadlineMs === null) return true;
    const lateBy = now - plannedAt;
    const late = lateBy > deadlineMs;
    if (!fire.recurring) {
      if (!late) return true;
      await this.runs.recordEnded(
        job.job_id,
        new Date(plannedAt),
        RunningState.SKIPPED,
        `misfire: could not start within ${deadlineMs / 1000} s of its planned time (${lateBy} ms late)`,
      );
      return false;
    }
    // The decision moves the job's watermark (`last_planned_at`) by compare-and-set: a tick
    // whose manager read it before another manager moved it (a frozen manager waking up, two
    // ticks of one job handled at once) decides again from the current value, so two
    // decisions never count the same occurrences.
    let lastMs = job.last_planned_at?.getTime() ?? null;
    for (let attempt = 1; ; attempt++) {
      const decided = await this.decideTick(job, policy, plannedAt, lastMs, now, deadlineMs);
      if (decided !== 'moved') return decided;
      if (attempt >= WATERMARK_ATTEMPTS)
        throw new Error(`job ${job.job_id}: its misfire watermark kept moving; the fire is tried again`);
      lastMs = await this.runtime.lastPlannedAt(job.job_id);
    }
  }

  /**
   * One recurring tick against the watermark `lastMs`: answers whether it runs, or 'moved'
   * when another manager moved the watermark since it was read.
   */
  private async decideTick(
    job: FireJobRow,
    policy: ResolvedRunPolicy,
    plannedAt: number,
    lastMs: number | null,
    now: number,
    deadlineMs: number,
  ): Promise<boolean | 'moved'> {
    const lateBy = now - plannedAt;
    const late = lateBy > deadlineMs;
    // A redelivered tick (its run, if any, already exists): nothing more to record.
    if (lastMs !== null && plannedAt === lastMs) return true;
    // Behind the last occurrence handled: a redelivered late tick (its record exists), or a
    // tick whose manager died after queueing the next one and before recording this one
    // (later ticks ran meanwhile). It does not run out of order; it gets a record unless it
    // has one (the insert is a no-op then), so the occurrence is not silently lost.
    if (lastMs !== null && plannedAt < lastMs) {
      if (late)
        await this.runs.recordEnded(
          job.job_id,
          new Date(plannedAt),
          RunningState.SKIPPED,
          `misfire: handled ${lateBy} ms late, after later occurrences had run (the manager handling its fire stopped)`,
        );
      return !late;
    }
    const plan = planOf(job);
    const before = missedBetween(plan, lastMs, plannedAt, now - deadlineMs);
    // A late tick stands for the whole backlog up to now (its next tick follows now): it
    // is all one misfire.
    const after = late ? missedBetween(plan, plannedAt, now + 1, now + 1) : null;
    const coveredUpTo = after?.lastMs ?? plannedAt;
    if (!(await this.runtime.moveLastPlannedAt(job.job_id, lastMs, coveredUpTo))) return 'moved';
    if (!late && !before) return true;

    const count = (before?.count ?? 0) + (late ? 1 + (after?.count ?? 0) : 0);
    const firstMs = before?.firstMs ?? plannedAt;
    const lastMissedMs = late ? coveredUpTo : (before?.lastMs ?? plannedAt);
    const atLeast = before?.capped || after?.capped ? 'at least ' : '';
    const what = `${atLeast}${count} occurrence${count === 1 ? '' : 's'} from ${iso(firstMs)} to ${iso(lastMissedMs)} missed their start deadline (${deadlineMs / 1000} s)`;
    if (policy.misfirePolicy === MisfirePolicy.DO_NOTHING) {
      await this.runs.recordEnded(
        job.job_id,
        new Date(late ? plannedAt : firstMs),
        RunningState.SKIPPED,
        `misfire: ${what}; policy DO_NOTHING`,
      );
      this.logger.warn(`job ${job.job_id}: misfire: ${what}; not run (DO_NOTHING)`);
      return !late;
    }
    this.logger.warn(`job ${job.job_id}: misfire: ${what}; running once now (FIRE_ONCE_NOW)`);
    // The late tick itself is the one catch-up; after a gap the latest missed occurrence is.
    if (!late && before)
      await this.start(job, policy, new Date(before.lastMs), { scheduled: true, force: false });
    return true;
  }

  private async askTerminationStrategy(
    job: FireJobRow,
    name: string,
    plannedAt: Date,
  ): Promise<string | null> {
    const strategy = this.plugins.strategy(name);
    if (!strategy) return null;
    try {
      // Only jobs with a strategy pay for counting their runs.
      const counted = await this.sql.query<{ n: number | string }[]>(
        'SELECT COUNT(*) AS n FROM chac_job_run WHERE job_id = ? AND attempt = 0 AND running_state IN (?, ?)',
        [job.job_id, RunningState.COMPLETED, RunningState.FAILED],
      );
      const answer = await strategy({
        jobId: job.job_id,
        jobKey: jobKeyOf(job),
        plannedAt,
        attachment: job.attachment,
        consecutiveFailures: job.consecutive_failures,
        runCount: Number(counted[0]?.n ?? 0),
      });
      if (answer === true) return `terminated by strategy ${name}`;
      if (typeof answer === 'string' && answer.trim() !== '')
        return `terminated by strategy ${name}: ${answer}`;
      return null;
    } catch (error) {
      // A broken strategy must not stop the schedule: the run goes ahead.
      this.logger.warn(
        `termination strategy ${name} failed for job ${job.job_id}: ${(error as Error).message}`,
      );
      return null;
    }
  }

  private inProgress(jobId: number, holder: number, policy: OverlapPolicy): Conflict {
    const why = policy === OverlapPolicy.QUEUE_ONE ? ' and another run already waits (QUEUE_ONE)' : '';
    return new Conflict(
      ErrorCode.RUN_IN_PROGRESS,
      `job ${jobId} has run ${holder} in flight${why}: its overlap policy refuses another run; pass "force": true to run it anyway`,
      { runningTraceId: holder },
    );
  }

  private async load(jobId: number): Promise<FireJobRow | undefined> {
    const rows = await this.sql.query<FireJobRow[]>(`${FIRE_SELECT} WHERE t.job_id = ?`, [jobId]);
    return rows[0];
  }

  /** A termination strategy ends the job: the occurrence is recorded FINISHED with the reason. */
  private async terminate(job: FireJobRow, planned: Date, reason: string): Promise<void> {
    await this.runs.recordEnded(job.job_id, planned, RunningState.FINISHED, reason);
    await this.lifecycle.terminate(job.job_id, reason);
  }
}
