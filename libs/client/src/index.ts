export { JobManager } from './job-manager';
export type { JobManagerOptions } from './job-manager';
export { XcronClient } from './xcron-client';
export type { ClientOptions } from './transport';
export { ChaconneApiError, XcronApiError } from './chaconne-api-error';
export type { ChaconneErrorDetails, ClientErrorCode } from './chaconne-api-error';
export { InvalidDefinitionError } from './invalid-definition-error';
export { JobKey, jobKey } from './job-key';
export { GenericJobDefinition, JobDefinitionBuilder } from './generic-job-definition';
export { GenericTrigger, TriggerBuilder } from './generic-trigger';
export {
  JobState,
  RunningState,
  TriggerType,
  DependencyType,
  SchedulingUnit,
  LogLevel,
  XcronType,
  XcronCode,
  ClusterMode,
  LoadBalancerName,
  OverlapPolicy,
  MisfirePolicy,
  BackoffPolicy,
} from './enums';
export type {
  Attachment,
  DateInput,
  JobDetailPageQuery,
  JobKeyQuery,
  JobStat,
  JobStatByJob,
  JobStatCounts,
  JobStatDetail,
  JobStatPageQuery,
  JobStatQuery,
  JobStateCount,
  JobStateCountQuery,
  JobTracePageQuery,
  JobHistoryRecord,
  TriggerJobOptions,
  TriggerPreview,
  XcronCallback,
  XcronCreateTaskRequest,
  XcronTask,
  XcronTaskPageQuery,
  RunPageQuery,
  WorkerQuery,
  TailOptions,
  JobTraceDetail,
  JobTraceWithKey,
  JobLogTailEvent,
  WorkerInstanceInfo,
  LostWorkerInstance,
  WorkerOverview,
} from './types';
export type {
  ErrorCode,
  FieldError,
  JobDetail,
  JobLog,
  JobPersistParameter,
  JobRuntimeDetail,
  JobStackTrace,
  JobTrace,
  JobTriggerDetail,
  Page,
  RetryBackoff,
  RunPolicy,
  TriggerDefinition,
  WireDate,
} from '@chaconne/contracts';
