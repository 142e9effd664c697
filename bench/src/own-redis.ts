import { spawn } from 'node:child_process';
import { freePort } from '@chaconne/testing';
import { ProcessHandle } from './processes';

/**
 * A redis-server of the run's own on a free port, without persistence, so a scenario may
 * stop and restart it (a restart loses everything, like a FLUSHALL). The shared Redis on
 * 6379 is never touched.
 */
export class OwnRedis {
  private handle: ProcessHandle | null = null;

  private constructor(
    readonly port: number,
    private readonly echo: boolean,
  ) {}

  static async start(echo: boolean): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort(), echo);
    await redis.launch();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    if (!this.handle) throw new Error('the run’s Redis is not running');
    return this.handle.pid;
  }

  /** Stops the server (SIGTERM; it saves nothing). */
  async stop(): Promise<void> {
    await this.handle?.stop(10_000);
  }

  /** Starts it again on the same port, empty. */
  async restart(): Promise<void> {
    if (this.handle?.running) throw new Error('the run’s Redis is still running');
    await this.launch();
  }

  private async launch(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.handle = new ProcessHandle(`redis:${this.port}`, child, this.echo);
    await this.handle.waitForLine(/Ready to accept connections/, 10_000);
  }
}
