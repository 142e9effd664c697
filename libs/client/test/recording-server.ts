import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the server received; `body` is the parsed JSON, or undefined when there was none. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/xcron/queryTask?task_id=t1`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Reply {
  /** @defaultValue 200 */
  status?: number;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (text/html), instead of `json`. */
  raw?: string;
  /** Answer only after this many milliseconds. */
  delayMs?: number;
}

/** An in-process HTTP server that records every request and answers what a test set for its path. */
export class RecordingServer {
  readonly requests: RecordedRequest[] = [];
  private readonly replies = new Map<string, Reply>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<RecordingServer> {
    // The handler needs the instance, which needs the listening server's port.
    const holder: { self?: RecordingServer } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const url = req.url ?? '';
        holder.self?.requests.push({
          method: req.method ?? '',
          url,
          headers: req.headers,
          body: text === '' ? undefined : (JSON.parse(text) as unknown),
        });
        const reply = holder.self?.replies.get(url.split('?')[0] ?? '') ?? {
          json: { success: true, msg: 'ok', data: null },
        };
        const send = (): void => {
          res.statusCode = reply.status ?? 200;
          if (reply.raw !== undefined) {
            res.setHeader('content-type', 'text/html');
            res.end(reply.raw);
          } else {
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify(reply.json));
          }
        };
        if (!reply.delayMs) send();
        else {
          const timer = setTimeout(() => {
            holder.self?.timers.delete(timer);
            send();
          }, reply.delayMs);
          holder.self?.timers.add(timer);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const self = new RecordingServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    holder.self = self;
    return self;
  }

  /** Answers requests to `path` (without the query) with `reply` from now on. */
  reply(path: string, reply: Reply): void {
    this.replies.set(path, reply);
  }

  /** Answers `data` in Chaconne's success envelope. */
  replyData(path: string, data: unknown): void {
    this.reply(path, { json: { success: true, msg: 'ok', data } });
  }

  get last(): RecordedRequest {
    const last = this.requests.at(-1);
    if (!last) throw new Error('no request was recorded');
    return last;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
