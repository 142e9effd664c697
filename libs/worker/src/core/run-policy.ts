import type { RunPolicy } from '@chaconne/contracts';

/** Every run-policy field; typed so that a field added to `RunPolicy` must be listed here. */
const RUN_POLICY_FIELDS: Readonly<Record<keyof RunPolicy, true>> = {
  clusterMode: true,
  loadBalancer: true,
  hashKey: true,
  labels: true,
  retryBackoff: true,
  overlapPolicy: true,
  misfirePolicy: true,
  startDeadlineSeconds: true,
  maxConsecutiveFailures: true,
  terminationStrategy: true,
  freezeAfterTimeouts: true,
};

/**
 * The run-policy fields a job declares (decorator options, a `Job`, a `ManagedJob`'s
 * `getRunPolicy()`), copied, without the other properties of `source`. Unset fields stay
 * absent: the manager applies its defaults (`DEFAULT_RUN_POLICY`) and checks the values.
 */
export function runPolicyOf(source: RunPolicy): RunPolicy {
  const entries = (Object.keys(RUN_POLICY_FIELDS) as (keyof RunPolicy)[])
    .filter((field) => source[field] !== undefined)
    .map((field) => [field, source[field]]);
  return structuredClone(Object.fromEntries(entries) as RunPolicy);
}
