import { Injectable } from '@nestjs/common';
import type { Outcome } from './run-store.service';

/** The instance id recorded on runs the manager executes itself. */
export const MANAGER_INSTANCE = 'manager';

/** The part of the run store a run executed in the manager needs (passed in by the launcher). */
export interface RunRecorder {
  markDispatched(runId: number, instanceId: string, address: string): Promise<void>;
  finish(runId: number, outcome: Outcome): Promise<unknown>;
}

/** The columns of a job an in-manager runner reads. */
export interface InManagerJob {
  job_id: number;
  attachment: string | null;
}

/** Executes the runs of one executor kind inside the manager, recording them through `runs`. */
export interface InManagerRunner {
  run(runId: number, job: InManagerJob, runs: RunRecorder): Promise<void>;
}

/**
 * The port run/ owns for the executor kinds the manager runs itself instead of sending them
 * to a worker (xcron's `http` callbacks): the module owning a kind registers its runner at
 * module init, before any fire, so run/ launches them without depending on that module.
 */
@Injectable()
export class InManagerRunners {
  private readonly runners = new Map<string, InManagerRunner>();

  register(executor: string, runner: InManagerRunner): void {
    if (this.runners.has(executor))
      throw new Error(`an in-manager runner for '${executor}' is already registered`);
    this.runners.set(executor, runner);
  }

  /** The runner of a job's executor kind; every kind but `worker` must have one. */
  get(executor: string): InManagerRunner {
    const runner = this.runners.get(executor);
    if (!runner) throw new Error(`no in-manager runner is registered for the executor '${executor}'`);
    return runner;
  }
}
