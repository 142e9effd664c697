import type {
  ClusterMode,
  JobKey,
  JobPersistParameter,
  MisfirePolicy,
  OverlapPolicy,
  RetryBackoff,
  RunPolicy,
  TriggerDefinition,
} from '@chaconne/contracts';
import { jobDefinitionProblems, uniqueProblems } from '@chaconne/contracts/definition';
import { TriggerBuilder } from './generic-trigger';
import { throwIfAny } from './invalid-definition-error';
import type { Attachment } from './types';

/** An attachment as it goes on the wire: JSON values as their JSON text. */
export function attachmentText(attachment: Attachment | null): string | null {
  return attachment === null || typeof attachment === 'string' ? attachment : JSON.stringify(attachment);
}

/**
 * Builds a job definition the way Chaconne's `GenericJobDefinition.Builder` does, into the body
 * of `persistJob` (Chaconne's JobPersistParameter, every documented field present). Start it
 * with `GenericJobDefinition.newJob(jobKey)`. Unset fields take Chaconne's defaults: no
 * description or e-mail, 0 retries, no timeout (-1), weight 100, no dependencies, an on-demand
 * SIMPLE trigger, no attachment. The run-policy setters (`setClusterMode`, `setLoadBalancer`,
 * `setOverlapPolicy`, ...) add their field to the body; fields left unset, or set to null, take
 * the manager's defaults (`DEFAULT_RUN_POLICY`).
 *
 * `build()` checks the body with the job-definition schema the manager applies
 * (`@chaconne/contracts/definition`) and throws {@link InvalidDefinitionError} listing everything
 * it would refuse that can be known here (a key part that is empty, too long or holds a control
 * character, retries, timeout or weight out of range, a completion rate outside [-1, 1], more
 * than 100 or repeated dependency keys, a job depending on itself, an invalid trigger, an
 * attachment larger than any manager takes); the manager checks the rest (cron syntax, time
 * zones, plugin names it knows, its own attachment limit).
 *
 * @example
 * const jobKey = JobKey.by('yourCluster', 'yourGroup', 'yourJob', 'com.yourcompany.yourapp.YourJob');
 * const definition = GenericJobDefinition.newJob(jobKey)
 *   .setDescription('Describe your job shortly')
 *   .setEmail('YourEmail@yourcompany.com')
 *   .setRetries(3)
 *   .setTimeout(60_000)
 *   .setTrigger(GenericTrigger.Builder.newTrigger('0/5 * * * * ?'))
 *   .setOverlapPolicy(OverlapPolicy.QUEUE_ONE)
 *   .setRetryBackoff({ policy: BackoffPolicy.EXPONENTIAL, delayMs: 2_000, maxDelayMs: 60_000 })
 *   .build();
 * const jobId = await jobManager.persistJob(definition, '{"initialParameter": "test"}');
 */
export class JobDefinitionBuilder {
  private description = '';
  private email = '';
  private retries = 0;
  private timeout = -1;
  private weight = 100;
  private dependentKeys: JobKey[] | null = null;
  private forkKeys: JobKey[] | null = null;
  private completionRate = -1;
  private trigger: TriggerDefinition | TriggerBuilder = TriggerBuilder.newSimple();
  private attachment: string | null = null;
  /** Only the run-policy fields that were set. */
  private readonly runPolicy: RunPolicy = {};

  constructor(private readonly jobKey: JobKey) {}

  setDescription(description: string | null): this {
    this.description = description ?? '';
    return this;
  }

  /** Alert recipients: a comma-separated list or an array of addresses. */
  setEmail(email: string | readonly string[] | null): this {
    this.email = typeof email === 'string' ? email : (email ?? []).join(',');
    return this;
  }

  /** Retries after a failed run. */
  setRetries(retries: number): this {
    this.retries = retries;
    return this;
  }

  /** Milliseconds a run may take; -1 (or 0) = no timeout. */
  setTimeout(timeoutMs: number): this {
    this.timeout = timeoutMs;
    return this;
  }

  /** The job's weight in a fork/join completion rate. */
  setWeight(weight: number): this {
    this.weight = weight;
    return this;
  }

  /** A trigger from `GenericTrigger.Builder` (built or not), or a plain trigger object. */
  setTrigger(trigger: TriggerDefinition | TriggerBuilder): this {
    this.trigger = trigger;
    return this;
  }

  /** The job's initial parameter: a string (JSON recommended) or a JSON value, sent as its JSON text. */
  setAttachment(attachment: Attachment | null): this {
    this.attachment = attachmentText(attachment);
    return this;
  }

  /** Upstream jobs of a serial dependency: this job runs after they finish. */
  setDependentKeys(keys: readonly JobKey[] | null): this {
    this.dependentKeys = keys === null ? null : keys.map((k) => ({ ...k }));
    return this;
  }

  /**
   * Children of a parallel (fork/join) dependency, and optionally the weighted fraction of them
   * that must complete before this job runs (0-1; -1 = all).
   */
  setForkKeys(keys: readonly JobKey[] | null, completionRate?: number): this {
    this.forkKeys = keys === null ? null : keys.map((k) => ({ ...k }));
    if (completionRate !== undefined) this.completionRate = completionRate;
    return this;
  }

  setCompletionRate(completionRate: number): this {
    this.completionRate = completionRate;
    return this;
  }

  /** Which instances may run the job: any, by the load balancer, or a master with standbys. */
  setClusterMode(clusterMode: ClusterMode | null): this {
    this.runPolicy.clusterMode = clusterMode;
    return this;
  }

  /** A `LoadBalancerName`, or the name of a load balancer a manager plugin registers. */
  setLoadBalancer(loadBalancer: string | null): this {
    this.runPolicy.loadBalancer = loadBalancer;
    return this;
  }

  /** CONSISTENT_HASH: the top-level attachment field to hash on (the job key when null). */
  setHashKey(hashKey: string | null): this {
    this.runPolicy.hashKey = hashKey;
    return this;
  }

  /** Worker labels an instance must carry to run the job, e.g. `{ region: 'eu' }`. */
  setLabels(labels: Readonly<Record<string, string>> | null): this {
    this.runPolicy.labels = labels === null ? null : { ...labels };
    return this;
  }

  /** The wait before each retry of a failed run. */
  setRetryBackoff(retryBackoff: Readonly<RetryBackoff> | null): this {
    this.runPolicy.retryBackoff = retryBackoff === null ? null : { ...retryBackoff };
    return this;
  }

  /** What an occurrence does while the previous run is still going. */
  setOverlapPolicy(overlapPolicy: OverlapPolicy | null): this {
    this.runPolicy.overlapPolicy = overlapPolicy;
    return this;
  }

  /** What happens to occurrences missed while no manager ran. */
  setMisfirePolicy(misfirePolicy: MisfirePolicy | null): this {
    this.runPolicy.misfirePolicy = misfirePolicy;
    return this;
  }

  /** An occurrence that cannot start within this many seconds of its planned time is skipped. */
  setStartDeadlineSeconds(startDeadlineSeconds: number | null): this {
    this.runPolicy.startDeadlineSeconds = startDeadlineSeconds;
    return this;
  }

  /** Finish the job after this many failed runs in a row (final attempts); 0 = never. */
  setMaxConsecutiveFailures(maxConsecutiveFailures: number | null): this {
    this.runPolicy.maxConsecutiveFailures = maxConsecutiveFailures;
    return this;
  }

  /** The name of a termination strategy a manager plugin registers, asked before every scheduled run. */
  setTerminationStrategy(terminationStrategy: string | null): this {
    this.runPolicy.terminationStrategy = terminationStrategy;
    return this;
  }

  /** Freeze the job after this many timed-out runs in a row; 0 = never. Needs a timeout. */
  setFreezeAfterTimeouts(freezeAfterTimeouts: number | null): this {
    this.runPolicy.freezeAfterTimeouts = freezeAfterTimeouts;
    return this;
  }

  /**
   * The persistJob body; a fresh object on every call. Throws {@link InvalidDefinitionError}
   * with everything the manager would refuse that can be known here.
   */
  build(): JobPersistParameter {
    const built =
      this.trigger instanceof TriggerBuilder
        ? this.trigger.check()
        : { trigger: structuredClone(this.trigger), problems: [] };
    const body: JobPersistParameter = {
      jobKey: { ...this.jobKey },
      description: this.description,
      email: this.email,
      retries: this.retries,
      timeout: this.timeout,
      weight: this.weight,
      dependentKeys: this.dependentKeys?.map((k) => ({ ...k })) ?? null,
      forkKeys: this.forkKeys?.map((k) => ({ ...k })) ?? null,
      completionRate: this.completionRate,
      trigger: built.trigger,
      attachment: this.attachment,
      ...structuredClone(this.runPolicy),
    };
    // The trigger's own check and the definition's name its problems alike: each once.
    throwIfAny(uniqueProblems([...jobDefinitionProblems(body), ...built.problems]));
    return body;
  }
}

/**
 * Chaconne's `GenericJobDefinition`: `GenericJobDefinition.newJob(jobKey)...build()`. The type
 * `GenericJobDefinition` is what `build()` returns, the body of `persistJob`.
 */
export const GenericJobDefinition = {
  newJob(jobKey: JobKey): JobDefinitionBuilder {
    return new JobDefinitionBuilder(jobKey);
  },
  Builder: JobDefinitionBuilder,
} as const;
export type GenericJobDefinition = JobPersistParameter;
