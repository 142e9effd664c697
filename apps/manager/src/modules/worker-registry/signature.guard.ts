import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { WorkerSignatureVerifier } from './worker-signature.service';

/**
 * The second line of the worker routes' authentication: a request with a body was verified
 * over its raw bytes before they were parsed (see http-app.ts); one without a body is
 * verified here, over the empty body. Nothing reaches a worker route unsigned.
 */
@Injectable()
export class SignatureGuard implements CanActivate {
  constructor(private readonly signatures: WorkerSignatureVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!this.signatures.isVerified(request)) await this.signatures.verify(request, Buffer.alloc(0));
    return true;
  }
}
