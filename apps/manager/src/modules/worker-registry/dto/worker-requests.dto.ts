import { z } from 'zod';

const instanceId = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[\w.:@-]+$/, 'may contain letters, digits and _ . : @ -');

export const registerSchema = z.object({
  instanceId,
  clusterName: z.string().trim().min(1).max(64),
  groupName: z.string().trim().min(1).max(64),
  baseUrl: z
    .string()
    .max(512)
    .refine((v) => /^https?:\/\/[^/]+/.test(v), 'must be an http(s) URL'),
  baseUrlSource: z.enum(['configured', 'detected']),
  weight: z.number().int().min(1).max(1000).default(1),
  labels: z.record(z.string().max(64), z.string().max(256)).default({}),
  sdkVersion: z.string().max(32),
  protocolVersion: z.number().int(),
  startedAt: z.string(),
  jobs: z
    .array(
      z.object({
        jobClassName: z.string().trim().min(1).max(255),
        definition: z.unknown().optional(),
      }),
    )
    .max(10_000),
});
export type RegisterBody = z.output<typeof registerSchema>;

export const heartbeatSchema = z.object({
  instanceId,
  activeRuns: z.number().int().min(0).default(0),
  draining: z.boolean().default(false),
});

export const deregisterSchema = z.object({ instanceId });
