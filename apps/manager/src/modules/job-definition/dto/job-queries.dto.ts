import { DependencyType, JOB_KEY_MAX_LENGTH, JobState, TriggerType } from '@chaconne/contracts';
import { DEPENDENT_NEEDS_UPSTREAM, jobKeySchema, triggerSchema } from '@chaconne/contracts/definition';
import { z } from 'zod';
import {
  nameFilter,
  optionalDate,
  pageAnswerFields,
  pageNumber,
  pageSize,
} from '../../../common/field-schemas';

const codeOf = <T extends Record<string, number>>(enumObject: T, label: string) => {
  const codes = Object.values(enumObject);
  return z
    .number()
    .int()
    .refine(
      (v) => codes.includes(v),
      `must be a ${label} code (${Object.entries(enumObject)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')})`,
    )
    .transform((v) => v as T[keyof T]);
};

export const jobStateCode = codeOf(JobState, 'JobState');
export const triggerTypeCode = codeOf(TriggerType, 'TriggerType');

/** Chaconne's `{ jobKey, jobState }`. */
export const jobStateQuerySchema = z.strictObject({ jobKey: jobKeySchema, jobState: jobStateCode });

const MAX_FILTER_NAMES = 1000;
const nameList = (max: number) =>
  z
    .array(nameFilter(max))
    .max(MAX_FILTER_NAMES, `at most ${MAX_FILTER_NAMES} names`)
    .nullish()
    .transform((names) => names?.filter((n): n is string => n !== undefined));

/** Chaconne's JobKeyQuery: the keys of jobs with a trigger type, optionally in clusters/groups. */
export const jobKeysQuerySchema = z.strictObject({
  clusterName: nameFilter(JOB_KEY_MAX_LENGTH.clusterName),
  groupName: nameFilter(JOB_KEY_MAX_LENGTH.groupName),
  clusterNames: nameList(JOB_KEY_MAX_LENGTH.clusterName),
  groupNames: nameList(JOB_KEY_MAX_LENGTH.groupName),
  triggerType: triggerTypeCode,
});

/** The job list: Chaconne's PageQuery plus filters and sorting. */
export const selectJobDetailSchema = z
  .strictObject({
    clusterName: nameFilter(JOB_KEY_MAX_LENGTH.clusterName),
    groupName: nameFilter(JOB_KEY_MAX_LENGTH.groupName),
    /** Part of the job name. */
    jobName: nameFilter(JOB_KEY_MAX_LENGTH.jobName),
    jobState: jobStateCode.nullish(),
    triggerType: triggerTypeCode.nullish(),
    /** Only jobs due to fire at or after this instant. */
    nextFireFrom: optionalDate,
    /** Only jobs due to fire before this instant. */
    nextFireTo: optionalDate,
    page: pageNumber,
    size: pageSize(10),
    sort: z.enum(['jobId', 'jobName', 'createDate', 'nextFireTime']).default('createDate'),
    order: z.enum(['asc', 'desc']).default('desc'),
    ...pageAnswerFields,
  })
  .refine((q) => !q.nextFireFrom || !q.nextFireTo || q.nextFireFrom <= q.nextFireTo, {
    message: 'must not be before nextFireFrom',
    path: ['nextFireTo'],
    when: (payload) =>
      z
        .object({ nextFireFrom: z.date().nullable(), nextFireTo: z.date().nullable() })
        .safeParse(payload.value).success,
  });

/** Chaconne's `{ jobKey, dependencyType }`. */
export const relationsQuerySchema = z.strictObject({
  jobKey: jobKeySchema,
  dependencyType: codeOf(DependencyType, 'DependencyType'),
});

/** previewTrigger: the next fire times of a trigger that need not belong to a job. */
export const previewTriggerSchema = z.strictObject({
  // A trigger of its own has no upstream jobs: a DEPENDENT one never fires.
  trigger: triggerSchema.refine((t) => t.triggerType !== TriggerType.DEPENDENT, {
    message: DEPENDENT_NEEDS_UPSTREAM,
    path: ['triggerType'],
  }),
  count: z
    .number()
    .int()
    .min(1, 'must be between 1 and 100')
    .max(100, 'must be between 1 and 100')
    .default(10),
  /** The fire times after this instant (epoch milliseconds or ISO-8601); now when left out. */
  from: optionalDate,
});

/** selectJobHistory: a job's definition changes, paged. */
export const jobHistoryQuerySchema = z.strictObject({
  jobKey: jobKeySchema,
  page: pageNumber,
  size: pageSize(20),
});
