import { ErrorCode, ManagerRoutes } from '@chaconne/contracts';
import { chaconneBody } from '@chaconne/testing';
import { registration } from '../support/test-env';

/**
 * Bad inputs of the worker protocol's manager side (`/worker/*`), one row each: the status,
 * the error code and every field named in `errors`. worker-bad-input.spec.ts sends each to a
 * real manager and checks that no table changed. Plain data, like the admin and xcron tables.
 */
export interface WorkerBadInput {
  name: string;
  path: string;
  /** The body: serialised with JSON.stringify, or sent as is when a string. */
  body: unknown;
  /**
   * How the request is signed: `valid` (for this path, to the manager, now), none at all, too
   * old, for another route, with another secret, or in the manager-to-worker direction.
   */
  signing?: 'valid' | 'none' | 'stale' | 'other-path' | 'other-secret' | 'other-direction';
  /** The protocol header; the current version by default. */
  protocol?: string;
  status: number;
  code: ErrorCode;
  /** Every field the answer names in `errors`, sorted. */
  fields: string[];
}

const VALIDATION = ErrorCode.VALIDATION_FAILED;
const INSTANCE = 'corpus-worker-1';

/** A run id no run has: bodies are checked before the run is looked up. */
const RUN_ID = 999_999;
const LOGS = ManagerRoutes.logs(RUN_ID);
const REPORT = ManagerRoutes.report(RUN_ID);

const register = (patch: Record<string, unknown>) => ({ ...registration(INSTANCE), ...patch });
const heartbeat = (patch: Record<string, unknown> = {}) => ({
  instanceId: INSTANCE,
  activeRuns: 0,
  draining: false,
  ...patch,
});
const line = (patch: Record<string, unknown> = {}) => ({
  level: 2,
  message: 'hello',
  time: '2026-12-07T10:00:00.000Z',
  ...patch,
});
const logs = (patch: Record<string, unknown> = {}) => ({
  instanceId: INSTANCE,
  lines: [line()],
  dropped: 0,
  ...patch,
});
const report = (patch: Record<string, unknown> = {}) => ({
  instanceId: INSTANCE,
  runningState: 1,
  startedAt: '2026-12-07T10:00:00.000Z',
  finishedAt: '2026-12-07T10:00:01.000Z',
  ...patch,
});
const nested = (levels: number): unknown => {
  let value: unknown = 'deep';
  for (let i = 0; i < levels; i++) value = { v: value };
  return value;
};
const labels = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`label${i}`, 'x']));

/** A code-defined job whose definition has a cron expression that never fires. */
const neverFiring = {
  jobClassName: 'EtlJob',
  definition: {
    ...chaconneBody('corpus-code-defined'),
    trigger: { triggerType: 1, triggerDescription: { cron: { expression: '0 0 0 30 2 ?' } } },
  },
};

type Row = Omit<WorkerBadInput, 'status' | 'code'> & Partial<Pick<WorkerBadInput, 'status' | 'code'>>;

const ROWS: Row[] = [
  // ---- authentication, protocol and size: refused before the body is parsed
  {
    name: 'unsigned',
    path: ManagerRoutes.register,
    body: registration(INSTANCE),
    signing: 'none',
    status: 401,
    code: ErrorCode.BAD_SIGNATURE,
    fields: [],
  },
  {
    name: 'signed 10 minutes ago',
    path: ManagerRoutes.heartbeat,
    body: heartbeat(),
    signing: 'stale',
    status: 401,
    code: ErrorCode.STALE_REQUEST,
    fields: [],
  },
  {
    name: 'a heartbeat signature on deregister',
    path: ManagerRoutes.deregister,
    body: { instanceId: INSTANCE },
    signing: 'other-path',
    status: 401,
    code: ErrorCode.BAD_SIGNATURE,
    fields: [],
  },
  {
    name: 'signed with another secret',
    path: ManagerRoutes.register,
    body: registration(INSTANCE),
    signing: 'other-secret',
    status: 401,
    code: ErrorCode.BAD_SIGNATURE,
    fields: [],
  },
  {
    name: 'signed manager-to-worker',
    path: ManagerRoutes.heartbeat,
    body: heartbeat(),
    signing: 'other-direction',
    status: 401,
    code: ErrorCode.BAD_SIGNATURE,
    fields: [],
  },
  {
    name: 'protocol version 1',
    path: ManagerRoutes.register,
    body: registration(INSTANCE),
    protocol: '1',
    status: 400,
    code: ErrorCode.INCOMPATIBLE_PROTOCOL,
    fields: [],
  },
  {
    name: 'no protocol header',
    path: ManagerRoutes.heartbeat,
    body: heartbeat(),
    protocol: '',
    status: 400,
    code: ErrorCode.INCOMPATIBLE_PROTOCOL,
    fields: [],
  },
  {
    name: 'a heartbeat of 20 KiB',
    path: ManagerRoutes.heartbeat,
    body: heartbeat({ pad: 'x'.repeat(20_480) }),
    status: 413,
    code: ErrorCode.PAYLOAD_TOO_LARGE,
    fields: ['(body)'],
  },
  {
    name: 'a registration over 1 MiB',
    path: ManagerRoutes.register,
    body: register({ pad: 'x'.repeat(1_100_000) }),
    status: 413,
    code: ErrorCode.PAYLOAD_TOO_LARGE,
    fields: ['(body)'],
  },

  // ---- the body as JSON
  { name: 'not JSON', path: ManagerRoutes.register, body: '{"instanceId":', fields: ['(body)'] },
  { name: 'an empty body', path: ManagerRoutes.heartbeat, body: '', fields: ['(body)'] },
  { name: 'an array', path: ManagerRoutes.heartbeat, body: [heartbeat()], fields: ['(body)'] },
  { name: 'a string', path: ManagerRoutes.deregister, body: '"corpus-worker-1"', fields: ['(body)'] },
  {
    name: 'nested 40 levels in a definition',
    path: ManagerRoutes.register,
    body: register({ jobs: [{ jobClassName: 'EtlJob', definition: nested(40) }] }),
    fields: ['(body)'],
  },
  {
    name: 'a report result nested 40 levels',
    path: REPORT,
    body: report({ result: nested(40) }),
    fields: ['(body)'],
  },
  {
    name: 'a __proto__ label',
    path: ManagerRoutes.register,
    body: JSON.stringify(registration(INSTANCE)).replace(
      '"labels":{}',
      '"labels":{"__proto__":{"admin":"1"}}',
    ),
    fields: ['labels.__proto__'],
  },

  // ---- register
  {
    name: 'register: an unknown field',
    path: ManagerRoutes.register,
    body: register({ capacity: 4 }),
    fields: ['capacity'],
  },
  {
    name: 'register: a cluster name with a line feed',
    path: ManagerRoutes.register,
    body: register({ clusterName: 'demo\ncluster' }),
    fields: ['clusterName'],
  },
  {
    name: 'register: a group name with a bidi override',
    path: ManagerRoutes.register,
    body: register({ groupName: 'demo\u202eworker' }),
    fields: ['groupName'],
  },
  {
    name: 'register: a blank group name',
    path: ManagerRoutes.register,
    body: register({ groupName: '  ' }),
    fields: ['groupName'],
  },
  {
    name: 'register: a label name with NUL',
    path: ManagerRoutes.register,
    body: register({ labels: { 'zo\u0000ne': 'eu' } }),
    fields: ['labels'],
  },
  {
    name: 'register: an empty label value',
    path: ManagerRoutes.register,
    body: register({ labels: { zone: '' } }),
    fields: ['labels.zone'],
  },
  {
    name: 'register: 33 labels',
    path: ManagerRoutes.register,
    body: register({ labels: labels(33) }),
    fields: ['labels'],
  },
  {
    name: 'register: an ftp base URL',
    path: ManagerRoutes.register,
    body: register({ baseUrl: 'ftp://10.0.0.5/' }),
    fields: ['baseUrl'],
  },
  {
    name: 'register: weight 0',
    path: ManagerRoutes.register,
    body: register({ weight: 0 }),
    fields: ['weight'],
  },
  {
    name: 'register: weight 1001',
    path: ManagerRoutes.register,
    body: register({ weight: 1001 }),
    fields: ['weight'],
  },
  {
    name: 'register: an instance id with a space',
    path: ManagerRoutes.register,
    body: register({ instanceId: 'worker one' }),
    fields: ['instanceId'],
  },
  {
    name: 'register: startedAt in words',
    path: ManagerRoutes.register,
    body: register({ startedAt: 'yesterday' }),
    fields: ['startedAt'],
  },
  {
    name: 'register: baseUrlSource guessed',
    path: ManagerRoutes.register,
    body: register({ baseUrlSource: 'guessed' }),
    fields: ['baseUrlSource'],
  },
  {
    name: 'register: a job with an unknown field',
    path: ManagerRoutes.register,
    body: register({ jobs: [{ jobClassName: 'EtlJob', cron: '* * * * * ?' }] }),
    fields: ['jobs.0.cron'],
  },
  {
    name: 'register: a job class with a carriage return',
    path: ManagerRoutes.register,
    body: register({ jobs: [{ jobClassName: 'Etl\rJob' }] }),
    fields: ['jobs.0.jobClassName'],
  },
  {
    name: 'register: a code-defined job that never fires',
    path: ManagerRoutes.register,
    body: register({ jobs: [neverFiring] }),
    fields: ['jobs.0.definition.trigger.triggerDescription.cron.expression'],
  },
  {
    name: 'register: three faults at once',
    path: ManagerRoutes.register,
    body: register({ weight: 0, baseUrl: 'nope', extra: true }),
    fields: ['baseUrl', 'extra', 'weight'],
  },

  // ---- heartbeat and deregister
  {
    name: 'heartbeat: activeRuns -1',
    path: ManagerRoutes.heartbeat,
    body: heartbeat({ activeRuns: -1 }),
    fields: ['activeRuns'],
  },
  {
    name: 'heartbeat: draining "yes"',
    path: ManagerRoutes.heartbeat,
    body: heartbeat({ draining: 'yes' }),
    fields: ['draining'],
  },
  {
    name: 'heartbeat: no instance id',
    path: ManagerRoutes.heartbeat,
    body: { activeRuns: 0, draining: false },
    fields: ['instanceId'],
  },
  {
    name: 'heartbeat: an unknown field',
    path: ManagerRoutes.heartbeat,
    body: heartbeat({ cpu: 0.5 }),
    fields: ['cpu'],
  },
  {
    name: 'deregister: an unknown field',
    path: ManagerRoutes.deregister,
    body: { instanceId: INSTANCE, reason: 'bye' },
    fields: ['reason'],
  },
  {
    name: 'deregister: an instance id of 200 characters',
    path: ManagerRoutes.deregister,
    body: { instanceId: 'w'.repeat(200) },
    fields: ['instanceId'],
  },

  // ---- log batches
  {
    name: 'logs: level 9',
    path: LOGS,
    body: logs({ lines: [line({ level: 9 })] }),
    fields: ['lines.0.level'],
  },
  {
    name: 'logs: a message of 16,385 characters',
    path: LOGS,
    body: logs({ lines: [line({ message: 'm'.repeat(16_385) })] }),
    fields: ['lines.0.message'],
  },
  {
    name: 'logs: 1,001 lines',
    path: LOGS,
    body: logs({ lines: Array.from({ length: 1001 }, () => line()) }),
    fields: ['lines'],
  },
  {
    name: 'logs: a time in words',
    path: LOGS,
    body: logs({ lines: [line({ time: 'now' })] }),
    fields: ['lines.0.time'],
  },
  { name: 'logs: dropped -1', path: LOGS, body: logs({ dropped: -1 }), fields: ['dropped'] },
  {
    name: 'logs: a line with an unknown field',
    path: LOGS,
    body: logs({ lines: [line({ thread: 'main' })] }),
    fields: ['lines.0.thread'],
  },
  {
    name: 'logs: a run id that is not a number',
    path: '/worker/runs/abc/logs',
    body: logs(),
    fields: ['runId'],
  },
  {
    name: 'logs: an unknown run',
    path: LOGS,
    body: logs(),
    status: 404,
    code: ErrorCode.RUN_NOT_FOUND,
    fields: [],
  },

  // ---- reports
  {
    name: 'report: runningState 7',
    path: REPORT,
    body: report({ runningState: 7 }),
    fields: ['runningState'],
  },
  {
    name: 'report: startedAt a number',
    path: REPORT,
    body: report({ startedAt: 1_765_000_000_000 }),
    fields: ['startedAt'],
  },
  {
    name: 'report: an error with an unknown field',
    path: REPORT,
    body: report({ runningState: 0, error: { name: 'Error', message: 'x', code: 'E1' }, retryable: true }),
    fields: ['error.code'],
  },
  {
    name: 'report: an error name of 257 characters',
    path: REPORT,
    body: report({ runningState: 0, error: { name: 'E'.repeat(257), message: 'x' }, retryable: true }),
    fields: ['error.name'],
  },
  {
    name: 'report: FAILED without saying whether it may be retried',
    path: REPORT,
    body: report({ runningState: 0, error: { name: 'Error', message: 'x' } }),
    fields: ['retryable'],
  },
  {
    name: 'report: COMPLETED saying whether it may be retried',
    path: REPORT,
    body: report({ runningState: 1, retryable: false }),
    fields: ['retryable'],
  },
  {
    name: 'report: retryable a string, with another fault',
    path: REPORT,
    body: report({ runningState: 0, retryable: 'no', startedAt: 'yesterday' }),
    fields: ['retryable', 'startedAt'],
  },
  {
    name: 'report: FAILED without retryable, with another fault (both named)',
    path: REPORT,
    body: report({ runningState: 0, startedAt: 'yesterday' }),
    fields: ['retryable', 'startedAt'],
  },
  { name: 'report: a run id of 0', path: ManagerRoutes.report(0), body: report(), fields: ['runId'] },
  {
    name: 'report: an unknown run',
    path: REPORT,
    body: report(),
    status: 404,
    code: ErrorCode.RUN_NOT_FOUND,
    fields: [],
  },
  {
    name: 'report: three faults at once',
    path: REPORT,
    body: report({ runningState: 'done', finishedAt: null, elapsed: 3 }),
    fields: ['elapsed', 'finishedAt', 'runningState'],
  },
  {
    name: 'reports: not an array',
    path: ManagerRoutes.reports,
    body: { reports: report() },
    fields: ['reports'],
  },
  { name: 'reports: empty', path: ManagerRoutes.reports, body: { reports: [] }, fields: ['reports'] },
  {
    name: 'reports: 501 of them',
    path: ManagerRoutes.reports,
    body: { reports: Array.from({ length: 501 }, (_, i) => ({ ...report(), runId: i + 1 })) },
    fields: ['reports'],
  },
  {
    name: 'reports: an unknown field',
    path: ManagerRoutes.reports,
    body: { reports: [{ ...report(), runId: 1 }], flush: true },
    fields: ['flush'],
  },
];

/** Every row, with 400 VALIDATION_FAILED where a row names neither. */
export const WORKER_BAD_INPUTS: WorkerBadInput[] = ROWS.map((row) => ({
  ...row,
  status: row.status ?? 400,
  code: row.code ?? VALIDATION,
  fields: [...row.fields].sort(),
}));
