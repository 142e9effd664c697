import {
  BackoffPolicy,
  type JobDetail,
  type JobKey,
  type JobPersistParameter,
  JobState,
  OverlapPolicy,
  RunningState,
  SchedulingUnit,
  type TriggerDefinition,
  TriggerType,
  type JobTrace,
} from '@chaconne/contracts';
import { chaconneBody, queryDatabase, sleep, waitFor } from '@chaconne/testing';
import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import {
  adminPost,
  isoMs,
  jobTraces,
  newStack,
  type ProcessHandle,
  runLogs,
  startDemoWorker,
  startManager,
  triggerJob,
  waitForOutcome,
  tearDown,
} from './support/processes';

/**
 * The run policy of issue 5 end to end, with one manager, one demo worker and a real SMTP
 * server: timeouts abort the handler, repeated timeouts freeze the job for a doubling
 * cool-down (persisted across a manager restart), repeat counts and consecutive failures
 * finish the job (with alert mails), retries wait for their backoff, and a handler may end
 * its own job.
 */

/** One mail the test SMTP server accepted. */
interface Mail {
  at: number;
  to: string[];
  subject: string;
  text: string;
}

/** Plain SMTP on a loopback port (no STARTTLS, no AUTH needed) keeping every mail it accepts. */
class MailCatcher {
  readonly mails: Mail[] = [];
  private readonly server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    closeTimeout: 100,
    onData: (stream, session, callback) => {
      simpleParser(stream)
        .then((mail) => {
          const to = [mail.to ?? []]
            .flat()
            .flatMap((a: AddressObject) => a.value.map((v) => v.address ?? ''));
          this.mails.push({
            at: Date.now(),
            to: [...new Set([...to, ...session.envelope.rcptTo.map((r) => r.address)])],
            subject: mail.subject ?? '',
            text: mail.text ?? '',
          });
          callback();
        })
        .catch((error: unknown) => {
          callback(error as Error);
        });
    },
  });

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        const address = this.server.server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.server.listening) {
        resolve();
        return;
      }
      this.server.close(resolve);
    });
  }

  /** The mails sent to `address` about the job `jobName` of the demo worker's group. */
  about(address: string, jobName: string): Mail[] {
    const path = `demo-cluster/demo-worker/${jobName} `;
    return this.mails.filter((m) => m.to.includes(address) && m.subject.includes(path));
  }
}

/** Lines of a process with the time the test received them (an upper bound of when they were logged). */
function timedLines(handle: ProcessHandle): { at: number; line: string }[] {
  const lines: { at: number; line: string }[] = [];
  const collect = (chunk: Buffer): void => {
    const at = Date.now();
    for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push({ at, line });
  };
  handle.child.stdout?.on('data', collect);
  handle.child.stderr?.on('data', collect);
  return lines;
}

const stack = newStack();
const smtp = new MailCatcher();
let managerEnv: Record<string, string> = {};
let manager: { handle: ProcessHandle; url: string } | undefined;
let managerLines: { at: number; line: string }[] = [];
let worker: { handle: ProcessHandle; url: string } | undefined;

beforeAll(async () => {
  const smtpPort = await smtp.listen();
  managerEnv = {
    CHACONNE_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    CHACONNE_ALERT_FROM: 'Chaconne <chaconne@example.com>',
    CHACONNE_ALERT_THROTTLE_MS: '0',
  };
  manager = await startManager(stack, managerEnv);
  managerLines = timedLines(manager.handle);
  worker = await startDemoWorker(stack, manager.url);
  await manager.handle.waitForLine(/registered .*demo-cluster\/demo-worker/, 30_000);
}, 90_000);

afterAll(async () => {
  await tearDown(stack, worker, manager, smtp);
});

function managerUrl(): string {
  if (!manager) throw new Error('manager not started');
  return manager.url;
}

const ms = isoMs;

const EVERY_SECOND: TriggerDefinition = {
  triggerType: TriggerType.CRON,
  triggerDescription: { cron: { expression: '*/1 * * * * ?' } },
  repeatCount: -1,
};
const ON_DEMAND: TriggerDefinition = { triggerType: TriggerType.SIMPLE };

/** A persistJob body for a job of the demo worker's group, Chaconne's defaults plus `fields`. */
function jobBody(
  jobName: string,
  jobClassName: string,
  attachment: string,
  trigger: TriggerDefinition,
  fields: Partial<Omit<JobPersistParameter, 'jobKey' | 'trigger' | 'attachment'>> = {},
): JobPersistParameter {
  return { ...chaconneBody(jobName, jobClassName), attachment, ...fields, trigger };
}

async function persist(body: JobPersistParameter): Promise<number> {
  const res = await adminPost<number>(stack, managerUrl(), '/job/admin/persistJob', body);
  if (res.status !== 200) throw new Error(`persistJob answered ${res.status}: ${res.body.msg}`);
  return res.body.data;
}

async function jobDetail(jobKey: JobKey): Promise<JobDetail> {
  const res = await adminPost<JobDetail>(stack, managerUrl(), '/job/admin/getJobDetail', jobKey);
  if (res.status !== 200) throw new Error(`getJobDetail answered ${res.status}: ${res.body.msg}`);
  return res.body.data;
}

/** Waits until the run's log contains a line matching `pattern` (logs ship apart from the report). */
function waitForLog(jobKey: JobKey, traceId: number, pattern: RegExp, timeoutMs = 5_000): Promise<string[]> {
  return waitFor(
    `a log line ${String(pattern)} of run ${traceId}`,
    async () => {
      const logs = await runLogs(stack, managerUrl(), jobKey, traceId);
      return logs.some((l) => pattern.test(l)) ? logs : undefined;
    },
    timeoutMs,
  );
}

describe('timeout', () => {
  it('stops the handler at the timeout: FAILED with a timeout reason, the handler saw the abort', async () => {
    const body = jobBody('timeout', 'SlowJob', '{"ms": 10000}', ON_DEMAND, {
      timeout: 1_500,
      retries: 0,
      freezeAfterTimeouts: 0,
    });
    await persist(body);
    const triggeredAt = Date.now();
    const traceId = await triggerJob(stack, managerUrl(), body.jobKey);
    // 1.5 s of work, then the worker's own timer aborts it; 8 s is ample for a loaded machine.
    const run = await waitForOutcome(stack, managerUrl(), body.jobKey, traceId, 8_000);
    const outcomeAfterMs = Date.now() - triggeredAt;

    expect(run.runningState).toBe(RunningState.FAILED);
    expect(run.reason).toContain('timeout');
    const ranMs = ms(run.completionTime) - ms(run.executionTime);
    // It ran for its timeout, not for the 10 s of work it was given.
    expect(ranMs).toBeGreaterThanOrEqual(1_450);
    expect(ranMs).toBeLessThan(4_000);
    expect(outcomeAfterMs).toBeLessThan(8_000);

    const logs = await waitForLog(body.jobKey, traceId, /^SlowJob: signal aborted after \d+ ms/);
    expect(logs.join('\n')).not.toContain('SlowJob: done');

    // freezeAfterTimeouts 0: the timeout is counted but never freezes the job.
    const detail = await jobDetail(body.jobKey);
    expect(detail.jobRuntime.jobState).toBe(JobState.SCHEDULING);
    expect(detail.jobRuntime.consecutiveTimeouts).toBe(1);
    expect(detail.jobRuntime.freezeCount).toBe(0);
    expect(detail.jobRuntime.frozenUntil).toBeNull();
    console.log(`timeout: FAILED after ${ranMs} ms of work (${outcomeAfterMs} ms after triggerJob)`);
  }, 20_000);
});

describe('freeze and cool-down', () => {
  const TIMEOUT_MS = 1_000;
  const body = jobBody(
    'freezer',
    'SlowJob',
    '{"ms": 10000}',
    {
      triggerType: TriggerType.PERIODIC,
      triggerDescription: {
        periodic: { period: 1, schedulingUnit: SchedulingUnit.SECONDS, fixedRate: true },
      },
      repeatCount: -1,
    },
    {
      timeout: TIMEOUT_MS,
      retries: 0,
      freezeAfterTimeouts: 1,
      overlapPolicy: OverlapPolicy.SKIP,
      email: 'freeze@example.com',
    },
  );
  const jobKey = body.jobKey;
  let jobId = 0;

  /** The manager's "thaw" line of this job, with the time the test received it. */
  function thawLine(lines: { at: number; line: string }[]) {
    return lines.find((l) => l.line.includes(`job ${jobId} (cool-down over): thaw -> SCHEDULING`));
  }

  /** Waits for the job's freeze number `n`; answers its detail and the timed-out run that caused it. */
  async function waitForFreeze(
    n: number,
  ): Promise<{ frozenUntil: number; timedOut: JobTrace; failed: JobTrace[] }> {
    const detail = await waitFor(
      `freeze ${n} of job ${jobId}`,
      async () => {
        const d = await jobDetail(jobKey);
        return d.jobRuntime.jobState === JobState.FROZEN && d.jobRuntime.freezeCount === n ? d : undefined;
      },
      15_000,
      100,
    );
    expect(detail.jobRuntime.consecutiveTimeouts).toBe(0);
    const failed = (await jobTraces(stack, managerUrl(), jobKey)).filter(
      (t) => t.runningState === RunningState.FAILED,
    );
    const timedOut = failed[0]; // newest first
    if (!timedOut) throw new Error(`freeze ${n} without a failed run`);
    expect(timedOut.reason).toBe(`timeout after ${TIMEOUT_MS} ms`);
    return { frozenUntil: ms(detail.jobRuntime.frozenUntil), timedOut, failed };
  }

  /**
   * The runs that started, or were even planned, between the timeout that froze the job
   * (the worker's end of the timed-out run) and frozenUntil: there must be none.
   */
  async function runsWhileFrozen(from: number, to: number) {
    return (await jobTraces(stack, managerUrl(), jobKey))
      .filter(
        (t) =>
          (ms(t.plannedTime) > from && ms(t.plannedTime) < to) ||
          (t.executionTime !== null && ms(t.executionTime) > from && ms(t.executionTime) < to),
      )
      .map((t) => ({
        traceId: t.traceId,
        runningState: t.runningState,
        plannedTime: t.plannedTime,
        executionTime: t.executionTime,
        reason: t.reason,
        frozeAt: new Date(from).toISOString(),
        frozenUntil: new Date(to).toISOString(),
      }));
  }

  it('freezes after a timeout for timeout x 2^n, thaws on time (also after a manager restart), resets on success', async () => {
    jobId = await persist(body);

    // --- Freeze 1: the first run times out after 1 s; the cool-down is 2 x 1000 ms.
    const freeze1 = await waitForFreeze(1);
    expect(freeze1.failed).toHaveLength(1);
    const frozeAt1 = ms(freeze1.timedOut.completionTime);
    const cooldown1 = freeze1.frozenUntil - frozeAt1;
    // Frozen when the failure was recorded, a moment after the worker ended the run.
    expect(cooldown1).toBeGreaterThanOrEqual(2 * TIMEOUT_MS);
    expect(cooldown1).toBeLessThan(2 * TIMEOUT_MS + 1_500);

    const thaw1 = await waitFor(
      `the thaw of job ${jobId}`,
      () => Promise.resolve(thawLine(managerLines)),
      10_000,
      100,
    );
    // The sweeper runs every second: not before frozenUntil, within about 2 s after it.
    expect(thaw1.at).toBeGreaterThanOrEqual(freeze1.frozenUntil);
    expect(thaw1.at - freeze1.frozenUntil).toBeLessThan(3_000);
    expect(await runsWhileFrozen(frozeAt1, freeze1.frozenUntil)).toEqual([]);

    // --- Freeze 2: the next run times out too; the cool-down doubles to 4 x 1000 ms.
    const freeze2 = await waitForFreeze(2);
    expect(freeze2.failed).toHaveLength(2);
    expect(ms(freeze2.timedOut.executionTime)).toBeGreaterThanOrEqual(freeze1.frozenUntil);
    const frozeAt2 = ms(freeze2.timedOut.completionTime);
    const cooldown2 = freeze2.frozenUntil - frozeAt2;
    expect(cooldown2).toBeGreaterThanOrEqual(4 * TIMEOUT_MS);
    expect(cooldown2).toBeLessThan(4 * TIMEOUT_MS + 1_500);

    // While frozen, the job gets a fast attachment so that its next run completes.
    await persist({ ...body, attachment: '{"ms": 10}' });

    // --- Restart: the manager stops while the job is frozen; a new one (on the same port, so
    // the worker reaches it) thaws it from the persisted frozenUntil.
    const old = manager;
    if (!old) throw new Error('manager not started');
    await old.handle.stop();
    // With no manager running, the freeze is in MySQL: FROZEN, its count and its end.
    const [persisted] = await queryDatabase<{ job_state: number; freeze_count: number; frozen_until: Date }>(
      stack.mysqlUrl,
      'SELECT job_state, freeze_count, frozen_until FROM chac_job_runtime_detail WHERE job_id = ?',
      [jobId],
    );
    expect(persisted && { ...persisted, frozen_until: persisted.frozen_until.getTime() }).toEqual({
      job_state: JobState.FROZEN,
      freeze_count: 2,
      frozen_until: freeze2.frozenUntil,
    });
    const restarted = await startManager(stack, { ...managerEnv, CHACONNE_PORT: new URL(old.url).port });
    manager = { handle: restarted.handle, url: old.url };
    const readyAt = Date.now();
    const restartedLines = timedLines(restarted.handle);
    const thaw2At = await waitFor(
      `the thaw of job ${jobId} by the restarted manager`,
      () => {
        const timed = thawLine(restartedLines);
        if (timed) return Promise.resolve(timed.at);
        // Logged while the manager was still starting (before its lines were timed): by readyAt.
        const logged = restarted.handle.lines.some((l) => l.includes(`job ${jobId} (cool-down over): thaw`));
        return Promise.resolve(logged ? readyAt : undefined);
      },
      15_000,
      100,
    );
    expect(thaw2At).toBeGreaterThanOrEqual(freeze2.frozenUntil);
    expect(thaw2At - Math.max(freeze2.frozenUntil, readyAt)).toBeLessThan(3_000);
    expect(await runsWhileFrozen(frozeAt2, freeze2.frozenUntil)).toEqual([]);

    // --- The fast attachment completes: the freeze count is reset.
    const completed = await waitFor(
      'a COMPLETED run after the second thaw',
      async () =>
        (await jobTraces(stack, managerUrl(), jobKey)).find((t) => t.runningState === RunningState.COMPLETED),
      10_000,
    );
    expect(ms(completed.executionTime)).toBeGreaterThanOrEqual(freeze2.frozenUntil);
    const reset = await waitFor(
      'the freeze count reset',
      async () => {
        const d = await jobDetail(jobKey);
        return d.jobRuntime.freezeCount === 0 ? d : undefined;
      },
      5_000,
    );
    expect(reset.jobRuntime.jobState).toBe(JobState.SCHEDULING);
    expect(reset.jobRuntime.consecutiveTimeouts).toBe(0);
    expect(reset.jobRuntime.frozenUntil).toBeNull();
    await persist({ ...body, attachment: '{"ms": 10}', trigger: ON_DEMAND }); // schedule off

    // One FROZEN alert per freeze; the timed-out runs that froze the job mail nothing else.
    const mails = smtp.about('freeze@example.com', 'freezer').map((m) => m.subject);
    expect(mails).toEqual([
      expect.stringContaining(`FROZEN demo-cluster/demo-worker/freezer (run ${freeze1.timedOut.traceId})`),
      expect.stringContaining(`FROZEN demo-cluster/demo-worker/freezer (run ${freeze2.timedOut.traceId})`),
    ]);
    console.log(
      `freeze: cool-downs ${cooldown1} ms and ${cooldown2} ms after the timeouts; thawed ${thaw1.at - freeze1.frozenUntil} ms and ${thaw2At - freeze2.frozenUntil} ms after frozenUntil (the restarted manager was ready ${readyAt - frozeAt2} ms after the second freeze)`,
    );
  }, 60_000);
});

describe('termination', () => {
  it('finishes the job after its repeat count: exactly 3 COMPLETED runs, then no further run', async () => {
    const body = jobBody('repeatThree', 'SlowJob', '{"ms": 50}', { ...EVERY_SECOND, repeatCount: 3 });
    await persist(body);
    // Three per-second occurrences, then the job ends: ~4 s, 15 s allowed.
    const detail = await waitFor(
      'the job FINISHED after its repeat count',
      async () => {
        const d = await jobDetail(body.jobKey);
        return d.jobRuntime.jobState === JobState.FINISHED ? d : undefined;
      },
      15_000,
    );
    expect(detail.jobTriggerDetail.repeatCount).toBe(3);
    // Two more seconds of the old schedule: nothing else may run.
    await sleep(2_500);
    const runs = await jobTraces(stack, managerUrl(), body.jobKey);
    const completed = runs.filter((t) => t.runningState === RunningState.COMPLETED);
    expect(completed).toHaveLength(3);
    // The count is used up with the third run, and the job ends once it is final: no fourth occurrence is even recorded.
    expect(runs.filter((t) => t.runningState !== RunningState.COMPLETED)).toEqual([]);
    // Three consecutive occurrences of the per-second cron.
    const planned = completed.map((t) => ms(t.plannedTime)).sort((a, b) => a - b);
    expect(planned.slice(1).map((t, i) => t - (planned[i] ?? t))).toEqual([1_000, 1_000]);
  }, 30_000);

  it('finishes the job after 2 consecutive final failures, with one FAILED and one TERMINATED mail', async () => {
    const body = jobBody(
      'failing',
      'FlakyJob',
      '{"failUntilAttempt": 99}',
      {
        triggerType: TriggerType.CRON,
        triggerDescription: { cron: { expression: '*/2 * * * * ?' } },
        repeatCount: -1,
      },
      {
        retries: 1,
        retryBackoff: { policy: BackoffPolicy.FIXED, delayMs: 200, jitter: false },
        maxConsecutiveFailures: 2,
        email: 'ops@example.com',
      },
    );
    await persist(body);
    // Two occurrences 2 s apart, each with its retry 200 ms later: ~5 s, 20 s allowed.
    const detail = await waitFor(
      'the job FINISHED after 2 consecutive failures',
      async () => {
        const d = await jobDetail(body.jobKey);
        return d.jobRuntime.jobState === JobState.FINISHED ? d : undefined;
      },
      20_000,
    );
    expect(detail.jobRuntime.consecutiveFailures).toBe(2);
    // Another occurrence of the cron would come within 2 s: none may run.
    await sleep(2_500);
    const runs = [...(await jobTraces(stack, managerUrl(), body.jobKey))].sort(
      (a, b) => ms(a.plannedTime) - ms(b.plannedTime) || a.attempt - b.attempt,
    );
    expect(runs.map((t) => [t.attempt, t.runningState])).toEqual([
      [0, RunningState.FAILED],
      [1, RunningState.FAILED],
      [0, RunningState.FAILED],
      [1, RunningState.FAILED],
    ]);
    const [first0, first1, second0, second1] = runs as [JobTrace, JobTrace, JobTrace, JobTrace];
    expect(first1.firstTraceId).toBe(first0.traceId);
    expect(second1.firstTraceId).toBe(second0.traceId);
    expect(ms(second0.plannedTime) - ms(first0.plannedTime)).toBe(2_000);
    expect(first1.reason).toBe('FlakyJob: failing attempt 1');
    expect(second1.reason).toMatch(/^FlakyJob: failing attempt 1 .*2 consecutive failures: job terminated$/);

    // Mails: the first final failure (FAILED) and the termination; none for retried attempts.
    const mails = await waitFor(
      'two alert mails to ops@example.com',
      () => {
        const m = smtp.about('ops@example.com', 'failing');
        return Promise.resolve(m.length >= 2 ? m : undefined);
      },
      10_000,
    );
    await sleep(1_000); // a third mail would have arrived by now
    expect(smtp.about('ops@example.com', 'failing')).toHaveLength(2);
    const subjects = mails.map((m) => m.subject).sort();
    expect(subjects).toEqual(
      [
        expect.stringMatching(
          new RegExp(` FAILED demo-cluster/demo-worker/failing \\(run ${first1.traceId}\\)$`),
        ),
        expect.stringMatching(
          new RegExp(` TERMINATED demo-cluster/demo-worker/failing \\(run ${second1.traceId}\\)$`),
        ),
      ].sort(),
    );
    const terminated = mails.find((m) => m.subject.includes('TERMINATED'));
    expect(terminated?.text).toContain('2 consecutive failures: job terminated');
  }, 40_000);

  it('finishes the job when its handler throws JobTerminationError (TerminatingJob)', async () => {
    const body = jobBody('terminating', 'TerminatingJob', '{"terminate": true}', ON_DEMAND, {
      email: 'term@example.com',
    });
    await persist(body);
    const traceId = await triggerJob(stack, managerUrl(), body.jobKey);
    const run = await waitForOutcome(stack, managerUrl(), body.jobKey, traceId, 10_000);
    expect(run.runningState).toBe(RunningState.FINISHED);
    expect(run.reason).toBe('terminated by its attachment {"terminate": true}');
    expect((await jobDetail(body.jobKey)).jobRuntime.jobState).toBe(JobState.FINISHED);
    const mail = await waitFor(
      'the TERMINATED mail',
      () => Promise.resolve(smtp.about('term@example.com', 'terminating')[0]),
      10_000,
    );
    expect(mail.subject).toContain(`TERMINATED demo-cluster/demo-worker/terminating (run ${traceId})`);
    // A finished job cannot be triggered again.
    const again = await adminPost(stack, managerUrl(), '/job/admin/triggerJob', { jobKey: body.jobKey });
    expect(again.status).toBe(409);
  }, 20_000);
});

describe('retries', () => {
  it('retries a failing run after a fixed 1 s backoff: attempts 0 and 1 FAILED, attempt 2 COMPLETED', async () => {
    const body = jobBody('flaky', 'FlakyJob', '{"failUntilAttempt": 2}', ON_DEMAND, {
      retries: 2,
      retryBackoff: { policy: BackoffPolicy.FIXED, delayMs: 1_000, jitter: false },
    });
    await persist(body);
    const first = await triggerJob(stack, managerUrl(), body.jobKey);
    const attempts = await waitFor(
      'attempt 2 COMPLETED',
      async () => {
        const runs = await jobTraces(stack, managerUrl(), body.jobKey);
        return runs.some((t) => t.attempt === 2 && t.runningState === RunningState.COMPLETED)
          ? [...runs].sort((a, b) => a.attempt - b.attempt)
          : undefined;
      },
      15_000,
    );
    expect(attempts.map((t) => [t.attempt, t.runningState])).toEqual([
      [0, RunningState.FAILED],
      [1, RunningState.FAILED],
      [2, RunningState.COMPLETED],
    ]);
    const [a0, a1, a2] = attempts as [JobTrace, JobTrace, JobTrace];
    expect(a0.traceId).toBe(first);
    expect(a0.firstTraceId).toBeNull();
    expect([a1.firstTraceId, a2.firstTraceId]).toEqual([first, first]);
    expect(new Set(attempts.map((t) => t.plannedTime)).size).toBe(1);
    expect(JSON.parse(a2.result ?? 'null')).toEqual({ attempt: 2, instanceId: a2.instanceId });
    const waits = [
      ms(a1.executionTime) - ms(a0.completionTime),
      ms(a2.executionTime) - ms(a1.completionTime),
    ];
    // The backoff: each retry starts no sooner than 1 s after the previous attempt ended.
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(1_000);
      expect(wait).toBeLessThan(3_500);
    }
    console.log(`retries: attempts started ${waits.join(' ms and ')} ms after the previous one ended`);
  }, 30_000);
});
