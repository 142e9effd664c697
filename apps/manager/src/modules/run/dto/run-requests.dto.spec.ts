import { refusedFields } from '../../../../test/support/refused-fields';
import { parseBody } from '../../../common/validation';
import {
  batchedRunReportSchema,
  runReportSchema,
  selectJobLogSchema,
  selectJobTraceSchema,
  triggerJobSchema,
} from './run-requests.dto';

const jobKey = { clusterName: 'c', groupName: 'g', jobName: 'j', jobClassName: 'J' };

describe('selectJobTrace', () => {
  it("accepts Chaconne's JobTracePageQuery, PageQuery's answer fields included", () => {
    expect(
      parseBody(selectJobTraceSchema, {
        jobKey,
        startDate: '2026-01-01T00:00:00Z',
        endDate: null,
        page: 2,
        size: 50,
        rows: 0,
        nextPage: null,
        content: null,
      }),
    ).toMatchObject({ page: 2, size: 50, startDate: new Date('2026-01-01T00:00:00Z'), endDate: null });
  });

  it('bounds paging and dates, refuses unknown fields and an end before the start, all at once', () => {
    expect(
      refusedFields(selectJobTraceSchema, {
        jobKey,
        page: 0,
        size: 1_001,
        startDate: 8_640_000_000_000_001,
        endDate: '+275760-09-13T00:00:00Z',
        days: 3,
      }),
    ).toEqual(['days', 'endDate', 'page', 'size', 'startDate']);
    expect(
      refusedFields(selectJobTraceSchema, {
        jobKey,
        page: 100_001,
        startDate: 2_000,
        endDate: 1_000,
        foo: 1,
      }),
    ).toEqual(['endDate', 'foo', 'page']);
  });
});

describe('run report', () => {
  const report = {
    instanceId: 'w1',
    startedAt: '2026-12-07T10:00:00.000Z',
    finishedAt: '2026-12-07T10:00:01.000Z',
  };
  const failed = { ...report, runningState: 0, error: { name: 'NonRetryableError', message: 'no table' } };

  it('reads whether a FAILED report may be retried, single or batched', () => {
    expect(parseBody(runReportSchema, { ...failed, retryable: false }).retryable).toBe(false);
    expect(parseBody(runReportSchema, { ...failed, retryable: true }).retryable).toBe(true);
    expect(parseBody(batchedRunReportSchema, { ...failed, retryable: false, runId: 3 })).toMatchObject({
      runId: 3,
      retryable: false,
    });
  });

  it('requires retryable on a FAILED report and refuses it on any other, with the other faults', () => {
    expect(refusedFields(runReportSchema, failed)).toEqual(['retryable']);
    expect(refusedFields(batchedRunReportSchema, { ...failed, runId: 3 })).toEqual(['retryable']);
    for (const runningState of [1, 2, 3])
      expect(refusedFields(runReportSchema, { ...report, runningState, retryable: true })).toEqual([
        'retryable',
      ]);
    expect(refusedFields(runReportSchema, { ...failed, retryable: 'no', finishedAt: 'later' })).toEqual([
      'finishedAt',
      'retryable',
    ]);
    expect(parseBody(runReportSchema, { ...report, runningState: 1 }).retryable).toBeUndefined();
  });
});

describe('selectJobLog', () => {
  it('takes a trace id as a number or a string of digits, and nothing else', () => {
    expect(parseBody(selectJobLogSchema, { jobKey, traceId: '42' }).traceId).toBe(42);
    expect(parseBody(selectJobLogSchema, { jobKey, traceId: 42 }).traceId).toBe(42);
    for (const traceId of [0, -1, 1.5, 2 ** 60, 'abc', '', true, null]) {
      expect([traceId, refusedFields(selectJobLogSchema, { jobKey, traceId })]).toEqual([
        traceId,
        ['traceId'],
      ]);
    }
  });
});

describe('triggerJob', () => {
  it("accepts Chaconne's JobParameter (retries ignored) and an object attachment as its JSON text", () => {
    expect(parseBody(triggerJobSchema, { jobKey, attachment: { a: [1] }, retries: 0, force: true })).toEqual({
      jobKey,
      attachment: '{"a":[1]}',
      retries: 0,
      force: true,
    });
    expect(parseBody(triggerJobSchema, { jobKey }).attachment).toBeUndefined();
  });

  it('refuses unknown fields, a bad key and a bad attachment together', () => {
    expect(
      refusedFields(triggerJobSchema, {
        jobKey: { ...jobKey, jobName: 'a\nb' },
        attachment: 5,
        retries: -1,
        foo: 1,
      }),
    ).toEqual(['attachment', 'foo', 'jobKey.jobName', 'retries']);
  });
});
