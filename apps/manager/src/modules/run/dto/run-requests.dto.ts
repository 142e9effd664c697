import {
  JOB_DEFINITION_LIMITS,
  JOB_KEY_MAX_LENGTH,
  LogLevel,
  ProtocolLimits,
  RunningState,
  type RunOutcome,
} from '@chaconne/contracts';
import { attachmentSchema, freeText, jobKeySchema } from '@chaconne/contracts/definition';
import { z } from 'zod';
import {
  nameFilter,
  optionalDate,
  pageAnswerFields,
  pageNumber,
  pageSize,
  runId,
} from '../../../common/field-schemas';
import { instanceIdSchema, REPORT_BATCH_LIMIT } from '../../worker-registry/dto/worker-requests.dto';

const levels = Object.values(LogLevel) as number[];
const outcomes: number[] = [
  RunningState.COMPLETED,
  RunningState.FAILED,
  RunningState.SKIPPED,
  RunningState.FINISHED,
];

export const runIdParam = z.coerce.number().int().positive('must be a run id');

/*
 * The worker routes' bodies (DESIGN.md §5): strict objects (an unknown field is refused with
 * its name), every problem listed, every list and text bounded by ProtocolLimits.
 */

const instanceId = instanceIdSchema;

export const logBatchSchema = z.strictObject({
  instanceId,
  lines: z
    .array(
      z.strictObject({
        level: z
          .number()
          .int()
          .refine((v) => levels.includes(v), 'must be a LogLevel code 0-4')
          .transform((v) => v as LogLevel),
        message: z.string().max(ProtocolLimits.logMessageChars),
        time: z.iso.datetime({ offset: true }),
      }),
    )
    .max(ProtocolLimits.logLinesPerBatch),
  dropped: z.number().int().min(0),
});

const reportFields = z.strictObject({
  instanceId,
  runningState: z
    .number()
    .int()
    .refine(
      (v) => outcomes.includes(v),
      'must be 1 (COMPLETED), 0 (FAILED), 2 (SKIPPED) or 3 (FINISHED: the handler terminated its job)',
    )
    .transform((v) => v as RunOutcome),
  /** The handler's return value: any JSON (its depth is bounded when the body is parsed). */
  result: z.unknown().optional(),
  error: z
    .strictObject({
      name: z.string().max(ProtocolLimits.errorNameChars),
      message: z.string().max(ProtocolLimits.reasonChars),
      stack: z.string().max(ProtocolLimits.errorStackChars).optional(),
    })
    .optional(),
  reason: z.string().max(ProtocolLimits.reasonChars).optional(),
  /** FAILED only: false when retrying cannot help (NonRetryableError). */
  retryable: z.boolean().optional(),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }),
});

/** The fields the retryable rule reads, once both are well-formed (so it is listed with other problems). */
const retryableParts = z.object({ runningState: z.number().int(), retryable: z.boolean().optional() });
const whenRetryableReadable = (payload: z.core.ParsePayload): boolean =>
  retryableParts.safeParse(payload.value).success;

/** `retryable` is required on a FAILED report and refused on any other (PROTOCOL_VERSION 2). */
function withRetryableRule<T extends z.output<typeof retryableParts>>(schema: z.ZodType<T>): z.ZodType<T> {
  return schema
    .refine((r) => r.runningState !== RunningState.FAILED || r.retryable !== undefined, {
      message: 'is required on a FAILED report: false when retrying cannot help, else true',
      path: ['retryable'],
      when: whenRetryableReadable,
    })
    .refine((r) => r.runningState === RunningState.FAILED || r.retryable === undefined, {
      message: 'only a FAILED report says whether it may be retried',
      path: ['retryable'],
      when: whenRetryableReadable,
    });
}

export const runReportSchema = withRetryableRule(reportFields);

/** One report of a batch: a report with its run id. */
export const batchedRunReportSchema = withRetryableRule(
  reportFields.extend({ runId: z.number().int().positive() }),
);

/** A batch of reports; each is validated on its own, so one bad report fails alone. */
export const runReportBatchSchema = z.strictObject({
  reports: z.array(z.unknown()).min(1).max(REPORT_BATCH_LIMIT),
});

/** An outcome to filter runs by (RUNNING: the runs in flight); null means any. */
const runningStateFilter = z
  .number()
  .int()
  .refine((v) => [...outcomes, RunningState.RUNNING].includes(v), 'must be a RunningState code')
  .nullish();

/** endDate not before startDate, checked once both bounds were read (dates or null). */
const dateRangeOrder: [
  (q: { startDate: Date | null; endDate: Date | null }) => boolean,
  { message: string; path: string[]; when: (payload: z.core.ParsePayload) => boolean },
] = [
  (q) => !q.startDate || !q.endDate || q.startDate <= q.endDate,
  {
    message: 'must not be before startDate',
    path: ['endDate'],
    when: (payload) =>
      z.object({ startDate: z.date().nullable(), endDate: z.date().nullable() }).safeParse(payload.value)
        .success,
  },
];

/** Chaconne's JobTracePageQuery. */
export const selectJobTraceSchema = z
  .strictObject({
    jobKey: jobKeySchema,
    page: pageNumber,
    size: pageSize(10),
    startDate: optionalDate,
    endDate: optionalDate,
    runningState: runningStateFilter,
    ...pageAnswerFields,
  })
  .refine(...dateRangeOrder);

/** Chaconne's JobTraceQuery. */
export const selectJobLogSchema = z.strictObject({
  jobKey: jobKeySchema,
  traceId: runId,
});

/**
 * Chaconne's JobParameter for triggerJob: run now, optionally with another attachment (held
 * to the same size limit as a persisted one, CHACONNE_ATTACHMENT_LIMIT_BYTES).
 */
export const triggerJobSchema = z.strictObject({
  jobKey: jobKeySchema,
  attachment: attachmentSchema,
  /** Accepted for Chaconne clients (the attempt counter of its JobParameter); retries come from the job definition. */
  retries: z.number().int().min(0).max(JOB_DEFINITION_LIMITS.maxRetries).nullish(),
  /** true: run even if the job's overlap policy would skip or queue it. */
  force: z.boolean().nullish(),
});

/** getJobTraceDetail: one run by its id. */
export const traceIdSchema = z.strictObject({ traceId: runId });

/** selectRuns: runs of every job, newest first, filtered. */
export const selectRunsSchema = z
  .strictObject({
    clusterName: nameFilter(JOB_KEY_MAX_LENGTH.clusterName),
    groupName: nameFilter(JOB_KEY_MAX_LENGTH.groupName),
    runningState: runningStateFilter,
    startDate: optionalDate,
    endDate: optionalDate,
    page: pageNumber,
    size: pageSize(10),
  })
  .refine(...dateRangeOrder);

/** The longest reason an operator may give when cancelling a run (the stored reason has room for it). */
export const CANCEL_REASON_CHARS = 500;

/** cancelRun: a run in flight and, optionally, why. */
export const cancelRunSchema = z.strictObject({
  traceId: runId,
  reason: freeText(CANCEL_REASON_CHARS).nullish(),
});

/** tailJobLog's query string: the run (its id as digits). */
export const tailJobLogQuerySchema = z.strictObject({ traceId: runId });

/** A `Last-Event-ID` header: the id of the last log line the client saw (digits). */
export const lastEventIdSchema = z
  .string()
  .regex(/^\d{1,16}$/, 'must be the id of a log line (digits)')
  .transform(Number);
