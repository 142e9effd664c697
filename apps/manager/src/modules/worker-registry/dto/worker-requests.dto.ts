import { JOB_KEY_MAX_LENGTH, ProtocolLimits } from '@chaconne/contracts';
import { identifier, labelsSchema } from '@chaconne/contracts/definition';
import { nameFilter } from '../../../common/field-schemas';
import { z } from 'zod';

/*
 * The worker protocol's bodies (DESIGN.md §5) as the manager takes them: strict objects
 * (an unknown field is refused with its name, as zod's unrecognized_keys issue says it),
 * every problem listed, every list and text bounded by ProtocolLimits.
 */

/**
 * The most reports one `POST /worker/reports` may carry: answered to workers on register, so
 * it lives with the register body rather than with the reports route of run/.
 */
export const REPORT_BATCH_LIMIT = 500;

export const instanceIdSchema = z
  .string()
  .min(1)
  .max(ProtocolLimits.instanceIdChars)
  .regex(/^[\w.:@-]+$/, 'may contain letters, digits and _ . : @ -');

export const registerSchema = z.strictObject({
  instanceId: instanceIdSchema,
  clusterName: identifier(JOB_KEY_MAX_LENGTH.clusterName),
  groupName: identifier(JOB_KEY_MAX_LENGTH.groupName),
  baseUrl: z
    .string()
    .max(512)
    .refine((v) => /^https?:\/\/[^/]+/.test(v), 'must be an http(s) URL'),
  baseUrlSource: z.enum(['configured', 'detected']),
  weight: z.number().int().min(1).max(1000),
  labels: labelsSchema,
  sdkVersion: z.string().min(1).max(32),
  protocolVersion: z.number().int(),
  startedAt: z.iso.datetime({ offset: true }),
  jobs: z
    .array(
      z.strictObject({
        jobClassName: identifier(JOB_KEY_MAX_LENGTH.jobClassName),
        // Validated as a persistJob body, with its field paths under jobs.<i>.definition.
        definition: z.unknown().optional(),
      }),
    )
    .max(ProtocolLimits.jobsPerRegistration),
});
export type RegisterBody = z.output<typeof registerSchema>;

export const heartbeatSchema = z.strictObject({
  instanceId: instanceIdSchema,
  activeRuns: z.number().int().min(0).max(1_000_000),
  draining: z.boolean(),
  /** The most runs the instance takes at once; null: no limit; absent: unknown. */
  capacity: z.number().int().min(1).max(1_000_000_000).nullish(),
  heldRuns: z.number().int().min(0).max(1_000_000).optional(),
  waitingRuns: z.number().int().min(0).max(1_000_000).optional(),
});

export const deregisterSchema = z.strictObject({ instanceId: instanceIdSchema });

/** selectWorkers (admin): the instances of some cluster or group only. */
export const selectWorkersSchema = z.strictObject({
  clusterName: nameFilter(JOB_KEY_MAX_LENGTH.clusterName),
  groupName: nameFilter(JOB_KEY_MAX_LENGTH.groupName),
});
export type WorkerQuery = z.output<typeof selectWorkersSchema>;
