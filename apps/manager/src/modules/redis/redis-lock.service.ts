import { Inject, Injectable } from '@nestjs/common';
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
