import {
  BackoffPolicy,
  ClusterMode,
  ErrorCode,
  type HeartbeatResponse,
  MisfirePolicy,
  OverlapPolicy,
  type ResolvedRunPolicy,
  type JobDetail,
  type JobKey,
  type JobLog,
  type JobRuntimeDetail,
  type JobStackTrace,
  type JobTrace,
  type JobTraceDetail,
  type JobTraceWithKey,
  type JobTriggerDetail,
  type LostWorkerInstance,
  type WorkerInstanceInfo,
  type WorkerOverview,
  JobState,
  LogLevel,
  type Page,
  type RegisterResponse,
  RunningState,
  type RunReportBatchResults,
  TriggerType,
} from '@chaconne/contracts';
import { z } from 'zod';
import { jobKeySchema } from '@chaconne/contracts/definition';
import type { JobHistoryRecord, TriggerPreview } from '@chaconne/contracts';
import type { JobStat, JobStatByJob, JobStatDetail, JobStateCount } from '@chaconne/contracts';
import { XcronType } from '../modules/xcron/xcron-codes';
import type { XcronTask } from '@chaconne/contracts';
import { typed } from './typed-schema';

/*
 * The `data` of every success answer, as zod schemas checked against the wire types
 * (see `typed`). Each becomes `#/components/schemas/<key of RESPONSE_SCHEMAS>`.
 */

/** An integer enum of Chaconne's, documented with its names. */
function codes<const T extends Record<string, number>>(enumObject: T, label: string) {
  const values = Object.values(enumObject) as T[keyof T][];
  return z.literal(values).describe(
    `${label}: ${Object.entries(enumObject)
      .map(([name, code]) => `${code} ${name}`)
      .join(', ')}`,
  );
}

const isoDate = z.string().describe('ISO-8601 date-time in UTC');
const isoDateOrNull = isoDate.nullable();
const jobStateSchema = codes(JobState, 'JobState');
const runningStateSchema = codes(RunningState, 'RunningState');

function page<S extends z.ZodType>(item: S) {
  return z.object({
    page: z.number().int().describe('This page, from 1'),
    size: z.number().int().describe('Rows per page'),
    rows: z.number().int().describe('Rows matching the query in all pages'),
    nextPage: z.number().int().nullable().describe('The next page, or null on the last one'),
    content: z.array(item),
  });
}

/** The request's JobKey schema: the same component in requests and answers. */
const jobKey = typed<JobKey>()(jobKeySchema);

const jobRuntimeDetail = typed<JobRuntimeDetail>()(
  z.object({
    jobId: z.number().int(),
    jobState: jobStateSchema,
    lastRunningState: runningStateSchema.nullable(),
    lastExecutionTime: isoDateOrNull,
    lastCompletionTime: isoDateOrNull,
    nextExecutionTime: isoDateOrNull,
    consecutiveFailures: z.number().int().describe('Failed final attempts in a row'),
    consecutiveTimeouts: z.number().int().describe('Timed-out runs in a row'),
    freezeCount: z.number().int().describe('Freezes in a row; the next cool-down is timeout x 2^freezeCount'),
    frozenUntil: isoDateOrNull.describe('While FROZEN: when the job resumes'),
    stateReason: z
      .string()
      .nullable()
      .describe(
        'Why the manager itself finished the job (no further fire time, repeat count or end date reached, terminated by a run or a policy); null when an operator moved it last',
      ),
  }),
);

const names = <T extends Record<string, string>>(values: T) =>
  z.enum(Object.values(values) as [T[keyof T], ...T[keyof T][]]);

const runPolicy = typed<ResolvedRunPolicy>()(
  z.object({
    clusterMode: names(ClusterMode),
    loadBalancer: z.string().describe('A built-in load balancer or one a manager plugin registers'),
    hashKey: z.string().nullable(),
    labels: z.record(z.string(), z.string()).describe('Labels a worker instance must carry'),
    retryBackoff: z.object({
      policy: names(BackoffPolicy),
      delayMs: z.number().int(),
      maxDelayMs: z.number().int(),
      jitter: z.boolean(),
    }),
    overlapPolicy: names(OverlapPolicy),
    misfirePolicy: names(MisfirePolicy),
    startDeadlineSeconds: z.number().int().nullable(),
    maxConsecutiveFailures: z.number().int().describe('0 = never terminate for failures'),
    terminationStrategy: z.string().nullable(),
    freezeAfterTimeouts: z.number().int().describe('0 = never freeze'),
  }),
);

const jobTriggerDetail = typed<JobTriggerDetail>()(
  z.object({
    jobId: z.number().int(),
    triggerType: codes(TriggerType, 'TriggerType'),
    startDate: isoDateOrNull,
    endDate: isoDateOrNull,
    repeatCount: z.number().int().describe('Maximum number of runs; -1 = unlimited'),
    timeZone: z.string().describe('IANA time zone of the trigger'),
    triggerDescription: z
      .string()
      .describe(
        'The trigger description as a JSON string, as Chaconne sends it, e.g. `{"cron":{"expression":"*/5 * * * * ?"}}`',
      ),
  }),
);

const jobDetail = typed<JobDetail>()(
  z.object({
    jobId: z.number().int(),
    jobKey,
    description: z.string(),
    attachment: z.string().nullable().describe("The job's initial parameter (JSON recommended)"),
    email: z.string().describe('Comma-separated alert recipients'),
    retries: z.number().int(),
    weight: z.number().int(),
    timeout: z.number().int().describe('Milliseconds; -1 = no timeout'),
    completionRate: z
      .number()
      .describe('Fork/join: the share (0-1) of fork jobs that must complete; -1 = all'),
    createDate: isoDate,
    jobRuntime: jobRuntimeDetail,
    jobTriggerDetail,
    ...runPolicy.shape,
  }),
);

const jobTrace = typed<JobTrace>()(
  z
    .object({
      traceId: z.number().int().describe('The run id'),
      jobId: z.number().int(),
      attempt: z.number().int().describe('0 for the first attempt, 1.. for retries'),
      runningState: runningStateSchema,
      reason: z.string().nullable().describe('Why the run was skipped or failed, in words'),
      address: z.string().nullable().describe('Where the run was sent'),
      instanceId: z.string().nullable(),
      plannedTime: isoDate,
      executionTime: isoDateOrNull,
      completionTime: isoDateOrNull,
      completed: z.number().int(),
      failed: z.number().int(),
      skipped: z.number().int(),
      finished: z.number().int(),
      retries: z.number().int(),
      result: z.string().nullable().describe("The handler's return value as JSON text"),
      firstTraceId: z.number().int().nullable().describe("A retry's first attempt"),
      lateReport: z
        .string()
        .nullable()
        .describe(
          'A report that came after the run had its outcome (JSON), e.g. from an instance declared lost',
        ),
    })
    .describe("One run of a job (Chaconne's JobTrace)"),
);

const jobTraceDetail = typed<JobTraceDetail>()(
  jobTrace
    .extend({
      jobKey,
      jobRetries: z.number().int().describe("The job's retries: the attempt numbered jobRetries is the last"),
      timeout: z.number().int().describe("The job's timeout in milliseconds; -1 = none"),
      createdTime: isoDate.describe(
        'When the run row was made (the occurrence fired, or triggerJob was called)',
      ),
      dispatchedTime: isoDateOrNull.describe('When the run was handed to a worker'),
      deadlineTime: isoDateOrNull.describe('When the manager cancels the run if it is still going'),
      latenessMs: z
        .number()
        .int()
        .nullable()
        .describe('executionTime - plannedTime; null before the run starts'),
      errorMessage: z.string().nullable().describe("A failed run's error message"),
    })
    .describe('One run with every timing, its job and its error'),
);

const jobTraceWithKey = typed<JobTraceWithKey>()(
  jobTrace.extend({ jobKey }).describe('A run with its job key'),
);

const workerInstance = typed<WorkerInstanceInfo>()(
  z.object({
    instanceId: z.string(),
    clusterName: z.string(),
    groupName: z.string(),
    address: z.string().describe('The base URL the manager dispatches to'),
    weight: z.number().int(),
    labels: z.record(z.string(), z.string()),
    sdkVersion: z.string(),
    protocolVersion: z.number().int(),
    jobs: z.array(z.string()).describe('The job classes the instance can run'),
    startedAt: isoDate,
    registeredAt: isoDate,
    lastHeartbeatAt: isoDateOrNull,
    heartbeatAgeMs: z
      .number()
      .int()
      .nullable()
      .describe("Milliseconds since the last heartbeat, on the manager's clock"),
    activeRuns: z.number().int().describe('Runs in flight, as the last heartbeat said'),
    capacity: z
      .number()
      .int()
      .nullable()
      .describe(
        "Runs the instance takes at once (the sum of its jobs' concurrency limits); null: no limit or unknown",
      ),
    draining: z.boolean(),
  }),
);

const lostWorker = typed<LostWorkerInstance>()(
  z.object({
    instanceId: z.string(),
    clusterName: z.string(),
    groupName: z.string(),
    address: z.string(),
    sdkVersion: z.string(),
    lostAt: isoDate,
    reason: z
      .enum(['deregistered', 'heartbeat-lost'])
      .describe('`deregistered`: it said goodbye; `heartbeat-lost`: it missed 3 heartbeats'),
  }),
);

const jobLog = typed<JobLog>()(
  z.object({
    traceId: z.number().int(),
    jobId: z.number().int(),
    level: codes(LogLevel, 'LogLevel'),
    log: z.string(),
    createDate: isoDate,
  }),
);

const jobStackTrace = typed<JobStackTrace>()(
  z.object({ traceId: z.number().int(), jobId: z.number().int(), stackTrace: z.string() }),
);

const triggerPreview = typed<TriggerPreview>()(
  z.object({
    timeZone: z.string(),
    fireTimes: z.array(
      z.object({
        utc: isoDate,
        local: z.string().describe('The same instant in the trigger time zone, ISO-8601 with offset'),
      }),
    ),
  }),
);

const statCounts = {
  completedCount: z.number().int(),
  failedCount: z.number().int(),
  skippedCount: z.number().int(),
  finishedCount: z.number().int(),
  retryCount: z.number().int().describe('Runs that were retries (attempt > 0)'),
};

const jobStatDetail = typed<JobStatDetail>()(
  z.object({
    executionDate: z.string().describe('`yyyy-MM-dd` (a day) or `yyyy-MM` (a month)'),
    ...statCounts,
  }),
);

const jobStatByJob = typed<JobStatByJob>()(
  z.object({
    jobId: z.number().int(),
    jobKey,
    lastExecutionTime: isoDateOrNull,
    ...statCounts,
  }),
);

const jobStateCount = typed<JobStateCount>()(
  z.object({
    jobState: jobStateSchema,
    displayJobState: z.string().describe("The state's name, e.g. `SCHEDULING`"),
    jobCount: z.number().int(),
  }),
);

const jobStat = typed<JobStat>()(
  z.object({
    jobCount: z.number().int().describe('Defined jobs matching the filters'),
    lastExecutionTime: isoDateOrNull,
    ...statCounts,
  }),
);

const registerResponse = typed<RegisterResponse>()(
  z.object({
    instanceId: z.string(),
    heartbeatIntervalMs: z.number().int().describe('How often the SDK must send a heartbeat'),
    jobs: z
      .array(z.object({ jobClassName: z.string(), jobId: z.number().int().nullable() }))
      .describe('Job ids of the code-defined jobs the manager created or updated'),
    reportBatchLimit: z.number().int().describe('The most reports one POST /worker/reports may carry'),
  }),
);

const heartbeatResponse = typed<HeartbeatResponse>()(
  z.object({
    known: z.boolean().describe('false: the manager does not know this instance; the SDK registers again'),
  }),
);

const xcronTask = typed<XcronTask>()(
  z.object({
    task_id: z.string(),
    create_time: z.string().describe('Unix seconds, as a string'),
    type: z.literal([XcronType.PERIODIC, XcronType.ONE_SHOT]).describe('1 periodic (crontab), 2 one-shot'),
    format: z.string().describe('The crontab expression, or the unix timestamp (seconds) of a one-shot task'),
    run_count: z.number().int().describe('Occurrences that fired (skipped ones not counted)'),
    callback: z.object({ url: z.string(), body: z.record(z.string(), z.unknown()) }),
    deleted: z.boolean().describe('true once deleteTask stopped it (not an xcron field)'),
  }),
);

const jobHistoryRecord = typed<JobHistoryRecord>()(
  z.object({
    changedAt: isoDate,
    source: z.string().describe('`api`, `worker` (a code-defined job registered by an instance) or `xcron`'),
    actor: z.string().describe("The admin token's name, or the worker instance id"),
    action: z.string().describe('`create` or `update`'),
    changes: z
      .record(z.string(), z.object({ from: z.unknown(), to: z.unknown() }))
      .describe('Each changed field with its old and new value'),
  }),
);

const probe = z.enum(['up', 'down']);

/** Every response schema, by component name. */
export const RESPONSE_SCHEMAS = {
  JobId: z.number().int().describe("The job's id"),
  RunId: z.number().int().describe('The id of the run (trace) that was created'),
  JobStateCode: jobStateSchema,
  Flag: z.boolean(),
  JobKey: jobKey,
  JobKeyList: z.array(jobKey),
  JobDetail: jobDetail,
  JobDetailPage: typed<Page<JobDetail>>()(page(jobDetail)),
  JobRuntimeDetail: jobRuntimeDetail,
  JobTriggerDetail: jobTriggerDetail,
  JobHistoryPage: typed<Page<JobHistoryRecord>>()(page(jobHistoryRecord)),
  ClusterNames: z.array(z.string()),
  TriggerPreview: triggerPreview,
  JobTrace: jobTrace,
  JobTracePage: typed<Page<JobTrace>>()(page(jobTrace)),
  JobLogList: z.array(jobLog),
  JobTraceDetail: jobTraceDetail,
  JobTraceWithKeyPage: typed<Page<JobTraceWithKey>>()(
    page(jobTraceWithKey).describe(
      'Runs newest first; `rows` counts matching runs up to 100,000 (more answer 100,000; `nextPage` is exact)',
    ),
  ),
  RunningStateCode: runningStateSchema,
  LogTailEvents: z
    .string()
    .describe(
      'Server-sent events. `event: log` with `id: <log line id>` and `data: <JobLog JSON>` for each stored line, then each new one; ' +
        '`event: end` with `data: {"runningState": <RunningState>, "reason": <string|null>}` once the run has an outcome, ' +
        'after which the stream closes; a `: keep-alive` comment every 15 s while quiet. Send `Last-Event-ID` to resume after a line.',
    ),
  WorkerOverview: typed<WorkerOverview>()(
    z.object({
      live: z.array(workerInstance).describe('Live instances by cluster, group and start time'),
      lost: z.array(lostWorker).describe('Instances that left in the last hour, latest first'),
    }),
  ),
  JobStackTraceList: z.array(jobStackTrace),
  JobStatDetailList: z.array(jobStatDetail),
  JobStatByJobPage: typed<Page<JobStatByJob>>()(page(jobStatByJob)),
  JobStateCountList: z.array(jobStateCount),
  JobStat: jobStat,
  RegisterResponse: registerResponse,
  HeartbeatResponse: heartbeatResponse,
  LogsStored: z.object({ stored: z.number().int().describe('Log lines stored') }),
  ReportAccepted: z.object({
    accepted: z
      .boolean()
      .describe('true when this report finished the run; false when the run already had an outcome'),
  }),
  ReportResults: typed<RunReportBatchResults>()(
    z.object({
      results: z
        .array(
          z.union([
            z.object({
              runId: z.number().int(),
              accepted: z.boolean().describe('As for one report: whether it finished the run'),
            }),
            z.object({
              runId: z.number().int(),
              error: z
                .object({ status: z.number().int(), code: z.enum(ErrorCode), msg: z.string() })
                .describe('What the single-report route would have answered'),
            }),
          ]),
        )
        .describe("Each report's result, in the batch's order"),
    }),
  ),
  Nothing: z.null(),
  XcronTaskId: z.object({ task_id: z.string().describe('The id of the new task') }),
  XcronTask: xcronTask,
  XcronTaskPage: typed<Page<XcronTask>>()(page(xcronTask)),
  Health: z.object({
    success: z.boolean(),
    msg: z.enum(['ok', 'degraded']),
    data: z.object({ mysql: probe, redis: probe }),
  }),
} satisfies Record<string, z.ZodType>;

export type ResponseComponent = keyof typeof RESPONSE_SCHEMAS;
