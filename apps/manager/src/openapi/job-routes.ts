import { DependencyType, JobState, TriggerType } from '@chaconne/contracts';
import { z } from 'zod';
import {
  jobHistoryQuerySchema,
  jobKeysQuerySchema,
  jobStateQuerySchema,
  previewTriggerSchema,
  relationsQuerySchema,
  selectJobDetailSchema,
} from '../modules/job-definition/dto/job-queries.dto';
import { jobKeySchema } from '@chaconne/contracts/definition';
import { persistJobSchema } from '../modules/job-definition/dto/persist-job.dto';
import {
  CHACONNE_JOB_KEY,
  CHACONNE_PERSIST_JOB_BODY,
  JOB_KEY_EXAMPLE,
  JOB_STATE_EXAMPLE,
  PERIODIC_PERSIST_JOB_BODY,
} from './examples';
import { ADMIN_PREFIX, type RouteDoc, withManagerAlias } from './route-doc';

/*
 * Job definitions, lifecycle and queries: JobDefinitionController, JobLifecycleController and
 * JobQueryController, each under /job/admin and /job/manager.
 */

const JOBS = 'Jobs';
const LIFECYCLE = 'Job lifecycle';
const QUERIES = 'Job queries';

const jobKeyBody = { component: 'JobKey', schema: jobKeySchema, examples: JOB_KEY_EXAMPLE };
const relationsBody = {
  component: 'RelationsQuery',
  schema: relationsQuerySchema,
  examples: {
    serial: {
      summary: 'Serial relations of a job',
      value: { jobKey: CHACONNE_JOB_KEY, dependencyType: DependencyType.SERIAL },
    },
  },
};

/** A lifecycle action: `{ jobKey }` in, the job's new state out, 409 when the state forbids it. */
function lifecycle(name: string, summary: string, description: string): RouteDoc {
  return {
    method: 'POST',
    path: `${ADMIN_PREFIX}/${name}`,
    operationId: name,
    tag: LIFECYCLE,
    summary,
    description: `${description} Answers the job's new state (asking for the state the job is already in is a no-op); 409 STATE_CONFLICT with \`details.jobState\` when its current state does not allow it.`,
    auth: 'bearer',
    body: jobKeyBody,
    response: { description: "The job's state after the call", envelope: 'chaconne', schema: 'JobStateCode' },
    errors: ['VALIDATION_FAILED', 'JOB_NOT_FOUND', 'STATE_CONFLICT'],
  };
}

export const JOB_ROUTES: readonly RouteDoc[] = withManagerAlias([
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/persistJob`,
    operationId: 'persistJob',
    tag: JOBS,
    summary: 'Create or update a job',
    description:
      "Creates the job named by `jobKey`, or updates it when it exists, and schedules it. Accepts Chaconne's " +
      'JobPersistParameter verbatim: a JobKey of four parts, integer trigger types (0 SIMPLE, 1 CRON, 2 PERIODIC, ' +
      '3 DEPENDENT), `triggerDescription.cron.expression` (Quartz 6/7 fields, seconds first, or Unix 5 fields), ' +
      '`attachment` as a string (a JSON object is accepted too and stored as its JSON text). Dates are epoch ' +
      'milliseconds, ISO-8601 or `yyyy-MM-dd HH:mm:ss` in the trigger time zone, between 1970-01-01 and ' +
      '9999-12-31T23:59:59.999Z. Unknown fields are refused (400, each named); `triggerDescription.dependency` ' +
      "(Chaconne's stored form) is accepted and ignored. Limits: repeatCount -1 or 1-10^9, timeout up to 7 days, " +
      'period × schedulingUnit up to 366 days, at most 100 dependentKeys and 100 forkKeys (none twice), names ' +
      'without control, bidirectional or invisible format characters. A trigger that never fires is refused. ' +
      'A 400 answer names every problem of the body. Answers the job id.',
    auth: 'bearer',
    body: {
      component: 'PersistJobRequest',
      schema: persistJobSchema,
      examples: {
        chaconne: {
          summary: "Chaconne's documented body, verbatim",
          description: 'From the Chaconne README: a cron job firing every 5 seconds.',
          value: CHACONNE_PERSIST_JOB_BODY,
        },
        periodic: {
          summary: 'A periodic job with a time zone and a repeat count',
          value: PERIODIC_PERSIST_JOB_BODY,
        },
      },
    },
    response: { description: 'The job id', envelope: 'chaconne', schema: 'JobId' },
    errors: ['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE'],
  },
  lifecycle(
    'pauseJob',
    'Pause a job',
    'SCHEDULING or RUNNING -> PAUSED; its fires are recorded SKIPPED until resumed.',
  ),
  lifecycle('resumeJob', 'Resume a paused job', 'PAUSED -> SCHEDULING.'),
  lifecycle('scheduleJob', 'Schedule a job', 'NOT_SCHEDULED or FROZEN -> SCHEDULING.'),
  lifecycle('unscheduleJob', 'Unschedule a job', 'SCHEDULING, RUNNING, PAUSED or FROZEN -> NOT_SCHEDULED.'),
  lifecycle('finishJob', 'Finish an unscheduled job', "NOT_SCHEDULED -> FINISHED (Chaconne's finishJob)."),
  lifecycle(
    'deleteJob',
    'Delete a job',
    'Any state but FINISHED -> FINISHED in one call: the schedule is removed, the history stays.',
  ),
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/setJobState`,
    operationId: 'setJobState',
    tag: LIFECYCLE,
    summary: 'Move a job to a state',
    description:
      "Moves the job to `jobState` where a legal transition leads there (pause, resume, schedule, unschedule, finish). Answers the job's new state; 409 STATE_CONFLICT otherwise.",
    auth: 'bearer',
    body: {
      component: 'JobStateQuery',
      schema: jobStateQuerySchema,
      examples: {
        pause: { summary: 'Pause the job', value: { jobKey: CHACONNE_JOB_KEY, jobState: JobState.PAUSED } },
      },
    },
    response: { description: "The job's state after the call", envelope: 'chaconne', schema: 'JobStateCode' },
    errors: ['VALIDATION_FAILED', 'JOB_NOT_FOUND', 'STATE_CONFLICT'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/hasJob`,
    operationId: 'hasJob',
    tag: QUERIES,
    summary: 'Does the job exist?',
    description: 'true when a job has this JobKey.',
    auth: 'bearer',
    body: jobKeyBody,
    response: { description: 'Whether the job exists', envelope: 'chaconne', schema: 'Flag' },
    errors: ['VALIDATION_FAILED'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/hasJobState`,
    operationId: 'hasJobState',
    tag: QUERIES,
    summary: 'Is the job in a state?',
    description: 'true when the job is in `jobState`.',
    auth: 'bearer',
    body: { component: 'JobStateQuery', schema: jobStateQuerySchema, examples: JOB_STATE_EXAMPLE },
    response: { description: 'Whether the job is in that state', envelope: 'chaconne', schema: 'Flag' },
    errors: ['VALIDATION_FAILED', 'JOB_NOT_FOUND'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/getJobId`,
    operationId: 'getJobId',
    tag: QUERIES,
    summary: "A job's id",
    description: 'The id of the job with this JobKey.',
    auth: 'bearer',
    body: jobKeyBody,
    response: { description: 'The job id', envelope: 'chaconne', schema: 'JobId' },
    errors: ['VALIDATION_FAILED', 'JOB_NOT_FOUND'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/getJobDetail`,
    operationId: 'getJobDetail',
    tag: QUERIES,
    summary: "A job's definition, trigger and runtime",
    description: "Chaconne's JobDetail: the definition with its trigger and runtime state.",
    auth: 'bearer',
    body: jobKeyBody,
    response: { description: 'The job', envelope: 'chaconne', schema: 'JobDetail' },
    errors: ['VALIDATION_FAILED', 'JOB_NOT_FOUND'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/getJobTriggerDetail`,
    operationId: 'getJobTriggerDetail',
    tag: QUERIES,
    summary: "A job's trigger",
    description: "Chaconne's JobTriggerDetail; `triggerDescription` is a JSON string, as in Chaconne.",
    auth: 'bearer',
    body: jobKeyBody,
    response: { description: 'The trigger', envelope: 'chaconne', schema: 'JobTriggerDetail' },
    errors: ['VALIDATION_FAILED', 'JOB_NOT_FOUND'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/getJobRuntimeDetail`,
    operationId: 'getJobRuntimeDetail',
    tag: QUERIES,
    summary: "A job's runtime state",
    description: 'State, last outcome, last and next execution times.',
    auth: 'bearer',
    body: jobKeyBody,
    response: { description: 'The runtime state', envelope: 'chaconne', schema: 'JobRuntimeDetail' },
    errors: ['VALIDATION_FAILED', 'JOB_NOT_FOUND'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/getJobKeys`,
    operationId: 'getJobKeys',
    tag: QUERIES,
    summary: 'Keys of the jobs with a trigger type',
    description:
      "Chaconne's JobKeyQuery: the jobs with `triggerType`, optionally only in some clusters and groups.",
    auth: 'bearer',
    body: {
      component: 'JobKeysQuery',
      schema: jobKeysQuerySchema,
      examples: {
        cron: {
          summary: 'Cron jobs of one cluster',
          value: { clusterName: 'yourCluster', triggerType: TriggerType.CRON },
        },
      },
    },
    response: { description: 'The JobKeys, by job id', envelope: 'chaconne', schema: 'JobKeyList' },
    errors: ['VALIDATION_FAILED'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/selectJobDetail`,
    operationId: 'selectJobDetail',
    tag: QUERIES,
    summary: 'List jobs',
    description:
      "The job list: Chaconne's PageQuery with filters (cluster, group, part of the job name, state, trigger type, next fire time in [nextFireFrom, nextFireTo)) and sorting (`jobId`, `jobName`, `createDate`, `nextFireTime`).",
    auth: 'bearer',
    body: {
      component: 'SelectJobDetailQuery',
      schema: selectJobDetailSchema,
      examples: {
        firstPage: { summary: 'The first page, newest first', value: { page: 1, size: 10 } },
        paused: {
          summary: 'Paused jobs of a cluster by name',
          value: { clusterName: 'yourCluster', jobState: JobState.PAUSED, sort: 'jobName', order: 'asc' },
        },
        dueSoon: {
          summary: 'Jobs due in the next hour, soonest first',
          value: {
            nextFireFrom: '2025-01-01T08:00:00Z',
            nextFireTo: '2025-01-01T09:00:00Z',
            sort: 'nextFireTime',
            order: 'asc',
          },
        },
      },
    },
    response: { description: 'A page of jobs', envelope: 'chaconne', schema: 'JobDetailPage' },
    errors: ['VALIDATION_FAILED'],
  },
  {
    method: 'GET',
    path: `${ADMIN_PREFIX}/selectClusterNames`,
    operationId: 'selectClusterNames',
    tag: QUERIES,
    summary: 'Cluster names',
    description: 'Clusters that have jobs or registered workers.',
    auth: 'bearer',
    response: { description: 'Cluster names, sorted', envelope: 'chaconne', schema: 'ClusterNames' },
    errors: [],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/selectClusterNames`,
    operationId: 'selectClusterNamesPost',
    tag: QUERIES,
    summary: 'Cluster names (POST)',
    description: 'The same as the GET, for clients that send every query as POST; the body is ignored.',
    auth: 'bearer',
    body: {
      component: 'EmptyBody',
      schema: z.object({}).describe('Ignored'),
      required: false,
      examples: { empty: { summary: 'No body is needed', value: {} } },
    },
    response: { description: 'Cluster names, sorted', envelope: 'chaconne', schema: 'ClusterNames' },
    errors: [],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/previewTrigger`,
    operationId: 'previewTrigger',
    tag: QUERIES,
    summary: 'Next fire times of a trigger',
    description:
      'The next `count` fire times of a trigger (that need not belong to a job) in its time zone and in UTC, or 400 saying why it is invalid. `from` (epoch milliseconds or ISO-8601) previews the fire times after that instant instead of after now, e.g. across a daylight-saving change.',
    auth: 'bearer',
    body: {
      component: 'PreviewTriggerRequest',
      schema: previewTriggerSchema,
      examples: {
        quartz: {
          summary: "Chaconne's example cron, in Berlin time",
          value: {
            trigger: {
              triggerType: TriggerType.CRON,
              triggerDescription: { cron: { expression: '*/5 * * * * ?' } },
              timeZone: 'Europe/Berlin',
            },
            count: 5,
          },
        },
        fallBack: {
          summary: 'Across the fall-back night in New York',
          value: {
            trigger: {
              triggerType: TriggerType.CRON,
              triggerDescription: { cron: { expression: '0 30 1 * * ?' } },
              timeZone: 'America/New_York',
            },
            count: 3,
            from: '2026-10-31T12:00:00Z',
          },
        },
      },
    },
    response: { description: 'The fire times', envelope: 'chaconne', schema: 'TriggerPreview' },
    errors: ['VALIDATION_FAILED'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/hasRelations`,
    operationId: 'hasRelations',
    tag: QUERIES,
    summary: 'Does the job have downstream jobs?',
    description: 'Whether any job declared this one as a dependency of the type.',
    auth: 'bearer',
    body: relationsBody,
    response: { description: 'Whether jobs depend on this one', envelope: 'chaconne', schema: 'Flag' },
    errors: ['VALIDATION_FAILED', 'JOB_NOT_FOUND'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/getRelations`,
    operationId: 'getRelations',
    tag: QUERIES,
    summary: 'Downstream jobs',
    description:
      'The jobs that declared this one as a dependency of the type (its downstream jobs, or its fork/join parents). Dependencies are stored; running jobs on their upstream completion is not implemented yet.',
    auth: 'bearer',
    body: relationsBody,
    response: { description: 'JobKeys of the downstream jobs', envelope: 'chaconne', schema: 'JobKeyList' },
    errors: ['VALIDATION_FAILED', 'JOB_NOT_FOUND'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/getDependentKeys`,
    operationId: 'getDependentKeys',
    tag: QUERIES,
    summary: 'Upstream jobs',
    description:
      'The jobs this one declared it depends on (SERIAL: dependentKeys; PARALLEL: its fork children; MIXED: both). Dependencies are stored; running jobs on their upstream completion is not implemented yet.',
    auth: 'bearer',
    body: relationsBody,
    response: { description: 'JobKeys of the upstream jobs', envelope: 'chaconne', schema: 'JobKeyList' },
    errors: ['VALIDATION_FAILED', 'JOB_NOT_FOUND'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/selectJobHistory`,
    operationId: 'selectJobHistory',
    tag: QUERIES,
    summary: "A job's definition history",
    description:
      'Who changed the definition (admin token name, worker instance, xcron), when, and which fields changed from what to what; newest first.',
    auth: 'bearer',
    body: {
      component: 'JobHistoryQuery',
      schema: jobHistoryQuerySchema,
      examples: {
        latest: { summary: 'The latest 20 changes', value: { jobKey: CHACONNE_JOB_KEY, page: 1, size: 20 } },
      },
    },
    response: { description: 'Changes, newest first', envelope: 'chaconne', schema: 'JobHistoryPage' },
    errors: ['VALIDATION_FAILED', 'JOB_NOT_FOUND'],
  },
]);
