import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Makes Fastify hand the xcron routes their body as text, whatever the content type.
 * Why: a body that is not JSON must be answered with xcron's code 1000 in xcron's shape,
 * but Fastify's JSON parser rejects it before any route code (or route-scoped filter) runs.
 * It also accepts what xcron accepted: xcron never looked at the content type, and
 * `curl -d` sends `application/x-www-form-urlencoded`. The controller parses the JSON.
 * Runs as Nest middleware, i.e. in Fastify's onRequest phase, before the body is parsed.
 */
@Injectable()
export class XcronBodyAsText implements NestMiddleware<IncomingMessage, ServerResponse> {
  use(request: IncomingMessage, _response: ServerResponse, next: () => void): void {
    request.headers['content-type'] = 'text/plain; charset=utf-8';
    next();
  }
}
