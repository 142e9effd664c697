import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ManagerRoutes,
  ProtocolHeader,
  RUN_REQUEST_CONTENT_TYPE,
  WorkerRoutes,
  type RunRequest,
} from '@chaconne/contracts';
import { signBody, verifyBody } from '@chaconne/contracts/signing';

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
  /** Whether the worker's signature verified with {@link SECRET}. */
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
          signed: verifyBody(SECRET, req.headers, raw).ok,
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
    if (request.path === ManagerRoutes.register) {
      return okAnswer({ instanceId: 'from-manager', heartbeatIntervalMs: 60_000, jobs: [] });
    }
    if (request.path === ManagerRoutes.heartbeat) return okAnswer({ known: true });
    return okAnswer(null);
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
    ...overrides,
  };
}

/** A run request as the manager sends it: exact bytes, signed, with the Chaconne media type. */
export function signedRun(body: RunRequest | string, now?: number, secret = SECRET): WorkerRequestLike {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    method: 'POST',
    path: WorkerRoutes.runs,
    headers: {
      'content-type': RUN_REQUEST_CONTENT_TYPE,
      [ProtocolHeader.PROTOCOL]: '1',
      ...signBody(secret, raw, now),
    },
    rawBody: Buffer.from(raw, 'utf8'),
  };
}

/** A signed cancel request; `body` is its exact text, e.g. `{"reason":"replaced by run 42"}` (empty by default). */
export function signedCancel(runId: number, body = ''): WorkerRequestLike {
  return {
    method: 'POST',
    path: WorkerRoutes.cancel(runId),
    headers: { 'content-type': RUN_REQUEST_CONTENT_TYPE, ...signBody(SECRET, body) },
    rawBody: Buffer.from(body, 'utf8'),
  };
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
