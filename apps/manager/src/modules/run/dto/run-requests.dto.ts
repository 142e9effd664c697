import { LogLevel, ProtocolLimits, RunningState, type RunOutcome } from '@chaconne/contracts';
import { z } from 'zod';
import { jobKeySchema } from '../../job-definition/dto/persist-job.dto';
import { instanceIdSchema } from '../../worker-registry/dto/worker-requests.dto';

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

export const runReportSchema = z.strictObject({
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
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }),
});

/** The most reports one `POST /worker/reports` may carry (answered to workers on register). */
export const REPORT_BATCH_LIMIT = 500;

/** One report of a batch: a report with its run id. */
export const batchedRunReportSchema = runReportSchema.extend({ runId: z.number().int().positive() });

/** A batch of reports; each is validated on its own, so one bad report fails alone. */
export const runReportBatchSchema = z.strictObject({
  reports: z.array(z.unknown()).min(1).max(REPORT_BATCH_LIMIT),
});

const optionalDate = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v, ctx) => {
    if (v === null || v === undefined || v === '') return null;
    const date = new Date(v);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO-8601 date' });
      return z.NEVER;
    }
    return date;
  });

/** Chaconne's JobTracePageQuery. */
export const selectJobTraceSchema = z.object({
  jobKey: jobKeySchema,
  page: z.number().int().min(1).default(1),
  size: z.number().int().min(1).max(1000).default(10),
  startDate: optionalDate,
  endDate: optionalDate,
  runningState: z
    .number()
    .int()
    .refine((v) => [...outcomes, RunningState.RUNNING].includes(v), 'must be a RunningState code')
    .nullish(),
});

/** Chaconne's JobTraceQuery. */
export const selectJobLogSchema = z.object({
  jobKey: jobKeySchema,
  traceId: z.coerce.number().int().positive('must be a run id'),
});

/** Chaconne's JobParameter for triggerJob: run now, optionally with another attachment. */
export const triggerJobSchema = z.object({
  jobKey: jobKeySchema,
  attachment: z
    .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
    .nullish()
    .transform((v) =>
      v === undefined ? undefined : v === null ? null : typeof v === 'string' ? v : JSON.stringify(v),
    ),
  /** Accepted for Chaconne clients; retries come from the job definition. */
  retries: z.number().int().min(0).nullish(),
  /** true: run even if the job's overlap policy would skip or queue it. */
  force: z.boolean().nullish(),
});
