import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AdminAuthenticator } from './admin-authenticator.service';
import { AUTH_KIND, type AuthKind } from './auth.decorators';

/** A request the guard admitted, with the name of the token it carried. */
export type AuthenticatedRequest = FastifyRequest & { adminToken?: string };

/** Refusals decided before the route ran (by the hook that authenticates before a body is read). */
const earlyRefusals = new WeakMap<object, Error>();

/**
 * Authenticates a request whose body is about to be read, before it is: the token's name is
 * kept for the guard; a refusal is kept too, the body is left unread, and the guard throws
 * it (so the route's own error shape applies, e.g. xcron's).
 */
export async function authenticateEarly(
  authenticator: AdminAuthenticator,
  request: AuthenticatedRequest,
): Promise<boolean> {
  try {
    request.adminToken = await authenticator.authenticate(request.headers.authorization);
    return true;
  } catch (error) {
    earlyRefusals.set(request, error as Error);
    return false;
  }
}

/** Whether {@link authenticateEarly} refused the request (its body must not be read). */
export function refusedEarly(request: FastifyRequest): boolean {
  return earlyRefusals.has(request);
}

/**
 * Every route needs `Authorization: Bearer <admin token>` unless it is marked
 * {@link Public} or `WorkerAuth`: deny by default, so a new endpoint cannot be
 * left open by accident. A request with a body was already authenticated before the body
 * was read (see http-app.ts): the guard then only applies that answer.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: AdminAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const kind = this.reflector.getAllAndOverride<AuthKind | undefined>(AUTH_KIND, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (kind === 'public' || kind === 'worker') return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const refusal = earlyRefusals.get(request);
    if (refusal) throw refusal;
    request.adminToken ??= await this.authenticator.authenticate(request.headers.authorization);
    return true;
  }
}
