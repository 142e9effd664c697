import { JobTerminationError, jobFromInstance, type JobContext, type JobLogger } from '@chaconne/worker';
import { EvenMinuteJob } from '../src/jobs/even-minute.job';
import { FlakyJob } from '../src/jobs/flaky.job';
import { HealthCheckJob } from '../src/jobs/health-check.job';
import { HelloWorldJob } from '../src/jobs/hello-world.job';
import { SlowJob } from '../src/jobs/slow.job';
import { TerminatingJob } from '../src/jobs/terminating.job';

function context(
  attachment: string | null,
  overrides: Partial<JobContext> = {},
): JobContext & { lines: string[] } {
  const lines: string[] = [];
  const write = (message: string, ...args: unknown[]): void => {
    let i = 0;
    lines.push(message.replace(/\{\}/g, () => String(args[i++])));
  };
  const log: JobLogger = { trace: write, debug: write, info: write, warn: write, error: write };
  return {
    jobKey: { clusterName: 'c', groupName: 'g', jobName: 'j', jobClassName: 'J' },
    jobId: 1,
    runId: 1,
    attempt: 0,
    retries: 0,
    isLastAttempt: true,
    attachment,
    plannedAt: new Date(2026, 0, 1, 10, 4),
    signal: new AbortController().signal,
    log,
    instanceId: 'demo-1',
    lines,
    ...overrides,
  };
}

describe('the demo jobs', () => {
  it('EvenMinuteJob skips odd minutes with a reason and runs even ones', async () => {
    const job = jobFromInstance(new EvenMinuteJob());
    expect(await job.shouldRun?.(context(null))).toBe(true); // planned at 10:04
    expect(await job.shouldRun?.(context('{"minute": 7}'))).toBe(
      'odd minute (7): EvenMinuteJob runs on even minutes only',
    );
    expect(job.execute(context('{"minute": 8}'))).toBe(8);
  });

  it('TerminatingJob ends the job only when its attachment says so', () => {
    const job = new TerminatingJob();
    expect(job.execute(context('{"terminate": false}'))).toBe('continuing');
    expect(() => job.execute(context('{"terminate": true}'))).toThrow(JobTerminationError);
  });

  it('SlowJob logs when its signal aborts and stops at once', async () => {
    const controller = new AbortController();
    const ctx = context('{"ms": 10000}', { signal: controller.signal });
    const running = new SlowJob().execute(ctx);
    setTimeout(() => {
      controller.abort(new Error('timeout after 50 ms'));
    }, 50);
    await expect(running).rejects.toThrow();
    expect(ctx.lines).toEqual([
      'SlowJob: working for 10000 ms',
      expect.stringMatching(/^SlowJob: signal aborted after \d+ ms: timeout after 50 ms$/),
    ]);
  });

  it('SlowJob logs its progress every second and works for the time it was given', async () => {
    const slept: number[] = [];
    const job = new SlowJob((ms) => {
      slept.push(ms);
      return Promise.resolve();
    });
    const ctx = context('{"ms": 2500}');
    expect(await job.execute(ctx)).toEqual({ workedMs: 2500 });
    expect(slept).toEqual([1000, 1000, 500]);
    expect(ctx.lines).toEqual([
      'SlowJob: working for 2500 ms',
      'SlowJob: 1000 of 2500 ms done',
      'SlowJob: 2000 of 2500 ms done',
      expect.stringMatching(/^SlowJob: done after \d+ ms$/),
    ]);
  });

  it('FlakyJob fails while the attempt is below failUntilAttempt, then reports the attempt and the instance', () => {
    const job = new FlakyJob();
    const attachment = '{"failUntilAttempt": 2}';
    for (const attempt of [0, 1]) {
      expect(() => job.execute(context(attachment, { attempt, retries: 3 }))).toThrow(
        new Error(`FlakyJob: failing attempt ${attempt}`),
      );
    }
    expect(job.execute(context(attachment, { attempt: 2, retries: 3 }))).toEqual({
      attempt: 2,
      instanceId: 'demo-1',
    });
    expect(job.execute(context(null))).toEqual({ attempt: 0, instanceId: 'demo-1' });
  });

  it('HealthCheckJob returns a UUID and HelloWorldJob "Hello World!"', () => {
    expect(new HealthCheckJob().execute(context(null))).toMatch(/^[0-9a-f-]{36}$/);
    expect(new HelloWorldJob().execute(context(null))).toBe('Hello World!');
  });
});
