import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type BalancerCandidate,
  type BalanceRequest,
  ClusterMode,
  formatJobKey,
  type JobKey,
  LoadBalancerName,
  LogLevel,
  type ResolvedRunPolicy,
  RunningState,
} from '@chaconne/contracts';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { ManagerPlugins } from '../policy/manager-plugins';
import { FireQueue } from '../schedule/fire-queue.service';
import { WorkerRegistryService } from '../worker-registry/worker-registry.service';
import { nextCapacityLaunch } from './dispatch-timing';
import { InManagerRunners } from './in-manager-runners';
import { RunDispatcher } from './run-dispatcher.service';
import { RunOutcomes } from './run-outcomes.service';
import { RunStore } from './run-store.service';

/** The columns of a job the launcher reads. */
export interface LaunchableJob {
  job_id: number;
  cluster_name: string;
  group_name: string;
  job_name: string;
  job_class_name: string;
  attachment: string | null;
  timeout: number | string;
  retries: number;
  /** `worker`, or `http` for xcron callback tasks the manager runs itself. */
  executor: string;
}

export interface Launch {
  runId: number;
  plannedAt: Date;
  attempt: number;
  /** The instance the previous attempt ran on (retries). */
  previousInstanceId: string | null;
  /** A first attempt: the job's next execution time, stamped with the dispatch. */
  execution?: { nextExecution: Date | null };
  /** Epoch ms the handler is due to start: the run is sent ahead (absent: it starts at once). */
  startAt?: number;
  /** Epoch ms since when every instance refused it at the job's concurrency limit. */
  waitingSince?: number;
}

/** How often a run waiting for capacity is launched again. */
export const CAPACITY_RETRY_MS = 1_000;

export function jobKeyOf(job: LaunchableJob): JobKey {
  return {
    clusterName: job.cluster_name,
    groupName: job.group_name,
    jobName: job.job_name,
    jobClassName: job.job_class_name,
  };
}

/**
 * Sends a run to a worker: the live instances that can run it (group, job class,
 * labels), ordered by the cluster mode and the job's load balancer; a dispatch failure
 * (unreachable, 5xx, draining, at its limit) moves on to the next at once.
 */
@Injectable()
export class RunLauncher {
  private readonly logger = new Logger(RunLauncher.name);

  constructor(
    private readonly registry: WorkerRegistryService,
    private readonly dispatcher: RunDispatcher,
    private readonly runs: RunStore,
    private readonly outcomes: RunOutcomes,
    private readonly inManager: InManagerRunners,
    private readonly plugins: ManagerPlugins,
    private readonly fireQueue: FireQueue,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  /**
   * Sends the run; answers whether an instance (or the manager, for HTTP callbacks) took it.
   * A run every instance refused at the job's concurrency limit is launched again later, for
   * up to CHACONNE_CAPACITY_WAIT_MS, before it fails.
   */
  async launch(job: LaunchableJob, policy: ResolvedRunPolicy, launch: Launch): Promise<boolean> {
    const { runId } = launch;
    if (job.executor !== 'worker') {
      // The manager runs in-manager executors (HTTP callbacks) itself: one sent ahead waits here for its time.
      if (launch.startAt !== undefined) await sleep(Math.max(0, launch.startAt - Date.now()));
      let first = launch.execution;
      await this.inManager.get(job.executor).run(runId, job, {
        markDispatched: async (id, instanceId, address) => {
          await this.runs.markDispatched(id, instanceId, address, -1, first);
          first = undefined; // the lease renewals only move dispatched_at
        },
        finish: (id, outcome) => this.outcomes.record(id, outcome),
      });
      return true;
    }
    const jobKey = jobKeyOf(job);
    const { candidates, counter } = await this.registry.candidates(
      job.job_id,
      job.cluster_name,
      job.group_name,
      job.job_class_name,
      policy.labels,
    );
    const ordered = this.order(candidates, policy, {
      jobId: job.job_id,
      jobKey,
      attachment: job.attachment,
      attempt: launch.attempt,
      previousInstanceId: launch.previousInstanceId,
      counter,
      hashKey: policy.hashKey,
    });
    const timeoutMs = Number(job.timeout);
    const failures: string[] = [];
    let atCapacity = 0;
    for (const candidate of ordered) {
      const result = await this.dispatcher.send(
        candidate,
        {
          runId,
          jobId: job.job_id,
          jobKey,
          attempt: launch.attempt,
          plannedAt: launch.plannedAt.toISOString(),
          attachment: job.attachment,
          timeoutMs,
          retries: job.retries,
        },
        launch.startAt,
      );
      if (result.ok) {
        await this.runs.markDispatched(
          runId,
          candidate.instanceId,
          candidate.baseUrl,
          timeoutMs,
          launch.execution,
          launch.startAt,
        );
        // Runs in flight per instance between heartbeats matter to LEAST_ACTIVE only.
        if (policy.loadBalancer === LoadBalancerName.LEAST_ACTIVE)
          await this.registry.noteDispatched(candidate.instanceId);
        return true;
      }
      if (result.atCapacity) atCapacity++;
      failures.push(`${candidate.instanceId}: ${result.reason}`);
    }
    if (atCapacity > 0 && atCapacity === ordered.length && (await this.waitForCapacity(job, launch)))
      return false;
    const labels = Object.entries(policy.labels).map(([k, v]) => `${k}=${v}`);
    const waited =
      launch.waitingSince === undefined
        ? ''
        : ` after waiting ${Date.now() - launch.waitingSince} ms for capacity`;
    const reason =
      candidates.length === 0
        ? `no worker available: no live instance of ${job.cluster_name}/${job.group_name} runs ${job.job_class_name}${
            labels.length > 0 ? ` with labels ${labels.join(',')}` : ''
          }`
        : `no worker available: dispatch failed on every instance (${failures.join('; ')})${waited}`;
    this.logger.warn(`run ${runId} of ${formatJobKey(jobKey)}: ${reason}`);
    await this.outcomes.record(
      runId,
      { runningState: RunningState.FAILED, reason, finishedAt: new Date() },
      { failure: 'dispatch' },
    );
    return false;
  }

  /**
   * Every instance refused the run at the job's concurrency limit: it waits, launched again
   * shortly, while its wait lasts; the first refusal says so in the run's log. Answers false
   * when its wait is over (it fails then). The run keeps its id and unique key while it waits,
   * so a launch handled twice still sends it once per instance's dedupe.
   */
  private async waitForCapacity(job: LaunchableJob, launch: Launch): Promise<boolean> {
    const now = Date.now();
    const since = launch.waitingSince ?? now;
    const at = nextCapacityLaunch(since, now, this.config.capacityWaitMs, CAPACITY_RETRY_MS);
    if (at === null) return false;
    if (launch.waitingSince === undefined) {
      await this.runs.appendLogs(
        launch.runId,
        [
          {
            level: LogLevel.WARN,
            message: `every instance is at the job's concurrency limit: the run waits for a free slot (up to ${this.config.capacityWaitMs} ms)`,
            time: new Date(now).toISOString(),
          },
        ],
        0,
      );
      this.logger.log(`run ${launch.runId} of job ${job.job_id} waits for capacity`);
    }
    await this.fireQueue.enqueueCapacityLaunch(job.job_id, launch.runId, at, since);
    return true;
  }

  /**
   * Master-standby: the stable order itself (the earliest started live instance is the
   * master, the next takes over on its loss), also for retries. Load-balance: the job's
   * balancer decides, and a retry goes to another instance than the one that failed when
   * there is one.
   */
  private order(
    candidates: BalancerCandidate[],
    policy: ResolvedRunPolicy,
    request: BalanceRequest,
  ): readonly BalancerCandidate[] {
    if (candidates.length === 0) return candidates;
    if (policy.clusterMode === ClusterMode.MASTER_STANDBY) return candidates;
    const ordered = this.plugins.balancer(policy.loadBalancer).order(candidates, request);
    const previous = request.previousInstanceId;
    if (request.attempt === 0 || previous === null || ordered.length < 2) return ordered;
    return [
      ...ordered.filter((c) => c.instanceId !== previous),
      ...ordered.filter((c) => c.instanceId === previous),
    ];
  }
}
