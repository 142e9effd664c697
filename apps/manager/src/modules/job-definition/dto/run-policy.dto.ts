import {
  BackoffPolicy,
  IDENTIFIER_MAX_LENGTH,
  ClusterMode,
  DEFAULT_RUN_POLICY,
  LoadBalancerName,
  MisfirePolicy,
  OverlapPolicy,
  type ResolvedRunPolicy,
  type RunPolicy,
} from '@chaconne/contracts';
import { z } from 'zod';
import { identifier, labelsSchema } from '../../../common/field-schemas';
import type { FieldProblem } from './persist-job.dto';

const names = <T extends Record<string, string>>(values: T) => {
  const list = Object.values(values);
  return z
    .string()
    .refine((v) => list.includes(v), `must be one of ${list.join(', ')}`)
    .transform((v) => v as T[keyof T]);
};

const DAY_MS = 86_400_000;

/** The run-policy fields of persistJob (all optional; defaults in DEFAULT_RUN_POLICY). */
export const runPolicyFields = {
  clusterMode: names(ClusterMode).nullish(),
  loadBalancer: identifier(IDENTIFIER_MAX_LENGTH.pluginName).nullish(),
  hashKey: identifier(IDENTIFIER_MAX_LENGTH.hashKey).nullish(),
  labels: labelsSchema.nullish(),
  retryBackoff: z
    .strictObject({
      policy: names(BackoffPolicy),
      delayMs: z.number().int().min(0, 'must be 0 or more').max(DAY_MS, 'must be at most a day'),
      maxDelayMs: z.number().int().min(0).max(DAY_MS, 'must be at most a day').optional(),
      jitter: z.boolean().optional(),
    })
    .nullish(),
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

/** Names a manager knows beyond the built-ins (from its plugins). */
export interface KnownExtensions {
  loadBalancers: ReadonlySet<string>;
  terminationStrategies: ReadonlySet<string>;
}

const BUILT_IN_BALANCERS = new Set<string>(Object.values(LoadBalancerName));

/** Applies the defaults and checks the names against what this manager can run. */
export function resolveRunPolicy(
  body: RunPolicy,
  known: KnownExtensions,
): { policy: ResolvedRunPolicy } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const d = DEFAULT_RUN_POLICY;
  const loadBalancer = body.loadBalancer ?? d.loadBalancer;
  if (!BUILT_IN_BALANCERS.has(loadBalancer) && !known.loadBalancers.has(loadBalancer)) {
    const custom = [...known.loadBalancers];
    problems.push({
      field: 'loadBalancer',
      reason: `unknown load balancer '${loadBalancer}': use one of ${[...BUILT_IN_BALANCERS, ...custom].join(', ')}`,
    });
  }
  const terminationStrategy = body.terminationStrategy ?? null;
  if (terminationStrategy !== null && !known.terminationStrategies.has(terminationStrategy)) {
    const registered = [...known.terminationStrategies];
    problems.push({
      field: 'terminationStrategy',
      reason: `no termination strategy '${terminationStrategy}' is registered on this manager${
        registered.length > 0 ? ` (registered: ${registered.join(', ')})` : ' (see CHACONNE_PLUGINS)'
      }`,
    });
  }
  const backoff = body.retryBackoff ?? d.retryBackoff;
  const retryBackoff = {
    policy: backoff.policy,
    delayMs: backoff.delayMs,
    maxDelayMs: backoff.maxDelayMs ?? Math.max(backoff.delayMs, d.retryBackoff.maxDelayMs),
    jitter: backoff.jitter ?? d.retryBackoff.jitter,
  };
  if (retryBackoff.maxDelayMs < retryBackoff.delayMs) {
    problems.push({ field: 'retryBackoff.maxDelayMs', reason: 'must be at least delayMs' });
  }
  if (problems.length > 0) return { problems };
  return {
    policy: {
      clusterMode: body.clusterMode ?? d.clusterMode,
      loadBalancer,
      hashKey: body.hashKey ?? null,
      labels: body.labels ?? {},
      retryBackoff,
      overlapPolicy: body.overlapPolicy ?? d.overlapPolicy,
      misfirePolicy: body.misfirePolicy ?? d.misfirePolicy,
      startDeadlineSeconds: body.startDeadlineSeconds ?? null,
      maxConsecutiveFailures: body.maxConsecutiveFailures ?? d.maxConsecutiveFailures,
      terminationStrategy,
      freezeAfterTimeouts: body.freezeAfterTimeouts ?? d.freezeAfterTimeouts,
    },
  };
}

const parsedPolicies = new Map<string, ResolvedRunPolicy>();
const PARSED_POLICY_LIMIT = 1_000;

/**
 * A stored run policy (older rows have none: the defaults). Read on every fire and
 * outcome, and most jobs share a few policies: parsed ones are reused (frozen).
 */
export function storedRunPolicy(json: string | null): ResolvedRunPolicy {
  if (!json) return DEFAULT_RUN_POLICY;
  let policy = parsedPolicies.get(json);
  if (!policy) {
    policy = Object.freeze({ ...DEFAULT_RUN_POLICY, ...(JSON.parse(json) as Partial<ResolvedRunPolicy>) });
    if (parsedPolicies.size >= PARSED_POLICY_LIMIT) parsedPolicies.clear();
    parsedPolicies.set(json, policy);
  }
  return policy;
}
