import { randomBytes } from 'node:crypto';
import { hostname, networkInterfaces } from 'node:os';
import { ProtocolLimits, secretProblem } from '@chaconne/contracts';
import { jobKeySchema, labelsSchema, schemaProblems } from '@chaconne/contracts/definition';
import { ChaconneWorkerError } from './errors';
import { listenersProblem, type JobListener } from './job-listener';
import { consoleLogger, type WorkerLogger } from './logger';

/** Options of {@link ChaconneWorker}. */
export interface ChaconneWorkerOptions {
  /** Base URL of the Chaconne manager, e.g. `http://127.0.0.1:6543`. */
  managerUrl: string;
  /**
   * Shared secret used to sign every request in both directions (the same value as the
   * manager's). At least `MIN_SECRET_LENGTH` (32) characters, not a repeated block and with
   * real entropy (`secretProblem` of @chaconne/contracts); there is no default.
   * @example `openssl rand -hex 32`
   */
  secret: string;
  /** Chaconne cluster this instance belongs to (the `clusterName` of its job keys). */
  clusterName: string;
  /** Chaconne group this instance belongs to (the `groupName` of its job keys). */
  groupName: string;
  /**
   * Where the manager reaches this instance, e.g. `http://10.0.0.5:8088` (include any path
   * prefix the host app mounts routes under).
   * @defaultValue `http://<first non-internal IPv4, else 127.0.0.1>:<port>`
   */
  baseUrl?: string;
  /**
   * Port of the host HTTP server, used to build the detected `baseUrl`. Framework adapters
   * fill it in from the listening server.
   * @defaultValue the port the adapter reports, if any
   */
  port?: number;
  /**
   * Stable identity of this process in the manager's worker registry: up to 128 letters,
   * digits and `_ . : @ -`. Every run request must be signed for it.
   * @defaultValue `<hostname>-<pid>-<6 random hex chars>`
   */
  instanceId?: string;
  /**
   * Load-balancing weight of this instance relative to the others of its group (the
   * `WEIGHTED_RANDOM` and `WEIGHTED_ROUND_ROBIN` load balancers): an integer from 1 to 1000.
   * @defaultValue 1
   */
  weight?: number;
  /**
   * Labels of this instance, shown in the console. A job whose run policy lists `labels`
   * runs only on instances carrying all of them, e.g. `{ region: 'eu' }`. At most 32, each
   * name 1-64 characters, each value a string of up to 256.
   * @defaultValue `{}`
   */
  labels?: Record<string, string>;
  /**
   * Listeners asked before every run of every job of this worker, ahead of the job's own;
   * one may end the job for good (see {@link JobListener}).
   * @defaultValue []
   */
  listeners?: readonly JobListener[];
  /**
   * Where the SDK writes its own diagnostics (job logs go to the manager).
   * @defaultValue `console` with a `[chaconne-worker]` prefix
   */
  logger?: WorkerLogger;
  /**
   * How long `close()` waits for in-flight runs before aborting them.
   * @defaultValue 30000
   */
  shutdownGraceMs?: number;
  /**
   * Runs of one job that may wait here for a free slot when the job is at its concurrency
   * limit: they start in arrival order as slots free; a run arriving with the queue full is
   * refused with 429 (the manager tries another instance). 0 = never wait.
   * @defaultValue four rounds of the job's concurrency, at least 16: `max(16, 4 * concurrency)`
   */
  maxWaitingRunsPerJob?: number;
  /**
   * Timeout of every worker -> manager HTTP request.
   * @defaultValue 10000
   */
  requestTimeoutMs?: number;
  /**
   * Backoff between retries of registration, reports and log batches.
   * @defaultValue `{ initialMs: 500, maxMs: 5000 }`
   */
  retryBackoff?: { initialMs?: number; maxMs?: number };
  /**
   * Shipping of `ctx.log` lines to the manager (`maxBatchLines`: at most 1000).
   * @defaultValue `{ flushIntervalMs: 200, maxBatchLines: 100, maxBufferedLines: 5000 }`
   */
  logShipping?: { flushIntervalMs?: number; maxBatchLines?: number; maxBufferedLines?: number };
  /**
   * Also write every `ctx.log` line to `logger` (handy in development).
   * @defaultValue false
   */
  echoRunLogs?: boolean;
}

/** {@link ChaconneWorkerOptions} with defaults applied and values checked. */
export interface ResolvedWorkerOptions {
  managerUrl: string;
  secret: string;
  clusterName: string;
  groupName: string;
  baseUrl: string | undefined;
  port: number | undefined;
  instanceId: string;
  weight: number;
  labels: Record<string, string>;
  listeners: readonly JobListener[];
  logger: WorkerLogger;
  shutdownGraceMs: number;
  /** undefined: the default rule, per job. */
  maxWaitingRunsPerJob: number | undefined;
  requestTimeoutMs: number;
  retryBackoff: { initialMs: number; maxMs: number };
  logShipping: { flushIntervalMs: number; maxBatchLines: number; maxBufferedLines: number };
  echoRunLogs: boolean;
}

function httpUrl(value: unknown, key: string, problems: string[]): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push(`${key} is required (an http(s) URL)`);
    return undefined;
  }
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    return value.replace(/\/+$/, '');
  } catch {
    problems.push(`${key} must be an http(s) URL (got "${value}")`);
    return undefined;
  }
}

/** Instance weights are whole numbers 1-1000 (what the manager stores and balances by). */
function weightOf(value: number | undefined, problems: string[]): number {
  if (value === undefined) return 1;
  if (!Number.isInteger(value) || value < 1 || value > 1000)
    problems.push(`weight must be an integer from 1 to 1000 (got ${value})`);
  return value;
}

function positive(
  value: number | undefined,
  fallback: number,
  key: string,
  problems: string[],
  min = 1,
): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min)
    problems.push(`${key} must be a number >= ${min} (got ${value})`);
  return value;
}

function waitLimitOf(value: number | undefined, problems: string[]): number | undefined {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0))
    problems.push(`maxWaitingRunsPerJob must be an integer >= 0 (got ${value})`);
  return value;
}

const INSTANCE_ID = /^[\w.:@-]+$/;

/** A string option without surrounding spaces (anything else is left for validation to name). */
function trimmed(value: unknown): string {
  return (typeof value === 'string' ? value.trim() : value) as string;
}

export function defaultInstanceId(): string {
  const host = hostname()
    .replace(/[^\w.:@-]/g, '-')
    .slice(0, 64);
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

function instanceIdProblem(value: unknown): string | undefined {
  const max = ProtocolLimits.instanceIdChars;
  if (typeof value !== 'string' || value.length === 0 || value.length > max || !INSTANCE_ID.test(value))
    return `instanceId must be 1-${max} letters, digits or _ . : @ - (got ${JSON.stringify(value)})`;
  return undefined;
}

/** The manager's rule for an instance's labels (names never echoed: a bad one is named `labels`). */
function labelsProblems(labels: unknown): string[] {
  if (labels === undefined) return [];
  return schemaProblems(labelsSchema, labels, 'labels.').map((p) => `${p.field}: ${p.reason}`);
}

const BLANK = new Set(['is required', 'must be a string', 'must not be empty']);

/**
 * Checks the options and applies defaults. Every problem is listed in one error, so a
 * misconfigured service fails at start-up with the whole story.
 */
export function resolveWorkerOptions(options: ChaconneWorkerOptions): ResolvedWorkerOptions {
  const problems: string[] = [];
  const managerUrl = httpUrl(options.managerUrl, 'managerUrl', problems);
  const secret = options.secret as unknown;
  const weakness = typeof secret === 'string' ? secretProblem(secret) : 'is required';
  if (weakness) {
    problems.push(`secret ${weakness} (use the shared secret configured on the manager)`);
  }
  for (const key of ['clusterName', 'groupName'] as const) {
    const [problem] = schemaProblems(jobKeySchema.shape[key], options[key]);
    if (problem && BLANK.has(problem.reason)) problems.push(`${key} is required (a non-empty string)`);
    else if (problem) problems.push(`${key} ${problem.reason}`);
  }
  const baseUrl = options.baseUrl === undefined ? undefined : httpUrl(options.baseUrl, 'baseUrl', problems);
  if (
    options.port !== undefined &&
    (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535)
  ) {
    problems.push(`port must be an integer between 1 and 65535 (got ${options.port})`);
  }
  const instanceId = options.instanceId ?? defaultInstanceId();
  const idProblem = instanceIdProblem(instanceId);
  if (idProblem) problems.push(idProblem);
  problems.push(...labelsProblems(options.labels));
  const listeners = listenersProblem(options.listeners, 'listeners');
  if (listeners) problems.push(listeners);
  const logShipping = {
    flushIntervalMs: positive(
      options.logShipping?.flushIntervalMs,
      200,
      'logShipping.flushIntervalMs',
      problems,
    ),
    maxBatchLines: positive(options.logShipping?.maxBatchLines, 100, 'logShipping.maxBatchLines', problems),
    maxBufferedLines: positive(
      options.logShipping?.maxBufferedLines,
      5_000,
      'logShipping.maxBufferedLines',
      problems,
    ),
  };
  if (logShipping.maxBatchLines > ProtocolLimits.logLinesPerBatch)
    problems.push(
      `logShipping.maxBatchLines must be at most ${ProtocolLimits.logLinesPerBatch} (got ${logShipping.maxBatchLines})`,
    );
  const retryBackoff = {
    initialMs: positive(options.retryBackoff?.initialMs, 500, 'retryBackoff.initialMs', problems),
    maxMs: positive(options.retryBackoff?.maxMs, 5_000, 'retryBackoff.maxMs', problems),
  };
  const resolved: Omit<ResolvedWorkerOptions, 'managerUrl'> = {
    secret: options.secret,
    // As the manager stores them: a run names its cluster and group without the spaces.
    clusterName: trimmed(options.clusterName),
    groupName: trimmed(options.groupName),
    baseUrl,
    port: options.port,
    instanceId,
    weight: weightOf(options.weight, problems),
    labels: { ...options.labels },
    listeners: [...(options.listeners ?? [])],
    logger: options.logger ?? consoleLogger(),
    shutdownGraceMs: positive(options.shutdownGraceMs, 30_000, 'shutdownGraceMs', problems, 0),
    maxWaitingRunsPerJob: waitLimitOf(options.maxWaitingRunsPerJob, problems),
    requestTimeoutMs: positive(options.requestTimeoutMs, 10_000, 'requestTimeoutMs', problems),
    retryBackoff,
    logShipping,
    echoRunLogs: options.echoRunLogs ?? false,
  };
  if (problems.length > 0 || managerUrl === undefined) {
    throw new ChaconneWorkerError(`Invalid ChaconneWorker options:\n  - ${problems.join('\n  - ')}`);
  }
  return { ...resolved, managerUrl };
}

/** The first non-internal IPv4 address of this host, else `127.0.0.1`. */
export function detectHostAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      // Node 18.0-18.3 reported the family as a number.
      const family = address.family as string | number;
      if ((family === 'IPv4' || family === 4) && !address.internal) return address.address;
    }
  }
  return '127.0.0.1';
}
