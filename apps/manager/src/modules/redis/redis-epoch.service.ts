import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Redis } from 'ioredis';
import { REDIS, RedisKeys } from './redis-connection';

/**
 * Lua: sets the local `epoch` to the epoch stored at KEYS[1] (epoch ms), beginning it now, by
 * Redis's clock, when there is none. (TIME in a script needs Redis 5 or later.)
 */
export const EPOCH_LUA = `
local epoch = tonumber(redis.call('GET', KEYS[1]))
if not epoch then
  local t = redis.call('TIME')
  epoch = t[1] * 1000 + math.floor(t[2] / 1000)
  redis.call('SET', KEYS[1], tostring(epoch))
end`;

/** KEYS: epoch. ARGV: 'restart' moves it to now (never back); 'get' answers it. */
const EPOCH_SCRIPT = `${EPOCH_LUA}
if ARGV[1] == 'restart' then
  local t = redis.call('TIME')
  local now = t[1] * 1000 + math.floor(t[2] / 1000)
  if now > epoch then
    epoch = now
    redis.call('SET', KEYS[1], tostring(now))
  end
end
return epoch`;

/**
 * Since when Redis has held the managers' state without a gap: the **epoch**. A flush, or a
 * restart that kept nothing, takes it away with everything else, and the next reader begins
 * a new one; a restart that restored an older snapshot brings back an old one, so each
 * manager also moves it to now whenever its connection comes back. What Redis holds about
 * workers is only complete from the epoch on: a nonce not seen since then may have been seen
 * before it (see NonceStore), and a worker unknown to Redis may simply not have sent a
 * heartbeat since then (see WorkerRegistryService.lostInstances).
 */
@Injectable()
export class RedisEpoch implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RedisEpoch.name);
  /** The key holding the epoch (epoch ms). */
  readonly key: string;
  private connections = 0;
  private readonly onReady = (): void => {
    // The first connection is the manager's start, not a comeback.
    if (++this.connections === 1) return;
    this.restart().catch((error: unknown) => {
      this.logger.warn(`cannot move the Redis epoch: ${(error as Error).message}`);
    });
  };

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    keys: RedisKeys,
  ) {
    this.key = keys.key('epoch');
    if (redis.status === 'ready') this.connections = 1;
    redis.on('ready', this.onReady);
  }

  /**
   * A first start begins the epoch before any request arrives (begun by a request, it would
   * be later than that request's signature); a manager joining others keeps theirs.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.since();
  }

  onModuleDestroy(): void {
    this.redis.off('ready', this.onReady);
  }

  /** The epoch (Redis's clock, epoch ms); begun now when Redis has none. */
  async since(): Promise<number> {
    return Number(await this.redis.eval(EPOCH_SCRIPT, 1, this.key, 'get'));
  }

  /** Moves the epoch to now (never back); answers it. */
  async restart(): Promise<number> {
    const now = Number(await this.redis.eval(EPOCH_SCRIPT, 1, this.key, 'restart'));
    this.logger.log(
      `Redis connection back: its state about workers is complete from ${new Date(now).toISOString()}`,
    );
    return now;
  }
}
