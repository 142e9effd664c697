import { type CanActivate, type ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode } from '@chaconne/contracts';
import type { FastifyRequest } from 'fastify';
import { AppError, Unauthorized } from '../../common/app-error';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { ApiTokenService } from './api-token.service';
import { AUTH_KIND, type AuthKind } from './auth.decorators';

/** A request the guard admitted, with the name of the token it carried. */
export type AuthenticatedRequest = FastifyRequest & { adminToken?: string };

/**
 * Every route needs `Authorization: Bearer <admin token>` unless it is marked
 * {@link Public} or {@link WorkerAuth}: deny by default, so a new endpoint cannot be
 * left open by accident.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly windows = new Map<number, { second: number; count: number }>();

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApiTokenService,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const kind = this.reflector.getAllAndOverride<AuthKind | undefined>(AUTH_KIND, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (kind === 'public' || kind === 'worker') return true;

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
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
    (request as AuthenticatedRequest).adminToken = verified.name;
    return true;
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
