import { z } from 'zod';
import { IDENTIFIER_MAX_LENGTH } from '../identifier';
import { BackoffPolicy, ClusterMode, MisfirePolicy, OverlapPolicy } from '../run-policy';
import { identifier, labelsSchema } from './field-rules';

const names = <T extends Record<string, string>>(values: T) => {
  const list = Object.values(values);
  return z
    .string()
    .refine((v) => list.includes(v), `must be one of ${list.join(', ')}`)
    .transform((v) => v as T[keyof T]);
};

const DAY_MS = 86_400_000;

const retryBackoffSchema = z
  .strictObject({
    policy: names(BackoffPolicy),
    delayMs: z.number().int().min(0, 'must be 0 or more').max(DAY_MS, 'must be at most a day'),
    maxDelayMs: z.number().int().min(0).max(DAY_MS, 'must be at most a day').optional(),
    jitter: z.boolean().optional(),
  })
  .refine((b) => b.maxDelayMs === undefined || b.maxDelayMs >= b.delayMs, {
    message: 'must be at least delayMs',
    path: ['maxDelayMs'],
    when: (payload) =>
      z.object({ delayMs: z.number(), maxDelayMs: z.number().optional() }).safeParse(payload.value).success,
  });

/**
 * The run-policy fields of a job definition (all optional; defaults in DEFAULT_RUN_POLICY).
 * Whether a manager knows the named load balancer or termination strategy is its own check.
 */
export const runPolicyFields = {
  clusterMode: names(ClusterMode).nullish(),
  loadBalancer: identifier(IDENTIFIER_MAX_LENGTH.pluginName).nullish(),
  hashKey: identifier(IDENTIFIER_MAX_LENGTH.hashKey).nullish(),
  labels: labelsSchema.nullish(),
  retryBackoff: retryBackoffSchema.nullish(),
  overlapPolicy: names(OverlapPolicy).nullish(),
  misfirePolicy: names(MisfirePolicy).nullish(),
  startDeadlineSeconds: z
    .number()
    .int()
    .min(1, 'must be at least 1 second')
    .max(366 * 86_400)
    .nullish(),
  maxConsecutiveFailures: z.number().int().min(0, 'must be 0 (never) or more').max(100_000).nullish(),
  terminationStrategy: identifier(IDENTIFIER_MAX_LENGTH.pluginName).nullish(),
  freezeAfterTimeouts: z.number().int().min(0, 'must be 0 (never) or more').max(1_000).nullish(),
};
