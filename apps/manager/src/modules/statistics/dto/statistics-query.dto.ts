import { DateTime } from 'luxon';
import { z } from 'zod';

/**
 * Chaconne treats a blank filter as no filter (`StringUtils.isNotBlank`), and its console
 * sends empty strings and nulls for unset fields: both mean "any".
 */
const optionalName = z
  .string()
  .trim()
  .max(64, 'must be at most 64 characters')
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : v));

/**
 * Chaconne can filter by worker `address`; the daily roll-up has no address dimension, so a
 * non-blank one is refused rather than silently ignored (which would answer unfiltered numbers).
 */
const unsupportedAddress = z
  .string()
  .nullish()
  .refine((v) => !v?.trim(), 'is not supported: statistics are kept per job and day, not per worker');

const groupFilter = {
  clusterName: optionalName,
  groupName: optionalName,
  /** Chaconne's name for the group. */
  applicationName: optionalName,
  address: unsupportedAddress,
};

/** One group filter out of `groupName` and Chaconne's `applicationName`; they must agree. */
function mergeGroup(
  value: { groupName?: string | undefined; applicationName?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (value.groupName && value.applicationName && value.groupName !== value.applicationName) {
    ctx.addIssue({
      code: 'custom',
      path: ['applicationName'],
      message: 'is another name for groupName; give one, or the same value in both',
    });
  }
}

/** Chaconne's JobStatQuery (selectJobStatByDay, selectJobStatByMonth, selectJobStat). */
export const jobStatQuerySchema = z
  .object({
    ...groupFilter,
    // An unknown jobId is not an error: it matches no rows, so every count is zero.
    jobId: z.number().int().positive('must be a job id').nullish(),
    lastDays: z
      .number()
      .int()
      .min(1, 'must be between 1 and 366')
      .max(366, 'must be between 1 and 366')
      .default(30),
  })
  .superRefine(mergeGroup)
  .transform(({ clusterName, groupName, applicationName, jobId, lastDays }) => ({
    clusterName,
    groupName: groupName ?? applicationName,
    jobId: jobId ?? undefined,
    lastDays,
  }));

/** A day of a statistics range: a `yyyy-MM-dd` label, or an instant to file under its day. */
export type StatDayInput = string | Date;

const WALL_CLOCK = ['yyyy-MM-dd', 'yyyy-MM-dd HH:mm:ss', 'yyyy-MM-dd HH:mm'];
const HAS_OFFSET = /(?:z|[+-]\d{2}:?\d{2})$/i;

/**
 * A range bound: epoch milliseconds or an ISO-8601 instant (filed under its day in the manager's
 * zone), or a wall-clock date `yyyy-MM-dd[ HH:mm[:ss]]` (already a day there; the time is ignored).
 */
const statDay = z
  .union([z.number().int().nonnegative(), z.string().trim()])
  .nullish()
  .transform((v, ctx): StatDayInput | undefined => {
    if (v === null || v === undefined || v === '') return undefined;
    if (typeof v === 'number') return new Date(v);
    for (const format of WALL_CLOCK) {
      const wall = DateTime.fromFormat(v, format, { zone: 'UTC' });
      if (wall.isValid) return wall.toFormat('yyyy-MM-dd');
    }
    const iso = DateTime.fromISO(v, { setZone: true });
    if (iso.isValid) return HAS_OFFSET.test(v) ? iso.toJSDate() : iso.toFormat('yyyy-MM-dd');
    ctx.addIssue({
      code: 'custom',
      message: 'must be yyyy-MM-dd, epoch milliseconds or an ISO-8601 date',
    });
    return z.NEVER;
  });

/** Chaconne's JobStatPageQuery (selectJobStatById). */
export const jobStatPageQuerySchema = z
  .object({
    ...groupFilter,
    startDate: statDay,
    endDate: statDay,
    page: z.number().int().min(1, 'must be 1 or more').default(1),
    size: z
      .number()
      .int()
      .min(1, 'must be between 1 and 1000')
      .max(1000, 'must be between 1 and 1000')
      .default(10),
  })
  .superRefine(mergeGroup)
  .transform(({ clusterName, groupName, applicationName, startDate, endDate, page, size }) => ({
    clusterName,
    groupName: groupName ?? applicationName,
    startDate,
    endDate,
    page,
    size,
  }));

/** Chaconne's Query (selectJobStateCount). */
export const jobStateCountQuerySchema = z.object({ clusterName: optionalName });

export type JobStatQuery = z.output<typeof jobStatQuerySchema>;
export type JobStatPageQuery = z.output<typeof jobStatPageQuerySchema>;
export type JobStateCountQuery = z.output<typeof jobStateCountQuerySchema>;
