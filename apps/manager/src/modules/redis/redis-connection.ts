import { Inject, Injectable } from '@nestjs/common';
import type { RedisOptions } from 'ioredis';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';

export const REDIS = Symbol('REDIS');

/** Connection options shared by the manager's own client and BullMQ's connections. */
export function redisOptions(redisUrl: string): RedisOptions {
  return {
    // BullMQ requires this for blocking connections; commands wait through reconnects.
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    lazyConnect: false,
    ...(redisUrl.startsWith('rediss:') ? { tls: {} } : {}),
  };
}

/** Builds Redis key names under the configured prefix, apart from BullMQ's own keys. */
@Injectable()
export class RedisKeys {
  private readonly base: string;

  constructor(@Inject(MANAGER_CONFIG) config: ManagerConfig) {
    this.base = `${config.prefix}:chac`;
  }

  key(...parts: (string | number)[]): string {
    return [this.base, ...parts].join(':');
  }
}
