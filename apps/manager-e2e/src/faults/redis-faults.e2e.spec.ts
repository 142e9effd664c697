import { ManagerRoutes, PROTOCOL_VERSION, ProtocolHeader } from '@chaconne/contracts';
import { MANAGER_RECIPIENT, SignatureDirection, signRequest } from '@chaconne/contracts/signing';
import { type CheckWindow, describeReport, sleep } from '@chaconne/testing';
import { Redis } from 'ioredis';
import { newStack, type ProcessHandle, startRedis } from '../support/processes';
import { FAULT_HEARTBEAT_MS, FaultCluster, jobSpecs, tickJobs } from './harness';

/**
 * Redis faults against a cluster of real processes (2 managers, 2 fault workers) on a Redis
 * server of the test's own (a free port, no persistence; the shared one is never touched):
 * restarted (stopped, then started again empty on its port) and flushed (FLUSHALL). Redis
 * holds nothing that cannot be rebuilt from MySQL, so for each the checker must find, over
 * a window around the fault: every planned occurrence ended with exactly one final record
 * (COMPLETED, or SKIPPED "misfire" naming the stretch Redis lost), no handler started twice
 * for one (occurrence, attempt), and the steady jobs completing every second again within
 * the bound below. No run may end "worker lost": no worker was, although Redis forgot them.
 *
 * Bound: the reconciler checks every 2 s here (CHACONNE_RECONCILE_INTERVAL_MS) and puts every
 * schedule back at its first lost occurrence; each worker is known again after its next
 * heartbeat (1 s; the first one after the loss is refused as signed before the new epoch, so
 * two); plus the time Redis was down and 5 s for a loaded 2-core machine.
 */
const RECONCILE_MS = 2_000;
const DOWN_MS = 3_000;
const RECOVERY_BOUND_MS = DOWN_MS + RECONCILE_MS + 2 * FAULT_HEARTBEAT_MS + 5_000;
/** Time for the records of a window's last occurrences to be stored. */
const SETTLE_MS = 30_000;

const TICKS = tickJobs(6);
/** Runs in flight when Redis goes: they must end COMPLETED, not "worker lost". */
const LONG = jobSpecs('long', 2, { everySeconds: 5, ms: 4_000, retries: 2 });

let redis: { handle: ProcessHandle; url: string } | undefined;
let cluster: FaultCluster | undefined;

function faultCluster(): FaultCluster {
  if (!cluster) throw new Error('cluster not started');
  return cluster;
}

beforeAll(async () => {
  redis = await startRedis();
  cluster = await FaultCluster.start({
    stack: newStack(redis.url),
    managerEnv: { CHACONNE_RECONCILE_INTERVAL_MS: String(RECONCILE_MS) },
  });
  await cluster.persist([...TICKS, ...LONG]);
  // The schedules' first ticks and the long jobs' first runs.
  await sleep(6_000);
}, 120_000);

afterAll(async () => {
  try {
    await cluster?.stop();
  } finally {
    await redis?.handle.stop();
  }
}, 90_000);

/** Waits for the window to settle; the checker's verdict is the assertion's subject. */
async function expectWindowHolds(name: string, window: CheckWindow): Promise<void> {
  const c = faultCluster();
  const report = await c.settledCheck(window, SETTLE_MS);
  console.info(describeReport(name, report));
  expect(report.violations).toEqual([]);
  expect(report.occurrences).toBeGreaterThan(0);
  expect(report.recoveryMs).not.toBeNull();
  expect(report.recoveryMs ?? Infinity).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
  const lost = (await c.records()).filter(
    (r) => r.plannedAt >= window.from && r.plannedAt <= window.to && (r.reason ?? '').includes('worker lost'),
  );
  expect(lost).toEqual([]);
}

/** A signed heartbeat as a worker sends it (its timestamp, nonce and signature fixed now). */
function signedHeartbeat(): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify({ instanceId: 'replay-probe', activeRuns: 0, draining: false });
  const target = {
    direction: SignatureDirection.WORKER_TO_MANAGER,
    method: 'POST',
    path: ManagerRoutes.heartbeat,
    recipient: MANAGER_RECIPIENT,
  };
  return {
    body,
    headers: {
      'content-type': 'application/json',
      [ProtocolHeader.PROTOCOL]: String(PROTOCOL_VERSION),
      ...signRequest(faultCluster().stack.secret, target, body),
    },
  };
}

async function send(request: {
  headers: Record<string, string>;
  body: string;
}): Promise<{ status: number; code: unknown }> {
  const response = await fetch(faultCluster().adminUrl + ManagerRoutes.heartbeat, {
    method: 'POST',
    ...request,
  });
  const answer = (await response.json()) as { code?: unknown };
  return { status: response.status, code: answer.code };
}

it('Redis restarted empty on its port: the managers reconnect and every schedule resumes, nothing lost or run twice', async () => {
  if (!redis) throw new Error('no Redis');
  const from = Date.now() - 3_000;
  const port = Number(new URL(redis.url).port);
  const faultAt = Date.now();
  await redis.handle.stop();
  await sleep(DOWN_MS);
  redis = await startRedis(port);
  await sleep(RECOVERY_BOUND_MS + 5_000);
  await expectWindowHolds('Redis restart', { from, to: Date.now() - 2_000, faultAt });
}, 120_000);

it('Redis flushed: schedules rebuilt from MySQL, and a request signed before the flush cannot be replayed after it', async () => {
  if (!redis) throw new Error('no Redis');
  const captured = signedHeartbeat();
  expect(await send(captured)).toMatchObject({ status: 200 });
  expect(await send(captured)).toEqual({ status: 401, code: 'REPLAYED_REQUEST' });

  const from = Date.now() - 3_000;
  const faultAt = Date.now();
  const client = new Redis(redis.url);
  try {
    await client.flushall();
  } finally {
    await client.quit();
  }
  // The flush took the nonces: without the epoch the captured request would pass again.
  expect(await send(captured)).toEqual({ status: 401, code: 'STALE_REQUEST' });
  expect(await send(signedHeartbeat())).toMatchObject({ status: 200 });

  await sleep(RECOVERY_BOUND_MS + 5_000);
  await expectWindowHolds('Redis flush', { from, to: Date.now() - 2_000, faultAt });
}, 120_000);
