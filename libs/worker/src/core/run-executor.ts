import { ProtocolLimits, RunningState, type RunError, type RunReport } from '@chaconne/contracts';
import { JobTerminationError, NonRetryableError, RunTimeoutError } from './errors';
import type { JobContext } from './job';
import { listenerTermination } from './job-listener';
import type { RegisteredJob } from './job-registry';
import type { WorkerLogger } from './logger';
import { clipText, toJson } from './message-format';

export type RunOutcomeReport = Pick<RunReport, 'runningState' | 'result' | 'error' | 'reason' | 'retryable'>;

/** Any thrown value as an `Error` (handlers may throw strings or plain objects). */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  const error = new Error(typeof thrown === 'string' ? thrown : `non-Error thrown: ${safeJson(thrown)}`);
  error.name = 'Error';
  return error;
}

function safeJson(value: unknown): string {
  try {
    return toJson(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Text as a string: error fields are whatever the code that threw put there. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

/** The error as reported, each text cut to what the protocol carries. */
function runError(error: Error): RunError {
  const name = clipText(asText(error.name), ProtocolLimits.errorNameChars);
  const message = clipText(asText(error.message), ProtocolLimits.reasonChars);
  const stack: unknown = error.stack;
  return typeof stack === 'string'
    ? { name, message, stack: clipText(stack, ProtocolLimits.errorStackChars) }
    : { name, message };
}

/** A reason as reported (handlers and listeners choose them): cut to what the protocol carries. */
function reasonOf(text: string): string {
  return clipText(text, ProtocolLimits.reasonChars);
}

/** Makes a handler's result safe to send as JSON (undefined stays absent). */
function jsonSafe(result: unknown, warn: (message: string) => void): unknown {
  if (result === undefined) return undefined;
  try {
    const text = toJson(result, (_key, value) => (typeof value === 'bigint' ? value.toString() : value));
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  } catch (error) {
    warn(`result is not JSON-serialisable (${toError(error).message}); reporting its string form`);
    return Object.prototype.toString.call(result);
  }
}

/** Settles when the signal aborts, rejecting with its reason. */
function whenAborted(signal: AbortSignal): { promise: Promise<never>; dispose: () => void } {
  let dispose = (): void => undefined;
  const promise = new Promise<never>((_resolve, reject) => {
    const onAbort = (): void => {
      reject(toError(signal.reason));
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    dispose = () => {
      signal.removeEventListener('abort', onAbort);
    };
  });
  // The race below may already be decided when the signal aborts.
  promise.catch(() => undefined);
  return { promise, dispose };
}

/** Why a run is skipped, from what `shouldRun` answered; undefined = it goes ahead. */
export function skipReason(answer: unknown): string | undefined {
  if (answer === false) return 'shouldRun returned false';
  if (typeof answer === 'string') return answer.trim() === '' ? 'shouldRun returned false' : answer;
  return undefined;
}

/** Whether a thrown error asks to end the job for good (also across two copies of the SDK). */
function isTermination(error: Error): boolean {
  return error instanceof JobTerminationError || error.name === 'JobTerminationError';
}

/** Whether retrying a failure may help: not after a `NonRetryableError` (also across two copies of the SDK). */
function isRetryable(error: Error): boolean {
  return !(error instanceof NonRetryableError || error.name === 'NonRetryableError');
}

type Phase = { terminated: string } | { skipped: string } | { result: unknown };

/**
 * Runs one job: the listeners' `beforeRun`, `prepare`, `shouldRun`, then the body, all
 * racing the run's abort signal (timeout, cancel, shutdown), so code that ignores the signal
 * does not hold the report back; then the matching hook. Never throws: every outcome becomes
 * a report.
 * - a listener answering true (or a reason) -> FINISHED with that reason, no hook;
 * - `shouldRun` answering false (or a reason) -> SKIPPED, no hook;
 * - `JobTerminationError` thrown -> FINISHED with its message as the reason, no hook;
 * - any other error -> FAILED (`retryable` false for a `NonRetryableError`, which the manager
 *   does not retry), then `onFailure` unless the manager will retry the run: another attempt
 *   remains and the error is retryable (or the job asks for `onFailureEveryAttempt`);
 * - a result -> COMPLETED, `onSuccess`.
 */
export async function executeRun(
  job: RegisteredJob,
  ctx: JobContext,
  controller: AbortController,
  timeoutMs: number,
  logger: WorkerLogger,
  /** Told the outcome as soon as it is known, before `onSuccess`/`onFailure` run. */
  onDecided: (outcome: RunOutcomeReport) => void = () => undefined,
): Promise<RunOutcomeReport> {
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          controller.abort(new RunTimeoutError(timeoutMs));
        }, timeoutMs)
      : undefined;
  const aborted = whenAborted(controller.signal);
  const signal = controller.signal;
  const decided = (outcome: RunOutcomeReport): RunOutcomeReport => {
    onDecided(outcome);
    return outcome;
  };
  let outcome: RunOutcomeReport;
  let failure: Error | undefined;
  let result: unknown;
  try {
    // Let the 202 answer leave before the job's synchronous part runs.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const phases = (async (): Promise<Phase> => {
      signal.throwIfAborted();
      const terminated = await listenerTermination(job.listeners, ctx);
      if (terminated !== undefined) return { terminated };
      signal.throwIfAborted();
      await job.prepare(ctx);
      signal.throwIfAborted();
      const skipped = skipReason(await job.shouldRun(ctx));
      if (skipped !== undefined) return { skipped };
      signal.throwIfAborted();
      return { result: await job.run(ctx) };
    })();
    phases.catch(() => undefined); // it may lose the race and reject later
    const phase = await Promise.race([phases, aborted.promise]);
    if ('terminated' in phase) {
      return decided({ runningState: RunningState.FINISHED, reason: reasonOf(phase.terminated) });
    }
    if ('skipped' in phase)
      return decided({ runningState: RunningState.SKIPPED, reason: reasonOf(phase.skipped) });
    result = phase.result;
    outcome = {
      runningState: RunningState.COMPLETED,
      result: jsonSafe(result, (m) => {
        ctx.log.warn(m);
      }),
    };
  } catch (thrown) {
    const error = toError(thrown);
    if (isTermination(error)) {
      return decided({
        runningState: RunningState.FINISHED,
        error: runError(error),
        reason: reasonOf(error.message),
      });
    }
    failure = error;
    outcome = {
      runningState: RunningState.FAILED,
      error: runError(failure),
      reason: reasonOf(failure.message),
      retryable: isRetryable(failure),
    };
  } finally {
    clearTimeout(timer);
    aborted.dispose();
  }
  onDecided(outcome);
  // The manager retries a retryable failure while attempts remain: onFailure waits for the last.
  const willBeRetried = failure !== undefined && outcome.retryable === true && !ctx.isLastAttempt;
  if (willBeRetried && !job.onFailureEveryAttempt) return outcome;
  try {
    if (failure) await job.onFailure(ctx, failure);
    else await job.onSuccess(ctx, result);
  } catch (thrown) {
    const error = toError(thrown);
    const hook = failure ? 'onFailure' : 'onSuccess';
    ctx.log.error(`${hook} hook failed`, error);
    logger.warn(`run ${ctx.runId}: ${hook} hook of ${job.jobClassName} failed: ${error.message}`);
  }
  return outcome;
}
