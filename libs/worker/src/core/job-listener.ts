import type { JobContext } from './job';

/**
 * What {@link JobListener.beforeRun} answers: `true` or a non-empty string ends the job for
 * good before this run (the string is the reason); `false`, nothing or an empty string lets
 * the run go ahead.
 */
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- a listener that only looks returns nothing
export type BeforeRunResult = boolean | string | void;

/**
 * Asked before every run of a job, ahead of `prepare` and `shouldRun` (Chaconne's
 * `JobConditionalTermination`): a listener may end the job for good. The run is then
 * reported FINISHED with the listener's reason, neither `onSuccess` nor `onFailure` is
 * called, and the manager finishes the job (it is never scheduled again). A listener that
 * throws fails the run with its error.
 *
 * Listeners are global (the worker's `listeners` option) or per job (a job's `listeners`);
 * the global ones are asked first, in order, and the first that terminates wins.
 *
 * @example
 * const stopAfterDeadline: JobListener = {
 *   beforeRun: (ctx) => ctx.plannedAt > DEADLINE && `deadline ${DEADLINE.toISOString()} passed`,
 * };
 * new ChaconneWorker({ ...options, listeners: [stopAfterDeadline] });
 */
export interface JobListener {
  beforeRun(ctx: JobContext): BeforeRunResult | Promise<BeforeRunResult>;
}

/** The reason reported when a listener answers `true`. */
export const TERMINATED_BY_LISTENER = 'terminated by beforeRun listener';

/** Why a job ends, from what a listener answered; undefined = the run goes ahead. */
function terminationReason(answer: unknown): string | undefined {
  if (answer === true) return TERMINATED_BY_LISTENER;
  return typeof answer === 'string' && answer.trim() !== '' ? answer : undefined;
}

/** Asks the listeners in order; the reason of the first that terminates the job, else undefined. */
export async function listenerTermination(
  listeners: readonly JobListener[],
  ctx: JobContext,
): Promise<string | undefined> {
  for (const listener of listeners) {
    const reason = terminationReason(await listener.beforeRun(ctx));
    if (reason !== undefined) return reason;
  }
  return undefined;
}

/** Problems of a `listeners` value, in words (undefined = none). */
export function listenersProblem(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return `${field} must be an array of JobListener`;
  const invalid = value.findIndex(
    (listener: unknown) =>
      typeof listener !== 'object' ||
      listener === null ||
      typeof (listener as Partial<JobListener>).beforeRun !== 'function',
  );
  return invalid < 0 ? undefined : `${field}[${invalid}] must be a JobListener (an object with beforeRun)`;
}
