export {
  JobState,
  RunningState,
  TriggerType,
  DependencyType,
  SchedulingUnit,
  SCHEDULING_UNIT_MS,
  LogLevel,
  enumName,
} from './enums';
export type { RunOutcome } from './enums';
export {
  ClusterMode,
  LoadBalancerName,
  OverlapPolicy,
  MisfirePolicy,
  BackoffPolicy,
  DEFAULT_RETRY_BACKOFF,
  DEFAULT_RUN_POLICY,
} from './run-policy';
export type {
  RetryBackoff,
  RunPolicy,
  ResolvedRunPolicy,
  BalancerCandidate,
  BalanceRequest,
  LoadBalancer,
  TerminationContext,
  TerminationStrategy,
  ManagerPlugin,
} from './run-policy';
export { formatJobKey, jobKeyIdentifier } from './job-key';
export type { JobKey } from './job-key';
export type {
  CronTriggerDescription,
  PeriodicTriggerDescription,
  TriggerDescription,
  TriggerDefinition,
  WireDate,
  JobPersistParameter,
} from './job-definition';
export type {
  JobDetail,
  JobRuntimeDetail,
  JobTriggerDetail,
  JobTrace,
  JobLog,
  JobStackTrace,
  JobHistoryRecord,
  TriggerPreview,
  Page,
  JobTraceDetail,
  JobTraceWithKey,
  JobLogTailEvent,
  WorkerInstanceInfo,
  LostWorkerInstance,
  WorkerOverview,
} from './read-models';
export type { JobStatCounts, JobStatDetail, JobStatByJob, JobStateCount, JobStat } from './statistics';
export { XcronCode, XcronType } from './xcron';
export type { XcronResponse, XcronTask } from './xcron';
export { MAX_JSON_DEPTH, parseJsonText } from './json-text';
export {
  codePoint,
  printableAscii,
  identifierCharacterProblem,
  freeTextCharacterProblem,
  JOB_KEY_MAX_LENGTH,
  IDENTIFIER_MAX_LENGTH,
} from './identifier';
export {
  EARLIEST_DATE_MS,
  LATEST_DATE_MS,
  dateRangeProblem,
  JOB_DEFINITION_LIMITS,
} from './definition-limits';
export type { JsonTextResult } from './json-text';
export { Coalescer } from './coalescer';
export type { CoalescerOptions, Settled } from './coalescer';
export { ErrorCode, ok } from './envelope';
export type { ApiSuccess, ApiFailure, ApiResult, FieldError } from './envelope';
export {
  PROTOCOL_VERSION,
  ProtocolHeader,
  RUN_REQUEST_CONTENT_TYPE,
  ProtocolLimits,
  ManagerRoutes,
  WorkerRoutes,
} from './protocol';
export type {
  WorkerJobDeclaration,
  RegisterRequest,
  RegisterResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  DeregisterRequest,
  RunRequest,
  CancelRequest,
  RunAccepted,
  RunRequestBatch,
  RunBatchResult,
  RunBatchResults,
  LogLine,
  LogBatch,
  RunError,
  RunReport,
  RunReportBatch,
  RunReportResult,
  RunReportBatchResults,
} from './protocol';
// Signing needs node:crypto: it lives at '@chaconne/contracts/signing', so this entry
// point stays usable in browsers (the console).
export { SIGNATURE_MAX_AGE_MS, MIN_SECRET_LENGTH } from './signing-constants';
export { secretProblem, MIN_SECRET_ENTROPY_BITS, SECRET_GENERATE_COMMAND } from './secret-strength';
