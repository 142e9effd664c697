import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import type { AuthenticatedRequest } from './admin-auth.guard';
import { SignatureGuard } from '../worker-registry/signature.guard';

export const AUTH_KIND = 'chaconne:auth';
export type AuthKind = 'public' | 'worker';

/** No credentials needed (health, the console's static page). Use sparingly. */
export const Public = (): ClassDecorator & MethodDecorator =>
  SetMetadata(AUTH_KIND, 'public' satisfies AuthKind);

/** Worker -> manager routes: authenticated by the HMAC signature, not by an admin token. */
export const WorkerAuth = (): ClassDecorator & MethodDecorator =>
  applyDecorators(SetMetadata(AUTH_KIND, 'worker' satisfies AuthKind), UseGuards(SignatureGuard));

/** The name of the admin token that authenticated the request (for audit records). */
export const AdminActor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().adminToken ?? 'unknown',
);
