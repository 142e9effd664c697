/**
 * The fault suite's worker process: the `@chaconne/worker` SDK on plain `node:http` with
 * one dynamic job, FaultJob (`fault-job.ts`), whose every handler start and end goes to
 * the ledger file: the checker's record of executions that does not come from the manager.
 *
 *   CHACONNE_MANAGER_URL=... CHACONNE_SECRET=... FAULT_LEDGER_FILE=/tmp/w1.jsonl \
 *   FAULT_WORKER_PORT=0 [CHACONNE_WORKER_BASE_URL=...] node apps/manager-e2e/dist/faults/fault-worker.js
 *
 * Prints `[fault-worker] registered as <instanceId>` once the manager accepted it; SIGTERM
 * drains, deregisters and exits.
 */
import { createWorker } from '@chaconne/worker/http';
import { FAULT_CLUSTER, FAULT_GROUP, FAULT_JOB_CLASS, faultJob } from './fault-job';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`[fault-worker] ${name} is required`);
    process.exit(1);
  }
  return value;
}

async function main(): Promise<void> {
  const baseUrl = process.env.CHACONNE_WORKER_BASE_URL;
  const worker = createWorker({
    managerUrl: required('CHACONNE_MANAGER_URL'),
    secret: required('CHACONNE_SECRET'),
    clusterName: FAULT_CLUSTER,
    groupName: FAULT_GROUP,
    ...(baseUrl ? { baseUrl } : {}),
  }).addDynamicJob(FAULT_JOB_CLASS, faultJob(required('FAULT_LEDGER_FILE')));
  const { port } = await worker.listen(Number(process.env.FAULT_WORKER_PORT ?? '0'), '127.0.0.1');
  console.log(`[fault-worker] listening on port ${port}`);
  const shutdown = (): void => {
    worker.close().then(
      () => {
        console.log('[fault-worker] stopped');
      },
      (error: unknown) => {
        console.error('[fault-worker] shutdown failed:', error);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await worker.ready;
  console.log(`[fault-worker] registered as ${worker.instanceId}`);
}

main().catch((error: unknown) => {
  console.error('[fault-worker] failed to start:', error);
  process.exit(1);
});
