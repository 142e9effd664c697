import { Inject, Injectable, type Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { REDIS, RedisKeys } from './redis-connection';

const RELEASE_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

/** A cluster-wide mutex for periodic duties that one manager at a time should do. */
@Injectable()
export class RedisLock {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * Runs `task` if no other manager holds `name`; answers null when it is held. The lock
   * expires after `ttlMs`, so a holder that dies does not block the others for long.
   */
  /** A {@link PeriodicDuty} guarded by this lock. */
  periodic(name: string, intervalMs: number, task: () => Promise<unknown>, logger: Logger): PeriodicDuty {
    return new PeriodicDuty(this, name, intervalMs, task, logger);
  }

  async runExclusive<T>(name: string, ttlMs: number, task: () => Promise<T>): Promise<T | null> {
    const key = this.keys.key('lock', name);
    const token = randomBytes(8).toString('hex');
    if ((await this.redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return null;
    try {
      return await task();
    } finally {
      await this.redis.eval(RELEASE_SCRIPT, 1, key, token);
    }
  }
}

/**
 * A duty that runs every `intervalMs` on whichever manager takes its lock first. A run
 * never overlaps the previous one; failures are logged and retried at the next tick.
 */
export class PeriodicDuty {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly lock: RedisLock,
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly task: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runNow(), this.intervalMs);
    this.timer.unref();
  }

  /** Runs the duty now (unless it is already running here) and waits for it. */
  async runNow(): Promise<void> {
    this.running ??= this.lock
      .runExclusive(this.name, Math.max(this.intervalMs * 2, 5000), this.task)
      .then(() => undefined)
      .catch((error: unknown) => {
        this.logger.warn(`${this.name} failed: ${(error as Error).message}`);
      })
      .finally(() => {
        this.running = null;
      });
    await this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
