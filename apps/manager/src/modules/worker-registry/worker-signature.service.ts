import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, PROTOCOL_VERSION, ProtocolHeader } from '@chaconne/contracts';
import { MANAGER_RECIPIENT, SignatureDirection, verifyRequest } from '@chaconne/contracts/signing';
import type { FastifyRequest } from 'fastify';
import { AppError, Unauthorized } from '../../common/app-error';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { NonceStore } from './nonce-store';

/** Requests whose signature was verified over their raw body (before it was parsed). */
const verified = new WeakSet<object>();

function incompatible(why: string): AppError {
  return new AppError(
    ErrorCode.INCOMPATIBLE_PROTOCOL,
    `${why}; this manager speaks protocol ${PROTOCOL_VERSION}: use a @chaconne/worker release made for it`,
    400,
    undefined,
    { protocolVersion: PROTOCOL_VERSION },
  );
}

/**
 * Authenticates a worker -> manager request: HMAC-SHA256 over its method, path (without the
 * query string, exactly as received), the manager as recipient, the direction, timestamp,
 * nonce and exact body bytes; at most 5 minutes old; never seen before (nonces are kept in
 * Redis, so a request replayed to another manager is refused too, and a flush or restart of
 * Redis reopens no window: see {@link NonceStore}). A request signed for any other route,
 * recipient or direction does not verify here.
 */
@Injectable()
export class WorkerSignatureVerifier {
  constructor(
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
    private readonly nonces: NonceStore,
  ) {}

  /**
   * Throws the refusal: 400 INCOMPATIBLE_PROTOCOL for a worker of another protocol version
   * (said before the signature is checked: a worker of another version signs differently), 401
   * BAD_SIGNATURE, STALE_REQUEST or REPLAYED_REQUEST.
   */
  async verify(request: FastifyRequest, rawBody: Buffer): Promise<void> {
    const protocol = request.headers[ProtocolHeader.PROTOCOL];
    if (protocol !== undefined && protocol !== String(PROTOCOL_VERSION)) {
      throw incompatible(`the worker speaks protocol ${String(protocol)}`);
    }
    const target = {
      direction: SignatureDirection.WORKER_TO_MANAGER,
      method: request.method,
      path: request.url.split('?')[0] ?? '',
      recipient: MANAGER_RECIPIENT,
    };
    const check = verifyRequest(this.config.secret, target, request.headers, rawBody);
    if (!check.ok) {
      throw check.reason === 'stale'
        ? new Unauthorized(ErrorCode.STALE_REQUEST, 'request timestamp is outside the 5 minute window')
        : new Unauthorized(
            ErrorCode.BAD_SIGNATURE,
            check.reason === 'mismatch'
              ? 'request signature does not match this request (method, path, manager and body)'
              : `request signature is ${check.reason}`,
          );
    }
    // Signed by a worker of this version, which always says so.
    if (protocol === undefined) throw incompatible(`the request has no ${ProtocolHeader.PROTOCOL} header`);
    const verdict = await this.nonces.remember(check.nonce, check.timestamp);
    if (verdict === 'seen')
      throw new Unauthorized(ErrorCode.REPLAYED_REQUEST, 'request was already received');
    if (verdict === 'before-epoch') {
      throw new Unauthorized(
        ErrorCode.STALE_REQUEST,
        "request was signed before the managers' replay protection restarted (Redis was flushed or restarted); sign it again",
      );
    }
    verified.add(request);
  }

  /** Whether {@link verify} admitted this request over its body. */
  isVerified(request: FastifyRequest): boolean {
    return verified.has(request);
  }
}
