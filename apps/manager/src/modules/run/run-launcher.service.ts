import { Injectable, Logger } from '@nestjs/common';
import {
  type BalancerCandidate,
  type BalanceRequest,
  ClusterMode,
  formatJobKey,
  type JobKey,
  LoadBalancerName,
  type ResolvedRunPolicy,
  RunningState,
} from '@chaconne/contracts';
import { ManagerPlugins } from '../policy/manager-plugins';
import { WorkerRegistryService } from '../worker-registry/worker-registry.service';
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
}

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
  ) {}

  /** Sends the run; answers whether an instance (or the manager, for HTTP callbacks) took it. */
  async launch(job: LaunchableJob, policy: ResolvedRunPolicy, launch: Launch): Promise<boolean> {
    const { runId } = launch;
    if (job.executor !== 'worker') {
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
    for (const candidate of ordered) {
      const result = await this.dispatcher.send(candidate, {
        runId,
        jobId: job.job_id,
        jobKey,
        attempt: launch.attempt,
        plannedAt: launch.plannedAt.toISOString(),
        attachment: job.attachment,
        timeoutMs,
        retries: job.retries,
      });
      if (result.ok) {
        await this.runs.markDispatched(
          runId,
          candidate.instanceId,
          candidate.baseUrl,
          timeoutMs,
          launch.execution,
        );
        // Runs in flight per instance between heartbeats matter to LEAST_ACTIVE only.
        if (policy.loadBalancer === LoadBalancerName.LEAST_ACTIVE)
          await this.registry.noteDispatched(candidate.instanceId);
        return true;
      }
      failures.push(`${candidate.instanceId}: ${result.reason}`);
    }
    const labels = Object.entries(policy.labels).map(([k, v]) => `${k}=${v}`);
    const reason =
      candidates.length === 0
        ? `no worker available: no live instance of ${job.cluster_name}/${job.group_name} runs ${job.job_class_name}${
            labels.length > 0 ? ` with labels ${labels.join(',')}` : ''
          }`
        : `no worker available: dispatch failed on every instance (${failures.join('; ')})`;
    this.logger.warn(`run ${runId} of ${formatJobKey(jobKey)}: ${reason}`);
    await this.outcomes.record(
      runId,
      { runningState: RunningState.FAILED, reason, finishedAt: new Date() },
      { failure: 'dispatch' },
    );
    return false;
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
