import type { JobKey } from './job-key';

/**
 * How a job's runs are placed, retried, bounded and reconciled with its schedule
 * (issue 5). Every field is optional on the wire; {@link DEFAULT_RUN_POLICY} holds the
 * defaults. Values are names, not integer codes: Chaconne has no equivalent to keep
 * compatible with, and names read well in JSON.
 */

/** Which instances of the job's group may run it. */
export const ClusterMode = {
  /** Any matching live instance, chosen by the job's load balancer (the default). */
  LOAD_BALANCE: 'LOAD_BALANCE',
  /** Always the first live instance in a stable order (earliest started); the next one takes over on its loss. */
  MASTER_STANDBY: 'MASTER_STANDBY',
} as const;
export type ClusterMode = (typeof ClusterMode)[keyof typeof ClusterMode];

/** The built-in load balancers; a manager plugin may add its own names. */
export const LoadBalancerName = {
  /** Cluster-wide round robin per job: every manager shares the counter in Redis. */
  ROUND_ROBIN: 'ROUND_ROBIN',
  RANDOM: 'RANDOM',
  /** Random, in proportion to the instances' weights. */
  WEIGHTED_RANDOM: 'WEIGHTED_RANDOM',
  /** Round robin in proportion to the instances' weights (interleaved, cluster-wide). */
  WEIGHTED_ROUND_ROBIN: 'WEIGHTED_ROUND_ROBIN',
  /** The instance with the fewest runs in flight. */
  LEAST_ACTIVE: 'LEAST_ACTIVE',
  /** Sticky by the job key, or by the attachment field named in `hashKey` (rendezvous hashing). */
  CONSISTENT_HASH: 'CONSISTENT_HASH',
  /** Always the first instance in the stable order. */
  FIRST: 'FIRST',
} as const;
export type LoadBalancerName = (typeof LoadBalancerName)[keyof typeof LoadBalancerName];

/** What an occurrence does when the previous run of the job is still going. */
export const OverlapPolicy = {
  /** The new occurrence is recorded SKIPPED with reason overlap (Chaconne's behaviour, the default). */
  SKIP: 'SKIP',
  /** Runs may overlap. */
  ALLOW: 'ALLOW',
  /** One occurrence waits and starts when the running one ends; further ones are skipped. */
  QUEUE_ONE: 'QUEUE_ONE',
  /** The running one is cancelled and the new occurrence starts. */
  REPLACE: 'REPLACE',
} as const;
export type OverlapPolicy = (typeof OverlapPolicy)[keyof typeof OverlapPolicy];

/** What happens to occurrences missed while no manager ran or Redis was down. */
export const MisfirePolicy = {
  /** Missed occurrences are not run: one SKIPPED run records them (the default). */
  DO_NOTHING: 'DO_NOTHING',
  /** One catch-up run starts now for the missed occurrences, then the schedule goes on. */
  FIRE_ONCE_NOW: 'FIRE_ONCE_NOW',
} as const;
export type MisfirePolicy = (typeof MisfirePolicy)[keyof typeof MisfirePolicy];

export const BackoffPolicy = {
  /** The same delay before every retry. */
  FIXED: 'FIXED',
  /** delay x 2^(attempt-1), capped at maxDelayMs. */
  EXPONENTIAL: 'EXPONENTIAL',
} as const;
export type BackoffPolicy = (typeof BackoffPolicy)[keyof typeof BackoffPolicy];

/** The wait before a retry of a failed run. */
export interface RetryBackoff {
  policy: BackoffPolicy;
  /** Milliseconds before the first retry. */
  delayMs: number;
  /** Upper bound of any one delay (milliseconds). */
  maxDelayMs?: number;
  /** true: each delay is drawn uniformly between half and all of it. */
  jitter?: boolean;
}

/** The run-policy fields of a job definition (persistJob, @ChacJob, the client's builders). */
export interface RunPolicy {
  clusterMode?: ClusterMode | null;
  /** A {@link LoadBalancerName} or the name of a load balancer a manager plugin registers. */
  loadBalancer?: string | null;
  /** CONSISTENT_HASH: the top-level attachment field to hash on (the job key when absent). */
  hashKey?: string | null;
  /** Worker labels an instance must carry to run the job, e.g. `{ "region": "eu" }`. */
  labels?: Record<string, string> | null;
  retryBackoff?: RetryBackoff | null;
  overlapPolicy?: OverlapPolicy | null;
  misfirePolicy?: MisfirePolicy | null;
  /** An occurrence that cannot start within this many seconds of its planned time is skipped (misfire). */
  startDeadlineSeconds?: number | null;
  /** Finish the job after this many consecutive failed runs (final attempts); 0 = never. */
  maxConsecutiveFailures?: number | null;
  /** The name of a termination strategy a manager plugin registers, asked before every scheduled run. */
  terminationStrategy?: string | null;
  /** Freeze the job after this many consecutive timed-out runs; 0 = never. Needs a timeout. */
  freezeAfterTimeouts?: number | null;
}

/** A run policy with every default applied (what getJobDetail answers). */
export interface ResolvedRunPolicy {
  clusterMode: ClusterMode;
  loadBalancer: string;
  hashKey: string | null;
  labels: Record<string, string>;
  retryBackoff: Required<RetryBackoff>;
  overlapPolicy: OverlapPolicy;
  misfirePolicy: MisfirePolicy;
  startDeadlineSeconds: number | null;
  maxConsecutiveFailures: number;
  terminationStrategy: string | null;
  freezeAfterTimeouts: number;
}

export const DEFAULT_RETRY_BACKOFF: Readonly<Required<RetryBackoff>> = Object.freeze({
  policy: BackoffPolicy.EXPONENTIAL,
  delayMs: 1_000,
  maxDelayMs: 60_000,
  jitter: true,
});

export const DEFAULT_RUN_POLICY: Readonly<ResolvedRunPolicy> = Object.freeze({
  clusterMode: ClusterMode.LOAD_BALANCE,
  loadBalancer: LoadBalancerName.ROUND_ROBIN,
  hashKey: null,
  labels: {},
  retryBackoff: DEFAULT_RETRY_BACKOFF,
  overlapPolicy: OverlapPolicy.SKIP,
  misfirePolicy: MisfirePolicy.DO_NOTHING,
  startDeadlineSeconds: null,
  maxConsecutiveFailures: 0,
  terminationStrategy: null,
  freezeAfterTimeouts: 2,
});

/** A live worker instance as a load balancer sees it. */
export interface BalancerCandidate {
  readonly instanceId: string;
  readonly baseUrl: string;
  readonly weight: number;
  readonly labels: Readonly<Record<string, string>>;
  /** Runs in flight: the last heartbeat's count plus dispatches since. */
  readonly activeRuns: number;
  /** Epoch ms the instance started. */
  readonly startedAt: number;
}

export interface BalanceRequest {
  readonly jobId: number;
  readonly jobKey: JobKey;
  readonly attachment: string | null;
  /** 0 for a first attempt, 1, 2, ... for retries. */
  readonly attempt: number;
  /** The instance the previous attempt ran on (retries), else null. */
  readonly previousInstanceId: string | null;
  /** A cluster-wide counter, one step per choice for this job (shared by all managers). */
  readonly counter: number;
  /** CONSISTENT_HASH: the job's `hashKey` (an attachment field), or null. */
  readonly hashKey: string | null;
}

/**
 * A load balancer orders the candidates: the first is chosen, the rest are the failover
 * order when dispatching to it fails. Candidates arrive in a stable order (earliest
 * started first). Answering an empty list means no instance may run this one.
 */
export interface LoadBalancer {
  order(candidates: readonly BalancerCandidate[], request: BalanceRequest): readonly BalancerCandidate[];
}

export interface TerminationContext {
  readonly jobId: number;
  readonly jobKey: JobKey;
  readonly plannedAt: Date;
  readonly attachment: string | null;
  /** Failed final attempts in a row, up to this occurrence. */
  readonly consecutiveFailures: number;
  /** The job's runs so far that ran to an outcome (COMPLETED or FAILED first attempts, manual ones included). */
  readonly runCount: number;
}

/** A manager-side termination strategy: true or a reason ends the job for good before this run. */
export type TerminationStrategy = (ctx: TerminationContext) => boolean | string | Promise<boolean | string>;

/**
 * What a manager plugin module exports (CHACONNE_PLUGINS lists module paths): named
 * load balancers and termination strategies that jobs may then name.
 */
export interface ManagerPlugin {
  loadBalancers?: Record<string, LoadBalancer>;
  terminationStrategies?: Record<string, TerminationStrategy>;
}
