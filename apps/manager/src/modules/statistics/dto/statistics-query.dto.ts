import { JOB_KEY_MAX_LENGTH } from '@chaconne/contracts';
import { dateText, epochMillis } from '@chaconne/contracts/definition';
import { DateTime } from 'luxon';
import { z } from 'zod';
import {
  inDateRange,
  jobId,
  nameFilter,
  pageAnswerFields,
  pageNumber,
  pageSize,
} from '../../../common/field-schemas';

/**
 * Chaconne treats a blank filter as no filter (`StringUtils.isNotBlank`), and its console
 * sends empty strings and nulls for unset fields: both mean "any".
 */
const clusterFilter = nameFilter(JOB_KEY_MAX_LENGTH.clusterName);
const groupFilter = nameFilter(JOB_KEY_MAX_LENGTH.groupName);

/**
 * Chaconne can filter by worker `address`; the daily roll-up has no address dimension, so a
 * non-blank one is refused rather than silently ignored (which would answer unfiltered numbers).
 */
const unsupportedAddress = z
  .string()
  .max(512)
  .nullish()
  .refine((v) => !v?.trim(), 'is not supported: statistics are kept per job and day, not per worker');

const groupFilters = {
  clusterName: clusterFilter,
  groupName: groupFilter,
  /** Chaconne's name for the group. */
  applicationName: groupFilter,
  address: unsupportedAddress,
};

/**
 * `groupName` and Chaconne's `applicationName` name the same filter: they must agree. Checked
 * whenever both are well-formed, whatever the other fields are.
 */
const groupsAgree = {
  check: (value: { groupName?: string | undefined; applicationName?: string | undefined }): boolean =>
    !value.groupName || !value.applicationName || value.groupName === value.applicationName,
  params: {
    path: ['applicationName'],
    message: 'is another name for groupName; give one, or the same value in both',
    when: (payload: { value: unknown }): boolean =>
      z.object({ groupName: groupFilter, applicationName: groupFilter }).safeParse(payload.value).success,
  },
};

/** Chaconne's JobStatQuery (selectJobStatByDay, selectJobStatByMonth, selectJobStat). */
export const jobStatQuerySchema = z
  .strictObject({
    ...groupFilters,
    // An unknown jobId is not an error: it matches no rows, so every count is zero.
    jobId: jobId.nullish(),
    lastDays: z
      .number()
      .int()
      .min(1, 'must be between 1 and 366')
      .max(366, 'must be between 1 and 366')
      .default(30),
  })
  .refine(groupsAgree.check, groupsAgree.params)
  .transform(({ clusterName, groupName, applicationName, jobId: id, lastDays }) => ({
    clusterName,
    groupName: groupName ?? applicationName,
    jobId: id ?? undefined,
    lastDays,
  }));

/** A day of a statistics range: a `yyyy-MM-dd` label, or an instant to file under its day. */
export type StatDayInput = string | Date;

const WALL_CLOCK = ['yyyy-MM-dd', 'yyyy-MM-dd HH:mm:ss', 'yyyy-MM-dd HH:mm'];
const HAS_OFFSET = /(?:z|[+-]\d{2}:?\d{2})$/i;

/**
 * A range bound: epoch milliseconds or an ISO-8601 instant (filed under its day in the manager's
 * zone), or a wall-clock date `yyyy-MM-dd[ HH:mm[:ss]]` (already a day there; the time is ignored).
 * Every form stays within the dates the manager stores.
 */
const statDay = z
  .union([epochMillis, dateText.or(z.literal(''))], {
    error: 'must be yyyy-MM-dd, epoch milliseconds or an ISO-8601 date',
  })
  .nullish()
  .transform((v, ctx): StatDayInput | undefined => {
    if (v === null || v === undefined || v === '') return undefined;
    if (typeof v === 'number') return new Date(v);
    for (const format of WALL_CLOCK) {
      const wall = DateTime.fromFormat(v, format, { zone: 'UTC' });
      if (!wall.isValid) continue;
      inDateRange(wall.toJSDate(), ctx);
      return wall.toFormat('yyyy-MM-dd');
    }
    const iso = DateTime.fromISO(v, { setZone: true });
    if (iso.isValid) {
      const instant = inDateRange(iso.toJSDate(), ctx);
      return HAS_OFFSET.test(v) ? instant : iso.toFormat('yyyy-MM-dd');
    }
    ctx.addIssue({
      code: 'custom',
      message: 'must be yyyy-MM-dd, epoch milliseconds or an ISO-8601 date',
    });
    return z.NEVER;
  });

/** Chaconne's JobStatPageQuery (selectJobStatById). */
export const jobStatPageQuerySchema = z
  .strictObject({
    ...groupFilters,
    startDate: statDay,
    endDate: statDay,
    page: pageNumber,
    size: pageSize(10),
    ...pageAnswerFields,
  })
  .refine(groupsAgree.check, groupsAgree.params)
  .transform(({ clusterName, groupName, applicationName, startDate, endDate, page, size }) => ({
    clusterName,
    groupName: groupName ?? applicationName,
    startDate,
    endDate,
    page,
    size,
  }));

/**
 * The range bounds of a JobStatPageQuery alone: their order is checked in the manager's zone
 * (an instant's day depends on it), even when other fields are malformed.
 */
export const statRangeSchema = z.object({ startDate: statDay, endDate: statDay });
export type StatRange = z.output<typeof statRangeSchema>;

/** Chaconne's Query (selectJobStateCount). */
export const jobStateCountQuerySchema = z.strictObject({ clusterName: clusterFilter });

export type JobStatQuery = z.output<typeof jobStatQuerySchema>;
export type JobStatPageQuery = z.output<typeof jobStatPageQuerySchema>;
export type JobStateCountQuery = z.output<typeof jobStateCountQuerySchema>;
