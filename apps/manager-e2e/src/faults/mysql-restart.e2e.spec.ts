import {
  ErrorCode,
  ManagerRoutes,
  PROTOCOL_VERSION,
  ProtocolHeader,
  RunningState,
} from '@chaconne/contracts';
import { MANAGER_RECIPIENT, SignatureDirection, signRequest } from '@chaconne/contracts/signing';
import { bearer, describeReport, sleep } from '@chaconne/testing';
import { TestMariaDb } from '../support/mariadb';
import { newStack } from '../support/processes';
import { FaultCluster, jobSpecs, tickJobs } from './harness';

/**
 * MySQL restarted mid-load: a MariaDB server of the test's own (a free port, a temporary
 * data directory; the shared one is never touched) is killed with SIGKILL while 2 managers
 * and 2 fault workers run every-second jobs and longer runs, stays down, and is started
 * again on the same data. While it is down the managers answer 503 DEPENDENCY_UNAVAILABLE
 * (retryable, never a 4xx or a 200 that stored nothing); the workers keep the reports of the
 * runs that end meanwhile and resend them until stored. Afterwards the checker must find,
 * over a window around the outage: every planned occurrence ended with exactly one final
 * record (COMPLETED, or SKIPPED "misfire" for the stretch no fire could reach MySQL), no
 * handler started twice for one (occurrence, attempt), every handler that completed has its
 * COMPLETED record (no lost outcome), and the steady jobs back within the bound below.
 *
 * Bound: a fire tries MySQL 5 times over 7.5 s, then leaves the schedule to the reconciler
 * (every 2 s here), which resumes it at its first lost occurrence; so the time MySQL is down
 * + 7.5 s + 2 s + 5 s for a loaded 2-core machine (InnoDB's crash recovery included).
 */
const DOWN_MS = 8_000;
const RECONCILE_MS = 2_000;
const RECOVERY_BOUND_MS = DOWN_MS + 7_500 + RECONCILE_MS + 5_000;
const SETTLE_MS = 45_000;

const TICKS = tickJobs(4);
/** Runs that are in flight when MySQL goes and end while it is down: their reports must wait. */
const LONG = jobSpecs('long', 4, { everySeconds: 2, ms: 3_000, overlapPolicy: 'ALLOW', retries: 2 });

let db: TestMariaDb | undefined;
let cluster: FaultCluster | undefined;

beforeAll(async () => {
  db = await TestMariaDb.start();
  cluster = await FaultCluster.start({
    stack: { ...newStack(), mysqlUrl: db.url('chac_fault_mysql') },
    managerEnv: { CHACONNE_RECONCILE_INTERVAL_MS: String(RECONCILE_MS) },
  });
  await cluster.persist([...TICKS, ...LONG]);
  await sleep(6_000);
}, 120_000);

afterAll(async () => {
  try {
    // The cluster drops its database on this server: it must be up.
    if (db && !db.running) await db.restart();
    await cluster?.stop();
  } finally {
    await db?.destroy();
  }
}, 90_000);

it('MySQL killed and restarted mid-load: 503 while it is down, reports retried until stored, nothing lost or run twice', async () => {
  if (!db || !cluster) throw new Error('not started');
  const c = cluster;
  const from = Date.now() - 3_000;
  const faultAt = Date.now();
  await db.stop('SIGKILL');

  // The admin API and the worker API answer 503 with Retry-After, and store nothing.
  const admin = await fetch(`${c.managers[0]?.url ?? ''}/job/admin/getJobDetail`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(c.stack.adminToken) },
    body: JSON.stringify({
      clusterName: 'fault-cluster',
      groupName: 'fault-worker',
      jobName: 'tick-0',
      jobClassName: 'FaultJob',
    }),
  });
  expect([admin.status, ((await admin.json()) as { code: unknown }).code]).toEqual([
    503,
    ErrorCode.DEPENDENCY_UNAVAILABLE,
  ]);
  expect(admin.headers.get('retry-after')).toBe('1');
  const body = JSON.stringify({
    instanceId: 'probe',
    runningState: RunningState.COMPLETED,
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
  });
  const path = ManagerRoutes.report(1);
  const target = {
    direction: SignatureDirection.WORKER_TO_MANAGER,
    method: 'POST',
    path,
    recipient: MANAGER_RECIPIENT,
  };
  const report = await fetch(`${c.managers[1]?.url ?? ''}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [ProtocolHeader.PROTOCOL]: String(PROTOCOL_VERSION),
      ...signRequest(c.stack.secret, target, body),
    },
    body,
  });
  expect([report.status, ((await report.json()) as { code: unknown }).code]).toEqual([
    503,
    ErrorCode.DEPENDENCY_UNAVAILABLE,
  ]);

  await sleep(DOWN_MS - (Date.now() - faultAt));
  await db.restart();
  const backAt = Date.now();
  await sleep(RECOVERY_BOUND_MS + 5_000 - (backAt - faultAt));

  const window = { from, to: Date.now() - 3_000, faultAt };
  const checked = await c.settledCheck(window, SETTLE_MS);
  console.info(
    `${describeReport('MySQL restart', checked)}; MySQL down ${((backAt - faultAt) / 1000).toFixed(1)} s`,
  );
  if (checked.violations.length > 0)
    for (const m of c.managers)
      console.info(
        m.handle.lines
          .filter((l) => !/FireQueue\] .*trying again/.test(l))
          .slice(-40)
          .join('\n'),
      );
  expect(checked.violations).toEqual([]);
  expect(checked.occurrences).toBeGreaterThan(0);
  expect(checked.recoveryMs).not.toBeNull();
  expect(checked.recoveryMs ?? Infinity).toBeLessThanOrEqual(RECOVERY_BOUND_MS);

  // No lost outcome: every handler that completed has its COMPLETED record, the reports that
  // ended while MySQL was down included (the workers said they retried them).
  const records = new Map((await c.records()).map((r) => [r.runId, r]));
  const completed = c.ledger().filter((e) => e.event === 'end' && e.outcome === 'completed');
  const unrecorded = completed.filter((e) => records.get(e.runId)?.runningState !== RunningState.COMPLETED);
  expect(unrecorded).toEqual([]);
  const endedWhileDown = completed.filter((e) => e.at > faultAt && e.at < backAt);
  expect(endedWhileDown.length).toBeGreaterThan(0);
  const retried = [...c.workers, ...c.retiredWorkers].flatMap((w) =>
    w.handle.lines.filter((line) => /report delivered after \d+ failed attempts/.test(line)),
  );
  expect(retried.length).toBeGreaterThan(0);
}, 180_000);
