import {
  BackoffPolicy,
  ClusterMode,
  LoadBalancerName,
  MisfirePolicy,
  OverlapPolicy,
  type RunPolicy,
  type TriggerDefinition,
} from '@chaconne/contracts';
import { ChacJob, ChacTrigger, jobFromInstance, Run } from '../decorators';
import { ManagedJob } from '../managed-job';
import { toJob } from '../to-job';
import type { Job } from './job';
import { JobRegistry } from './job-registry';
import { runPolicyOf } from './run-policy';
import { onDemandTrigger } from './trigger';

/** Every run-policy field, set to something other than its default. */
const POLICY: Required<RunPolicy> = {
  clusterMode: ClusterMode.LOAD_BALANCE,
  loadBalancer: LoadBalancerName.CONSISTENT_HASH,
  hashKey: 'customerId',
  labels: { region: 'eu', tier: 'gold' },
  retryBackoff: { policy: BackoffPolicy.FIXED, delayMs: 250, maxDelayMs: 1_000, jitter: false },
  overlapPolicy: OverlapPolicy.QUEUE_ONE,
  misfirePolicy: MisfirePolicy.FIRE_ONCE_NOW,
  startDeadlineSeconds: 30,
  maxConsecutiveFailures: 3,
  terminationStrategy: 'untilEndOfMonth',
  freezeAfterTimeouts: 0,
};

@ChacJob({ ...POLICY, retries: 2 })
@ChacTrigger({ cron: '0 0 2 * * ?' })
class NightlyJob {
  @Run() run(): number {
    return 1;
  }
}

class BillingJob extends ManagedJob {
  override getRunPolicy(): RunPolicy {
    return POLICY;
  }
  execute(): number {
    return 2;
  }
}

class ImportJob implements Job {
  readonly trigger: TriggerDefinition = onDemandTrigger();
  readonly clusterMode = POLICY.clusterMode;
  readonly loadBalancer = POLICY.loadBalancer;
  readonly hashKey = POLICY.hashKey;
  readonly labels = POLICY.labels;
  readonly retryBackoff = POLICY.retryBackoff;
  readonly overlapPolicy = POLICY.overlapPolicy;
  readonly misfirePolicy = POLICY.misfirePolicy;
  readonly startDeadlineSeconds = POLICY.startDeadlineSeconds;
  readonly maxConsecutiveFailures = POLICY.maxConsecutiveFailures;
  readonly terminationStrategy = POLICY.terminationStrategy;
  readonly freezeAfterTimeouts = POLICY.freezeAfterTimeouts;

  execute(): number {
    return 3;
  }
}

describe('run policy of code-defined jobs', () => {
  it.each<[string, () => Job]>([
    ['@ChacJob', () => jobFromInstance(new NightlyJob())],
    ['ManagedJob.getRunPolicy()', () => toJob(new BillingJob())],
    ['a class implementing Job', () => toJob(new ImportJob())],
    [
      'a Job object',
      () => ({ jobClassName: 'Literal', trigger: onDemandTrigger(), ...POLICY, execute: () => 4 }),
    ],
  ])('reaches the definition sent at registration from %s', (_style, job) => {
    const { definition } = new JobRegistry('c', 'g').addCodeDefined(job());
    expect(definition).toMatchObject(POLICY);
  });

  it('leaves unset fields out, for the manager to default, and keeps an explicit null', () => {
    const { definition } = new JobRegistry('c', 'g').addCodeDefined({
      jobClassName: 'Sparse',
      trigger: onDemandTrigger(),
      overlapPolicy: OverlapPolicy.REPLACE,
      hashKey: null,
      execute: () => 5,
    });
    expect(Object.keys(definition ?? {})).toEqual(expect.arrayContaining(['overlapPolicy', 'hashKey']));
    expect(definition).toMatchObject({ overlapPolicy: OverlapPolicy.REPLACE, hashKey: null });
    expect(definition).not.toHaveProperty('clusterMode');
    expect(definition).not.toHaveProperty('labels');
  });

  it('copies only the run-policy fields, deeply', () => {
    const labels = { region: 'eu' };
    const policy = runPolicyOf({ labels, description: 'not a policy field' } as RunPolicy);
    labels.region = 'us';
    expect(policy).toEqual({ labels: { region: 'eu' } });
  });
});
