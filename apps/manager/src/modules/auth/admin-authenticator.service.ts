import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ErrorCode } from '@chaconne/contracts';
import { AppError, Unauthorized } from '../../common/app-error';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { ApiTokenService } from './api-token.service';

/**
 * Checks an admin request's `Authorization: Bearer <token>` (verified tokens are cached by
 * {@link ApiTokenService}) and the per-token rate limit. One place for both: the hook that
 * runs before a body is read and the guard call it, and each request is counted once.
 */
@Injectable()
export class AdminAuthenticator {
  private readonly windows = new Map<number, { second: number; count: number }>();

  constructor(
    private readonly tokens: ApiTokenService,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  /** Answers the token's name; throws 401 UNAUTHORIZED or 429 RATE_LIMITED. */
  async authenticate(authorization: string | undefined): Promise<string> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) {
      throw new Unauthorized(
        ErrorCode.UNAUTHORIZED,
        'an admin token is required: send "Authorization: Bearer <token>"',
      );
    }
    const verified = await this.tokens.verify(match[1]);
    if (verified === null)
      throw new Unauthorized(ErrorCode.UNAUTHORIZED, 'the admin token is unknown or revoked');
    this.limitRate(verified.tokenId);
    return verified.name;
  }

  /** A per-token, per-manager limit of requests per second, when configured. */
  private limitRate(tokenId: number): void {
    const limit = this.config.rateLimitPerSecond;
    if (limit === 0) return;
    const second = Math.floor(Date.now() / 1000);
    const window = this.windows.get(tokenId);
    if (window?.second !== second) {
      this.windows.set(tokenId, { second, count: 1 });
      return;
    }
    window.count++;
    if (window.count > limit) {
      throw new AppError(
        ErrorCode.RATE_LIMITED,
        `more than ${limit} requests per second with this token`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }
}
