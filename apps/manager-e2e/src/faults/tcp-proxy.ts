import { request } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** Where a proxy forwards: `127.0.0.1:<port>` of a manager or a worker. */
export interface Upstream {
  host: string;
  port: number;
}

export interface TcpProxyOptions {
  /**
   * Probed with `GET <healthPath>` every `HEALTH_INTERVAL_MS`, as a load balancer does: an
   * upstream that does not answer 2xx within `HEALTH_TIMEOUT_MS` gets no new connections and
   * its open ones are shut (a frozen manager then costs a worker one failed request, not a
   * request timeout). Without it every upstream is always a candidate.
   */
  healthPath?: string;
}

const HEALTH_INTERVAL_MS = 250;
const HEALTH_TIMEOUT_MS = 1_000;

const name = (upstream: Upstream): string => `${upstream.host}:${upstream.port}`;

/**
 * A TCP proxy of the test's own between a worker and the managers (or the managers and a
 * worker): round robin over the healthy upstreams, the next one tried when a connection is
 * refused. `cut()` is a network partition: every open connection is reset and new ones are
 * reset as they arrive, until `restore()`.
 */
export class TcpProxy {
  private readonly sessions = new Map<Socket, { upstream: Upstream; remote: Socket }>();
  private readonly down = new Set<string>();
  private upstreams: Upstream[];
  private next = 0;
  private isCut = false;
  private healthTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly server: Server,
    upstreams: readonly Upstream[],
    private readonly options: TcpProxyOptions,
  ) {
    this.upstreams = [...upstreams];
  }

  static async start(upstreams: readonly Upstream[], options: TcpProxyOptions = {}): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server, upstreams, options);
    server.on('connection', (socket) => {
      proxy.accept(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (options.healthPath !== undefined) {
      await proxy.probeAll();
      proxy.healthTimer = setInterval(() => void proxy.probeAll(), HEALTH_INTERVAL_MS);
    }
    return proxy;
  }

  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address !== 'object') throw new Error('proxy not listening');
    return address.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Replaces the upstreams (a manager restarted on another port); open connections stay. */
  setUpstreams(upstreams: readonly Upstream[]): void {
    this.upstreams = [...upstreams];
  }

  /** The partition: resets every open connection and every new one until {@link restore}. */
  cut(): void {
    this.isCut = true;
    for (const [socket, { remote }] of this.sessions) {
      socket.resetAndDestroy();
      remote.resetAndDestroy();
    }
    this.sessions.clear();
  }

  restore(): void {
    this.isCut = false;
  }

  async close(): Promise<void> {
    clearInterval(this.healthTimer);
    this.cut();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private accept(socket: Socket): void {
    socket.on('error', () => undefined);
    if (this.isCut) {
      socket.resetAndDestroy();
      return;
    }
    socket.pause();
    this.forward(socket, this.candidates());
  }

  /** The healthy upstreams (all of them when none is), starting with the next in turn. */
  private candidates(): Upstream[] {
    const up = this.upstreams.filter((u) => !this.down.has(name(u)));
    const healthy = up.length > 0 ? up : this.upstreams;
    const start = this.next++ % Math.max(1, healthy.length);
    return [...healthy.slice(start), ...healthy.slice(0, start)];
  }

  private forward(socket: Socket, candidates: Upstream[]): void {
    const [upstream, ...rest] = candidates;
    if (!upstream || this.isCut) {
      socket.resetAndDestroy();
      return;
    }
    const remote = connect(upstream.port, upstream.host);
    let connected = false;
    remote.once('connect', () => {
      connected = true;
      if (this.isCut || socket.destroyed) {
        remote.resetAndDestroy();
        socket.resetAndDestroy();
        return;
      }
      this.sessions.set(socket, { upstream, remote });
      socket.pipe(remote);
      remote.pipe(socket);
      socket.resume();
    });
    remote.on('error', () => {
      if (!connected) this.forward(socket, rest);
      else socket.resetAndDestroy();
    });
    const end = (): void => {
      this.sessions.delete(socket);
      socket.destroy();
      remote.destroy();
    };
    socket.once('close', end);
    remote.once('close', () => {
      if (connected) end();
    });
  }

  private async probeAll(): Promise<void> {
    const path = this.options.healthPath;
    if (path === undefined) return;
    await Promise.all(
      this.upstreams.map(async (upstream) => {
        const healthy = await probe(upstream, path);
        const key = name(upstream);
        if (healthy) {
          this.down.delete(key);
          return;
        }
        if (this.down.has(key)) return;
        this.down.add(key);
        for (const [socket, session] of this.sessions) {
          if (name(session.upstream) !== key) continue;
          this.sessions.delete(socket);
          socket.resetAndDestroy();
          session.remote.resetAndDestroy();
        }
      }),
    );
  }
}

function probe(upstream: Upstream, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: upstream.host,
        port: upstream.port,
        path,
        method: 'GET',
        timeout: HEALTH_TIMEOUT_MS,
        agent: false,
      },
      (res) => {
        res.resume();
        resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => {
      resolve(false);
    });
    req.end();
  });
}
