import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from './admin-auth.guard';

export const AUTH_KIND = 'chaconne:auth';
export type AuthKind = 'public' | 'worker';

/** The key of a route's auth kind in its Fastify route config (absent: an admin route). */
const ROUTE_AUTH = 'chaconneAuth';

/**
 * How a request's route is authenticated, as its Fastify route config says: `admin` unless
 * the route is marked {@link Public} or `WorkerAuth` (of worker-registry/; deny by default). Read by the
 * hooks that run before the body is read, where Nest's guards have not run yet.
 */
export function routeAuthKind(request: FastifyRequest): AuthKind | 'admin' {
  const kind = (request.routeOptions.config as unknown as Record<string, unknown>)[ROUTE_AUTH];
  return kind === 'public' || kind === 'worker' ? kind : 'admin';
}

export type AnyFunction = (...args: never[]) => unknown;

/**
 * Marks a controller or a handler with its auth kind, twice: as Nest metadata, which the
 * guards read (class or method), and in the Fastify route config of each handler, which the
 * hooks before the body is read see. Nest copies only a method's own metadata to its route,
 * so a class-level mark is also written on each of the class's methods.
 */
export function authKind(kind: AuthKind): ClassDecorator & MethodDecorator {
  const routeConfig = RouteConfig({ [ROUTE_AUTH]: kind });
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    if (key !== undefined && descriptor !== undefined) {
      SetMetadata(AUTH_KIND, kind)(target, key, descriptor);
      routeConfig(target, key, descriptor);
      return;
    }
    SetMetadata(AUTH_KIND, kind)(target as AnyFunction);
    const prototype = (target as { prototype: object }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = Object.getOwnPropertyDescriptor(prototype, name);
      if (name === 'constructor' || typeof method?.value !== 'function') continue;
      routeConfig(prototype, name, method);
    }
  };
}

/** No credentials needed (health, the console's static page). Use sparingly. */
export const Public = (): ClassDecorator & MethodDecorator => authKind('public');

/** The name of the admin token that authenticated the request (for audit records). */
export const AdminActor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().adminToken ?? 'unknown',
);
