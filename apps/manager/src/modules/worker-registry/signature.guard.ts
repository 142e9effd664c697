import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ErrorCode, SIGNATURE_MAX_AGE_MS } from '@chaconne/contracts';
import { verifyBody } from '@chaconne/contracts/signing';
import type { FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import { Unauthorized } from '../../common/app-error';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { REDIS, RedisKeys } from '../redis/redis.module';

/**
 * Admits only requests signed with the shared secret (HMAC-SHA256 over timestamp, nonce
 * and the raw body), at most 5 minutes old, and never seen before: nonces are kept in
 * Redis so a request replayed to another manager is refused too.
 */
@Injectable()
export class SignatureGuard implements CanActivate {
  constructor(
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { rawBody?: Buffer }>();
    const check = verifyBody(this.config.secret, request.headers, request.rawBody ?? Buffer.alloc(0));
    if (!check.ok) {
      throw check.reason === 'stale'
        ? new Unauthorized(ErrorCode.STALE_REQUEST, 'request timestamp is outside the 5 minute window')
        : new Unauthorized(ErrorCode.BAD_SIGNATURE, `request signature is ${check.reason}`);
    }
    const fresh = await this.redis.set(
      this.keys.key('nonce', check.nonce),
      '1',
      'PX',
      2 * SIGNATURE_MAX_AGE_MS,
      'NX',
    );
    if (fresh !== 'OK') throw new Unauthorized(ErrorCode.REPLAYED_REQUEST, 'request was already received');
    return true;
  }
}
