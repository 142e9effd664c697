export { ChaconneWorker } from './core/worker';
export type { WorkerStartOptions } from './core/worker';
export type { ChaconneWorkerOptions } from './core/options';
export type { WorkerLogger } from './core/logger';
export type { WorkerHttpRequest, WorkerHttpResponse } from './core/http';
export type {
  JobContext,
  JobLogger,
  JobHandler,
  JobRegistration,
  NotManagedJob,
  NotManagedJobClass,
  SuccessHook,
  FailureHook,
} from './core/job';
export { ChaconneWorkerError, ManagerRequestError, NonRetryableError } from './core/errors';
export { formatLogMessage } from './core/message-format';
export { SDK_VERSION } from './core/version';
export { ChacJob, ChacTrigger, Run, OnSuccess, OnFailure, jobFromInstance, isChacJob } from './decorators';
export type { ChacJobOptions, ChacTriggerOptions } from './decorators';
