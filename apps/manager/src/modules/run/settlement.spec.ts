import { DEFAULT_RUN_POLICY, JobState, RunningState } from '@chaconne/contracts';
import type { SettlingRun } from './run-store.service';
import { decideSettlement, type FailureKind } from './settlement';

const NOW = Date.parse('2026-12-07T12:00:00Z');

/** A run of a job with 3 retries and a 1 s timeout, at `attempt`, its job in `jobState`. */
function settling(
  attempt: number,
  jobState: JobState = JobState.SCHEDULING,
): Pick<SettlingRun, 'run' | 'job'> {
  return {
    run: {
      runId: 10 + attempt,
      jobId: 1,
      instanceId: 'w1',
      plannedAt: new Date(NOW - 5_000),
      attempt,
      firstRunId: attempt === 0 ? null : 10,
      triggerType: 1,
    },
    job: {
      jobKey: { clusterName: 'c', groupName: 'g', jobName: 'n', jobClassName: 'J' },
      email: '',
      retries: 3,
      timeoutMs: 1_000,
      policy: { ...DEFAULT_RUN_POLICY, freezeAfterTimeouts: 2 },
      jobState,
      consecutiveFailures: 0,
      consecutiveTimeouts: 0,
      freezeCount: 0,
      scheduleMayHaveEnded: false,
    },
  };
}

const decide = (attempt: number, failure: FailureKind, jobState?: JobState) =>
  decideSettlement(settling(attempt, jobState), RunningState.FAILED, failure, NOW);

describe('decideSettlement', () => {
  it('retries a failed attempt while attempts remain, and fails for good on the last', () => {
    for (const attempt of [0, 1, 2])
      expect(decide(attempt, 'execution')).toMatchObject({ retry: true, finalFailure: false });
    expect(decide(3, 'execution')).toMatchObject({ retry: false, finalFailure: true });
  });

  it('never retries a non-retryable failure: the first attempt is the final failure', () => {
    for (const attempt of [0, 1, 2, 3]) {
      expect(decide(attempt, 'non-retryable')).toMatchObject({
        retry: false,
        finalFailure: true,
        countsAsFailure: true,
        freeze: false,
      });
    }
  });

  it('retries lost, undispatched and timed-out attempts like handler failures', () => {
    for (const failure of ['worker-lost', 'dispatch', 'timeout'] as const)
      expect(decide(0, failure)).toMatchObject({ retry: true, finalFailure: false });
  });

  it('does not retry nor count a replaced or operator-cancelled run as a failure of the job', () => {
    for (const failure of ['replaced', 'operator'] as const)
      expect(decide(0, failure)).toMatchObject({ retry: false, finalFailure: false, countsAsFailure: false });
  });

  it('does not retry a failure of a finished or frozen job', () => {
    expect(decide(0, 'execution', JobState.FINISHED)).toMatchObject({ retry: false, finalFailure: true });
    expect(decide(0, 'execution', JobState.FROZEN)).toMatchObject({ retry: false, finalFailure: true });
  });

  it('freezes the job at its second timeout in a row instead of retrying, for timeout x 2', () => {
    const second = settling(0);
    second.job.consecutiveTimeouts = 1;
    expect(decideSettlement(second, RunningState.FAILED, 'timeout', NOW)).toMatchObject({
      timedOut: true,
      timeoutsInARow: 2,
      freeze: true,
      frozenUntil: new Date(NOW + 2_000),
      retry: false,
      finalFailure: true,
    });
  });

  it('counts nothing as a failure for a completed run, and resets the timeouts in a row', () => {
    const after = settling(1);
    after.job.consecutiveTimeouts = 1;
    expect(decideSettlement(after, RunningState.COMPLETED, 'execution', NOW)).toMatchObject({
      completed: true,
      timeoutsInARow: 0,
      retry: false,
      finalFailure: false,
      countsAsFailure: false,
    });
  });
});
