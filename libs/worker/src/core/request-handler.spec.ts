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
import { FakeManager, recordingLogger, runRequest, SECRET, signedCancel, signedRun } from '@chaconne/testing';
import { ChaconneWorker } from './worker';

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

  async function expectHandlerNotRun(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(handler).not.toHaveBeenCalled();
    expect(worker.activeRuns).toBe(0);
  }

  it('refuses an unsigned request with 401 BAD_SIGNATURE', async () => {
    const request = signedRun(runRequest({ runId: 101 }));
    request.headers = { 'content-type': request.headers['content-type'] };
    expect(await refusal(request)).toEqual({
      status: 401,
      body: { success: false, msg: 'signature is missing', code: ErrorCode.BAD_SIGNATURE, data: null },
    });
    await expectHandlerNotRun();
  });

  it('refuses a tampered body with 401 BAD_SIGNATURE', async () => {
    const request = signedRun(runRequest({ runId: 102 }));
    request.rawBody = Buffer.from(request.rawBody.toString('utf8').replace('"attempt":0', '"attempt":1'));
    const { status, body } = await refusal(request);
    expect([status, body.code]).toEqual([401, ErrorCode.BAD_SIGNATURE]);
    await expectHandlerNotRun();
  });

  it('refuses a request signed with another secret', async () => {
    const { status, body } = await refusal(signedRun(runRequest({ runId: 103 }), undefined, 'x'.repeat(40)));
    expect([status, body.code]).toEqual([401, ErrorCode.BAD_SIGNATURE]);
    await expectHandlerNotRun();
  });

  it('refuses a stale request with 401 STALE_REQUEST', async () => {
    const { status, body } = await refusal(
      signedRun(runRequest({ runId: 104 }), Date.now() - SIGNATURE_MAX_AGE_MS - 1_000),
    );
    expect([status, body.code]).toEqual([401, ErrorCode.STALE_REQUEST]);
    await expectHandlerNotRun();
  });

  it('refuses a replayed request with 401 REPLAYED_REQUEST and runs the handler once', async () => {
    const request = signedRun(runRequest({ runId: 105 }));
    expect((await worker.handle(request)).status).toBe(202);
    const replay = await refusal(request);
    expect([replay.status, replay.body.code]).toEqual([401, ErrorCode.REPLAYED_REQUEST]);
    await manager.waitFor('the report of run 105', () => manager.to(ManagerRoutes.report(105)).length > 0);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('answers a re-sent runId 202 duplicate without running the handler again', async () => {
    const first = await worker.handle(signedRun(runRequest({ runId: 106 })));
    const again = await worker.handle(signedRun(runRequest({ runId: 106 })));
    expect([first.status, JSON.parse(first.body) as RunAccepted]).toEqual([
      202,
      { accepted: true, duplicate: false },
    ]);
    expect([again.status, JSON.parse(again.body) as RunAccepted]).toEqual([
      202,
      { accepted: true, duplicate: true },
    ]);
    await manager.waitFor('the report of run 106', () => manager.to(ManagerRoutes.report(106)).length > 0);
    const afterReport = await worker.handle(signedRun(runRequest({ runId: 106 })));
    expect((JSON.parse(afterReport.body) as RunAccepted).duplicate).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(handler).toHaveBeenCalledTimes(1);
    expect(manager.to(ManagerRoutes.report(106))).toHaveLength(1);
  });

  it('answers 404 NO_HANDLER for an unknown job class, and finds com.acme.EtlJob by simple name', async () => {
    const unknown = await refusal(
      signedRun(
        runRequest({ runId: 107, jobKey: { ...runRequest().jobKey, jobClassName: 'com.acme.Unknown' } }),
      ),
    );
    expect([unknown.status, unknown.body.code]).toEqual([404, ErrorCode.NO_HANDLER]);
    const qualified = await worker.handle(
      signedRun(
        runRequest({ runId: 108, jobKey: { ...runRequest().jobKey, jobClassName: 'com.acme.EtlJob' } }),
      ),
    );
    expect(qualified.status).toBe(202);
    await manager.waitFor('the report of run 108', () => manager.to(ManagerRoutes.report(108)).length > 0);
  });

  it('takes a batch of runs, answering each as its own request would', async () => {
    const batch = signedRun(
      JSON.stringify({
        runs: [
          runRequest({ runId: 121 }),
          runRequest({ runId: 121 }),
          runRequest({ runId: 122, jobKey: { ...runRequest().jobKey, jobClassName: 'com.acme.Unknown' } }),
          { runId: 123, jobKey: {} },
        ],
      }),
    );
    batch.path = WorkerRoutes.runBatch;
    const response = await worker.handle(batch);
    expect(response.status).toBe(200);
    const { results } = JSON.parse(response.body) as RunBatchResults;
    expect(results.map((r) => [r.runId, r.status])).toEqual([
      [121, 202],
      [121, 202],
      [122, 404],
      [123, 400],
    ]);
    expect(results[0]?.answer).toEqual({ accepted: true, duplicate: false });
    expect(results[1]?.answer).toEqual({ accepted: true, duplicate: true });
    expect(results[2]?.answer).toMatchObject({ code: ErrorCode.NO_HANDLER });
    expect((results[3]?.answer as ApiFailure).errors?.map((e) => e.field)).toEqual(
      expect.arrayContaining(['runs.3.jobKey.jobClassName', 'runs.3.plannedAt']),
    );
    await manager.waitFor('the report of run 121', () => manager.to(ManagerRoutes.report(121)).length > 0);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('refuses a batch that is not a non-empty array of runs, whole, and checks its signature', async () => {
    for (const body of ['{"runs":[]}', '{"runs":{}}', '[]']) {
      const request = signedRun(body);
      request.path = WorkerRoutes.runBatch;
      const { status, body: answer } = await refusal(request);
      expect([status, answer.code, answer.errors?.[0]?.field]).toEqual([
        400,
        ErrorCode.VALIDATION_FAILED,
        'runs',
      ]);
    }
    const tampered = signedRun(JSON.stringify({ runs: [runRequest({ runId: 124 })] }));
    tampered.path = WorkerRoutes.runBatch;
    tampered.rawBody = Buffer.from(JSON.stringify({ runs: [runRequest({ runId: 125 })] }));
    expect((await refusal(tampered)).status).toBe(401);
    await expectHandlerNotRun();
  });

  it('answers 400 VALIDATION_FAILED with field errors for a malformed run request', async () => {
    const { status, body } = await refusal(signedRun('{"runId":"x"}'));
    expect([status, body.code]).toEqual([400, ErrorCode.VALIDATION_FAILED]);
    expect(body.errors?.map((e) => e.field)).toEqual(
      expect.arrayContaining(['runId', 'jobKey.jobClassName', 'plannedAt']),
    );
  });

  it('answers 400 INCOMPATIBLE_PROTOCOL to a manager speaking another protocol version', async () => {
    const request = signedRun(runRequest({ runId: 109 }));
    request.headers[ProtocolHeader.PROTOCOL] = '2';
    const { status, body } = await refusal(request);
    expect([status, body.code]).toEqual([400, ErrorCode.INCOMPATIBLE_PROTOCOL]);
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const other = signedRun(runRequest());
    expect((await worker.handle({ ...other, path: '/chaconne/other' })).status).toBe(404);
    expect((await worker.handle({ ...other, method: 'GET' })).status).toBe(405);
  });

  it('answers 400 for retries that are not an integer >= 0 (an absent one is fine)', async () => {
    const { status, body } = await refusal(signedRun(runRequest({ runId: 110, retries: -1 })));
    expect([status, body.errors]).toEqual([400, [{ field: 'retries', reason: 'must be an integer >= 0' }]]);
    await expectHandlerNotRun();
  });

  it('answers 404 RUN_NOT_FOUND when cancelling a run that is not executing', async () => {
    const { status, body } = await refusal(signedCancel(999));
    expect([status, body.code]).toEqual([404, ErrorCode.RUN_NOT_FOUND]);
    const withReason = await refusal(signedCancel(999, '{"reason":"replaced by run 42"}'));
    expect([withReason.status, withReason.body.code]).toEqual([404, ErrorCode.RUN_NOT_FOUND]);
  });

  it('checks the signature of a cancel over its body', async () => {
    const request = signedCancel(999, '{"reason":"timeout after 3000 ms"}');
    request.rawBody = Buffer.from('{"reason":"tampered"}');
    const { status, body } = await refusal(request);
    expect([status, body.code]).toEqual([401, ErrorCode.BAD_SIGNATURE]);
  });

  it('answers 400 VALIDATION_FAILED to a cancel body that is not a JSON object with a string reason', async () => {
    for (const [raw, field] of [
      ['not json', '(body)'],
      ['["reason"]', '(body)'],
      ['{"reason":42}', 'reason'],
    ]) {
      const { status, body } = await refusal(signedCancel(999, raw));
      expect([status, body.code, body.errors?.[0]?.field]).toEqual([400, ErrorCode.VALIDATION_FAILED, field]);
    }
  });
});
