import { RunningState } from '@chaconne/contracts';
import {
  selectJobLogSchema,
  selectJobTraceSchema,
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
]);
