import { DependencyType, JobState, TriggerType } from '@chaconne/contracts';
import { z } from 'zod';
import { jobKeySchema, triggerSchema } from './persist-job.dto';

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
export const jobStateQuerySchema = z.object({ jobKey: jobKeySchema, jobState: jobStateCode });

/** Chaconne's JobKeyQuery: the keys of jobs with a trigger type, optionally in clusters/groups. */
export const jobKeysQuerySchema = z.object({
  clusterName: z.string().max(64).nullish(),
  groupName: z.string().max(64).nullish(),
  clusterNames: z.array(z.string().max(64)).max(1000).nullish(),
  groupNames: z.array(z.string().max(64)).max(1000).nullish(),
  triggerType: triggerTypeCode,
});

/** The job list: Chaconne's PageQuery plus filters and sorting. */
export const selectJobDetailSchema = z.object({
  clusterName: z.string().max(64).nullish(),
  groupName: z.string().max(64).nullish(),
  /** Part of the job name. */
  jobName: z.string().max(191).nullish(),
  jobState: jobStateCode.nullish(),
  triggerType: triggerTypeCode.nullish(),
  page: z.number().int().min(1).default(1),
  size: z.number().int().min(1).max(1000).default(10),
  sort: z.enum(['jobId', 'jobName', 'createDate']).default('createDate'),
  order: z.enum(['asc', 'desc']).default('desc'),
});

/** Chaconne's `{ jobKey, dependencyType }`. */
export const relationsQuerySchema = z.object({
  jobKey: jobKeySchema,
  dependencyType: codeOf(DependencyType, 'DependencyType'),
});

/** previewTrigger: the next fire times of a trigger that need not belong to a job. */
export const previewTriggerSchema = z.object({
  trigger: triggerSchema,
  count: z.number().int().min(1).max(100).default(10),
});

/** selectJobHistory: a job's definition changes, paged. */
export const jobHistoryQuerySchema = z.object({
  jobKey: jobKeySchema,
  page: z.number().int().min(1).default(1),
  size: z.number().int().min(1).max(1000).default(20),
});
