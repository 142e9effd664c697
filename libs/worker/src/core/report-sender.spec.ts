import {
  ErrorCode,
  ManagerRoutes,
  RunningState,
  type RunReport,
  type RunReportBatch,
  type RunReportResult,
} from '@chaconne/contracts';
import { ManagerRequestError } from './errors';
import type { ManagerTransport } from './manager-client';
import { ReportSender } from './report-sender';

interface Call {
  path: string;
  payload: unknown;
  answer: (value: unknown) => void;
  fail: (error: unknown) => void;
}

/** A transport whose requests stay open until the test answers them. */
class HeldTransport implements ManagerTransport {
  readonly calls: Call[] = [];

  post<T>(path: string, payload: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.calls.push({
        path,
        payload,
        answer: (value) => {
          resolve(value as T);
        },
        fail: reject,
      });
    });
  }

  /** The run ids of the call at `index` (a batch's, or one report's from its route). */
  runIds(index: number): number[] {
    const call = this.calls[index];
    if (!call) throw new Error(`no call ${index}`);
    if (call.path === ManagerRoutes.reports)
      return (call.payload as RunReportBatch).reports.map((r) => r.runId);
    return [Number(/\/worker\/runs\/(\d+)\/report/.exec(call.path)?.[1])];
  }

  /** Answers a batch call: every report accepted but those given. */
  answerBatch(index: number, special: Record<number, RunReportResult> = {}): void {
    const results = this.runIds(index).map((runId) => special[runId] ?? { runId, accepted: true });
    this.calls[index]?.answer({ results });
  }
}

const report = (result: unknown = null): RunReport => ({
  instanceId: 'w-1',
  runningState: RunningState.COMPLETED,
  result,
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:00.010Z',
});

/** Lets pending promise callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function sender(limit?: number): { transport: HeldTransport; reports: ReportSender } {
  const transport = new HeldTransport();
  const reports = new ReportSender(transport, new AbortController().signal);
  if (limit !== undefined) reports.useBatchLimit(limit);
  return { transport, reports };
}

describe('ReportSender', () => {
  it('sends one report per batch request until the manager announces its limit', async () => {
    const { transport, reports } = sender();
    const sent = [1, 2, 3].map((runId) => reports.send(runId, report()));
    expect(transport.calls.map((c) => c.path)).toEqual([ManagerRoutes.reports, ManagerRoutes.reports]);
    transport.answerBatch(0);
    transport.answerBatch(1);
    await settle();
    expect([0, 1, 2].map((i) => transport.runIds(i))).toEqual([[1], [2], [3]]);
    transport.answerBatch(2);
    await expect(Promise.all(sent)).resolves.toEqual([undefined, undefined, undefined]);
  });

  it('sends at once while fewer than two requests are under way, and the reports that wait together', async () => {
    const { transport, reports } = sender(500);
    const outcomes: Record<number, string> = {};
    const track = (runId: number) =>
      reports.send(runId, report({ runId })).then(
        () => (outcomes[runId] = 'taken'),
        (error: unknown) => {
          const refusal = error as ManagerRequestError;
          outcomes[runId] = `${refusal.status ?? '-'} ${refusal.code ?? '-'}`;
        },
      );
    const all = [1, 2, 3, 4, 5].map(track);
    expect(transport.calls).toHaveLength(2);
    expect([transport.runIds(0), transport.runIds(1)]).toEqual([[1], [2]]);
    expect((transport.calls[0]?.payload as RunReportBatch).reports[0]).toEqual({
      runId: 1,
      ...report({ runId: 1 }),
    });

    transport.answerBatch(0);
    await settle();
    // Reports 3 to 5 waited: they go in one request, in order.
    expect(transport.calls).toHaveLength(3);
    expect(transport.runIds(2)).toEqual([3, 4, 5]);
    transport.answerBatch(1);
    transport.answerBatch(2, {
      4: { runId: 4, error: { status: 404, code: ErrorCode.RUN_NOT_FOUND, msg: 'no run 4' } },
    });
    await Promise.all(all);
    expect(outcomes).toEqual({
      1: 'taken',
      2: 'taken',
      3: 'taken',
      4: `404 ${ErrorCode.RUN_NOT_FOUND}`,
      5: 'taken',
    });
  });

  it("keeps to the manager's limit per request", async () => {
    const { transport, reports } = sender(2);
    const all = [1, 2, 3, 4, 5, 6, 7].map((runId) => reports.send(runId, report()));
    transport.answerBatch(0);
    transport.answerBatch(1);
    await settle();
    expect([2, 3].map((i) => transport.runIds(i))).toEqual([
      [3, 4],
      [5, 6],
    ]);
    transport.answerBatch(2);
    transport.answerBatch(3);
    await settle();
    expect(transport.runIds(4)).toEqual([7]);
    transport.answerBatch(4);
    await Promise.all(all);
    expect(transport.calls).toHaveLength(5);
  });

  it("fails every report of a request that got no answer, with that request's error", async () => {
    const { transport, reports } = sender(500);
    const first = reports.send(1, report());
    transport.calls[0]?.fail(
      new ManagerRequestError('POST /worker/reports: no answer from the manager (ECONNREFUSED)', null),
    );
    await expect(first).rejects.toMatchObject({
      status: null,
      message: expect.stringContaining('ECONNREFUSED') as string,
    });
  });

  it('fails a batch whose answer does not match it, so its reports are sent again', async () => {
    const { transport, reports } = sender(500);
    const first = reports.send(1, report());
    transport.calls[0]?.answer({ results: [] });
    await expect(first).rejects.toThrow('the manager answered 0 result(s) for 1 report(s)');
  });

  it('sends the reports of a batch the manager refuses whole (413) each to its own route', async () => {
    const { transport, reports } = sender(500);
    const first = reports.send(1, report());
    const waiting = [reports.send(2, report()), reports.send(3, report())];
    transport.answerBatch(0);
    await first;
    await settle();
    expect(transport.runIds(2)).toEqual([3]);
    transport.calls[1]?.fail(
      new ManagerRequestError('POST /worker/reports: manager answered 413', 413, ErrorCode.PAYLOAD_TOO_LARGE),
    );
    await settle();
    expect(transport.calls[3]?.path).toBe(ManagerRoutes.report(2));
    transport.calls[3]?.answer({ accepted: true });
    transport.answerBatch(2);
    await expect(Promise.all(waiting)).resolves.toEqual([undefined, undefined]);
  });

  it('fails the reports of a batch answered 404, as any refusal of the request (no route fallback)', async () => {
    const { transport, reports } = sender(500);
    const first = reports.send(1, report());
    transport.calls[0]?.fail(
      new ManagerRequestError(
        'POST /worker/reports: manager answered 404 NOT_FOUND',
        404,
        ErrorCode.NOT_FOUND,
      ),
    );
    await expect(first).rejects.toMatchObject({ status: 404 });
    expect(transport.calls).toHaveLength(1);
    const later = reports.send(2, report());
    expect(transport.calls[1]?.path).toBe(ManagerRoutes.reports);
    transport.answerBatch(1);
    await later;
  });

  it('sends a report too large to share a request on its own route', async () => {
    const { transport, reports } = sender(500);
    const big = reports.send(1, report('x'.repeat(1024 * 1024 + 1)));
    expect(transport.calls[0]?.path).toBe(ManagerRoutes.report(1));
    transport.calls[0]?.answer({ accepted: true });
    await big;
  });
});
