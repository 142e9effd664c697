import type { RouteDoc } from './route-doc';

/* HealthController: open, for load balancers and container health checks. */

export const HEALTH_ROUTES: readonly RouteDoc[] = [
  {
    method: 'GET',
    path: '/health',
    operationId: 'health',
    tag: 'Health',
    summary: 'Liveness of MySQL and Redis',
    description:
      'No token needed. 200 when MySQL and Redis answer within 2 seconds, else 503 with `success: false`, `msg: "degraded"` and which one is down.',
    auth: 'none',
    response: {
      description: 'Both dependencies are up (503: at least one is down, same body shape)',
      envelope: 'bare',
      schema: 'Health',
      alsoStatuses: [503],
    },
    errors: [],
  },
];
