import { UseGuards } from '@nestjs/common';
import { type AnyFunction, authKind } from '../auth/auth.decorators';
import { SignatureGuard } from './signature.guard';

/**
 * Worker -> manager routes: authenticated by the HMAC signature over the raw body (checked
 * before the body is parsed, then by {@link SignatureGuard}), not by an admin token. It lives
 * here, next to its guard, so that auth/ does not depend on worker-registry/.
 */
export const WorkerAuth = (): ClassDecorator & MethodDecorator => {
  const kind = authKind('worker');
  const guard = UseGuards(SignatureGuard);
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    if (key !== undefined && descriptor !== undefined) {
      kind(target, key, descriptor);
      guard(target, key, descriptor);
      return;
    }
    (kind as ClassDecorator)(target as AnyFunction);
    guard(target as AnyFunction);
  };
};
