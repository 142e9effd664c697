import {
  ErrorCode,
  ManagerRoutes,
  ProtocolHeader,
  SIGNATURE_MAX_AGE_MS,
  type ApiFailure,
  type RunAccepted,
  type RunBatchResults,
  WorkerRoutes,
} from '@chaconne/contracts';
import {
  FakeManager,
  recordingLogger,
  runRequest,
  SECRET,
  signedCancel,
  signedRun,
  signedRunBatch,
} from '@chaconne/testing';
import { MANAGER_RECIPIENT, SignatureDirection, signRequest } from '@chaconne/contracts/signing';
import { MAX_REQUEST_BYTES } from './raw-body';
import { ChaconneWorker } from '../chaconne-worker';

describe('run endpoint security and dedupe', () => {
  let manager: FakeManager;
  let worker: ChaconneWorker;
  const handler = jest.fn((ctx: { attachment: string | null }) => ({ echoed: ctx.attachment }));

  beforeAll(async () => {
    manager = await FakeManager.start();
    worker = new ChaconneWorker({
      managerUrl: manager.url,
      secret: SECRET,
      clusterName: 'test-cluster',
      groupName: 'test-group',
      instanceId: 'worker-a',
      port: 1,
      logger: recordingLogger(),
      retryBackoff: { initialMs: 10, maxMs: 20 },
    });
    worker.addDynamicJob('EtlJob', handler);
  });

  afterAll(async () => {
    await worker.close();
    await manager.close();
  });

  beforeEach(() => {
    handler.mockClear();
  });

  async function refusal(
    request: Parameters<ChaconneWorker['handle']>[0],
  ): Promise<{ status: number; body: ApiFailure }> {
    const response = await worker.handle(request);
    return { status: response.status, body: JSON.parse(response.body) as ApiFailure };
  }

  const run = (...args: Parameters<typeof runRequest>) => signedRun(worker.instanceId, runRequest(...args));
  const reported = (runId: number) => manager.to(ManagerRoutes.report(runId));

  async function expectHandlerNotRun(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(handler).not.toHaveBeenCalled();
    expect(worker.activeRuns).toBe(0);
  }

  it('refuses an unsigned request with 401 BAD_SIGNATURE', async () => {
    const request = run({ runId: 101 });
    request.headers = { 'content-type': request.headers['content-type'] };
    expect(await refusal(request)).toEqual({
      status: 401,
      body: { success: false, msg: 'signature is missing', code: ErrorCode.BAD_SIGNATURE, data: null },
    });
    await expectHandlerNotRun();
  });

  it('refuses a tampered body with 401 BAD_SIGNATURE', async () => {
    const request = run({ runId: 102 });
    request.rawBody = Buffer.from(request.rawBody.toString('utf8').replace('"attempt":0', '"attempt":1'));
    const { status, body } = await refusal(request);
    expect([status, body.code]).toEqual([401, ErrorCode.BAD_SIGNATURE]);
    await expectHandlerNotRun();
  });

  it('refuses a request signed with another secret', async () => {
    const request = signedRun(worker.instanceId, runRequest({ runId: 103 }), { secret: 'x'.repeat(40) });
    const { status, body } = await refusal(request);
    expect([status, body.code]).toEqual([401, ErrorCode.BAD_SIGNATURE]);
    await expectHandlerNotRun();
  });

  it('refuses a request signed for another worker instance, another route, method or direction', async () => {
    const text = JSON.stringify(runRequest({ runId: 111 }));
    const other = signedRun('worker-b', text);
    const cancelRoute = signedRun(worker.instanceId, text, { path: WorkerRoutes.cancel(111) });
    const asSigned = (
      direction: SignatureDirection,
      recipient: string,
      method = 'POST',
    ): Parameters<ChaconneWorker['handle']>[0] => ({
      ...run({ runId: 111 }),
      headers: {
        'content-type': 'application/vnd.chaconne.v2+json',
        [ProtocolHeader.PROTOCOL]: '2',
        ...signRequest(SECRET, { direction, method, path: WorkerRoutes.runs, recipient }, text),
      },
      rawBody: Buffer.from(text),
    });
    for (const request of [
      other,
      { ...cancelRoute, path: WorkerRoutes.runs },
      asSigned(SignatureDirection.WORKER_TO_MANAGER, worker.instanceId),
      asSigned(SignatureDirection.WORKER_TO_MANAGER, MANAGER_RECIPIENT),
      asSigned(SignatureDirection.MANAGER_TO_WORKER, worker.instanceId, 'PUT'),
    ]) {
      const { status, body } = await refusal(request);
      expect([status, body.code]).toEqual([401, ErrorCode.BAD_SIGNATURE]);
    }
    await expectHandlerNotRun();
    // The control: the same bytes signed for this instance and route are taken.
    expect((await worker.handle(asSigned(SignatureDirection.MANAGER_TO_WORKER, 'worker-a'))).status).toBe(
      202,
    );
    await manager.waitFor('the report of run 111', () => reported(111).length > 0);
  });

  it('refuses a stale request with 401 STALE_REQUEST', async () => {
    const request = signedRun(worker.instanceId, runRequest({ runId: 104 }), {
      now: Date.now() - SIGNATURE_MAX_AGE_MS - 1_000,
    });
    const { status, body } = await refusal(request);
    expect([status, body.code]).toEqual([401, ErrorCode.STALE_REQUEST]);
    await expectHandlerNotRun();
  });

  it('refuses a replayed request with 401 REPLAYED_REQUEST and runs the handler once', async () => {
    const request = run({ runId: 105 });
    expect((await worker.handle(request)).status).toBe(202);
    const replay = await refusal(request);
    expect([replay.status, replay.body.code]).toEqual([401, ErrorCode.REPLAYED_REQUEST]);
    await manager.waitFor('the report of run 105', () => reported(105).length > 0);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('answers a re-sent runId 202 duplicate without running the handler again', async () => {
    const first = await worker.handle(run({ runId: 106 }));
    const again = await worker.handle(run({ runId: 106 }));
    expect([first.status, JSON.parse(first.body) as RunAccepted]).toEqual([
      202,
      { accepted: true, duplicate: false },
    ]);
    expect([again.status, JSON.parse(again.body) as RunAccepted]).toEqual([
      202,
      { accepted: true, duplicate: true },
    ]);
    await manager.waitFor('the report of run 106', () => reported(106).length > 0);
    const afterReport = await worker.handle(run({ runId: 106 }));
    expect((JSON.parse(afterReport.body) as RunAccepted).duplicate).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(handler).toHaveBeenCalledTimes(1);
    expect(reported(106)).toHaveLength(1);
  });

  it('answers 404 NO_HANDLER for an unknown job class, and finds com.acme.EtlJob by simple name', async () => {
    const unknown = await refusal(
      run({ runId: 107, jobKey: { ...runRequest().jobKey, jobClassName: 'com.acme.Unknown' } }),
    );
    expect([unknown.status, unknown.body.code]).toEqual([404, ErrorCode.NO_HANDLER]);
    const qualified = await worker.handle(
      run({ runId: 108, jobKey: { ...runRequest().jobKey, jobClassName: 'com.acme.EtlJob' } }),
    );
    expect(qualified.status).toBe(202);
    await manager.waitFor('the report of run 108', () => reported(108).length > 0);
  });

  it('answers 409 WRONG_RECIPIENT for a run of a cluster or group this worker does not serve', async () => {
    for (const jobKey of [
      { ...runRequest().jobKey, clusterName: 'other-cluster' },
      { ...runRequest().jobKey, groupName: 'other-group' },
    ]) {
      const { status, body } = await refusal(run({ runId: 112, jobKey }));
      expect([status, body.code, body.details]).toEqual([
        409,
        ErrorCode.WRONG_RECIPIENT,
        { clusterName: 'test-cluster', groupName: 'test-group' },
      ]);
      expect(body.msg).toContain(`${jobKey.clusterName}/${jobKey.groupName}`);
    }
    await expectHandlerNotRun();
  });

  it('takes a batch of runs, answering each as its own request would', async () => {
    const batch = signedRunBatch(worker.instanceId, {
      runs: [
        runRequest({ runId: 121 }),
        runRequest({ runId: 121 }),
        runRequest({ runId: 122, jobKey: { ...runRequest().jobKey, jobClassName: 'com.acme.Unknown' } }),
        { runId: 123, jobKey: {} } as never,
        runRequest({ runId: 124, jobKey: { ...runRequest().jobKey, groupName: 'other-group' } }),
        { ...runRequest({ runId: 125 }), priority: 1 } as never,
      ],
    });
    const response = await worker.handle(batch);
    expect(response.status).toBe(200);
    const { results } = JSON.parse(response.body) as RunBatchResults;
    expect(results.map((r) => [r.runId, r.status])).toEqual([
      [121, 202],
      [121, 202],
      [122, 404],
      [123, 400],
      [124, 409],
      [125, 400],
    ]);
    expect(results[0]?.answer).toEqual({ accepted: true, duplicate: false });
    expect(results[1]?.answer).toEqual({ accepted: true, duplicate: true });
    expect(results[2]?.answer).toMatchObject({ code: ErrorCode.NO_HANDLER });
    expect((results[3]?.answer as ApiFailure).errors?.map((e) => e.field)).toEqual(
      expect.arrayContaining(['runs.3.jobKey.jobClassName', 'runs.3.plannedAt', 'runs.3.retries']),
    );
    expect(results[4]?.answer).toMatchObject({ code: ErrorCode.WRONG_RECIPIENT });
    expect((results[5]?.answer as ApiFailure).errors).toEqual([
      { field: 'runs.5.priority', reason: 'is not a known field' },
    ]);
    await manager.waitFor('the report of run 121', () => reported(121).length > 0);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('refuses a batch that is not a non-empty array of at most 200 runs, whole, and checks its signature', async () => {
    const tooMany = JSON.stringify({
      runs: Array.from({ length: 201 }, (_, i) => runRequest({ runId: 1_000 + i })),
    });
    for (const body of ['{"runs":[]}', '{"runs":{}}', tooMany]) {
      const { status, body: answer } = await refusal(signedRunBatch(worker.instanceId, body));
      expect([status, answer.code, answer.errors?.[0]?.field]).toEqual([
        400,
        ErrorCode.VALIDATION_FAILED,
        'runs',
      ]);
    }
    const notObject = await refusal(signedRunBatch(worker.instanceId, '[]'));
    expect([notObject.status, notObject.body.errors?.[0]?.field]).toEqual([400, '(body)']);
    const extra = await refusal(signedRunBatch(worker.instanceId, '{"runs":[],"force":true}'));
    expect(extra.body.errors).toEqual([
      { field: 'force', reason: 'is not a known field' },
      { field: 'runs', reason: 'must be an array of 1 to 200 run requests' },
    ]);
    const tampered = signedRunBatch(worker.instanceId, { runs: [runRequest({ runId: 124 })] });
    tampered.rawBody = Buffer.from(JSON.stringify({ runs: [runRequest({ runId: 125 })] }));
    expect((await refusal(tampered)).status).toBe(401);
    await expectHandlerNotRun();
  });

  it('answers 400 VALIDATION_FAILED listing every problem of a malformed run request', async () => {
    const { status, body } = await refusal(
      signedRun(worker.instanceId, '{"runId":"x","jobKey":{"x":1},"y":2}'),
    );
    expect([status, body.code]).toEqual([400, ErrorCode.VALIDATION_FAILED]);
    expect(body.errors?.map((e) => e.field).sort()).toEqual(
      [
        'attachment',
        'attempt',
        'jobId',
        'jobKey.clusterName',
        'jobKey.groupName',
        'jobKey.jobClassName',
        'jobKey.jobName',
        'jobKey.x',
        'plannedAt',
        'retries',
        'runId',
        'timeoutMs',
        'y',
      ].sort(),
    );
    expect(body.errors).toContainEqual({ field: 'y', reason: 'is not a known field' });
    expect(body.msg).toContain('jobKey.x: is not a known field');
  });

  it('answers 400 with the field for JSON nested too deep or carrying __proto__, after checking the signature', async () => {
    const deep = `${'['.repeat(40)}${']'.repeat(40)}`;
    const tooDeep = await refusal(signedRun(worker.instanceId, deep));
    expect([tooDeep.status, tooDeep.body.errors]).toEqual([
      400,
      [{ field: '(body)', reason: 'is nested deeper than 32 levels' }],
    ]);
    const proto = await refusal(signedRun(worker.instanceId, '{"runId":1,"jobKey":{"__proto__":{"x":1}}}'));
    expect([proto.status, proto.body.errors?.[0]?.field]).toEqual([400, 'jobKey.__proto__']);
    const notJson = await refusal(signedRun(worker.instanceId, 'not json'));
    expect([notJson.status, notJson.body.code, notJson.body.errors?.[0]?.field]).toEqual([
      400,
      ErrorCode.VALIDATION_FAILED,
      '(body)',
    ]);
    // Unsigned, the same bodies are refused for their signature: nothing is parsed first.
    const unsigned = signedRun(worker.instanceId, deep);
    unsigned.headers = { [ProtocolHeader.PROTOCOL]: '2' };
    expect((await refusal(unsigned)).body.code).toBe(ErrorCode.BAD_SIGNATURE);
  });

  it('answers 413 to a body over the limit before looking at its signature', async () => {
    const big = signedRun(
      worker.instanceId,
      runRequest({ runId: 113, attachment: 'x'.repeat(MAX_REQUEST_BYTES) }),
    );
    big.headers = {};
    const { status, body } = await refusal(big);
    expect([status, body.code, body.details]).toEqual([
      413,
      ErrorCode.PAYLOAD_TOO_LARGE,
      { limitBytes: MAX_REQUEST_BYTES },
    ]);
  });

  it('answers 400 INCOMPATIBLE_PROTOCOL to a manager speaking another protocol version, or not saying', async () => {
    const request = run({ runId: 109 });
    request.headers[ProtocolHeader.PROTOCOL] = '1';
    const { status, body } = await refusal(request);
    expect([status, body.code]).toEqual([400, ErrorCode.INCOMPATIBLE_PROTOCOL]);
    expect(body.msg).toContain('the manager speaks protocol 1; this worker speaks protocol 2');
    const said = run({ runId: 109 });
    const { [ProtocolHeader.PROTOCOL]: _version, ...unsaid } = said.headers;
    const silent = { ...said, headers: unsaid };
    const answer = await refusal(silent);
    expect([answer.status, answer.body.code]).toEqual([400, ErrorCode.INCOMPATIBLE_PROTOCOL]);
    await expectHandlerNotRun();
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const other = run();
    expect((await worker.handle({ ...other, path: '/chaconne/other' })).status).toBe(404);
    expect((await worker.handle({ ...other, method: 'GET' })).status).toBe(405);
  });

  it('answers 400 for retries that are not an integer >= 0', async () => {
    const { status, body } = await refusal(run({ runId: 110, retries: -1 }));
    expect([status, body.errors]).toEqual([400, [{ field: 'retries', reason: 'must be an integer >= 0' }]]);
    await expectHandlerNotRun();
  });

  it('answers 404 RUN_NOT_FOUND when cancelling a run that is not executing', async () => {
    const { status, body } = await refusal(signedCancel(worker.instanceId, 999));
    expect([status, body.code]).toEqual([404, ErrorCode.RUN_NOT_FOUND]);
    const withReason = await refusal(signedCancel(worker.instanceId, 999, '{"reason":"replaced by run 42"}'));
    expect([withReason.status, withReason.body.code]).toEqual([404, ErrorCode.RUN_NOT_FOUND]);
  });

  it('checks the signature of a cancel over its body, its run id and its instance', async () => {
    const request = signedCancel(worker.instanceId, 999, '{"reason":"timeout after 3000 ms"}');
    request.rawBody = Buffer.from('{"reason":"tampered"}');
    const { status, body } = await refusal(request);
    expect([status, body.code]).toEqual([401, ErrorCode.BAD_SIGNATURE]);
    const otherRun = signedCancel(worker.instanceId, 998);
    expect((await refusal({ ...otherRun, path: WorkerRoutes.cancel(999) })).status).toBe(401);
    expect((await refusal(signedCancel('worker-b', 999))).status).toBe(401);
  });

  it('answers 400 VALIDATION_FAILED to a cancel body that is not a JSON object with a reason and nothing else', async () => {
    for (const [raw, fields] of [
      ['', ['(body)']],
      ['not json', ['(body)']],
      ['["reason"]', ['(body)']],
      ['{}', ['reason']],
      ['{"reason":42}', ['reason']],
      ['{"reason":"  "}', ['reason']],
      [JSON.stringify({ reason: 'r'.repeat(1_001) }), ['reason']],
      ['{"reason":"ok","force":true}', ['force']],
    ] as const) {
      const { status, body } = await refusal(signedCancel(worker.instanceId, 999, raw));
      expect([raw, status, body.code, body.errors?.map((e) => e.field)]).toEqual([
        raw,
        400,
        ErrorCode.VALIDATION_FAILED,
        fields,
      ]);
    }
  });
});
