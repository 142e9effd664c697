import { ProtocolLimits } from '@chaconne/contracts';

/**
 * The timing of runs sent ahead (README, "On time"). The manager sends a run a little before
 * its start, with the start relative to the moment of sending: the worker starts the handler
 * `startInMs` after it received the request, on its own timer. Manager and worker clocks need
 * not agree; the request's transit counts as lateness.
 */

/**
 * The request's `startInMs` for a run due to start at `startAt` (epoch ms, manager clock),
 * measured at `now`, just before the request is signed: 0 once the start has come (the
 * worker starts at once), never more than the protocol allows.
 */
export function startInMsAt(startAt: number, now: number): number {
  return Math.min(ProtocolLimits.maxStartInMs, Math.max(0, Math.round(startAt - now)));
}

/** When a run sent at `sentAt` to start at `startAt` (absent: at once) starts. */
export function startOf(sentAt: number, startAt: number | undefined): number {
  return startAt === undefined ? sentAt : Math.max(sentAt, startAt);
}

/**
 * Whether a run every instance refused at its concurrency limit may wait more: it has been
 * waiting since `waitingSince` and may wait `capacityWaitMs` in all. Answers the moment to
 * launch it again, or null when its wait is over (it fails then).
 */
export function nextCapacityLaunch(
  waitingSince: number,
  now: number,
  capacityWaitMs: number,
  intervalMs: number,
): number | null {
  const end = waitingSince + capacityWaitMs;
  if (now >= end) return null;
  return Math.min(end, now + intervalMs);
}
