import { Inject, Injectable } from '@nestjs/common';
import { SIGNATURE_MAX_AGE_MS } from '@chaconne/contracts';
import { Redis } from 'ioredis';
import { EPOCH_LUA, REDIS, RedisEpoch, RedisKeys } from '../redis/redis.module';

/** What the store says about a signed request's nonce. */
export type NonceVerdict =
  /** Not seen before: remembered now. */
  | 'fresh'
  /** Seen within the window: a replay. */
  | 'seen'
  /**
   * Signed before the Redis epoch (a flush or restart emptied the store since): whether its
   * nonce was seen cannot be known any more, so it is refused; the sender signs it again.
   */
  | 'before-epoch';

/** KEYS: epoch, nonce. ARGV: the request's signed time (ms), the nonce's lifetime (ms). */
const REMEMBER_SCRIPT = `${EPOCH_LUA}
if tonumber(ARGV[1]) < epoch then return 'before-epoch' end
if redis.call('SET', KEYS[2], '1', 'PX', ARGV[2], 'NX') then return 'fresh' end
return 'seen'`;

/**
 * The nonces of signed worker -> manager requests, kept in Redis for twice the signature
 * window so every manager refuses a replay. A Redis flush or restart loses nonces, which
 * would let a request captured in the last minutes be replayed once; so a request signed
 * before the {@link RedisEpoch} (the moment since which Redis holds everything) is refused
 * too. The cost: requests in flight at a flush or restart are refused once and signed again
 * (the SDK retries them). The comparison is between the signer's clock and Redis's: a worker
 * clock ahead by `s` leaves requests signed in the last `s` before the flush replayable.
 */
@Injectable()
export class NonceStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly epoch: RedisEpoch,
  ) {}

  /** Remembers `nonce` of a request signed at `signedAt` (epoch ms, the signer's clock). */
  async remember(nonce: string, signedAt: number): Promise<NonceVerdict> {
    const verdict = await this.redis.eval(
      REMEMBER_SCRIPT,
      2,
      this.epoch.key,
      this.keys.key('nonce', nonce),
      signedAt,
      2 * SIGNATURE_MAX_AGE_MS,
    );
    return verdict as NonceVerdict;
  }
}
