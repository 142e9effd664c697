import { triggerSchema } from '@chaconne/contracts/definition';
import { HEALTH_ROUTES } from './health-routes';
import { JOB_ROUTES } from './job-routes';
import { ALIAS_TAG, type RouteDoc } from './route-doc';
import { RUN_ROUTES } from './run-routes';
import { STATISTICS_ROUTES } from './statistics-routes';
import { WORKER_ADMIN_ROUTES } from './worker-admin-routes';
import { WORKER_ROUTES } from './worker-routes';
import { XCRON_ROUTES } from './xcron-routes';

/**
 * Every route the manager serves, except the console (`/`, `/console`) and these docs.
 * `apps/manager/test/integration/openapi.spec.ts` compares this table with the routes
 * Fastify actually registered, both ways: a new controller method fails the tests until
 * it is described here.
 */
export const ROUTE_TABLE: readonly RouteDoc[] = [
  ...JOB_ROUTES,
  ...RUN_ROUTES,
  ...STATISTICS_ROUTES,
  ...WORKER_ADMIN_ROUTES,
  ...XCRON_ROUTES,
  ...WORKER_ROUTES,
  ...HEALTH_ROUTES,
];

/** Request schemas used inside several bodies: named, so they appear once, as components. */
export const SHARED_REQUEST_SCHEMAS = { Trigger: triggerSchema };

/** The tags, in the order Swagger UI shows them. */
export const TAGS = [
  { name: 'Jobs', description: "Create and update jobs (Chaconne's persistJob)" },
  { name: 'Job lifecycle', description: 'Pause, resume, schedule, unschedule, finish, delete' },
  {
    name: 'Job queries',
    description: 'Jobs, their triggers and runtime state, cluster names, trigger previews',
  },
  { name: 'Runs', description: "Run a job now; runs (Chaconne's traces), their logs and stack traces" },
  { name: 'Statistics', description: 'Run counts per day, month and job; jobs per state' },
  { name: 'Workers', description: 'Live worker instances and those lost in the last hour' },
  {
    name: 'xcron',
    description:
      "xcron's HTTP callback tasks (createTask, deleteTask, queryTask, and listTasks for the console), in xcron's response shape",
  },
  {
    name: 'Worker protocol',
    description:
      'Worker -> manager calls of the worker SDK, protocol version 2, each signed with the shared secret for its ' +
      'route and the manager (see the workerSignature scheme). Bodies are strict: an unknown field is refused ' +
      'with its name, every problem is listed. The manager calls the SDK back at `POST <baseUrl>/chaconne/runs`, ' +
      '`/chaconne/runs/batch` and `/chaconne/runs/:runId/cancel`, signed for the instance it calls; the SDK ' +
      'refuses a run of a cluster or group it does not serve (409 WRONG_RECIPIENT) or of a job class it does ' +
      'not have (404 NO_HANDLER).',
  },
  { name: 'Health', description: 'Liveness of the manager and its dependencies' },
  {
    name: ALIAS_TAG,
    description:
      'Every /job/admin route again under /job/manager, for clients written against the original Chaconne',
  },
];
