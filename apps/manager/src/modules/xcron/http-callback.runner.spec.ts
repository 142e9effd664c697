import { Logger } from '@nestjs/common';
import { RunningState } from '@chaconne/contracts';
import type { ManagerConfig } from '../../config/manager-config';
import type { Outcome } from '../run/run-store.service';
import { CallbackPolicy } from './callback-policy';
import { MANAGER_INSTANCE, type RunRecorder } from '../run/in-manager-runners';
import { HttpCallbackRunner, outcomeOf } from './http-callback.runner';

const started = new Date('2026-01-01T00:00:00Z');
const ended = new Date('2026-01-01T00:00:01Z');

describe('outcomeOf', () => {
  it('2xx is COMPLETED with the status as result', () => {
    expect(
      outcomeOf({ attempts: 1, last: { kind: 'response', status: 204, bodyExcerpt: '' } }, started, ended),
    ).toEqual({
      runningState: RunningState.COMPLETED,
      startedAt: started,
      finishedAt: ended,
      result: '{"status":204}',
    });
  });

  it('another status is FAILED with the status and the start of the body in the reason', () => {
    const outcome = outcomeOf(
      { attempts: 3, last: { kind: 'response', status: 500, bodyExcerpt: ' boom \n' } },
      started,
      ended,
    );
    expect(outcome).toMatchObject({
      runningState: RunningState.FAILED,
      reason: 'callback answered HTTP 500 (3 attempts): boom',
      result: '{"status":500}',
    });
    expect(
      outcomeOf({ attempts: 1, last: { kind: 'response', status: 302, bodyExcerpt: '' } }, started, ended)
        .reason,
    ).toBe('callback answered HTTP 302 (1 attempt)');
  });

  it('network errors and refusals are FAILED with what happened', () => {
    expect(
      outcomeOf(
        {
          attempts: 3,
          last: {
            kind: 'error',
            code: 'ECONNREFUSED',
            message: 'connect ECONNREFUSED 10.0.0.1:80',
            refused: false,
          },
        },
        started,
        ended,
      ).reason,
    ).toBe('callback failed after 3 attempts: connect ECONNREFUSED 10.0.0.1:80');
    expect(
      outcomeOf(
        {
          attempts: 3,
          last: {
            kind: 'error',
            code: 'ENOTFOUND',
            message: 'host test.demo.com did not resolve (ENOTFOUND)',
            refused: false,
          },
        },
        started,
        ended,
      ).reason,
    ).toBe('callback failed after 3 attempts: host test.demo.com did not resolve (ENOTFOUND)');
    expect(
      outcomeOf(
        { attempts: 1, last: { kind: 'error', code: 'EPROTO', message: 'bad record mac', refused: false } },
        started,
        ended,
      ).reason,
    ).toBe('callback failed after 1 attempt: EPROTO bad record mac');
    expect(
      outcomeOf(
        { attempts: 0, last: { kind: 'error', code: 'X', message: '10.0.0.1 is private', refused: true } },
        started,
        ended,
      ).reason,
    ).toBe('callback refused by the SSRF policy: 10.0.0.1 is private');
  });
});

describe('HttpCallbackRunner', () => {
  beforeAll(() => {
    // The runner logs refusals as warnings; they are what these tests provoke.
    Logger.overrideLogger(false);
  });

  function recorder() {
    const calls: { dispatched: [number, string, string][]; finished: [number, Outcome][] } = {
      dispatched: [],
      finished: [],
    };
    const runs: RunRecorder = {
      markDispatched: (runId, instanceId, address) => {
        calls.dispatched.push([runId, instanceId, address]);
        return Promise.resolve();
      },
      finish: (runId, outcome) => {
        calls.finished.push([runId, outcome]);
        return Promise.resolve();
      },
    };
    return { runs, calls };
  }
  const config = {
    callbackTimeoutMs: 1000,
    callbackRetries: 2,
    heartbeatIntervalMs: 60_000,
  } as ManagerConfig;

  it('marks the run dispatched to the origin, by the manager, and records a refusal as FAILED', async () => {
    const runner = new HttpCallbackRunner(new CallbackPolicy([]), config);
    const { runs, calls } = recorder();
    await runner.run(
      7,
      { job_id: 3, attachment: '{"url":"http://10.1.2.3:8080/secret?token=x","body":{}}' },
      runs,
    );
    expect(calls.dispatched).toEqual([[7, MANAGER_INSTANCE, 'http://10.1.2.3:8080']]);
    expect(calls.finished).toHaveLength(1);
    expect(calls.finished[0]?.[1]).toMatchObject({
      runningState: RunningState.FAILED,
      reason:
        'callback refused by the SSRF policy: 10.1.2.3 is private; callbacks may not reach it unless CHACONNE_CALLBACK_ALLOWLIST allows it',
    });
    runner.onApplicationShutdown();
  });

  it('fails a run whose host still does not resolve, after the retries, saying so', async () => {
    let lookups = 0;
    const policy = new CallbackPolicy([], (hostname) => {
      lookups++;
      return Promise.reject(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
      );
    });
    const runner = new HttpCallbackRunner(policy, config);
    const { runs, calls } = recorder();
    await runner.run(
      9,
      { job_id: 5, attachment: '{"url":"http://test.demo.com:8810","body":{"count":1}}' },
      runs,
    );
    expect(calls.dispatched).toEqual([[9, MANAGER_INSTANCE, 'http://test.demo.com:8810']]);
    expect(calls.finished).toEqual([
      [
        9,
        expect.objectContaining({
          runningState: RunningState.FAILED,
          reason: 'callback failed after 3 attempts: host test.demo.com did not resolve (ENOTFOUND)',
          errorMessage: 'host test.demo.com did not resolve (ENOTFOUND)',
        }) as Outcome,
      ],
    ]);
    // 1 + callbackRetries: a name that does not resolve may only be late (EAI_AGAIN), so it is retried.
    expect(lookups).toBe(3);
    runner.onApplicationShutdown();
  });

  it('fails a run whose job has no callback attachment, without dispatching it', async () => {
    const runner = new HttpCallbackRunner(new CallbackPolicy([]), config);
    const { runs, calls } = recorder();
    await runner.run(8, { job_id: 4, attachment: 'not json' }, runs);
    expect(calls.dispatched).toEqual([]);
    expect(calls.finished[0]?.[1]).toMatchObject({
      runningState: RunningState.FAILED,
      reason: 'job 4 is an http job without a callback { url, body } attachment',
    });
    runner.onApplicationShutdown();
  });
});
