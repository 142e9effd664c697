import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode } from '@chaconne/contracts';
import { ChaconneWorkerError } from '../core/errors';
import type { ChaconneWorkerOptions } from '../core/options';
import { ChaconneWorker } from '../chaconne-worker';
import { isChaconnePath, pathOf, sendFailure, serveChaconne } from '../node/serve-chaconne';

type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

function portOf(server: Server): number | undefined {
  const address = server.address();
  return address !== null && typeof address === 'object' ? address.port : undefined;
}

/**
 * A {@link ChaconneWorker} with its own `node:http` plumbing, for services without a web
 * framework. Create it with {@link createWorker}.
 */
export class ChaconneHttpWorker extends ChaconneWorker {
  private server: Server | undefined;
  private stopWaiting: (() => void) | undefined;
  private shuttingDown: Promise<void> | undefined;

  /**
   * A `node:http` request listener serving `/chaconne/*`. Other paths go to `next` when
   * given, else get a 404.
   *
   * @example
   * http.createServer((req, res) => worker.handler(req, res, () => app(req, res)));
   */
  readonly handler = (req: IncomingMessage, res: ServerResponse, next?: () => void): void => {
    const path = pathOf(req.url);
    if (isChaconnePath(path)) void serveChaconne(this, req, res, path);
    else if (next) next();
    else sendFailure(res, 404, ErrorCode.NOT_FOUND, `no route ${path}`);
  };

  /**
   * Creates a server serving only `/chaconne/*`, listens, then registers with the manager
   * in the background (`worker.ready` tells when registered). Resolves with the bound
   * address once listening (port 0 picks a free port).
   */
  async listen(port: number, host?: string): Promise<AddressInfo> {
    if (this.server) throw new ChaconneWorkerError('listen() was already called');
    const server = createServer(this.handler);
    this.server = server;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      this.server = undefined;
      throw error;
    }
    const address = server.address() as AddressInfo;
    this.startInBackground({ port: address.port });
    return address;
  }

  /**
   * Mounts the endpoints into an existing server: `/chaconne/*` is served here, every other
   * request goes to the server's own request listeners (404 if it has none). Registers once
   * the server listens. Attach after adding your listener; `close()` leaves the server open.
   */
  attach(server: Server): this {
    const previous = server.listeners('request') as NodeListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const fallThrough = (): void => {
        for (const listener of previous) listener.call(server, req, res);
      };
      this.handler(req, res, previous.length > 0 ? fallThrough : undefined);
    });
    const start = (): void => {
      this.stopWaiting = undefined;
      const port = portOf(server);
      this.startInBackground(port === undefined ? {} : { port });
    };
    if (server.listening) start();
    else {
      server.once('listening', start);
      this.stopWaiting = () => server.off('listening', start);
    }
    return this;
  }

  /** Drains and deregisters the worker (see {@link ChaconneWorker.close}), then closes the server `listen()` created. */
  override close(): Promise<void> {
    this.shuttingDown ??= this.closeAll();
    return this.shuttingDown;
  }

  private async closeAll(): Promise<void> {
    this.stopWaiting?.();
    // The server keeps answering (503 to new runs, cancels) while in-flight runs drain.
    await super.close();
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
      server.closeIdleConnections();
    });
  }
}

/**
 * A worker for a service with no web framework: add jobs, `listen()`, done.
 *
 * @example
 * import { TriggerType } from '@chaconne/worker';
 * import { createWorker } from '@chaconne/worker/http';
 *
 * const worker = createWorker({ managerUrl: 'http://manager:6543', secret: process.env.CHACONNE_SECRET!, clusterName: 'demo', groupName: 'billing' });
 * worker.addJob({
 *   jobClassName: 'NightlyReport',
 *   trigger: { triggerType: TriggerType.CRON, triggerDescription: { cron: { expression: '0 0 2 * * ?' } } },
 *   execute: (ctx) => ({ day: ctx.plannedAt.toISOString().slice(0, 10) }),
 * });
 * worker.addDynamicJob('EtlJob', (ctx) => ({ parameter: ctx.attachment }), { concurrency: 2 });
 * await worker.listen(8088); // serves /chaconne/*, then registers with the manager
 * process.once('SIGTERM', () => void worker.close()); // drain, report, deregister, close the server
 */
export function createWorker(options: ChaconneWorkerOptions): ChaconneHttpWorker {
  return new ChaconneHttpWorker(options);
}
