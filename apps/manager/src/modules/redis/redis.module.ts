import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { REDIS, RedisKeys, redisOptions } from './redis-connection';
import { RedisEpoch } from './redis-epoch.service';
import { RedisLock } from './redis-lock.service';

export { REDIS, RedisKeys, redisOptions } from './redis-connection';
export { EPOCH_LUA, RedisEpoch } from './redis-epoch.service';
export { PeriodicDuty, RedisLock } from './redis-lock.service';

@Injectable()
class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => {
      this.redis.disconnect();
    });
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [MANAGER_CONFIG],
      // Commands issued in the same turn of the event loop (one per run dispatched under load)
      // share one write. Nothing blocking runs on this client.
      useFactory: (config: ManagerConfig) =>
        new Redis(config.redisUrl, { ...redisOptions(config.redisUrl), enableAutoPipelining: true }),
    },
    RedisKeys,
    RedisEpoch,
    RedisLock,
    RedisShutdown,
  ],
  exports: [REDIS, RedisKeys, RedisEpoch, RedisLock],
})
export class RedisModule {}
