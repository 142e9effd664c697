import type { LogLevel, RunOutcome } from './enums';
import type { ApiFailure, ErrorCode } from './envelope';
import type { JobPersistParameter } from './job-definition';
import type { JobKey } from './job-key';

/**
 * The manager <-> worker protocol (DESIGN.md §5). Bump {@link PROTOCOL_VERSION} on any
 * incompatible change. Both sides send it in the `x-chaconne-protocol` header of every
 * request and refuse another version with 400 INCOMPATIBLE_PROTOCOL (the manager also checks
 * `protocolVersion` at registration).
 *
 * Version 2: signatures bind the method, path, recipient and direction; a worker refuses runs
 * for a cluster or group it does not serve; every field of every body is required or refused
 * by name (no optional fields for older peers: version 1 was never released), but for a
 * heartbeat's `capacity`, which is only shown to operators. A FAILED report says whether the
 * failure may be retried ({@link RunReport.retryable}).
 */
export const PROTOCOL_VERSION = 2;

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
export const RUN_REQUEST_CONTENT_TYPE = `application/vnd.chaconne.v${PROTOCOL_VERSION}+json`;

/**
 * Bounds of the protocol's bodies, the same on both sides: the SDK cuts what user code
 * produces (log messages, error texts) to fit, and the receivers refuse anything beyond.
 */
export const ProtocolLimits = {
  /** Characters of an instance id (letters, digits and `_ . : @ -`). */
  instanceIdChars: 128,
  /** Labels of one instance or job (names and values follow the identifier rule). */
  labels: 32,
  /** Jobs one instance registers. */
  jobsPerRegistration: 1_000,
  /** Lines of one `POST /worker/runs/:runId/logs`. */
  logLinesPerBatch: 1_000,
  /** Characters of one log message (the SDK cuts longer ones and says so). */
  logMessageChars: 16_384,
  /** Characters of a report's `reason` and `error.message`. */
  reasonChars: 16_384,
  /** Characters of a report's `error.name`. */
  errorNameChars: 256,
  /** Characters of a report's `error.stack`. */
  errorStackChars: 65_536,
  /** Runs of one `POST /chaconne/runs/batch`. */
  runsPerBatch: 200,
  /** Characters of a cancel request's `reason`. */
  cancelReasonChars: 1_000,
  /** The furthest ahead of its start a run may be sent (`RunRequest.startInMs`). */
  maxStartInMs: 60_000,
} as const;

/** Routes the manager serves for workers. */
export const ManagerRoutes = {
  register: '/worker/register',
  heartbeat: '/worker/heartbeat',
  deregister: '/worker/deregister',
  logs: (runId: number | string): string => `/worker/runs/${String(runId)}/logs`,
  report: (runId: number | string): string => `/worker/runs/${String(runId)}/report`,
  /** Several runs' outcomes in one request (at most the register answer's `reportBatchLimit`). */
  reports: '/worker/reports',
} as const;

/** Routes the SDK mounts inside the worker's own HTTP server. */
export const WorkerRoutes = {
  runs: '/chaconne/runs',
  /** Several run requests in one (at most {@link ProtocolLimits.runsPerBatch}). */
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
  /** The most reports one `POST /worker/reports` may carry. */
  reportBatchLimit: number;
}

export interface HeartbeatRequest {
  instanceId: string;
  /** Runs accepted and not yet reported, but for the held and waiting ones (counted apart, below). */
  activeRuns: number;
  draining: boolean;
  /**
   * The most runs the instance takes at once (the sum of its jobs' concurrency limits), or
   * null when some job has no limit. Shown in the console; absent means unknown (a peer
   * that speaks the protocol by hand).
   */
  capacity?: number | null;
  /** Runs accepted and waiting for their start time (sent ahead, `startInMs`). */
  heldRuns?: number;
  /** Runs due but waiting for a free slot under their job's concurrency limit. */
  waitingRuns?: number;
}

export interface HeartbeatResponse {
  /** false: the manager does not know this instance; the SDK registers again. */
  known: boolean;
}

export interface DeregisterRequest {
  instanceId: string;
}

/**
 * The body of `POST /chaconne/runs`, signed for the instance it is sent to. The worker answers
 * 202 {@link RunAccepted}, or refuses the run: 409 WRONG_RECIPIENT when `jobKey` names a
 * cluster or group other than the worker's own, 404 NO_HANDLER when it has no job of that
 * class, 429 RATE_LIMITED at the job's concurrency limit with its wait queue full (a run at the
 * limit otherwise waits there for a free slot), 503 while draining.
 */
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
  /** The job's retries: the attempt numbered `retries` is the last. */
  retries: number;
  /**
   * Runs are sent a little ahead of their planned time: the handler starts this many
   * milliseconds after the worker received the request, on the worker's own timer (0 or
   * absent: at once; at most {@link ProtocolLimits.maxStartInMs}). A run cancelled before it
   * starts never starts and is reported SKIPPED with the cancel reason.
   */
  startInMs?: number;
}

/**
 * The body of `POST /chaconne/runs/:runId/cancel`: why the manager stops the run, e.g.
 * `timeout after 3000 ms` or `replaced by run 42` (the handler's signal aborts with it).
 */
export interface CancelRequest {
  reason: string;
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
 * `POST /chaconne/runs` would have answered for that run alone: 202 with RunAccepted, or an
 * error such as 409 WRONG_RECIPIENT (the run is for a cluster or group this worker does not
 * serve), 404 NO_HANDLER (a job class it does not have), 429 RATE_LIMITED (at the job's
 * concurrency limit with its wait queue full) or 503 while draining.
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
  /**
   * Required on a FAILED report, refused on any other: false when retrying cannot help (the
   * handler threw `NonRetryableError`), and the manager ends the occurrence with this
   * attempt, as its final failure; true when the manager may retry it (within the job's
   * retries).
   */
  retryable?: boolean;
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
