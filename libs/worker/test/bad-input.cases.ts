import { ErrorCode, ProtocolLimits, WorkerRoutes, type RunRequest } from '@chaconne/contracts';
import { runRequest } from '@chaconne/testing';

/**
 * Bad inputs of the worker SDK's endpoints (`/chaconne/*`, what the manager sends), one row
 * each: the status, the error code and every field named in `errors`. bad-input.spec.ts sends
 * each to a real worker over HTTP and checks that no handler ran and nothing was reported.
 * Plain data, like the manager's admin, xcron and worker-protocol tables.
 */
export interface SdkBadInput {
  name: string;
  method?: 'POST' | 'GET';
  path: string;
  /** The body: serialised with JSON.stringify, or sent as is when a string. */
  body: unknown;
  /**
   * How it is signed: `valid` (for this worker, path and direction, now), none, too old, for
   * another worker instance, for another route, or in the worker-to-manager direction.
   */
  signing?: 'valid' | 'none' | 'stale' | 'other-instance' | 'other-path' | 'other-direction';
  /** The protocol header; the current version by default ('' leaves it out). */
  protocol?: string;
  status: number;
  code: ErrorCode;
  /** Every field the answer names in `errors`, sorted. */
  fields: string[];
}

/** The worker of the spec serves this cluster and group and has the job class EtlJob. */
export const SDK_CLUSTER = 'corpus-cluster';
export const SDK_GROUP = 'corpus-group';

const run = (patch: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...runRequest({
    jobKey: { clusterName: SDK_CLUSTER, groupName: SDK_GROUP, jobName: 'etl', jobClassName: 'EtlJob' },
  }),
  ...patch,
});
const key = (patch: Partial<RunRequest['jobKey']>) => ({
  jobKey: { ...(run().jobKey as RunRequest['jobKey']), ...patch },
});
const nested = (levels: number): unknown => {
  let value: unknown = 'deep';
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};
const RUNS = WorkerRoutes.runs;
const BATCH = WorkerRoutes.runBatch;
const CANCEL = WorkerRoutes.cancel(41);

type Row = Omit<SdkBadInput, 'status' | 'code'> & Partial<Pick<SdkBadInput, 'status' | 'code'>>;

const ROWS: Row[] = [
  // ---- routes, methods, size, protocol and signatures: refused before the body is parsed
  {
    name: 'an unknown route',
    path: '/chaconne/jobs',
    body: run(),
    status: 404,
    code: ErrorCode.NOT_FOUND,
    fields: [],
  },
  {
    name: 'a cancel of a run id that is not a number',
    path: '/chaconne/runs/abc/cancel',
    body: { reason: 'x' },
    status: 404,
    code: ErrorCode.NOT_FOUND,
    fields: [],
  },
  {
    name: 'GET on the runs route',
    method: 'GET',
    path: RUNS,
    body: undefined,
    status: 405,
    code: ErrorCode.NOT_FOUND,
    fields: [],
  },
  {
    name: 'a body over 1 MiB',
    path: RUNS,
    body: run({ attachment: 'a'.repeat(1_100_000) }),
    status: 413,
    code: ErrorCode.PAYLOAD_TOO_LARGE,
    fields: [],
  },
  {
    name: 'protocol version 1',
    path: RUNS,
    body: run(),
    protocol: '1',
    status: 400,
    code: ErrorCode.INCOMPATIBLE_PROTOCOL,
    fields: [],
  },
  {
    name: 'no protocol header',
    path: RUNS,
    body: run(),
    protocol: '',
    status: 400,
    code: ErrorCode.INCOMPATIBLE_PROTOCOL,
    fields: [],
  },
  {
    name: 'unsigned',
    path: RUNS,
    body: run(),
    signing: 'none',
    status: 401,
    code: ErrorCode.BAD_SIGNATURE,
    fields: [],
  },
  {
    name: 'signed 10 minutes ago',
    path: RUNS,
    body: run(),
    signing: 'stale',
    status: 401,
    code: ErrorCode.STALE_REQUEST,
    fields: [],
  },
  {
    name: 'signed for another worker instance',
    path: RUNS,
    body: run(),
    signing: 'other-instance',
    status: 401,
    code: ErrorCode.BAD_SIGNATURE,
    fields: [],
  },
  {
    name: 'a batch signature on the single-run route',
    path: RUNS,
    body: run(),
    signing: 'other-path',
    status: 401,
    code: ErrorCode.BAD_SIGNATURE,
    fields: [],
  },
  {
    name: 'a run signature on cancel',
    path: CANCEL,
    body: { reason: 'x' },
    signing: 'other-path',
    status: 401,
    code: ErrorCode.BAD_SIGNATURE,
    fields: [],
  },
  {
    name: 'signed worker-to-manager',
    path: RUNS,
    body: run(),
    signing: 'other-direction',
    status: 401,
    code: ErrorCode.BAD_SIGNATURE,
    fields: [],
  },

  // ---- the body as JSON
  { name: 'not JSON', path: RUNS, body: '{"runId":', fields: ['(body)'] },
  { name: 'an empty body', path: RUNS, body: '', fields: ['(body)'] },
  { name: 'an array', path: RUNS, body: [run()], fields: ['(body)'] },
  { name: 'nested 40 levels', path: RUNS, body: run({ attachment: nested(40) }), fields: ['(body)'] },
  {
    name: 'a __proto__ key in the job key',
    path: RUNS,
    body: `{"jobKey":{"__proto__":{"x":1}},"runId":1}`,
    fields: ['jobKey.__proto__'],
  },

  // ---- one run
  { name: 'an unknown field', path: RUNS, body: run({ priority: 1 }), fields: ['priority'] },
  {
    name: 'an unknown job key field',
    path: RUNS,
    body: run(key({ jobVersion: '2' } as never)),
    fields: ['jobKey.jobVersion'],
  },
  { name: 'runId 0', path: RUNS, body: run({ runId: 0 }), fields: ['runId'] },
  { name: 'runId as a string', path: RUNS, body: run({ runId: '5' }), fields: ['runId'] },
  { name: 'runId 2^53', path: RUNS, body: run({ runId: 2 ** 53 }), fields: ['runId'] },
  { name: 'jobId missing', path: RUNS, body: run({ jobId: undefined }), fields: ['jobId'] },
  { name: 'attempt -1', path: RUNS, body: run({ attempt: -1 }), fields: ['attempt'] },
  { name: 'retries missing', path: RUNS, body: run({ retries: undefined }), fields: ['retries'] },
  { name: 'timeoutMs as text', path: RUNS, body: run({ timeoutMs: '3000' }), fields: ['timeoutMs'] },
  { name: 'timeoutMs -2', path: RUNS, body: run({ timeoutMs: -2 }), fields: ['timeoutMs'] },
  { name: 'startInMs -1', path: RUNS, body: run({ startInMs: -1 }), fields: ['startInMs'] },
  { name: 'startInMs 1.5', path: RUNS, body: run({ startInMs: 1.5 }), fields: ['startInMs'] },
  {
    name: 'startInMs beyond the furthest ahead',
    path: RUNS,
    body: run({ startInMs: ProtocolLimits.maxStartInMs + 1 }),
    fields: ['startInMs'],
  },
  { name: 'startInMs as text', path: RUNS, body: run({ startInMs: '100' }), fields: ['startInMs'] },
  { name: 'an empty job name', path: RUNS, body: run(key({ jobName: '' })), fields: ['jobKey.jobName'] },
  { name: 'a job key that is a string', path: RUNS, body: run({ jobKey: 'corpus.etl' }), fields: ['jobKey'] },
  { name: 'plannedAt in words', path: RUNS, body: run({ plannedAt: 'soon' }), fields: ['plannedAt'] },
  {
    name: 'an attachment that is a number',
    path: RUNS,
    body: run({ attachment: 42 }),
    fields: ['attachment'],
  },
  { name: 'no attachment field', path: RUNS, body: run({ attachment: undefined }), fields: ['attachment'] },
  {
    name: 'four faults at once',
    path: RUNS,
    body: run({ runId: -1, plannedAt: null, attachment: {}, extra: 1 }),
    fields: ['attachment', 'extra', 'plannedAt', 'runId'],
  },
  {
    name: 'a run of another cluster',
    path: RUNS,
    body: run(key({ clusterName: 'other-cluster' })),
    status: 409,
    code: ErrorCode.WRONG_RECIPIENT,
    fields: [],
  },
  {
    name: 'a run of another group',
    path: RUNS,
    body: run(key({ groupName: 'other-group' })),
    status: 409,
    code: ErrorCode.WRONG_RECIPIENT,
    fields: [],
  },
  {
    name: 'a cluster name with a line feed',
    path: RUNS,
    body: run(key({ clusterName: `${SDK_CLUSTER}\n` })),
    status: 409,
    code: ErrorCode.WRONG_RECIPIENT,
    fields: [],
  },
  {
    name: 'a job class this worker does not have',
    path: RUNS,
    body: run(key({ jobClassName: 'PayrollJob' })),
    status: 404,
    code: ErrorCode.NO_HANDLER,
    fields: [],
  },

  // ---- batches
  { name: 'batch: runs missing', path: BATCH, body: {}, fields: ['runs'] },
  { name: 'batch: runs empty', path: BATCH, body: { runs: [] }, fields: ['runs'] },
  { name: 'batch: runs not an array', path: BATCH, body: { runs: run() }, fields: ['runs'] },
  {
    name: `batch: ${ProtocolLimits.runsPerBatch + 1} runs`,
    path: BATCH,
    body: { runs: Array.from({ length: ProtocolLimits.runsPerBatch + 1 }, (_, i) => run({ runId: i + 1 })) },
    fields: ['runs'],
  },
  { name: 'batch: an unknown field', path: BATCH, body: { runs: [run()], urgent: true }, fields: ['urgent'] },

  // ---- cancel
  { name: 'cancel: an empty body', path: CANCEL, body: '', fields: ['(body)'] },
  { name: 'cancel: no reason', path: CANCEL, body: {}, fields: ['reason'] },
  { name: 'cancel: a reason that is a number', path: CANCEL, body: { reason: 7 }, fields: ['reason'] },
  {
    name: `cancel: a reason of ${ProtocolLimits.cancelReasonChars + 1} characters`,
    path: CANCEL,
    body: { reason: 'r'.repeat(ProtocolLimits.cancelReasonChars + 1) },
    fields: ['reason'],
  },
  {
    name: 'cancel: an unknown field',
    path: CANCEL,
    body: { reason: 'timeout', force: true },
    fields: ['force'],
  },
];

/** Every row, with 400 VALIDATION_FAILED where a row names neither. */
export const SDK_BAD_INPUTS: SdkBadInput[] = ROWS.map((row) => ({
  ...row,
  status: row.status ?? 400,
  code: row.code ?? ErrorCode.VALIDATION_FAILED,
  fields: [...row.fields].sort(),
}));
