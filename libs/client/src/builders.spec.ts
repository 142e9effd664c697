import {
  BackoffPolicy,
  ClusterMode,
  LoadBalancerName,
  MisfirePolicy,
  OverlapPolicy,
  SchedulingUnit,
  TriggerType,
} from './enums';
import { GenericJobDefinition } from './generic-job-definition';
import { GenericTrigger } from './generic-trigger';
import { InvalidDefinitionError } from './invalid-definition-error';
import { JobKey, jobKey } from './job-key';

/** The persistJob body of Chaconne's documentation, verbatim (chaconne-introduction.md). */
const CHACONNE_DOCUMENTED_BODY: unknown = JSON.parse(`{
    "jobKey": {
        "clusterName": "yourCluster",
        "groupName": "yourGroup",
        "jobName": "yourJob",
        "jobClassName": "com.yourcompany.yourapp.YourJob"
    },
    "description": "Describe your job shortly",
    "email": "YourEmail@yourcompany.com",
    "retries": 0,
    "timeout": -1,
    "weight": 100,
    "dependentKeys": null,
    "forkKeys": null,
    "completionRate": -1,
    "trigger": {
        "triggerType": 1,
        "triggerDescription": {
            "cron": {
                "expression": "*/5 * * * * ?"
            }
        },
        "startDate": null,
        "endDate": null,
        "repeatCount": -1
    },
    "attachment": "{\\"initialParameter\\": \\"test\\"}"
}`);

const KEY = JobKey.by('yourCluster', 'yourGroup', 'yourJob', 'com.yourcompany.yourapp.YourJob');

/** The problems an InvalidDefinitionError carries, or a failure if nothing was thrown. */
function problemsOf(build: () => unknown): { field: string; reason: string }[] {
  try {
    build();
  } catch (error) {
    if (error instanceof InvalidDefinitionError) return [...error.problems];
    throw error;
  }
  throw new Error('expected an InvalidDefinitionError');
}

describe('JobKey', () => {
  it('JobKey.by and jobKey() build the four-part key', () => {
    expect(KEY).toEqual({
      clusterName: 'yourCluster',
      groupName: 'yourGroup',
      jobName: 'yourJob',
      jobClassName: 'com.yourcompany.yourapp.YourJob',
    });
    expect(jobKey('yourCluster', 'yourGroup', 'yourJob', 'com.yourcompany.yourapp.YourJob')).toEqual(KEY);
    expect(JobKey.format(KEY)).toBe('yourCluster.yourGroup.yourJob@com.yourcompany.yourapp.YourJob');
    expect(JobKey.equals(KEY, { ...KEY })).toBe(true);
    expect(JobKey.equals(KEY, { ...KEY, jobName: 'other' })).toBe(false);
  });

  it('refuses empty parts, naming each', () => {
    expect(problemsOf(() => JobKey.by('', 'g', ' ', 'J'))).toEqual([
      { field: 'clusterName', reason: 'must not be empty' },
      { field: 'jobName', reason: 'must not be empty' },
    ]);
    expect(() => jobKey('c', 'g', 'j', '')).toThrow('invalid definition: jobClassName: must not be empty');
  });
});

describe('GenericJobDefinition', () => {
  it("builds Chaconne's documented persistJob body, field for field", () => {
    const definition = GenericJobDefinition.newJob(KEY)
      .setDescription('Describe your job shortly')
      .setEmail('YourEmail@yourcompany.com')
      .setTrigger(GenericTrigger.Builder.newTrigger('*/5 * * * * ?').build())
      .setAttachment('{"initialParameter": "test"}')
      .build();
    expect(definition).toStrictEqual(CHACONNE_DOCUMENTED_BODY);
    expect(JSON.stringify(definition)).toBe(JSON.stringify(CHACONNE_DOCUMENTED_BODY));
  });

  it("follows Chaconne's SDK example (retries 3, timeout 60000L, a trigger builder)", () => {
    const builder = GenericJobDefinition.newJob(KEY)
      .setDescription('Describe your job shortly')
      .setEmail('YourEmail@yourcompany.com')
      .setRetries(3)
      .setTimeout(60000);
    const triggerBuilder = GenericTrigger.Builder.newTrigger('*/5 * * * * ?');
    builder.setTrigger(triggerBuilder);
    expect(builder.build()).toStrictEqual({
      ...(CHACONNE_DOCUMENTED_BODY as object),
      retries: 3,
      timeout: 60000,
      attachment: null,
    });
  });

  it("fills Chaconne's defaults: on-demand SIMPLE trigger, weight 100, no dependencies", () => {
    expect(GenericJobDefinition.newJob(KEY).build()).toStrictEqual({
      jobKey: KEY,
      description: '',
      email: '',
      retries: 0,
      timeout: -1,
      weight: 100,
      dependentKeys: null,
      forkKeys: null,
      completionRate: -1,
      trigger: { triggerType: 0, triggerDescription: {}, startDate: null, endDate: null, repeatCount: -1 },
      attachment: null,
    });
  });

  it('sets weight, e-mail lists, JSON attachments, dependent and fork keys with a completion rate', () => {
    const a = JobKey.by('c', 'g', 'a', 'A');
    const b = JobKey.by('c', 'g', 'b', 'B');
    const definition = GenericJobDefinition.newJob(KEY)
      .setWeight(40)
      .setEmail(['a@x.io', 'b@y.io'])
      .setAttachment({ initialParameter: 'test', n: [1, 2] })
      .setDependentKeys([a])
      .setForkKeys([a, b], 0.5)
      .build();
    expect(definition).toMatchObject({
      weight: 40,
      email: 'a@x.io,b@y.io',
      attachment: '{"initialParameter":"test","n":[1,2]}',
      dependentKeys: [a],
      forkKeys: [a, b],
      completionRate: 0.5,
    });
    expect(GenericJobDefinition.newJob(KEY).setForkKeys([a]).build().completionRate).toBe(-1);
    expect(GenericJobDefinition.newJob(KEY).setCompletionRate(0.25).build().completionRate).toBe(0.25);
  });

  it('sets every run-policy field, sending only those set (null included)', () => {
    const labels = { region: 'eu' };
    const retryBackoff = { policy: BackoffPolicy.FIXED, delayMs: 500, maxDelayMs: 2_000, jitter: false };
    const builder = GenericJobDefinition.newJob(KEY)
      .setClusterMode(ClusterMode.MASTER_STANDBY)
      .setLoadBalancer(LoadBalancerName.WEIGHTED_ROUND_ROBIN)
      .setHashKey('customerId')
      .setLabels(labels)
      .setRetryBackoff(retryBackoff)
      .setOverlapPolicy(OverlapPolicy.REPLACE)
      .setMisfirePolicy(MisfirePolicy.FIRE_ONCE_NOW)
      .setStartDeadlineSeconds(30)
      .setMaxConsecutiveFailures(3)
      .setTerminationStrategy('untilEndOfMonth')
      .setFreezeAfterTimeouts(0);
    labels.region = 'us';
    retryBackoff.delayMs = 1;
    const definition = builder.build();
    expect(definition).toMatchObject({
      clusterMode: 'MASTER_STANDBY',
      loadBalancer: 'WEIGHTED_ROUND_ROBIN',
      hashKey: 'customerId',
      labels: { region: 'eu' },
      retryBackoff: { policy: 'FIXED', delayMs: 500, maxDelayMs: 2_000, jitter: false },
      overlapPolicy: 'REPLACE',
      misfirePolicy: 'FIRE_ONCE_NOW',
      startDeadlineSeconds: 30,
      maxConsecutiveFailures: 3,
      terminationStrategy: 'untilEndOfMonth',
      freezeAfterTimeouts: 0,
    });
    definition.labels!.region = 'changed';
    expect(builder.build().labels).toEqual({ region: 'eu' });

    const sparse = GenericJobDefinition.newJob(KEY)
      .setOverlapPolicy(OverlapPolicy.ALLOW)
      .setLabels(null)
      .build();
    expect(sparse).toMatchObject({ overlapPolicy: 'ALLOW', labels: null });
    expect(sparse).not.toHaveProperty('clusterMode');
    expect(sparse).not.toHaveProperty('retryBackoff');
  });

  it('answers a fresh, independent object on every build', () => {
    const builder = GenericJobDefinition.newJob(KEY).setTrigger(
      GenericTrigger.Builder.newTrigger(5, SchedulingUnit.SECONDS),
    );
    const first = builder.build();
    first.jobKey.jobName = 'changed';
    first.trigger.repeatCount = 9;
    expect(builder.build().jobKey.jobName).toBe('yourJob');
    expect(builder.build().trigger.repeatCount).toBe(-1);
    const plainTrigger = {
      triggerType: TriggerType.CRON,
      triggerDescription: { cron: { expression: '0 * * * * ?' } },
    };
    const withPlain = GenericJobDefinition.newJob(KEY).setTrigger(plainTrigger).build();
    expect(withPlain.trigger).toEqual(plainTrigger);
    expect(withPlain.trigger).not.toBe(plainTrigger);
  });

  it('refuses everything obviously wrong at build(), all at once, with the manager field paths', () => {
    const builder = GenericJobDefinition.newJob({ ...KEY, groupName: '' })
      .setRetries(-1)
      .setTimeout(-2)
      .setWeight(1.5)
      .setForkKeys([{ ...KEY, jobClassName: '' }], 2)
      .setTrigger(GenericTrigger.Builder.newTrigger(0, SchedulingUnit.MINUTES));
    expect(problemsOf(() => builder.build())).toEqual([
      { field: 'jobKey.groupName', reason: 'must not be empty' },
      { field: 'retries', reason: 'must be 0 or more' },
      { field: 'timeout', reason: 'must be -1 (none) or a number of milliseconds' },
      { field: 'weight', reason: 'must be an integer' },
      { field: 'forkKeys.0.jobClassName', reason: 'must not be empty' },
      { field: 'completionRate', reason: 'is a fraction between 0 and 1, or -1' },
      { field: 'trigger.triggerDescription.periodic.period', reason: 'must be a positive integer' },
    ]);
  });

  it('refuses what the manager refuses in names, limits and key lists, before sending', () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => JobKey.by('c', 'g', `j${i}`, 'J'));
    const builder = GenericJobDefinition.newJob({ ...KEY, jobName: 'nightly\nreport' })
      .setDescription('ok\nbut not \u202E')
      .setRetries(101)
      .setTimeout(8 * 86_400_000)
      .setDependentKeys(keys(101))
      .setForkKeys([JobKey.by('c', 'g', 'a', 'A'), JobKey.by('c', 'g', 'a', 'A')])
      .setLoadBalancer('round\trobin')
      .setLabels({ region: 'eu\r' });
    expect(problemsOf(() => builder.build())).toEqual([
      { field: 'jobKey.jobName', reason: 'contains a line feed (U+000A) at position 8' },
      { field: 'description', reason: 'contains a bidirectional control character (U+202E) at position 12' },
      { field: 'retries', reason: 'must be at most 100' },
      { field: 'timeout', reason: 'must be at most 604800000 ms (7 days); -1 for no timeout' },
      // An oversized list stops the checks across fields, as at the manager: the repeated fork key waits.
      { field: 'dependentKeys', reason: 'must list at most 100 keys' },
      { field: 'loadBalancer', reason: 'contains a tab (U+0009) at position 6' },
      { field: 'labels.region', reason: 'contains a carriage return (U+000D) at position 3' },
    ]);
    expect(
      problemsOf(() =>
        GenericJobDefinition.newJob(KEY)
          .setForkKeys([JobKey.by('c', 'g', 'a', 'A'), JobKey.by('c', 'g', 'a', 'A')])
          .build(),
      ),
    ).toEqual([{ field: 'forkKeys.1', reason: 'repeats forkKeys.0' }]);
    expect(() => JobKey.by('c', 'g\u0000', 'j', 'J')).toThrow(
      'invalid definition: groupName: contains a NUL character (U+0000) at position 2',
    );
  });

  it('refuses a job that depends on itself', () => {
    expect(
      problemsOf(() =>
        GenericJobDefinition.newJob(KEY)
          .setDependentKeys([JobKey.by('c', 'g', 'x', 'X'), { ...KEY }])
          .build(),
      ),
    ).toEqual([{ field: 'dependentKeys.1', reason: 'a job cannot depend on itself' }]);
  });
});

describe('GenericTrigger.Builder', () => {
  it('newTrigger(cron) builds a CRON trigger in Chaconne shape', () => {
    expect(GenericTrigger.Builder.newTrigger('*/5 * * * * ?').build()).toStrictEqual({
      triggerType: 1,
      triggerDescription: { cron: { expression: '*/5 * * * * ?' } },
      startDate: null,
      endDate: null,
      repeatCount: -1,
    });
  });

  it('newTrigger(period, unit, fixedRate) builds a PERIODIC trigger', () => {
    expect(GenericTrigger.Builder.newTrigger(1, SchedulingUnit.MINUTES, false).build()).toStrictEqual({
      triggerType: 2,
      triggerDescription: { periodic: { period: 1, schedulingUnit: 1, fixedRate: false } },
      startDate: null,
      endDate: null,
      repeatCount: -1,
    });
    expect(
      GenericTrigger.Builder.newTrigger(30, SchedulingUnit.SECONDS, true).build().triggerDescription,
    ).toEqual({
      periodic: { period: 30, schedulingUnit: 0, fixedRate: true },
    });
    // Java's fixedRate argument is optional here: fixed delay, as the manager defaults it.
    expect(GenericTrigger.Builder.newTrigger(2, SchedulingUnit.HOURS).build().triggerDescription).toEqual({
      periodic: { period: 2, schedulingUnit: 2, fixedRate: false },
    });
  });

  it('newSimple builds a SIMPLE trigger, on demand or once at a start date (Dates as epoch ms)', () => {
    expect(GenericTrigger.Builder.newSimple().build()).toStrictEqual({
      triggerType: 0,
      triggerDescription: {},
      startDate: null,
      endDate: null,
      repeatCount: -1,
    });
    const at = new Date(Date.UTC(2030, 0, 1, 8));
    expect(GenericTrigger.Builder.newSimple(at).build()).toMatchObject({
      triggerType: 0,
      startDate: at.getTime(),
    });
  });

  it('sets start and end dates, a repeat count and a time zone', () => {
    const start = new Date(Date.UTC(2030, 0, 1));
    const trigger = GenericTrigger.Builder.newTrigger('0 0 12 ? * 2')
      .setStartDate(start)
      .setEndDate('2031-01-01 00:00:00')
      .setRepeatCount(10)
      .setTimeZone('Asia/Shanghai')
      .build();
    expect(trigger).toStrictEqual({
      triggerType: 1,
      triggerDescription: { cron: { expression: '0 0 12 ? * 2' } },
      startDate: start.getTime(),
      endDate: '2031-01-01 00:00:00',
      repeatCount: 10,
      timeZone: 'Asia/Shanghai',
    });
    expect(
      GenericTrigger.Builder.newTrigger('0 0 12 ? * 2')
        .setStartDate(1_900_000_000_000)
        .setEndDate(null)
        .build(),
    ).toMatchObject({ startDate: 1_900_000_000_000, endDate: null });
  });

  it.each([
    [
      'trigger.triggerDescription.cron.expression',
      'must not be empty',
      () => GenericTrigger.Builder.newTrigger(' '),
    ],
    [
      'trigger.triggerDescription.periodic.period',
      'must be a positive integer',
      () => GenericTrigger.Builder.newTrigger(0, SchedulingUnit.SECONDS),
    ],
    [
      'trigger.triggerDescription.periodic.period',
      'must be a positive integer',
      () => GenericTrigger.Builder.newTrigger(-5, SchedulingUnit.SECONDS),
    ],
    [
      'trigger.triggerDescription.periodic.period',
      'must be a positive integer',
      () => GenericTrigger.Builder.newTrigger(1.5, SchedulingUnit.SECONDS),
    ],
    [
      'trigger.triggerDescription.periodic.schedulingUnit',
      'must be 0 (SECONDS), 1 (MINUTES), 2 (HOURS) or 3 (DAYS)',
      () => GenericTrigger.Builder.newTrigger(1, 7 as SchedulingUnit),
    ],
    [
      'trigger.startDate',
      'is an invalid Date',
      () => GenericTrigger.Builder.newSimple(new Date('not a date')),
    ],
    [
      'trigger.startDate',
      'must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z',
      () => GenericTrigger.Builder.newSimple(-1),
    ],
    [
      'trigger.startDate',
      'must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z',
      () => GenericTrigger.Builder.newSimple(8_640_000_000_000_001),
    ],
    [
      'trigger.endDate',
      'must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z',
      () => GenericTrigger.Builder.newSimple().setEndDate(new Date(8_640_000_000_000_000)),
    ],
    [
      'trigger.triggerDescription.periodic.period',
      'period × schedulingUnit must be at most 366 days; use a cron expression or a SIMPLE trigger for rarer runs',
      () => GenericTrigger.Builder.newTrigger(10 ** 15, SchedulingUnit.DAYS),
    ],
    [
      'trigger.endDate',
      'must be after startDate',
      () => GenericTrigger.Builder.newSimple(2000).setEndDate(1000),
    ],
    ['trigger.endDate', 'must not be empty', () => GenericTrigger.Builder.newSimple().setEndDate('')],
    [
      'trigger.repeatCount',
      'must be -1 (unlimited) or between 1 and 1000000000',
      () => GenericTrigger.Builder.newSimple().setRepeatCount(0),
    ],
    [
      'trigger.repeatCount',
      'must be -1 (unlimited) or between 1 and 1000000000',
      () => GenericTrigger.Builder.newSimple().setRepeatCount(2 ** 31),
    ],
    [
      'trigger.timeZone',
      'must be at most 64 characters',
      () => GenericTrigger.Builder.newSimple().setTimeZone(`Europe/${'x'.repeat(64)}`),
    ],
  ])('build() refuses %s: %s (case %#)', (field, reason, make) => {
    const builder = make();
    expect(problemsOf(() => builder.build())).toEqual([{ field, reason }]);
  });

  it('leaves the cron syntax and the time zone names to the manager (they need its state)', () => {
    expect(GenericTrigger.Builder.newTrigger('0 0 12 ? * 8').build().triggerDescription).toEqual({
      cron: { expression: '0 0 12 ? * 8' },
    });
    expect(GenericTrigger.Builder.newSimple().setTimeZone(' Nowhere/Land ').build().timeZone).toBe(
      'Nowhere/Land',
    );
  });
});
