import { ErrorCode, type JobPersistParameter } from '@chaconne/contracts';
import { chaconneBody } from '@chaconne/testing';

/**
 * Bad inputs of the admin API and what the manager answers, one row each: the status, the
 * error code and every field named in `errors`. Each must also leave every table unchanged
 * (admin-bad-input.spec.ts checks that against a real manager). Rows are plain data, so a
 * corpus of every endpoint can take them as they are.
 */
export interface BadInputCase {
  name: string;
  /** Endpoint under `/job/admin/`. */
  endpoint: string;
  /** The body: serialised with JSON.stringify, or sent as is when a string. */
  body: unknown;
  status: number;
  code: ErrorCode;
  /** Every field the answer names in `errors`, sorted. */
  fields: string[];
}

/** A job that exists (on-demand, so it never fires by itself): triggerJob and the queries address it. */
export const TARGET_KEY = {
  clusterName: 'bad-input',
  groupName: 'validation',
  jobName: 'target',
  jobClassName: 'EtlJob',
};

/** Chaconne's documented persistJob body with a JobKey of its own and `patch` applied. */
function persist(patch: Record<string, unknown> = {}): JobPersistParameter {
  return { ...chaconneBody('refused'), ...patch };
}

/** The documented body with trigger fields replaced. */
function persistTrigger(trigger: Record<string, unknown>): JobPersistParameter {
  const base = chaconneBody('refused');
  return { ...base, trigger: { ...base.trigger, ...trigger } };
}

/** The documented body with one part of its JobKey replaced. */
function persistKey(part: string, value: string): JobPersistParameter {
  const base = chaconneBody('refused');
  return { ...base, jobKey: { ...base.jobKey, [part]: value } };
}

const periodic = (period: number, schedulingUnit: number) => ({
  triggerType: 2,
  triggerDescription: { periodic: { period, schedulingUnit, fixedRate: true } },
});

const upstream = (i: number) => ({ ...TARGET_KEY, jobName: `upstream${i}` });

const VALIDATION = ErrorCode.VALIDATION_FAILED;

/** Cases of persistJob. The manager runs with CHACONNE_ATTACHMENT_LIMIT_BYTES=4096. */
const PERSIST_JOB: BadInputCase[] = [
  // Answered 500 before: out of the MySQL INT column, no JS date, out of DATETIME.
  {
    name: 'repeatCount 2^31',
    body: persistTrigger({ repeatCount: 2 ** 31 }),
    fields: ['trigger.repeatCount'],
  },
  { name: 'repeatCount 0', body: persistTrigger({ repeatCount: 0 }), fields: ['trigger.repeatCount'] },
  {
    name: 'startDate 8640000000000001',
    body: persistTrigger({ startDate: 8_640_000_000_000_001 }),
    fields: ['trigger.startDate'],
  },
  {
    name: 'endDate 8640000000000000 (year 275760)',
    body: persistTrigger({ endDate: 8_640_000_000_000_000 }),
    fields: ['trigger.endDate'],
  },
  {
    name: 'endDate +275760-09-13T00:00:00Z',
    body: persistTrigger({ endDate: '+275760-09-13T00:00:00Z' }),
    fields: ['trigger.endDate'],
  },
  {
    name: 'endDate 9999-12-31 23:00 in New York (year 10000 in UTC)',
    body: persistTrigger({ endDate: '9999-12-31 23:00:00', timeZone: 'America/New_York' }),
    fields: ['trigger.endDate'],
  },
  { name: 'startDate -1', body: persistTrigger({ startDate: -1 }), fields: ['trigger.startDate'] },
  {
    name: 'startDate not a date',
    body: persistTrigger({ startDate: 'tomorrow' }),
    fields: ['trigger.startDate'],
  },
  {
    name: 'startDate of 1,000 characters',
    body: persistTrigger({ startDate: '2'.repeat(1000) }),
    fields: ['trigger.startDate'],
  },
  { name: 'startDate true', body: persistTrigger({ startDate: true }), fields: ['trigger.startDate'] },
  {
    name: 'timeZone of 1,000 characters',
    body: persistTrigger({ timeZone: 'Z'.repeat(1000) }),
    fields: ['trigger.timeZone'],
  },
  {
    name: 'timeZone unknown',
    body: persistTrigger({ timeZone: 'Mars/Olympus' }),
    fields: ['trigger.timeZone'],
  },
  { name: 'timeout 2^40 ms', body: persist({ timeout: 2 ** 40 }), fields: ['timeout'] },
  { name: 'timeout 8 days', body: persist({ timeout: 8 * 86_400_000 }), fields: ['timeout'] },
  {
    name: 'retries 101 and weight 10^7',
    body: persist({ retries: 101, weight: 10_000_000 }),
    fields: ['retries', 'weight'],
  },
  { name: 'retries 1.5', body: persist({ retries: 1.5 }), fields: ['retries'] },
  { name: 'completionRate -0.5', body: persist({ completionRate: -0.5 }), fields: ['completionRate'] },
  { name: 'completionRate 1.5', body: persist({ completionRate: 1.5 }), fields: ['completionRate'] },
  // Periodic triggers that can never fire, or whose next fire overflows the dates.
  {
    name: 'period 10^15 days',
    body: persistTrigger(periodic(10 ** 15, 3)),
    fields: ['trigger.triggerDescription.periodic.period'],
  },
  {
    name: 'period 367 days',
    body: persistTrigger(periodic(367, 3)),
    fields: ['trigger.triggerDescription.periodic.period'],
  },
  {
    name: 'period 10^12 seconds',
    body: persistTrigger(periodic(10 ** 12, 0)),
    fields: ['trigger.triggerDescription.periodic.period'],
  },
  {
    name: 'period 0',
    body: persistTrigger(periodic(0, 1)),
    fields: ['trigger.triggerDescription.periodic.period'],
  },
  {
    name: 'schedulingUnit 4',
    body: persistTrigger(periodic(1, 4)),
    fields: ['trigger.triggerDescription.periodic.schedulingUnit'],
  },
  {
    name: 'a cron expression that never fires after its startDate',
    body: persistTrigger({
      triggerDescription: { cron: { expression: '0 0 0 1 1 ? 2030' } },
      startDate: '2031-01-01T00:00:00Z',
    }),
    fields: ['trigger.triggerDescription.cron.expression'],
  },
  {
    name: 'a cron expression whose first fire is after its endDate',
    body: persistTrigger({
      triggerDescription: { cron: { expression: '0 0 0 1 1 ? 2098' } },
      endDate: '2097-06-01T00:00:00Z',
    }),
    fields: ['trigger.endDate'],
  },
  // Identifiers: no control, bidi, invisible format characters or lone surrogates.
  {
    name: 'jobName with LF (a forged log line)',
    body: persistKey('jobName', 'etl\n[Nest] 1 - LOG [Auth] token rotated'),
    fields: ['jobKey.jobName'],
  },
  { name: 'jobName with CR', body: persistKey('jobName', 'etl\r'), fields: ['jobKey.jobName'] },
  {
    name: 'clusterName with NUL',
    body: persistKey('clusterName', 'demo\u0000cluster'),
    fields: ['jobKey.clusterName'],
  },
  {
    name: 'groupName with ESC',
    body: persistKey('groupName', '\u001b[31mred'),
    fields: ['jobKey.groupName'],
  },
  { name: 'groupName with C1 NEL', body: persistKey('groupName', 'a\u0085b'), fields: ['jobKey.groupName'] },
  {
    name: 'jobClassName with RLO',
    body: persistKey('jobClassName', 'com.acme.\u202Egpj.exe'),
    fields: ['jobKey.jobClassName'],
  },
  { name: 'jobName with LRI', body: persistKey('jobName', 'a\u2066b'), fields: ['jobKey.jobName'] },
  {
    name: 'jobName with a zero-width space',
    body: persistKey('jobName', 'etl\u200B'),
    fields: ['jobKey.jobName'],
  },
  { name: 'jobName with a BOM', body: persistKey('jobName', '\uFEFFetl'), fields: ['jobKey.jobName'] },
  {
    name: 'jobName with a line separator',
    body: persistKey('jobName', 'a\u2028b'),
    fields: ['jobKey.jobName'],
  },
  {
    name: 'jobName with a lone surrogate',
    body: persistKey('jobName', 'etl\uD800'),
    fields: ['jobKey.jobName'],
  },
  { name: 'jobName blank', body: persistKey('jobName', '   '), fields: ['jobKey.jobName'] },
  {
    name: 'jobName of 192 characters',
    body: persistKey('jobName', 'j'.repeat(192)),
    fields: ['jobKey.jobName'],
  },
  {
    name: 'labels with a control character in a name and a value',
    body: persist({ labels: { 'tier\n': 'gold', region: 'eu\r' } }),
    fields: ['labels', 'labels.region'],
  },
  {
    name: 'loadBalancer with a tab',
    body: persist({ loadBalancer: 'ROUND\tROBIN' }),
    fields: ['loadBalancer'],
  },
  {
    name: 'terminationStrategy with PDI',
    body: persist({ terminationStrategy: 'quota\u2069' }),
    fields: ['terminationStrategy'],
  },
  { name: 'hashKey with LF', body: persist({ hashKey: 'tenant\n' }), fields: ['hashKey'] },
  {
    name: 'email with a header injection',
    body: persist({ email: 'ops@example.com\r\nBcc: all@example.com' }),
    fields: ['email'],
  },
  {
    name: 'description with NUL',
    body: persist({ description: 'line one\nline two \u0000' }),
    fields: ['description'],
  },
  {
    name: 'description with RLO',
    body: persist({ description: 'harmless \u202Eexe.txt' }),
    fields: ['description'],
  },
  // Unknown fields, each named by its full path.
  { name: 'an unknown top-level field', body: persist({ foo: 1 }), fields: ['foo'] },
  { name: 'two unknown fields', body: persist({ foo: 1, bar: 2 }), fields: ['bar', 'foo'] },
  {
    name: 'an unknown field of the JobKey',
    body: persistKey('identifier', 'x'),
    fields: ['jobKey.identifier'],
  },
  { name: 'an unknown field of the trigger', body: persistTrigger({ foo: 1 }), fields: ['trigger.foo'] },
  {
    name: 'unknown fields of the trigger description and its cron',
    body: persistTrigger({
      triggerDescription: { cron: { expression: '*/5 * * * * ?', zone: 'UTC' }, misfire: 1 },
    }),
    fields: ['trigger.triggerDescription.cron.zone', 'trigger.triggerDescription.misfire'],
  },
  {
    name: 'an unknown field of a periodic description',
    body: persistTrigger({
      triggerType: 2,
      triggerDescription: { periodic: { period: 5, schedulingUnit: 0, offset: 1 } },
    }),
    fields: ['trigger.triggerDescription.periodic.offset'],
  },
  {
    name: 'an unknown field of retryBackoff',
    body: persist({ retryBackoff: { policy: 'FIXED', delayMs: 10, factor: 2 } }),
    fields: ['retryBackoff.factor'],
  },
  // Dependency keys: at most 100 each, no key twice, not the job itself.
  {
    name: '2,000 dependentKeys',
    body: persist({ dependentKeys: Array.from({ length: 2_000 }, (_, i) => upstream(i)) }),
    fields: ['dependentKeys'],
  },
  {
    name: '101 forkKeys',
    body: persist({ forkKeys: Array.from({ length: 101 }, (_, i) => upstream(i)) }),
    fields: ['forkKeys'],
  },
  {
    name: 'a forkKey listed twice',
    body: persist({ forkKeys: [upstream(1), upstream(2), upstream(1)] }),
    fields: ['forkKeys.2'],
  },
  {
    name: 'a job depending on itself',
    body: persist({ dependentKeys: [chaconneBody('refused').jobKey] }),
    fields: ['dependentKeys.0'],
  },
  {
    name: 'a dependentKey with LF',
    body: persist({ dependentKeys: [{ ...upstream(1), jobName: 'a\nb' }] }),
    fields: ['dependentKeys.0.jobName'],
  },
  // Several problems at once: every one named.
  {
    name: 'a bad JobKey, a bad cron, a bad zone, an unknown field and a bad policy name together',
    body: {
      ...chaconneBody('refused', 'EtlJob', '0 0 12 ? * 8'),
      jobKey: { clusterName: 'demo-cluster', groupName: 'demo-worker', jobName: '', jobClassName: 'EtlJob' },
      trigger: {
        triggerType: 1,
        triggerDescription: { cron: { expression: '0 0 12 ? * 8' } },
        timeZone: 'Nowhere/Land',
      },
      loadBalancer: 'FASTEST',
      retries: -1,
      colour: 'blue',
    },
    fields: [
      'colour',
      'jobKey.jobName',
      'loadBalancer',
      'retries',
      'trigger.timeZone',
      'trigger.triggerDescription.cron.expression',
    ],
  },
  {
    name: 'an out-of-range date, a never-firing period and a control character together',
    body: {
      ...persistKey('jobName', 'a\tb'),
      trigger: { ...periodic(10 ** 15, 3), startDate: 8_640_000_000_000_001, repeatCount: 2 ** 31 },
    },
    fields: [
      'jobKey.jobName',
      'trigger.repeatCount',
      'trigger.startDate',
      'trigger.triggerDescription.periodic.period',
    ],
  },
  {
    name: 'an attachment over the limit with another problem: 400 naming both',
    body: persist({ attachment: 'x'.repeat(4097), retries: -1 }),
    fields: ['attachment', 'retries'],
  },
  // Attachments and bodies.
  { name: 'an attachment that is a number', body: persist({ attachment: 5 }), fields: ['attachment'] },
  {
    name: 'an attachment over CHACONNE_ATTACHMENT_LIMIT_BYTES',
    body: persist({ attachment: 'x'.repeat(4097) }),
    status: 413,
    code: ErrorCode.PAYLOAD_TOO_LARGE,
    fields: ['attachment'],
  },
  {
    name: 'an object attachment whose JSON text is over the limit',
    body: persist({ attachment: { rows: Array.from({ length: 1000 }, (_, i) => `row${i}`) } }),
    status: 413,
    code: ErrorCode.PAYLOAD_TOO_LARGE,
    fields: ['attachment'],
  },
  {
    // Answered 500 before (JSON.stringify overflowed the stack); the request parser now refuses it.
    name: 'an object attachment nested 5,000 levels',
    body: JSON.stringify({ ...chaconneBody('refused'), attachment: 'X' }).replace(
      '"X"',
      `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
    ),
    fields: ['(body)'],
  },
  { name: 'a body that is an array', body: [chaconneBody('refused')], fields: ['(body)'] },
  { name: 'a body that is a JSON string', body: '"persist me"', fields: ['(body)'] },
  { name: 'a body without a trigger', body: { jobKey: chaconneBody('refused').jobKey }, fields: ['trigger'] },
].map((c) => ({ endpoint: 'persistJob', status: 400, code: VALIDATION, ...c }));

/** Cases of the other admin endpoints. */
const OTHER_ENDPOINTS: BadInputCase[] = [
  // triggerJob: the attachment override has the persisted attachment's limit.
  {
    endpoint: 'triggerJob',
    name: 'an attachment override over the limit',
    body: { jobKey: TARGET_KEY, attachment: 'x'.repeat(4097) },
    status: 413,
    code: ErrorCode.PAYLOAD_TOO_LARGE,
    fields: ['attachment'],
  },
  {
    endpoint: 'triggerJob',
    name: 'an object attachment override over the limit',
    body: { jobKey: TARGET_KEY, attachment: { blob: 'y'.repeat(5000) } },
    status: 413,
    code: ErrorCode.PAYLOAD_TOO_LARGE,
    fields: ['attachment'],
  },
  {
    endpoint: 'triggerJob',
    name: 'an unknown field',
    body: { jobKey: TARGET_KEY, now: true },
    fields: ['now'],
  },
  {
    endpoint: 'triggerJob',
    name: 'a JobKey with LF, retries -1 and force "yes"',
    body: { jobKey: { ...TARGET_KEY, jobName: 'target\n' }, retries: -1, force: 'yes' },
    fields: ['force', 'jobKey.jobName', 'retries'],
  },
  // selectJobTrace: paging and dates.
  { endpoint: 'selectJobTrace', name: 'page 0', body: { jobKey: TARGET_KEY, page: 0 }, fields: ['page'] },
  {
    endpoint: 'selectJobTrace',
    name: 'page 10^300',
    body: { jobKey: TARGET_KEY, page: 1e300 },
    fields: ['page'],
  },
  {
    endpoint: 'selectJobTrace',
    name: 'page 100,001',
    body: { jobKey: TARGET_KEY, page: 100_001 },
    fields: ['page'],
  },
  {
    endpoint: 'selectJobTrace',
    name: 'size 1,001',
    body: { jobKey: TARGET_KEY, size: 1001 },
    fields: ['size'],
  },
  {
    endpoint: 'selectJobTrace',
    name: 'startDate 8640000000000001 and endDate in year 275760',
    body: { jobKey: TARGET_KEY, startDate: 8_640_000_000_000_001, endDate: '+275760-09-13T00:00:00Z' },
    fields: ['endDate', 'startDate'],
  },
  {
    endpoint: 'selectJobTrace',
    name: 'an endDate before the startDate, with a bad page and an unknown field',
    body: { jobKey: TARGET_KEY, startDate: 2_000_000, endDate: 1_000_000, page: -1, days: 3 },
    fields: ['days', 'endDate', 'page'],
  },
  {
    endpoint: 'selectJobTrace',
    name: 'a date string of 1,000 characters',
    body: { jobKey: TARGET_KEY, startDate: '1'.repeat(1000) },
    fields: ['startDate'],
  },
  {
    endpoint: 'selectJobTrace',
    name: 'runningState 9',
    body: { jobKey: TARGET_KEY, runningState: 9 },
    fields: ['runningState'],
  },
  // selectJobLog / selectJobStackTrace: trace ids.
  {
    endpoint: 'selectJobLog',
    name: 'traceId 0',
    body: { jobKey: TARGET_KEY, traceId: 0 },
    fields: ['traceId'],
  },
  {
    endpoint: 'selectJobLog',
    name: 'traceId 2^60',
    body: { jobKey: TARGET_KEY, traceId: 2 ** 60 },
    fields: ['traceId'],
  },
  {
    endpoint: 'selectJobLog',
    name: 'traceId true',
    body: { jobKey: TARGET_KEY, traceId: true },
    fields: ['traceId'],
  },
  {
    endpoint: 'selectJobStackTrace',
    name: 'traceId "12abc"',
    body: { jobKey: TARGET_KEY, traceId: '12abc' },
    fields: ['traceId'],
  },
  {
    endpoint: 'selectJobStackTrace',
    name: 'an unknown field',
    body: { jobKey: TARGET_KEY, traceId: 1, lines: 5 },
    fields: ['lines'],
  },
  // Statistics.
  { endpoint: 'selectJobStatByDay', name: '{"days":3} (not lastDays)', body: { days: 3 }, fields: ['days'] },
  { endpoint: 'selectJobStatByDay', name: 'lastDays 367', body: { lastDays: 367 }, fields: ['lastDays'] },
  { endpoint: 'selectJobStatByDay', name: 'jobId 2^31', body: { jobId: 2 ** 31 }, fields: ['jobId'] },
  {
    endpoint: 'selectJobStatByDay',
    name: 'clusterName with LF',
    body: { clusterName: 'demo\ncluster' },
    fields: ['clusterName'],
  },
  {
    endpoint: 'selectJobStatByMonth',
    name: 'a worker address',
    body: { address: '10.0.0.5:8088' },
    fields: ['address'],
  },
  {
    endpoint: 'selectJobStat',
    name: 'groupName and applicationName disagreeing, with lastDays 0',
    body: { groupName: 'a', applicationName: 'b', lastDays: 0 },
    fields: ['applicationName', 'lastDays'],
  },
  {
    endpoint: 'selectJobStatById',
    name: 'an endDate in year 275760',
    body: { endDate: '+275760-09-13T00:00:00Z' },
    fields: ['endDate'],
  },
  {
    endpoint: 'selectJobStatById',
    name: 'an endDate before the startDate with a bad size',
    body: { startDate: '2026-03-02', endDate: '2026-03-01', size: 5000 },
    fields: ['endDate', 'size'],
  },
  { endpoint: 'selectJobStatById', name: 'page 10^9', body: { page: 1e9 }, fields: ['page'] },
  {
    endpoint: 'selectJobStateCount',
    name: 'an unknown field',
    body: { clusterName: 'c', state: 1 },
    fields: ['state'],
  },
  // Job queries and lifecycle.
  {
    endpoint: 'selectJobDetail',
    name: 'page 0 and size 0',
    body: { page: 0, size: 0 },
    fields: ['page', 'size'],
  },
  {
    endpoint: 'selectJobDetail',
    name: 'a jobName filter with RLO',
    body: { jobName: 'a\u202Eb' },
    fields: ['jobName'],
  },
  { endpoint: 'selectJobDetail', name: 'an unknown field', body: { cluster: 'c' }, fields: ['cluster'] },
  {
    endpoint: 'getJobKeys',
    name: '1,001 clusterNames and no triggerType',
    body: { clusterNames: Array.from({ length: 1001 }, (_, i) => `c${i}`) },
    fields: ['clusterNames', 'triggerType'],
  },
  {
    endpoint: 'selectJobHistory',
    name: 'page 10^6',
    body: { jobKey: TARGET_KEY, page: 1_000_000 },
    fields: ['page'],
  },
  {
    endpoint: 'previewTrigger',
    name: 'count 101 and a bad cron expression',
    body: {
      trigger: { triggerType: 1, triggerDescription: { cron: { expression: '0 0 12 ? * 8' } } },
      count: 101,
    },
    fields: ['count', 'trigger.triggerDescription.cron.expression'],
  },
  {
    endpoint: 'previewTrigger',
    name: 'a period of 10^15 days',
    body: { trigger: periodic(10 ** 15, 3) },
    fields: ['trigger.triggerDescription.periodic.period'],
  },
  {
    endpoint: 'previewTrigger',
    name: 'a from that is not an instant',
    body: { trigger: { triggerType: 0 }, from: 'soon' },
    fields: ['from'],
  },
  {
    endpoint: 'previewTrigger',
    name: 'an unknown trigger field',
    body: { trigger: { triggerType: 0, every: 5 } },
    fields: ['trigger.every'],
  },
  {
    endpoint: 'hasJob',
    name: 'an unknown JobKey field',
    body: { ...TARGET_KEY, identifier: 'x' },
    fields: ['identifier'],
  },
  {
    endpoint: 'pauseJob',
    name: 'a jobName with LF',
    body: { ...TARGET_KEY, jobName: 'target\n' },
    fields: ['jobName'],
  },
  {
    endpoint: 'setJobState',
    name: 'jobState 99 and an unknown JobKey field',
    body: { jobKey: { ...TARGET_KEY, x: 1 }, jobState: 99 },
    fields: ['jobKey.x', 'jobState'],
  },
  {
    endpoint: 'getRelations',
    name: 'dependencyType 9',
    body: { jobKey: TARGET_KEY, dependencyType: 9 },
    fields: ['dependencyType'],
  },
  // The console's endpoints.
  {
    endpoint: 'selectJobDetail',
    name: 'nextFireTo before nextFireFrom',
    body: { nextFireFrom: '2026-03-02T00:00:00Z', nextFireTo: '2026-03-01T00:00:00Z' },
    fields: ['nextFireTo'],
  },
  {
    endpoint: 'selectJobDetail',
    name: 'nextFireFrom not a date and sort nextFire',
    body: { nextFireFrom: 'soon', sort: 'nextFire' },
    fields: ['nextFireFrom', 'sort'],
  },
  { endpoint: 'getJobTraceDetail', name: 'traceId 0', body: { traceId: 0 }, fields: ['traceId'] },
  { endpoint: 'getJobTraceDetail', name: 'no traceId', body: {}, fields: ['traceId'] },
  {
    endpoint: 'getJobTraceDetail',
    name: 'a jobKey (not a field here)',
    body: { traceId: 1, jobKey: TARGET_KEY },
    fields: ['jobKey'],
  },
  {
    endpoint: 'selectRuns',
    name: 'runningState 9, size 1,001 and a clusterName with LF',
    body: { runningState: 9, size: 1001, clusterName: 'demo\ncluster' },
    fields: ['clusterName', 'runningState', 'size'],
  },
  {
    endpoint: 'selectRuns',
    name: 'an endDate before the startDate and an unknown field',
    body: { startDate: 2_000_000, endDate: 1_000_000, jobName: 'x' },
    fields: ['endDate', 'jobName'],
  },
  {
    endpoint: 'selectRuns',
    name: 'a startDate in year 275760 and page 0',
    body: { startDate: '+275760-09-13T00:00:00Z', page: 0 },
    fields: ['page', 'startDate'],
  },
  { endpoint: 'cancelRun', name: 'traceId "abc"', body: { traceId: 'abc' }, fields: ['traceId'] },
  {
    endpoint: 'cancelRun',
    name: 'a reason of 501 characters with no traceId',
    body: { reason: 'r'.repeat(501) },
    fields: ['reason', 'traceId'],
  },
  {
    endpoint: 'cancelRun',
    name: 'a reason with NUL and RLO, and an unknown field',
    body: { traceId: 1, reason: 'a\u0000b\u202Ec', force: true },
    fields: ['force', 'reason'],
  },
  {
    endpoint: 'selectWorkers',
    name: 'a groupName with LF and an unknown field',
    body: { groupName: 'a\nb', instanceId: 'x' },
    fields: ['groupName', 'instanceId'],
  },
  { endpoint: 'selectWorkers', name: 'clusterName 42', body: { clusterName: 42 }, fields: ['clusterName'] },
].map((c) => ({ status: 400, code: VALIDATION, ...c }));

export const ADMIN_BAD_INPUT_CASES: readonly BadInputCase[] = [...PERSIST_JOB, ...OTHER_ENDPOINTS];
