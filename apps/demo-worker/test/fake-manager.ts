import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManagerRoutes, verifyBody } from '@chaconne/contracts';

export interface RecordedRequest {
  path: string;
  body: unknown;
  signed: boolean;
}

/** A real HTTP server on a free port that answers like the manager and records requests. */
export class FakeManager {
  readonly requests: RecordedRequest[] = [];
  url = '';
  private readonly server = createServer((req, res) => {
    this.record(req, res);
  });

  constructor(private readonly secret: string) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  to(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** Polls until `check` returns a value; fails naming what it waited for. */
  async waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 5_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
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

  private record(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const path = req.url ?? '/';
      this.requests.push({
        path,
        body: raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as unknown) : undefined,
        signed: verifyBody(this.secret, req.headers, raw).ok,
      });
      const data =
        path === ManagerRoutes.register
          ? { instanceId: 'x', heartbeatIntervalMs: 60_000, jobs: [] }
          : path === ManagerRoutes.heartbeat
            ? { known: true }
            : null;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: true, msg: 'ok', data }));
    });
  }
}
