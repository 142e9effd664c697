import type { LogLevel, RunOutcome } from './enums';
import type { ApiFailure, ErrorCode } from './envelope';
import type { JobPersistParameter } from './job-definition';
import type { JobKey } from './job-key';

/**
 * The manager <-> worker protocol (DESIGN.md §5). Bump {@link PROTOCOL_VERSION} on any
 * incompatible change; the manager refuses workers whose major version differs.
 */
export const PROTOCOL_VERSION = 1;

export const ProtocolHeader = {
  PROTOCOL: 'x-chaconne-protocol',
  SDK: 'x-chaconne-sdk',
  TIMESTAMP: 'x-chaconne-timestamp',
  NONCE: 'x-chaconne-nonce',
  SIGNATURE: 'x-chaconne-signature',
} as const;

/**
 * Manager -> worker requests use their own media type, so host frameworks' JSON body
 * parsers leave the raw bytes alone and the SDK can verify the signature over them.
 */
export const RUN_REQUEST_CONTENT_TYPE = 'application/vnd.chaconne.v1+json';

/** Routes the manager serves for workers. */
export const ManagerRoutes = {
  register: '/worker/register',
  heartbeat: '/worker/heartbeat',
  deregister: '/worker/deregister',
  logs: (runId: number | string): string => `/worker/runs/${String(runId)}/logs`,
  report: (runId: number | string): string => `/worker/runs/${String(runId)}/report`,
  /** Several runs' outcomes in one request (managers that answer `reportBatchLimit` on register). */
  reports: '/worker/reports',
} as const;

/** Routes the SDK mounts inside the worker's own HTTP server. */
export const WorkerRoutes = {
  runs: '/chaconne/runs',
  /** Several run requests in one (SDKs without it answer 404: one request per run then). */
  runBatch: '/chaconne/runs/batch',
  cancel: (runId: number | string): string => `/chaconne/runs/${String(runId)}/cancel`,
} as const;

/** A job this instance can run. Code-defined jobs carry their full definition. */
export interface WorkerJobDeclaration {
  jobClassName: string;
  definition?: JobPersistParameter;
}

export interface RegisterRequest {
  instanceId: string;
  clusterName: string;
  groupName: string;
  /** Where the manager reaches this instance, e.g. `http://10.0.0.5:8088`. */
  baseUrl: string;
  /** Whether `baseUrl` was configured or detected from the local interfaces. */
  baseUrlSource: 'configured' | 'detected';
  weight: number;
  labels: Record<string, string>;
  sdkVersion: string;
  protocolVersion: number;
  startedAt: string;
  jobs: WorkerJobDeclaration[];
}

export interface RegisterResponse {
  instanceId: string;
  heartbeatIntervalMs: number;
  /** Job ids of the code-defined jobs the manager created or updated. */
  jobs: { jobClassName: string; jobId: number | null }[];
  /**
   * The most reports one `POST /worker/reports` may carry. Absent from managers without
   * that route: the SDK then sends each report on its own.
   */
  reportBatchLimit?: number;
}

export interface HeartbeatRequest {
  instanceId: string;
  activeRuns: number;
  draining: boolean;
}

export interface HeartbeatResponse {
  /** false: the manager does not know this instance; the SDK registers again. */
  known: boolean;
}

export interface DeregisterRequest {
  instanceId: string;
}

export interface RunRequest {
  runId: number;
  jobId: number;
  jobKey: JobKey;
  attempt: number;
  /** The occurrence this run belongs to (ISO-8601). */
  plannedAt: string;
  attachment: string | null;
  /** Milliseconds; -1 = no timeout. */
  timeoutMs: number;
  /** The job's retries: the attempt numbered `retries` is the last (absent from older managers: 0). */
  retries?: number;
}

export interface RunAccepted {
  accepted: true;
  /** true when this process had already received the run: the handler is not run again. */
  duplicate: boolean;
}

/** Run requests for one worker instance, each as in `POST /chaconne/runs`. */
export interface RunRequestBatch {
  runs: RunRequest[];
}

/**
 * What the worker did with each run of a batch, in the batch's order: the status and body
 * `POST /chaconne/runs` would have answered for that run alone (202 with RunAccepted, or
 * an error such as 429 RATE_LIMITED or 503 while draining).
 */
export interface RunBatchResult {
  runId: number;
  status: number;
  answer: RunAccepted | ApiFailure;
}

export interface RunBatchResults {
  results: RunBatchResult[];
}

export interface LogLine {
  level: LogLevel;
  message: string;
  /** ISO-8601 */
  time: string;
}

export interface LogBatch {
  instanceId: string;
  lines: LogLine[];
  /** Lines dropped by the SDK's bounded buffer since the previous batch. */
  dropped: number;
}

export interface RunError {
  name: string;
  message: string;
  stack?: string;
}

export interface RunReport {
  instanceId: string;
  runningState: RunOutcome;
  /** The handler's return value (JSON-serialisable), if any. */
  result?: unknown;
  error?: RunError;
  /** Why the run was skipped, failed or terminated its job, in words. */
  reason?: string;
  startedAt: string;
  finishedAt: string;
}

/** Outcomes of several runs, each as in `POST /worker/runs/:runId/report`. */
export interface RunReportBatch {
  reports: (RunReport & { runId: number })[];
}

/**
 * What became of each report of a batch, in the batch's order: `accepted` as for one
 * report, or the error the single-report route would have answered with.
 */
export type RunReportResult =
  | { runId: number; accepted: boolean }
  | { runId: number; error: { status: number; code: ErrorCode; msg: string } };

export interface RunReportBatchResults {
  results: RunReportResult[];
}
