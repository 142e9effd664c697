import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { REDIS, RedisKeys } from '../redis/redis.module';

/** Heartbeats missed before an instance is no longer chosen (and its runs count as lost). */
export const MISSED_BEATS = 3;

/** The loss window: how long after its last heartbeat an instance counts as lost. */
export function lossWindowMs(config: Pick<ManagerConfig, 'heartbeatIntervalMs'>): number {
  return MISSED_BEATS * config.heartbeatIntervalMs;
}

/** How long presence records outlive the last manager (a longer outage is still recognised). */
const PRESENCE_TTL_MS = 7 * 86_400_000;

/**
 * Whether some manager has been alive to receive heartbeats. Workers cannot beat while
 * every manager is down, so right after such an outage their last beats are all old: for
 * one loss window after the first manager is back, an instance that was live when the
 * outage began still counts as live (a dead one only costs a refused dispatch, and the
 * launcher moves on). Without this, the backlog a restarted manager fires would find no
 * worker and fail, and the sweeper could call running work lost.
 */
@Injectable()
export class ManagerPresence implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ManagerPresence.name);
  private readonly windowMs: number;
  private readonly intervalMs: number;
  private grace: { since: number; until: number } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ready: Promise<void> = Promise.resolve();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    @Inject(MANAGER_CONFIG) config: ManagerConfig,
  ) {
    this.windowMs = lossWindowMs(config);
    this.intervalMs = Math.max(100, Math.floor(config.heartbeatIntervalMs / 2));
  }

  onModuleInit(): void {
    this.ready = this.beat(true);
    this.timer = setInterval(() => void this.beat(false), this.intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The oldest last heartbeat that still counts as live at `now`. */
  async liveCutoff(now = Date.now()): Promise<number> {
    await this.ready;
    const normal = now - this.windowMs;
    const grace = this.grace;
    return grace && now < grace.until ? Math.min(normal, grace.since - this.windowMs) : normal;
  }

  private async beat(starting: boolean): Promise<void> {
    const presenceKey = this.keys.key('managers', 'seen');
    const graceKey = this.keys.key('managers', 'resumed');
    try {
      const now = Date.now();
      if (starting) {
        const last = await this.redis.get(presenceKey);
        if (last !== null && now - Number(last) > this.windowMs) {
          // Every manager was gone: heartbeats had nowhere to go since `last`.
          await this.redis.set(
            graceKey,
            JSON.stringify({ since: Number(last), until: now + this.windowMs }),
            'PX',
            this.windowMs * 2,
          );
          this.logger.warn(
            `no manager was running for ${Math.round((now - Number(last)) / 1000)} s: instances live before that count as live until they beat again`,
          );
        }
      }
      const [, grace] = (await this.redis
        .multi()
        .set(presenceKey, String(now), 'PX', PRESENCE_TTL_MS)
        .get(graceKey)
        .exec()) as [[Error | null, unknown], [Error | null, string | null]];
      this.grace = grace[1] ? (JSON.parse(grace[1]) as { since: number; until: number }) : null;
    } catch (error) {
      this.logger.warn(`presence not recorded: ${(error as Error).message}`);
    }
  }
}
