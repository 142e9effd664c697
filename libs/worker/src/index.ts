export { ChaconneWorker, SHUTDOWN_BEFORE_START_REASON, SHUTDOWN_REASON } from './chaconne-worker';
export type { WorkerStartOptions } from './chaconne-worker';
export type { ChaconneWorkerOptions } from './core/options';
export type { WorkerLogger } from './core/logger';
export type { WorkerHttpRequest, WorkerHttpResponse } from './core/http';
export type {
  ChacJobKey,
  DynamicJobOptions,
  Job,
  JobContext,
  JobHandler,
  JobHooks,
  JobLogger,
  NotManagedJob,
  NotManagedJobClass,
  ShouldRunResult,
} from './core/job';
export type { BeforeRunResult, JobListener } from './core/job-listener';
export { ManagedJob } from './managed-job';
export {
  ChaconneWorkerError,
  JobTerminationError,
  ManagerRequestError,
  NonRetryableError,
  RunAbortedError,
  RunTimeoutError,
} from './core/errors';
export { formatLogMessage } from './core/message-format';
export { SDK_VERSION } from './core/version';
// The contracts a job definition needs, so a service depends on the SDK alone.
export {
  BackoffPolicy,
  ClusterMode,
  LoadBalancerName,
  MisfirePolicy,
  OverlapPolicy,
  SchedulingUnit,
  TriggerType,
} from '@chaconne/contracts';
export type { JobKey, RetryBackoff, RunPolicy, TriggerDefinition } from '@chaconne/contracts';
export {
  ChacJob,
  ChacTrigger,
  ChacDependency,
  ChacFork,
  Run,
  Prepare,
  ShouldRun,
  OnSuccess,
  OnFailure,
  jobFromInstance,
  isChacJob,
} from './decorators';
export type { ChacJobOptions, ChacTriggerOptions, ChacForkOptions } from './decorators';
