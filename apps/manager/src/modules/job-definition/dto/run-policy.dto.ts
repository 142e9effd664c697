import {
  DEFAULT_RUN_POLICY,
  LoadBalancerName,
  type ResolvedRunPolicy,
  type RunPolicy,
} from '@chaconne/contracts';
import type { KnownExtensions } from '../../policy/manager-plugins';
import type { FieldProblem } from './persist-job.dto';

/*
 * A job's run policy as the manager resolves it: the fields' rules are the job definition's
 * (`runPolicyFields` of @chaconne/contracts/definition); the names of plugins are checked
 * against what this manager runs, and the defaults applied.
 */

const BUILT_IN_BALANCERS = new Set<string>(Object.values(LoadBalancerName));

/** Applies the defaults and checks the names against what this manager can run (the schema checked the rest). */
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
