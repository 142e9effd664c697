import { selectWorkersSchema } from '../modules/worker-registry/dto/worker-requests.dto';
import { ADMIN_PREFIX, type RouteDoc, withManagerAlias } from './route-doc';

/* The worker instances as operators see them: WorkerAdminController. */

export const WORKER_ADMIN_ROUTES: readonly RouteDoc[] = withManagerAlias([
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/selectWorkers`,
    operationId: 'selectWorkers',
    tag: 'Workers',
    summary: 'Live and lost worker instances',
    description:
      'Every live instance (optionally of one cluster or group): address, weight, labels, SDK and protocol version, jobs, last heartbeat and its age, runs in flight, capacity and the draining flag, as its last heartbeat said; and the instances that left in the last hour: deregistered, or silent for 3 heartbeat intervals.',
    auth: 'bearer',
    body: {
      component: 'SelectWorkersQuery',
      schema: selectWorkersSchema,
      examples: {
        all: { summary: 'Every instance', value: {} },
        cluster: { summary: "A cluster's instances", value: { clusterName: 'yourCluster' } },
      },
    },
    response: { description: 'Live and lost instances', envelope: 'chaconne', schema: 'WorkerOverview' },
    errors: ['VALIDATION_FAILED'],
  },
]);
