import type { RegisteredJob } from './job-registry';

/**
 * How an accepted run leaves admission: it starts (after `waitedMs` in its job's wait queue,
 * if it had to wait), or it never does, for the reason given.
 */
export type RunStart = { waitedMs: number | undefined } | { skipped: string };

/** A run accepted and not started: held until its start time, or waiting for a slot. */
export interface PendingRun {
  readonly runId: number;
  readonly job: RegisteredJob;
  /** Starts the run or ends it unstarted; called once, after it left admission. */
  readonly begin: (start: RunStart) => void;
}

/** A run sent ahead, waiting for its start time on this process's monotonic clock. */
interface HeldRun {
  readonly run: PendingRun;
  /** `now()` at which it is due. */
  readonly dueAt: number;
  timer: NodeJS.Timeout;
}

/** A due run waiting for a free slot of its job. */
interface WaitingRun {
  readonly run: PendingRun;
  /** `now()` when it joined its job's wait queue. */
  readonly queuedAt: number;
}

/** The job's slots are all taken and this many runs already wait for one: a due run is refused. */
export interface AdmissionRefusal {
  limit: number;
  waiting: number;
}

/**
 * Runs of one job that may wait for a slot when `maxWaitingRunsPerJob` is not set: four
 * rounds of its concurrency, at least 16 (a burst of one second's runs of a few triggers),
 * none for an unlimited job (it never waits).
 */
export function defaultWaitLimit(concurrency: number): number {
  return Number.isFinite(concurrency) ? Math.max(16, 4 * concurrency) : 0;
}

/**
 * When accepted runs start: runs sent ahead are held until their start time; a due run takes
 * a free slot under its job's concurrency limit, or waits for one in its job's queue (in
 * arrival order). No I/O: the caller is told through each run's `begin`.
 */
export class RunAdmission {
  /** Slots taken, per job class name. */
  private readonly runningByJob = new Map<string, number>();
  /** Due runs waiting for a slot, per job class name, in arrival order. */
  private readonly queues = new Map<string, WaitingRun[]>();
  /** The same runs by runId (a cancel names the run only). */
  private readonly waiting = new Map<number, WaitingRun>();
  /** Runs sent ahead, waiting for their start time, by runId. */
  private readonly held = new Map<number, HeldRun>();

  /**
   * @param maxWaitingRunsPerJob undefined: {@link defaultWaitLimit} of each job
   * @param now a monotonic clock in milliseconds (tests inject theirs)
   */
  constructor(
    private readonly maxWaitingRunsPerJob: number | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get heldRuns(): number {
    return this.held.size;
  }

  get waitingRuns(): number {
    return this.waiting.size;
  }

  /** Whether a due run of the job arriving now is refused: no free slot, and its queue full. */
  refusal(job: RegisteredJob): AdmissionRefusal | undefined {
    const waiting = this.queues.get(job.jobClassName)?.length ?? 0;
    const limit = this.maxWaitingRunsPerJob ?? defaultWaitLimit(job.concurrency);
    return this.hasFreeSlot(job) || waiting < limit ? undefined : { limit: job.concurrency, waiting };
  }

  /**
   * Takes an accepted run: held for `startInMs` (0: due now), then started in a free slot or
   * queued for the next one. A run sent ahead was accepted: when due, it waits for a slot
   * even with its job's queue full.
   */
  enter(run: PendingRun, startInMs: number): void {
    if (startInMs > 0) this.hold(run, startInMs);
    else this.admit(run);
  }

  /** Frees a slot of the job and hands it to the run that has waited longest. */
  release(job: RegisteredJob): void {
    const name = job.jobClassName;
    const running = (this.runningByJob.get(name) ?? 1) - 1;
    if (running > 0) this.runningByJob.set(name, running);
    else this.runningByJob.delete(name);
    const next = this.queues.get(name)?.[0];
    if (!next) return;
    this.unqueue(next.run.runId);
    this.takeSlot(job);
    next.run.begin({ waitedMs: Math.round(this.now() - next.queuedAt) });
  }

  /** Takes a run not started out of admission; undefined when it is not held or waiting. */
  withdraw(runId: number): PendingRun | undefined {
    const held = this.held.get(runId);
    if (!held) return this.unqueue(runId)?.run;
    clearTimeout(held.timer);
    this.held.delete(runId);
    return held.run;
  }

  /** Takes out the held runs due more than `ms` from now. */
  withdrawHeldDueBeyond(ms: number): PendingRun[] {
    const limit = this.now() + ms;
    return [...this.held.values()]
      .filter((held) => held.dueAt > limit)
      .map((held) => this.withdraw(held.run.runId))
      .filter((run) => run !== undefined);
  }

  /** Takes out every run not started. */
  withdrawAll(): PendingRun[] {
    return [...this.held.keys(), ...this.waiting.keys()]
      .map((runId) => this.withdraw(runId))
      .filter((run) => run !== undefined);
  }

  /**
   * Holds a run sent ahead for `startInMs`, then admits it. A timer may fire a little early (it
   * counts from the event loop's cached time, not from the moment it was set): it is set
   * again for what is left, so the handler never starts before its time.
   */
  private hold(run: PendingRun, startInMs: number): void {
    const dueAt = this.now() + startInMs;
    const fire = (): void => {
      const left = dueAt - this.now();
      if (left > 0) {
        held.timer = setTimeout(fire, Math.ceil(left));
        return;
      }
      this.held.delete(run.runId);
      this.admit(run);
    };
    const held: HeldRun = { run, dueAt, timer: setTimeout(fire, startInMs) };
    this.held.set(run.runId, held);
  }

  /** Starts a due run in a free slot of its job, or queues it for the next one. */
  private admit(run: PendingRun): void {
    const { job } = run;
    if (this.hasFreeSlot(job)) {
      this.takeSlot(job);
      run.begin({ waitedMs: undefined });
      return;
    }
    const waiting: WaitingRun = { run, queuedAt: this.now() };
    const queue = this.queues.get(job.jobClassName);
    if (queue) queue.push(waiting);
    else this.queues.set(job.jobClassName, [waiting]);
    this.waiting.set(run.runId, waiting);
  }

  private hasFreeSlot(job: RegisteredJob): boolean {
    return (
      (this.runningByJob.get(job.jobClassName) ?? 0) < job.concurrency && !this.queues.has(job.jobClassName)
    );
  }

  private takeSlot(job: RegisteredJob): void {
    this.runningByJob.set(job.jobClassName, (this.runningByJob.get(job.jobClassName) ?? 0) + 1);
  }

  /** Takes a run out of its job's wait queue; undefined when it is not waiting. */
  private unqueue(runId: number): WaitingRun | undefined {
    const waiting = this.waiting.get(runId);
    if (!waiting) return undefined;
    this.waiting.delete(runId);
    const name = waiting.run.job.jobClassName;
    const queue = this.queues.get(name) ?? [];
    queue.splice(queue.indexOf(waiting), 1);
    if (queue.length === 0) this.queues.delete(name);
    return waiting;
  }
}
