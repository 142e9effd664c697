/**
 * Job definitions and what the manager, the worker SDK and the client answer to each: the
 * fields they name when they refuse it (sorted; none when they accept it). Every row of
 * {@link DEFINITION_CASES} gets the same verdict from all of them, because they check with one
 * schema (@chaconne/contracts/definition); the rows of {@link MANAGER_ONLY_DEFINITION_CASES} need
 * the manager's state, so only the manager refuses them. Rows are plain data, keyed by their
 * own job name, in the cluster and group {@link DEFINITION_CLUSTER}/{@link DEFINITION_GROUP}.
 */
export interface DefinitionCase {
  name: string;
  /** A persistJob body, as a worker or a client would send it. */
  definition: Record<string, unknown>;
  /** Every field named in the refusal, sorted; empty when the definition is accepted. */
  fields: string[];
}

export const DEFINITION_CLUSTER = 'agreement';
export const DEFINITION_GROUP = 'definitions';

const DAY_MS = 86_400_000;
const IN_A_YEAR = Date.UTC(2031, 0, 1);

const keyOf = (jobName: string, jobClassName = 'AgreementJob') => ({
  clusterName: DEFINITION_CLUSTER,
  groupName: DEFINITION_GROUP,
  jobName,
  jobClassName,
});

const nightly = {
  triggerType: 1,
  triggerDescription: { cron: { expression: '0 0 2 * * ?' } },
  startDate: null,
  endDate: null,
  repeatCount: -1,
};

/** A valid definition named `jobName` with `patch` applied (a `trigger` patch is merged into the nightly one). */
function definition(jobName: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  const { trigger, ...rest } = patch;
  return {
    jobKey: keyOf(jobName),
    description: 'agreement case',
    retries: 0,
    timeout: -1,
    weight: 100,
    trigger: { ...nightly, ...(trigger as Record<string, unknown> | undefined) },
    attachment: '{"initialParameter": "test"}',
    ...rest,
  };
}

const periodic = (period: number, schedulingUnit: number) => ({
  triggerType: 2,
  triggerDescription: { periodic: { period, schedulingUnit, fixedRate: false } },
});

export const DEFINITION_CASES: readonly DefinitionCase[] = [
  // Accepted everywhere.
  { name: "Chaconne's documented body", definition: definition('documented'), fields: [] },
  {
    name: 'an hourly PERIODIC trigger limited to 3 runs, in a zone, with an end date',
    definition: definition('periodic', {
      trigger: { ...periodic(1, 2), repeatCount: 3, timeZone: 'Asia/Shanghai', endDate: IN_A_YEAR },
    }),
    fields: [],
  },
  {
    name: 'a repeat count of 1',
    definition: definition('repeat-one', { trigger: { repeatCount: 1 } }),
    fields: [],
  },
  {
    name: 'every run-policy field',
    definition: definition('run-policy', {
      clusterMode: 'MASTER_STANDBY',
      loadBalancer: 'CONSISTENT_HASH',
      hashKey: 'tenant',
      labels: { region: 'eu' },
      retryBackoff: { policy: 'EXPONENTIAL', delayMs: 1_000, maxDelayMs: 60_000, jitter: true },
      overlapPolicy: 'QUEUE_ONE',
      misfirePolicy: 'FIRE_ONCE_NOW',
      startDeadlineSeconds: 30,
      maxConsecutiveFailures: 3,
      freezeAfterTimeouts: 2,
      timeout: 60_000,
    }),
    fields: [],
  },
  {
    name: 'a DEPENDENT trigger with upstream jobs, a fork with a completion rate',
    definition: definition('dependent', {
      trigger: { triggerType: 3, triggerDescription: null },
      dependentKeys: [keyOf('documented')],
      forkKeys: [keyOf('periodic'), keyOf('run-policy')],
      completionRate: 0.5,
    }),
    fields: [],
  },
  {
    name: 'an attachment of exactly 1 KiB of multi-byte text, and e-mail recipients',
    definition: definition('multibyte', {
      attachment: 'é'.repeat(512),
      email: 'a@example.com, b@example.com',
    }),
    fields: [],
  },

  // Refused everywhere, with the same fields.
  {
    name: 'a repeat count of 0 (the job could never run)',
    definition: definition('repeat-zero', { trigger: { repeatCount: 0 } }),
    fields: ['trigger.repeatCount'],
  },
  {
    name: 'a repeat count that is not a whole number, or too large',
    definition: definition('repeat-fraction', { trigger: { repeatCount: 1.5 } }),
    fields: ['trigger.repeatCount'],
  },
  {
    name: 'a CRON trigger without its expression',
    definition: definition('cron-missing', { trigger: { triggerDescription: null } }),
    fields: ['trigger.triggerDescription.cron.expression'],
  },
  {
    name: 'a blank cron expression',
    definition: definition('cron-blank', {
      trigger: { triggerDescription: { cron: { expression: '   ' } } },
    }),
    fields: ['trigger.triggerDescription.cron.expression'],
  },
  {
    name: 'a cron expression over 1024 characters',
    definition: definition('cron-long', {
      trigger: { triggerDescription: { cron: { expression: `0,${'0,'.repeat(520)}0 0 2 * * ?` } } },
    }),
    fields: ['trigger.triggerDescription.cron.expression'],
  },
  {
    name: 'a PERIODIC trigger without its description',
    definition: definition('periodic-missing', { trigger: { triggerType: 2, triggerDescription: {} } }),
    fields: ['trigger.triggerDescription.periodic'],
  },
  {
    name: 'a period of 0, an unknown unit',
    definition: definition('periodic-bad', {
      trigger: {
        triggerType: 2,
        triggerDescription: { periodic: { period: 0, schedulingUnit: 9, fixedRate: 'yes' } },
      },
    }),
    fields: [
      'trigger.triggerDescription.periodic.fixedRate',
      'trigger.triggerDescription.periodic.period',
      'trigger.triggerDescription.periodic.schedulingUnit',
    ],
  },
  {
    name: 'a period × unit over 366 days',
    definition: definition('periodic-rare', { trigger: periodic(367, 3) }),
    fields: ['trigger.triggerDescription.periodic.period'],
  },
  {
    name: 'an unknown trigger type',
    definition: definition('type-unknown', { trigger: { triggerType: 7 } }),
    fields: ['trigger.triggerType'],
  },
  {
    name: 'trigger fields the manager does not know',
    definition: definition('trigger-unknown', {
      trigger: {
        misfire: 'ignore',
        triggerDescription: { cron: { expression: '0 0 2 * * ?', zone: 'UTC' } },
      },
    }),
    fields: ['trigger.misfire', 'trigger.triggerDescription.cron.zone'],
  },
  {
    name: 'an end date before the start date (epoch milliseconds)',
    definition: definition('dates-order', { trigger: { startDate: IN_A_YEAR + DAY_MS, endDate: IN_A_YEAR } }),
    fields: ['trigger.endDate'],
  },
  {
    name: 'dates outside what MySQL stores, a date string over 64 characters',
    definition: definition('dates-range', {
      trigger: { startDate: -1, endDate: `2031-01-01T00:00:00${'0'.repeat(60)}Z` },
    }),
    fields: ['trigger.endDate', 'trigger.startDate'],
  },
  {
    name: 'a time zone over 64 characters',
    definition: definition('zone-long', { trigger: { timeZone: `Europe/${'x'.repeat(64)}` } }),
    fields: ['trigger.timeZone'],
  },
  {
    name: 'retries, timeout and weight out of range',
    definition: definition('numbers', { retries: 101, timeout: 8 * DAY_MS, weight: -1 }),
    fields: ['retries', 'timeout', 'weight'],
  },
  {
    name: 'a timeout below -1, a fractional weight, a completion rate over 1',
    definition: definition('numbers-more', { timeout: -2, weight: 1.5, completionRate: 2 }),
    fields: ['completionRate', 'timeout', 'weight'],
  },
  {
    name: 'a description with a NUL character, an e-mail that is not an address',
    definition: definition('text', { description: 'fine\nbut \u0000 is not', email: 'not-an-address' }),
    fields: ['description', 'email'],
  },
  {
    name: 'a job name with a line feed, a job class name over 255 characters',
    definition: definition('names', {
      jobKey: keyOf('nightly\nreport', `com.acme.${'X'.repeat(250)}`),
    }),
    fields: ['jobKey.jobClassName', 'jobKey.jobName'],
  },
  {
    name: 'a job depending on itself, a fork key listed twice',
    definition: definition('self', {
      dependentKeys: [keyOf('self')],
      forkKeys: [keyOf('documented'), keyOf('documented')],
    }),
    fields: ['dependentKeys.0', 'forkKeys.1'],
  },
  {
    name: 'a DEPENDENT trigger without upstream jobs',
    definition: definition('orphan', { trigger: { triggerType: 3, triggerDescription: null } }),
    fields: ['trigger.triggerType'],
  },
  {
    name: 'more than 100 upstream jobs',
    definition: definition('many', {
      dependentKeys: Array.from({ length: 101 }, (_, i) => keyOf(`upstream-${i}`)),
    }),
    fields: ['dependentKeys'],
  },
  {
    name: 'run-policy values out of their sets and ranges',
    definition: definition('policy-bad', {
      clusterMode: 'ANY',
      overlapPolicy: 'WAIT',
      retryBackoff: { policy: 'FIXED', delayMs: 5_000, maxDelayMs: 1_000 },
      startDeadlineSeconds: 0,
      freezeAfterTimeouts: -1,
    }),
    fields: [
      'clusterMode',
      'freezeAfterTimeouts',
      'overlapPolicy',
      'retryBackoff.maxDelayMs',
      'startDeadlineSeconds',
    ],
  },
  {
    name: 'run-policy names with control characters, a blank hash key',
    definition: definition('policy-names', {
      loadBalancer: 'round\trobin',
      hashKey: ' ',
      labels: { region: 'eu\r' },
    }),
    fields: ['hashKey', 'labels.region', 'loadBalancer'],
  },
];

/**
 * Definitions only the manager can refuse (its time zones, cron parser, plugins, clock and
 * attachment limit, 4096 bytes in the test): the SDK and the client accept them.
 */
export const MANAGER_ONLY_DEFINITION_CASES: readonly DefinitionCase[] = [
  {
    name: 'an unknown time zone',
    definition: definition('zone-unknown', { trigger: { timeZone: 'Mars/Olympus_Mons' } }),
    fields: ['trigger.timeZone'],
  },
  {
    name: 'a cron expression that does not parse',
    definition: definition('cron-syntax', {
      trigger: { triggerDescription: { cron: { expression: '0 0 25 * * ?' } } },
    }),
    fields: ['trigger.triggerDescription.cron.expression'],
  },
  {
    name: 'a load balancer no plugin registers',
    definition: definition('balancer-unknown', { loadBalancer: 'BY_REGION' }),
    fields: ['loadBalancer'],
  },
  {
    name: 'an end date in the past',
    definition: definition('ended', { trigger: { endDate: Date.UTC(2001, 0, 1) } }),
    fields: ['trigger.endDate'],
  },
  {
    name: "an attachment over this manager's CHACONNE_ATTACHMENT_LIMIT_BYTES",
    definition: definition('attachment-large', { attachment: 'x'.repeat(5_000) }),
    fields: ['attachment'],
  },
];
