import { DEFAULT_RUN_POLICY } from '@chaconne/contracts';
import { ValidationFailed } from '../../../common/app-error';
import { parseBody } from '../../../common/validation';
import { parseWireDate, persistJobSchema, toPersistCommand } from './persist-job.dto';

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
