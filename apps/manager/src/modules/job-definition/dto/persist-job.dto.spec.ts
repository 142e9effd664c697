import { DEFAULT_RUN_POLICY } from '@chaconne/contracts';
import { ValidationFailed } from '../../../common/app-error';
import { parseBody, validateBody } from '../../../common/validation';
import { persistJobParts, persistJobSchema, toPersistCommand } from './persist-job.dto';
import { parseWireDate } from './trigger.dto';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

function body(patch: Record<string, unknown> = {}): unknown {
  return {
    jobKey: { clusterName: 'c', groupName: 'g', jobName: 'j', jobClassName: 'com.acme.J' },
    trigger: {
      triggerType: 1,
      triggerDescription: { cron: { expression: '*/5 * * * * ?' } },
      startDate: null,
      endDate: null,
      repeatCount: -1,
    },
    ...patch,
  };
}

function command(patch: Record<string, unknown> = {}, defaultZone = 'UTC') {
  const result = toPersistCommand(parseBody(persistJobSchema, body(patch)), defaultZone, NOW);
  if ('problems' in result) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

function problems(patch: Record<string, unknown>) {
  try {
    const result = toPersistCommand(parseBody(persistJobSchema, body(patch)), 'UTC', NOW);
    return 'problems' in result ? result.problems : [];
  } catch (error) {
    if (error instanceof ValidationFailed) return error.fieldErrors ?? [];
    throw error;
  }
}

describe('persistJob validation', () => {
  it('fills Chaconne defaults and normalises the trigger', () => {
    expect(command()).toEqual({
      jobKey: { clusterName: 'c', groupName: 'g', jobName: 'j', jobClassName: 'com.acme.J' },
      executor: 'worker',
      dependentKeys: [],
      forkKeys: [],
      completionRate: -1,
      description: '',
      email: '',
      retries: 0,
      runPolicy: DEFAULT_RUN_POLICY,
      timeout: -1,
      weight: 100,
      attachment: null,
      trigger: {
        triggerType: 1,
        triggerDescription: '{"cron":{"expression":"*/5 * * * * ?"}}',
        startDate: null,
        endDate: null,
        repeatCount: -1,
        timeZone: 'UTC',
      },
    });
  });

  it('treats timeout 0 as no timeout (Chaconne counted it as instant success)', () => {
    expect(command({ timeout: 0 }).timeout).toBe(-1);
    expect(command({ timeout: 60_000 }).timeout).toBe(60_000);
  });

  it('stores an object attachment as its JSON text and trims an e-mail list', () => {
    expect(command({ attachment: { a: 1 } }).attachment).toBe('{"a":1}');
    expect(command({ email: ' a@x.io , b@y.io ' }).email).toBe('a@x.io,b@y.io');
  });

  it('reads dates as epoch ms, ISO-8601 or yyyy-MM-dd HH:mm:ss in the trigger zone, and drops a past start', () => {
    const future = command({
      trigger: { triggerType: 0, startDate: '2027-01-02 03:04:05', timeZone: 'Asia/Shanghai' },
    });
    expect(future.trigger.startDate?.toISOString()).toBe('2027-01-01T19:04:05.000Z');
    expect(command({ trigger: { triggerType: 0, startDate: NOW - 1 } }).trigger.startDate).toBeNull();
    expect(parseWireDate('2027-01-02T03:04:05Z', 'Asia/Shanghai')?.toISOString()).toBe(
      '2027-01-02T03:04:05.000Z',
    );
    expect(parseWireDate(0, 'UTC')?.getTime()).toBe(0);
    expect(parseWireDate('tomorrow', 'UTC')).toBeNull();
  });

  it.each([
    [
      { trigger: { triggerType: 1, triggerDescription: { cron: { expression: '0 0 12 ? * 8' } } } },
      'trigger.triggerDescription.cron.expression',
    ],
    [{ trigger: { triggerType: 2, triggerDescription: {} } }, 'trigger.triggerDescription.periodic'],
    [
      { trigger: { triggerType: 2, triggerDescription: { periodic: { period: 0, schedulingUnit: 0 } } } },
      'trigger.triggerDescription.periodic.period',
    ],
    [{ trigger: { triggerType: 4 } }, 'trigger.triggerType'],
    [{ trigger: { triggerType: 3 } }, 'trigger.triggerType'],
    [{ trigger: { triggerType: 0, startDate: 'later' } }, 'trigger.startDate'],
    [{ trigger: { triggerType: 0, startDate: NOW + 10_000, endDate: NOW + 5_000 } }, 'trigger.endDate'],
    [{ trigger: { triggerType: 0, timeZone: 'Nowhere/Land' } }, 'trigger.timeZone'],
    [{ jobKey: { clusterName: 'c', groupName: 'g', jobName: 'j' } }, 'jobKey.jobClassName'],
    [
      { forkKeys: [{ clusterName: 'c', groupName: 'g', jobName: 'j', jobClassName: 'com.acme.J' }] },
      'forkKeys.0',
    ],
    [{ completionRate: 1.5 }, 'completionRate'],
    [{ weight: 'heavy' }, 'weight'],
    [{ clusterMode: 'ACTIVE_ACTIVE' }, 'clusterMode'],
    [{ loadBalancer: 'FASTEST' }, 'loadBalancer'],
    [{ overlapPolicy: 'QUEUE_ALL' }, 'overlapPolicy'],
    [{ misfirePolicy: 'FIRE_ALL' }, 'misfirePolicy'],
    [{ startDeadlineSeconds: 0 }, 'startDeadlineSeconds'],
    [{ maxConsecutiveFailures: -1 }, 'maxConsecutiveFailures'],
    [{ freezeAfterTimeouts: -2 }, 'freezeAfterTimeouts'],
    [{ terminationStrategy: 'notRegistered' }, 'terminationStrategy'],
    [{ labels: { region: 5 } }, 'labels.region'],
    [{ retryBackoff: { policy: 'LINEAR', delayMs: 10 } }, 'retryBackoff.policy'],
    [{ retryBackoff: { policy: 'FIXED', delayMs: 5_000, maxDelayMs: 1_000 } }, 'retryBackoff.maxDelayMs'],
  ])('refuses %j at %s', (patch, field) => {
    const found = problems(patch);
    expect(found.map((p) => p.field)).toContain(field);
    expect(found.every((p) => p.reason.length > 3)).toBe(true);
  });

  it('keeps every run-policy field given and defaults the rest', () => {
    const policy = command({
      clusterMode: 'MASTER_STANDBY',
      loadBalancer: 'CONSISTENT_HASH',
      hashKey: 'tenant',
      labels: { region: 'eu' },
      retryBackoff: { policy: 'FIXED', delayMs: 250 },
      overlapPolicy: 'QUEUE_ONE',
      misfirePolicy: 'FIRE_ONCE_NOW',
      startDeadlineSeconds: 30,
      maxConsecutiveFailures: 3,
      freezeAfterTimeouts: 0,
    }).runPolicy;
    expect(policy).toEqual({
      clusterMode: 'MASTER_STANDBY',
      loadBalancer: 'CONSISTENT_HASH',
      hashKey: 'tenant',
      labels: { region: 'eu' },
      retryBackoff: { policy: 'FIXED', delayMs: 250, maxDelayMs: 60_000, jitter: true },
      overlapPolicy: 'QUEUE_ONE',
      misfirePolicy: 'FIRE_ONCE_NOW',
      startDeadlineSeconds: 30,
      maxConsecutiveFailures: 3,
      terminationStrategy: null,
      freezeAfterTimeouts: 0,
    });
  });

  it('accepts the load balancers and termination strategies a plugin registers', () => {
    const known = { loadBalancers: new Set(['byRegion']), terminationStrategies: new Set(['quota']) };
    const result = toPersistCommand(
      parseBody(persistJobSchema, body({ loadBalancer: 'byRegion', terminationStrategy: 'quota' })),
      'UTC',
      NOW,
      known,
    );
    expect('value' in result && result.value.runPolicy.loadBalancer).toBe('byRegion');
    expect('value' in result && result.value.runPolicy.terminationStrategy).toBe('quota');
  });

  it('says "is required" for a missing field', () => {
    expect(problems({ jobKey: undefined })).toEqual([{ field: 'jobKey', reason: 'is required' }]);
  });
});

/** Every problem of a raw body, as the manager answers it: the schema and the checks on the well-formed parts. */
function allProblems(raw: unknown): { field: string; reason: string }[] {
  try {
    validateBody(
      persistJobSchema,
      raw,
      (b) => toPersistCommand(b, 'UTC', NOW),
      persistJobParts('UTC', NOW, {
        loadBalancers: new Set(),
        terminationStrategies: new Set(),
      }),
    );
  } catch (error) {
    if (error instanceof ValidationFailed) return error.fieldErrors ?? [];
    throw error;
  }
  return [];
}

const fieldsOf = (raw: unknown): string[] => [...new Set(allProblems(raw).map((p) => p.field))].sort();
const withTrigger = (trigger: Record<string, unknown>) => body({ trigger: { triggerType: 0, ...trigger } });

describe('persistJob: every problem at once', () => {
  it("names a CRON trigger's missing expression with its bad zone and dates (the schema's and the manager's checks)", () => {
    expect(
      allProblems(withTrigger({ triggerType: 1, timeZone: 'Mars/Olympus', endDate: '2001-01-01 00:00:00' })),
    ).toEqual([
      { field: 'trigger.triggerDescription.cron.expression', reason: 'is required for a CRON trigger' },
      { field: 'trigger.timeZone', reason: "'Mars/Olympus' is not an IANA time zone" },
      { field: 'trigger.endDate', reason: 'is in the past: the job could never run' },
    ]);
  });
});

describe('persistJob: ranges the database and the scheduler can hold', () => {
  it.each([
    ['repeatCount 2^31 (the INT column)', withTrigger({ repeatCount: 2 ** 31 }), 'trigger.repeatCount'],
    ['repeatCount 0', withTrigger({ repeatCount: 0 }), 'trigger.repeatCount'],
    [
      'startDate 8640000000000001 (no JS date)',
      withTrigger({ startDate: 8_640_000_000_000_001 }),
      'trigger.startDate',
    ],
    ['endDate in year 275760 (epoch)', withTrigger({ endDate: 8_640_000_000_000_000 }), 'trigger.endDate'],
    ['endDate in year 275760 (ISO)', withTrigger({ endDate: '+275760-09-13T00:00:00Z' }), 'trigger.endDate'],
    [
      'endDate in year 10000 (wall clock behind UTC)',
      withTrigger({ endDate: '9999-12-31 23:00:00', timeZone: 'America/New_York' }),
      'trigger.endDate',
    ],
    ['a negative startDate', withTrigger({ startDate: -1 }), 'trigger.startDate'],
    ['a fractional startDate', withTrigger({ startDate: NOW + 0.5 }), 'trigger.startDate'],
    [
      'a date string of 65 characters',
      withTrigger({ startDate: `2027-01-01T${'0'.repeat(55)}` }),
      'trigger.startDate',
    ],
    ['a time zone of 65 characters', withTrigger({ timeZone: 'x'.repeat(65) }), 'trigger.timeZone'],
    ['timeout 2^40 ms (Node timers)', body({ timeout: 2 ** 40 }), 'timeout'],
    ['timeout of 8 days', body({ timeout: 8 * 86_400_000 }), 'timeout'],
    ['retries 101', body({ retries: 101 }), 'retries'],
    ['weight 10^7', body({ weight: 10_000_000 }), 'weight'],
    ['completionRate -0.5', body({ completionRate: -0.5 }), 'completionRate'],
  ])('refuses %s', (_name, raw, field) => {
    expect(fieldsOf(raw)).toEqual([field]);
  });

  it('accepts the bounds themselves', () => {
    expect(
      allProblems(withTrigger({ repeatCount: 1_000_000_000, endDate: '9999-12-31T23:59:59.999Z' })),
    ).toEqual([]);
    expect(
      allProblems(body({ timeout: 7 * 86_400_000, retries: 100, weight: 1_000_000, completionRate: 0 })),
    ).toEqual([]);
  });
});

describe('persistJob: periodic triggers that could never fire', () => {
  const periodic = (period: number, schedulingUnit: number) =>
    body({
      trigger: {
        triggerType: 2,
        triggerDescription: { periodic: { period, schedulingUnit, fixedRate: true } },
      },
    });

  it.each([
    ['10^15 days', 10 ** 15, 3],
    ['367 days', 367, 3],
    ['8785 hours', 8785, 2],
    ['2^40 seconds', 2 ** 40, 0],
  ])('refuses a period of %s', (_name, period, unit) => {
    expect(allProblems(periodic(period, unit))).toEqual([
      {
        field: 'trigger.triggerDescription.periodic.period',
        reason:
          'period × schedulingUnit must be at most 366 days; use a cron expression or a SIMPLE trigger for rarer runs',
      },
    ]);
  });

  it('accepts 366 days, and names the unit alone when it is unknown', () => {
    expect(allProblems(periodic(366, 3))).toEqual([]);
    expect(fieldsOf(periodic(10 ** 15, 9))).toEqual(['trigger.triggerDescription.periodic.schedulingUnit']);
  });
});

describe('persistJob: cron triggers that could never fire', () => {
  const cron = (expression: string, extra: Record<string, unknown> = {}) =>
    body({ trigger: { triggerType: 1, triggerDescription: { cron: { expression } }, ...extra } });

  it('refuses one with no time after its start date', () => {
    expect(allProblems(cron('*/5 * * * * ? 2030', { startDate: '2031-01-01T00:00:00Z' }))).toEqual([
      {
        field: 'trigger.triggerDescription.cron.expression',
        reason: 'never fires: no time after startDate matches it',
      },
    ]);
  });

  it('refuses one whose first fire time is after its end date', () => {
    expect(allProblems(cron('0 0 0 1 1 ? 2030', { endDate: '2029-06-01T00:00:00Z' }))).toEqual([
      {
        field: 'trigger.endDate',
        reason: 'is before the first fire time (2030-01-01T00:00:00.000Z): the job could never run',
      },
    ]);
  });
});

describe('persistJob: identifiers and free text', () => {
  const key = (part: string, value: string) =>
    body({ jobKey: { clusterName: 'c', groupName: 'g', jobName: 'j', jobClassName: 'J', [part]: value } });

  it.each([
    ['jobName', 'etl\n[Nest] forged line', 'contains a line feed (U+000A) at position 4'],
    ['jobName', 'etl\r', 'contains a carriage return (U+000D) at position 4'],
    ['clusterName', 'c\u0000', 'contains a NUL character (U+0000) at position 2'],
    ['groupName', 'g\u2066x', 'contains a bidirectional control character (U+2066) at position 2'],
    [
      'jobClassName',
      'com.acme.\u202EJob',
      'contains a bidirectional control character (U+202E) at position 10',
    ],
    ['jobName', 'a\u200Bb', 'contains an invisible format character (U+200B) at position 2'],
    ['jobName', 'a\uD800', 'contains a lone surrogate (U+D800) at position 2'],
    ['jobName', 'a\u2028', 'contains a line or paragraph separator (U+2028) at position 2'],
    ['jobName', '\u001b[2J', 'contains a control character (U+001B) at position 1'],
  ])('refuses %s %j', (part, value, reason) => {
    expect(allProblems(key(part, value))).toEqual([{ field: `jobKey.${part}`, reason }]);
  });

  it('refuses control characters in run-policy names, labels and e-mail, and NUL or bidi in a description', () => {
    expect(
      allProblems(
        body({
          loadBalancer: 'ROUND\tROBIN',
          terminationStrategy: 'quota\u202E',
          hashKey: 'tenant\n',
          labels: { region: 'eu\r\n', 'tier\n': 'gold' },
          email: 'ops@example.com\r\nBcc: all@example.com',
          description: 'multi-line\nis fine, but not \u0000',
        }),
      ),
    ).toEqual([
      { field: 'description', reason: 'contains a NUL character (U+0000) at position 29' },
      { field: 'email', reason: 'contains a carriage return (U+000D) at position 16' },
      { field: 'loadBalancer', reason: 'contains a tab (U+0009) at position 6' },
      { field: 'hashKey', reason: 'contains a line feed (U+000A) at position 7' },
      { field: 'labels.region', reason: 'contains a carriage return (U+000D) at position 3' },
      { field: 'labels', reason: 'a key contains a line feed (U+000A) at position 5' },
      {
        field: 'terminationStrategy',
        reason: 'contains a bidirectional control character (U+202E) at position 6',
      },
    ]);
    expect(command({ description: 'line one\nline two\ttabbed' }).description).toBe(
      'line one\nline two\ttabbed',
    );
  });
});

describe('persistJob: unknown fields, and the fields Chaconne sends', () => {
  it('names every unknown field by its full path', () => {
    expect(
      fieldsOf({
        ...(body() as object),
        foo: 1,
        jobKey: { clusterName: 'c', groupName: 'g', jobName: 'j', jobClassName: 'J', identifier: 'x' },
        trigger: {
          triggerType: 1,
          triggerDescription: { cron: { expression: '*/5 * * * * ?', tz: 'UTC' }, extra: {} },
          misfire: 1,
        },
        retryBackoff: { policy: 'FIXED', delayMs: 1, factor: 2 },
      }),
    ).toEqual([
      'foo',
      'jobKey.identifier',
      'retryBackoff.factor',
      'trigger.misfire',
      'trigger.triggerDescription.cron.tz',
      'trigger.triggerDescription.extra',
    ]);
  });

  it("accepts Chaconne's stored dependency description back (ignored: the keys decide)", () => {
    const stored = body({
      trigger: {
        triggerType: 1,
        triggerDescription: {
          cron: { expression: '*/5 * * * * ?' },
          dependency: {
            dependencyType: 0,
            dependentKeys: [],
            forkKeys: null,
            completionRate: -1,
            triggerType: 1,
          },
        },
      },
    });
    expect(allProblems(stored)).toEqual([]);
    expect(command({ trigger: (stored as { trigger: unknown }).trigger }).trigger.triggerDescription).toBe(
      '{"cron":{"expression":"*/5 * * * * ?"}}',
    );
  });
});

describe('persistJob: dependency keys', () => {
  const upstream = (i: number) => ({
    clusterName: 'c',
    groupName: 'g',
    jobName: `up${i}`,
    jobClassName: 'U',
  });

  it('refuses more than 100 keys in a list, and a key listed twice', () => {
    const many = Array.from({ length: 101 }, (_, i) => upstream(i));
    expect(allProblems(body({ dependentKeys: many }))).toEqual([
      { field: 'dependentKeys', reason: 'must list at most 100 keys' },
    ]);
    expect(allProblems(body({ forkKeys: [upstream(1), upstream(2), upstream(1)] }))).toEqual([
      { field: 'forkKeys.2', reason: 'repeats forkKeys.0' },
    ]);
    expect(allProblems(body({ dependentKeys: Array.from({ length: 100 }, (_, i) => upstream(i)) }))).toEqual(
      [],
    );
  });
});

describe('persistJob: every problem of a body in one answer', () => {
  it('reports a bad JobKey, a bad cron expression, a bad zone, an unknown balancer and an unknown field together', () => {
    const problems = allProblems({
      jobKey: { clusterName: 'c', groupName: 'g', jobName: '', jobClassName: 'J' },
      trigger: {
        triggerType: 1,
        triggerDescription: { cron: { expression: '0 0 12 ? * 8' } },
        timeZone: 'Nowhere/Land',
        endDate: NOW - 1,
      },
      loadBalancer: 'FASTEST',
      retries: 101,
      foo: true,
    });
    expect([...new Set(problems.map((p) => p.field))].sort()).toEqual([
      'foo',
      'jobKey.jobName',
      'loadBalancer',
      'retries',
      'trigger.endDate',
      'trigger.timeZone',
      'trigger.triggerDescription.cron.expression',
    ]);
    expect(problems.find((p) => p.field === 'trigger.triggerDescription.cron.expression')?.reason).toMatch(
      /day-of-week/,
    );
  });

  it('checks a self-dependency even when the trigger is malformed', () => {
    const self = { clusterName: 'c', groupName: 'g', jobName: 'j', jobClassName: 'com.acme.J' };
    expect(fieldsOf(body({ trigger: { triggerType: 'cron' }, dependentKeys: [self] }))).toEqual([
      'dependentKeys.0',
      'trigger.triggerType',
    ]);
  });
});
