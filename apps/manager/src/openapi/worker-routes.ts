import { LogLevel, PROTOCOL_VERSION, RunningState } from '@chaconne/contracts';
import {
  logBatchSchema,
  runIdParam,
  runReportBatchSchema,
  runReportSchema,
} from '../modules/run/dto/run-requests.dto';
import {
  deregisterSchema,
  heartbeatSchema,
  registerSchema,
  REPORT_BATCH_LIMIT,
} from '../modules/worker-registry/dto/worker-requests.dto';
import type { RouteDoc } from './route-doc';

/*
 * Worker -> manager (DESIGN.md §5): WorkerRegistryController and RunIntakeController. The
 * worker SDK calls these; every request is signed (see the workerSignature scheme).
 */

const WORKERS = 'Worker protocol';
const INSTANCE = 'orders-7f9c4-1';

const runId = { runId: { schema: runIdParam, description: 'The run id from the run request' } };

export const WORKER_ROUTES: readonly RouteDoc[] = [
  {
    method: 'POST',
    path: '/worker/register',
    operationId: 'registerWorker',
    tag: WORKERS,
    summary: 'Register a worker instance',
    description:
      'A worker instance announces itself: cluster, group, base URL, weight, labels (at most 32), SDK and protocol version, and the jobs it can run (at most 1,000). Jobs declared with a full definition are created or updated (schedules can live in code). Answers the heartbeat interval and the most reports one POST /worker/reports may carry. A worker of another protocol version is refused.',
    auth: 'worker-signature',
    body: {
      component: 'RegisterRequest',
      schema: registerSchema,
      examples: {
        sdk: {
          summary: 'An instance that can run one job',
          value: {
            instanceId: INSTANCE,
            clusterName: 'yourCluster',
            groupName: 'yourGroup',
            baseUrl: 'http://10.0.0.5:8088',
            baseUrlSource: 'configured',
            weight: 1,
            labels: { zone: 'eu-1' },
            sdkVersion: '0.1.0',
            protocolVersion: PROTOCOL_VERSION,
            startedAt: '2025-01-01T08:00:00.000Z',
            jobs: [{ jobClassName: 'com.yourcompany.yourapp.YourJob' }],
          },
        },
      },
    },
    response: { description: 'The instance is registered', envelope: 'chaconne', schema: 'RegisterResponse' },
    errors: ['VALIDATION_FAILED', 'INCOMPATIBLE_PROTOCOL', 'PAYLOAD_TOO_LARGE'],
  },
  {
    method: 'POST',
    path: '/worker/heartbeat',
    operationId: 'heartbeat',
    tag: WORKERS,
    summary: 'Worker liveness',
    description:
      'Sent every heartbeat interval: active runs and the draining flag. An instance missing 3 beats is no longer chosen. `known: false` tells the SDK to register again.',
    auth: 'worker-signature',
    body: {
      component: 'HeartbeatRequest',
      schema: heartbeatSchema,
      examples: {
        beat: {
          summary: 'Two runs in flight',
          value: { instanceId: INSTANCE, activeRuns: 2, draining: false },
        },
      },
    },
    response: {
      description: 'Whether the manager knows the instance',
      envelope: 'chaconne',
      schema: 'HeartbeatResponse',
    },
    errors: ['VALIDATION_FAILED'],
  },
  {
    method: 'POST',
    path: '/worker/deregister',
    operationId: 'deregisterWorker',
    tag: WORKERS,
    summary: 'Deregister a worker instance',
    description:
      'Sent on graceful shutdown, after in-flight runs finished: the instance is no longer chosen.',
    auth: 'worker-signature',
    body: {
      component: 'DeregisterRequest',
      schema: deregisterSchema,
      examples: { shutdown: { summary: 'Graceful shutdown', value: { instanceId: INSTANCE } } },
    },
    response: { description: 'Done', envelope: 'chaconne', schema: 'Nothing' },
    errors: ['VALIDATION_FAILED'],
  },
  {
    method: 'POST',
    path: '/worker/runs/:runId/logs',
    operationId: 'shipRunLogs',
    tag: WORKERS,
    summary: 'Log lines of a run',
    description:
      "A batch of the run's log lines (at most 1,000, each message at most 16,384 characters: the SDK cuts longer ones), and how many the SDK's bounded buffer dropped since the previous batch.",
    auth: 'worker-signature',
    pathParams: runId,
    body: {
      component: 'LogBatch',
      schema: logBatchSchema,
      examples: {
        batch: {
          summary: 'Two lines',
          value: {
            instanceId: INSTANCE,
            lines: [
              { level: LogLevel.INFO, message: 'exporting 1200 orders', time: '2025-01-01T08:00:01.000Z' },
              { level: LogLevel.WARN, message: 'order 17 has no customer', time: '2025-01-01T08:00:02.000Z' },
            ],
            dropped: 0,
          },
        },
      },
    },
    response: { description: 'How many lines were stored', envelope: 'chaconne', schema: 'LogsStored' },
    errors: ['VALIDATION_FAILED', 'RUN_NOT_FOUND', 'PAYLOAD_TOO_LARGE'],
  },
  {
    method: 'POST',
    path: '/worker/runs/:runId/report',
    operationId: 'reportRun',
    tag: WORKERS,
    summary: 'Outcome of a run',
    description:
      'The outcome (1 COMPLETED, 0 FAILED, 2 SKIPPED, 3 FINISHED), result, error with stack and timings (ISO-8601). A FAILED report says whether it may be retried (`retryable`, required on FAILED and refused otherwise): false (the handler threw NonRetryableError) ends the occurrence with this attempt, whatever retries the job has. Idempotent: the SDK retries until it gets a 2xx, and only the first report finishes the run. The SDK sends a report here only when it cannot share a batch (see POST /worker/reports).',
    auth: 'worker-signature',
    pathParams: runId,
    body: {
      component: 'RunReport',
      schema: runReportSchema,
      examples: {
        completed: {
          summary: 'A run that completed',
          value: {
            instanceId: INSTANCE,
            runningState: RunningState.COMPLETED,
            result: { exported: 1200 },
            startedAt: '2025-01-01T08:00:00.500Z',
            finishedAt: '2025-01-01T08:00:03.200Z',
          },
        },
        failed: {
          summary: 'A run that failed',
          value: {
            instanceId: INSTANCE,
            runningState: RunningState.FAILED,
            error: {
              name: 'Error',
              message: 'connection refused',
              stack: 'Error: connection refused\n    at export (orders.js:10:5)',
            },
            retryable: true,
            startedAt: '2025-01-01T08:00:00.500Z',
            finishedAt: '2025-01-01T08:00:01.000Z',
          },
        },
        nonRetryable: {
          summary: 'A run that failed for good: not retried',
          value: {
            instanceId: INSTANCE,
            runningState: RunningState.FAILED,
            error: { name: 'NonRetryableError', message: 'attachment has no "table"' },
            reason: 'attachment has no "table"',
            retryable: false,
            startedAt: '2025-01-01T08:00:00.500Z',
            finishedAt: '2025-01-01T08:00:00.510Z',
          },
        },
      },
    },
    response: {
      description: 'Whether this report finished the run',
      envelope: 'chaconne',
      schema: 'ReportAccepted',
    },
    errors: ['VALIDATION_FAILED', 'RUN_NOT_FOUND'],
  },
  {
    method: 'POST',
    path: '/worker/reports',
    operationId: 'reportRuns',
    tag: WORKERS,
    summary: 'Outcomes of several runs',
    description: `Up to ${REPORT_BATCH_LIMIT} reports (the register answer's reportBatchLimit), each a RunReport with its runId. The SDK sends the reports that pile up while a request is under way in one request. Each report is recorded on its own: its result is \`accepted\` as for one report, or the error (status, code, message) the single-report route would have answered with. A fault of the manager (5xx) fails the whole batch; it is safe to send again.`,
    auth: 'worker-signature',
    body: {
      component: 'RunReportBatch',
      schema: runReportBatchSchema,
      examples: {
        two: {
          summary: 'Two runs that completed',
          value: {
            reports: [41, 42].map((id) => ({
              runId: id,
              instanceId: INSTANCE,
              runningState: RunningState.COMPLETED,
              startedAt: '2025-01-01T08:00:00.500Z',
              finishedAt: '2025-01-01T08:00:00.520Z',
            })),
          },
        },
      },
    },
    response: {
      description: "Each report's result, in the batch's order",
      envelope: 'chaconne',
      schema: 'ReportResults',
    },
    errors: ['VALIDATION_FAILED'],
  },
];
