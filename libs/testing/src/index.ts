export { bearer, postJson, refusal, withProtocol } from './http';
export type { Envelope, Refusal } from './http';
export { waitFor, sleep } from './wait-for';
export { freePort } from './ports';
export { dropDatabase, queryDatabase, deleteRedisPrefix, mysqlConnectionOptions } from './stores';
export { chaconneBody } from './chaconne-body';
export { captureOutput, outputOf } from './output';
export type { CapturedOutput } from './output';
export {
  FakeManager,
  SECRET,
  okAnswer,
  errorAnswer,
  runRequest,
  signedHeaders,
  signedRun,
  signedRunBatch,
  signedCancel,
  recordingLogger,
} from './fake-manager';
export type {
  FakeAnswer,
  RecordedRequest,
  RecordingLogger,
  SignOptions,
  WorkerLoggerLike,
  WorkerRequestLike,
} from './fake-manager';
export {
  DEFINITION_CASES,
  MANAGER_ONLY_DEFINITION_CASES,
  DEFINITION_CLUSTER,
  DEFINITION_GROUP,
} from './definition-cases';
export type { DefinitionCase } from './definition-cases';
export { checkRuns, describeReport, everyNSeconds } from './fault-checker';
export type {
  CheckReport,
  CheckWindow,
  PlannedJob,
  RunRecord,
  Violation,
  ViolationKind,
} from './fault-checker';
export { appendLedger, readLedgers } from './fault-ledger';
export type { LedgerEntry } from './fault-ledger';
export { RUN_ROW_COLUMNS, toRunRecord } from './fault-records';
export type { RunRow } from './fault-records';
export { seededRandom } from './seeded-random';
