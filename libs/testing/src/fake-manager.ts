import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ManagerRoutes,
  PROTOCOL_VERSION,
  ProtocolHeader,
  RUN_REQUEST_CONTENT_TYPE,
  WorkerRoutes,
  type ErrorCode,
  type RunReportBatch,
  type RunReportResult,
  type RunRequest,
  type RunRequestBatch,
} from '@chaconne/contracts';
import {
  MANAGER_RECIPIENT,
  SignatureDirection,
  signRequest,
  verifyRequest,
} from '@chaconne/contracts/signing';

/**
 * A request to the worker's HTTP handler, as @chaconne/worker's `WorkerHttpRequest` has it.
 * Declared here because this library depends on @chaconne/contracts only; the worker's type
 * is structural, so these objects are accepted wherever it wants one.
 */
export interface WorkerRequestLike {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

/** The shape of @chaconne/worker's `WorkerLogger` (structural, like {@link WorkerRequestLike}). */
export interface WorkerLoggerLike {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const SECRET = 'test-secret-0123456789-abcdefghijklmnop';

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** Whether the worker's signature verified with {@link SECRET}, for this path and the manager. */
  signed: boolean;
}

export interface FakeAnswer {
  status: number;
  body: unknown;
}

type Responder = (request: RecordedRequest, count: number) => FakeAnswer | undefined;

export const okAnswer = (data: unknown): FakeAnswer => ({
  status: 200,
  body: { success: true, msg: 'ok', data },
});
export const errorAnswer = (status: number, code: string, msg = code): FakeAnswer => ({
  status,
  body: { success: false, msg, code, data: null },
});

/**
 * A real HTTP server on a free port standing in for the manager: records every request
 * (with its signature check) and answers with the protocol's defaults unless told otherwise.
 * A batch of reports (`POST /worker/reports`) is recorded, then handled as the manager does:
 * each report as if it came alone to `/worker/runs/:runId/report` (recorded so, answered by
 * that path's rules), a 4xx becoming that report's own error and a 5xx failing the batch.
 */
export class FakeManager {
  readonly requests: RecordedRequest[] = [];
  private readonly responders = new Map<string, Responder>();
  private readonly counts = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeManager> {
    const holder: { manager?: FakeManager } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const path = req.url ?? '/';
        const recorded: RecordedRequest = {
          path,
          headers: req.headers,
          body: raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as unknown) : undefined,
          signed: verifyRequest(
            SECRET,
            {
              direction: SignatureDirection.WORKER_TO_MANAGER,
              method: req.method ?? '',
              path: path.split('?')[0] ?? '',
              recipient: MANAGER_RECIPIENT,
            },
            req.headers,
            raw,
          ).ok,
        };
        const answer = holder.manager?.answer(recorded) ?? okAnswer(null);
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.manager = new FakeManager(server, `http://127.0.0.1:${port}`);
    return holder.manager;
  }

  /** Answers requests to `path` (exact, or a prefix ending in `*`); the newest rule wins. */
  on(path: string, responder: Responder): this {
    this.responders.set(path, responder);
    return this;
  }

  to(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  reset(): void {
    this.requests.length = 0;
    this.responders.clear();
    this.counts.clear();
  }

  /** Polls `check` until it returns a value; fails naming what it waited for. */
  async waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private answer(request: RecordedRequest): FakeAnswer {
    this.requests.push(request);
    const count = (this.counts.get(request.path) ?? 0) + 1;
    this.counts.set(request.path, count);
    for (const [path, responder] of [...this.responders].reverse()) {
      const matches = path.endsWith('*') ? request.path.startsWith(path.slice(0, -1)) : request.path === path;
      if (!matches) continue;
      const answer = responder(request, count);
      if (answer) return answer;
    }
    if (request.path === ManagerRoutes.reports) return this.answerReports(request);
    if (request.path === ManagerRoutes.register) {
      return okAnswer({
        instanceId: 'from-manager',
        heartbeatIntervalMs: 60_000,
        jobs: [],
        reportBatchLimit: 1,
      });
    }
    if (request.path === ManagerRoutes.heartbeat) return okAnswer({ known: true });
    if (/^\/worker\/runs\/\d+\/report$/.test(request.path)) return okAnswer({ accepted: true });
    return okAnswer(null);
  }

  private answerReports(batch: RecordedRequest): FakeAnswer {
    const { reports } = batch.body as RunReportBatch;
    const results: RunReportResult[] = [];
    for (const { runId, ...report } of reports) {
      const answer = this.answer({ ...batch, path: ManagerRoutes.report(runId), body: report });
      if (answer.status >= 500) return answer;
      const body = answer.body as { data?: { accepted?: boolean }; code?: ErrorCode; msg?: string };
      results.push(
        answer.status < 300
          ? { runId, accepted: body.data?.accepted ?? true }
          : { runId, error: { status: answer.status, code: body.code ?? 'NOT_FOUND', msg: body.msg ?? '' } },
      );
    }
    return okAnswer({ results });
  }
}

export function runRequest(overrides: Partial<RunRequest> = {}): RunRequest {
  return {
    runId: 1,
    jobId: 7,
    jobKey: {
      clusterName: 'test-cluster',
      groupName: 'test-group',
      jobName: 'etlJob',
      jobClassName: 'EtlJob',
    },
    attempt: 0,
    plannedAt: '2024-05-01T10:00:00.000Z',
    attachment: '{"day":"2024-05-01"}',
    timeoutMs: -1,
    retries: 0,
    ...overrides,
  };
}

export interface SignOptions {
  /** When it was signed (epoch ms); now by default. */
  now?: number;
  secret?: string;
  /** The route it is sent to (and signed for); `/chaconne/runs` by default. */
  path?: string;
}

/**
 * The headers the manager sends with `body` to `path` of the worker `instanceId`: the
 * Chaconne media type, the protocol version and the signature for that instance and path.
 */
export function signedHeaders(
  instanceId: string,
  path: string,
  body: string,
  options: Omit<SignOptions, 'path'> = {},
): Record<string, string> {
  const target = {
    direction: SignatureDirection.MANAGER_TO_WORKER,
    method: 'POST',
    path,
    recipient: instanceId,
  };
  return {
    'content-type': RUN_REQUEST_CONTENT_TYPE,
    [ProtocolHeader.PROTOCOL]: String(PROTOCOL_VERSION),
    ...signRequest(options.secret ?? SECRET, target, body, options.now),
  };
}

/**
 * A request as the manager sends it to the worker `instanceId`: exact bytes, signed for that
 * instance and path (`/chaconne/runs` by default), with the Chaconne media type and the
 * protocol header.
 */
export function signedRun(
  instanceId: string,
  body: RunRequest | RunRequestBatch | string,
  options: SignOptions = {},
): WorkerRequestLike {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const path = options.path ?? WorkerRoutes.runs;
  return {
    method: 'POST',
    path,
    headers: signedHeaders(instanceId, path, raw, options),
    rawBody: Buffer.from(raw, 'utf8'),
  };
}

/** A batch of run requests signed for the worker `instanceId` (`POST /chaconne/runs/batch`). */
export function signedRunBatch(
  instanceId: string,
  body: RunRequestBatch | string,
  options: Omit<SignOptions, 'path'> = {},
): WorkerRequestLike {
  return signedRun(instanceId, body, { ...options, path: WorkerRoutes.runBatch });
}

/**
 * A cancel request signed for the worker `instanceId`; `body` is its exact text
 * (`{"reason":"cancelled by a test"}` by default).
 */
export function signedCancel(
  instanceId: string,
  runId: number,
  body = '{"reason":"cancelled by a test"}',
): WorkerRequestLike {
  return signedRun(instanceId, body, { path: WorkerRoutes.cancel(runId) });
}

export interface RecordingLogger extends WorkerLoggerLike {
  lines: { level: 'log' | 'warn' | 'error'; message: string }[];
}

/** A silent logger that remembers what the SDK said. */
export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger['lines'] = [];
  return {
    lines,
    log: (message) => lines.push({ level: 'log', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
}
