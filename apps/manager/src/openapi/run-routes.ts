import { RunningState } from '@chaconne/contracts';
import {
  cancelRunSchema,
  selectJobLogSchema,
  selectJobTraceSchema,
  selectRunsSchema,
  tailJobLogQuerySchema,
  traceIdSchema,
  triggerJobSchema,
} from '../modules/run/dto/run-requests.dto';
import { CHACONNE_JOB_KEY } from './examples';
import { ADMIN_PREFIX, type RouteDoc, withManagerAlias } from './route-doc';

/* Runs (Chaconne's "traces") of a job: RunTriggerController and RunQueryController. */

const RUNS = 'Runs';

const traceOfJob = {
  component: 'SelectJobLogQuery',
  schema: selectJobLogSchema,
  examples: { run: { summary: 'Run 42 of the job', value: { jobKey: CHACONNE_JOB_KEY, traceId: 42 } } },
};

export const RUN_ROUTES: readonly RouteDoc[] = withManagerAlias([
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/triggerJob`,
    operationId: 'triggerJob',
    tag: RUNS,
    summary: 'Run a job now',
    description:
      "Chaconne's triggerJob: runs the job now, outside its schedule, optionally with another attachment (else the job's own). Manual runs do not count against the repeat count. Answers the run (trace) id; 409 when the job is FINISHED. The job's overlap policy applies unless `force` is true: under SKIP a job with a run in flight answers 409 RUN_IN_PROGRESS, under QUEUE_ONE the run waits for its turn, under REPLACE it cancels the running one. The attachment override has the persisted attachment's size limit (CHACONNE_ATTACHMENT_LIMIT_BYTES, 413 above it).",
    auth: 'bearer',
    body: {
      component: 'TriggerJobRequest',
      schema: triggerJobSchema,
      examples: {
        now: { summary: "Run with the job's attachment", value: { jobKey: CHACONNE_JOB_KEY } },
        withAttachment: {
          summary: 'Run with another attachment',
          value: { jobKey: CHACONNE_JOB_KEY, attachment: '{"initialParameter": "manual"}' },
        },
        force: {
          summary: 'Run even if a run is in flight (ignores the overlap policy)',
          value: { jobKey: CHACONNE_JOB_KEY, force: true },
        },
      },
    },
    response: { description: 'The run id', envelope: 'chaconne', schema: 'RunId' },
    errors: ['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'JOB_NOT_FOUND', 'STATE_CONFLICT', 'RUN_IN_PROGRESS'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/selectJobTrace`,
    operationId: 'selectJobTrace',
    tag: RUNS,
    summary: "A job's runs",
    description:
      "Chaconne's JobTracePageQuery: the job's runs, newest first, optionally between two dates (epoch ms or ISO-8601) and with one outcome.",
    auth: 'bearer',
    body: {
      component: 'SelectJobTraceQuery',
      schema: selectJobTraceSchema,
      examples: {
        latest: { summary: 'The latest runs', value: { jobKey: CHACONNE_JOB_KEY, page: 1, size: 20 } },
        failed: {
          summary: 'Failed runs since a date',
          value: {
            jobKey: CHACONNE_JOB_KEY,
            startDate: '2025-01-01T00:00:00Z',
            runningState: RunningState.FAILED,
          },
        },
      },
    },
    response: { description: 'A page of runs', envelope: 'chaconne', schema: 'JobTracePage' },
    errors: ['VALIDATION_FAILED', 'JOB_NOT_FOUND'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/selectJobStackTrace`,
    operationId: 'selectJobStackTrace',
    tag: RUNS,
    summary: "A failed run's stack trace",
    description:
      "Chaconne's JobStackTrace: the run's error stack, one row per line (empty when the run did not fail).",
    auth: 'bearer',
    body: traceOfJob,
    response: { description: 'The stack trace lines', envelope: 'chaconne', schema: 'JobStackTraceList' },
    errors: ['VALIDATION_FAILED', 'JOB_NOT_FOUND', 'RUN_NOT_FOUND'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/selectJobLog`,
    operationId: 'selectJobLog',
    tag: RUNS,
    summary: "A run's log",
    description: 'The log lines the worker shipped for the run, in order.',
    auth: 'bearer',
    body: traceOfJob,
    response: { description: 'The log lines', envelope: 'chaconne', schema: 'JobLogList' },
    errors: ['VALIDATION_FAILED', 'JOB_NOT_FOUND', 'RUN_NOT_FOUND'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/getJobTraceDetail`,
    operationId: 'getJobTraceDetail',
    tag: RUNS,
    summary: 'One run in full',
    description:
      "A run by its id alone: every timing (planned, created, dispatched, started, finished, deadline, lateness), its job's key, retries and timeout, and its error message.",
    auth: 'bearer',
    body: {
      component: 'TraceIdQuery',
      schema: traceIdSchema,
      examples: { run: { summary: 'Run 42', value: { traceId: 42 } } },
    },
    response: { description: 'The run', envelope: 'chaconne', schema: 'JobTraceDetail' },
    errors: ['VALIDATION_FAILED', 'RUN_NOT_FOUND'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/selectRuns`,
    operationId: 'selectRuns',
    tag: RUNS,
    summary: 'Runs of every job',
    description:
      'Runs of every job, newest (planned) first, each with its job key: optionally of one cluster or group, with one outcome (RUNNING: the runs in flight), planned in [startDate, endDate). Read by an index at any table size; `rows` counts up to 100,000.',
    auth: 'bearer',
    body: {
      component: 'SelectRunsQuery',
      schema: selectRunsSchema,
      examples: {
        failures: {
          summary: 'The latest failures',
          value: { runningState: RunningState.FAILED, page: 1, size: 20 },
        },
        inFlight: {
          summary: "A cluster's runs in flight",
          value: { clusterName: 'yourCluster', runningState: RunningState.RUNNING },
        },
      },
    },
    response: { description: 'A page of runs', envelope: 'chaconne', schema: 'JobTraceWithKeyPage' },
    errors: ['VALIDATION_FAILED'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/cancelRun`,
    operationId: 'cancelRun',
    tag: RUNS,
    summary: 'Cancel a run in flight',
    description:
      'Ends a run in flight: it is recorded FAILED with the reason `cancelled by an operator (token <name>): <reason>`, then its worker is told to abort the handler (its AbortSignal fires). It is not retried; it counts as failed in the statistics but not toward maxConsecutiveFailures, and sends no failure alert. Answers the outcome (0 FAILED); 409 RUN_FINISHED when the run already had one.',
    auth: 'bearer',
    body: {
      component: 'CancelRunRequest',
      schema: cancelRunSchema,
      examples: {
        reason: { summary: 'With a reason', value: { traceId: 42, reason: 'stuck on a lock' } },
        plain: { summary: 'Without one', value: { traceId: 42 } },
      },
    },
    response: { description: 'The run ended FAILED', envelope: 'chaconne', schema: 'RunningStateCode' },
    errors: ['VALIDATION_FAILED', 'RUN_NOT_FOUND', 'RUN_FINISHED'],
  },
  {
    method: 'GET',
    path: `${ADMIN_PREFIX}/tailJobLog`,
    operationId: 'tailJobLog',
    tag: RUNS,
    summary: "Follow a run's log live",
    description:
      "Server-sent events (`text/event-stream`): the run's stored log lines, then each new one as workers ship it (to any manager), then `end` with the outcome, and the stream closes. A run that already ended gives its lines and `end` at once. Authenticated like every admin route (`Authorization: Bearer`); failures before the stream opens are JSON: 400, 401, 404, and 429 when this manager already serves CHACONNE_LOG_TAIL_LIMIT tails. `Last-Event-ID: <log line id>` resumes after that line.",
    auth: 'bearer',
    query: tailJobLogQuerySchema,
    response: { description: 'The event stream', envelope: 'event-stream', schema: 'LogTailEvents' },
    errors: ['VALIDATION_FAILED', 'RUN_NOT_FOUND', 'LOG_TAILS_FULL'],
  },
]);
