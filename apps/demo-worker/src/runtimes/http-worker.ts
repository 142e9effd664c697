/**
 * The demo worker on plain `node:http`, no framework: `createWorker(...).listen(port)`
 * serves the signed run endpoints and registers. Same environment as the Nest demo
 * (`CHACONNE_MANAGER_URL`, `CHACONNE_SECRET`, `DEMO_WORKER_PORT`, `CHACONNE_WORKER_BASE_URL`,
 * `DEMO_WORKER_LABELS`, `DEMO_WORKER_WEIGHT`; see `demo-worker.config.ts`), group `http-worker`.
 *
 *   node apps/demo-worker/dist/runtimes/http-worker.js
 */
import { jobFromInstance, type WorkerLogger } from '@chaconne/worker';
import { createWorker } from '@chaconne/worker/http';
import {
  demoWorkerOptions,
  listeningUrl,
  loadDemoWorkerConfig,
  type DemoWorkerConfig,
} from '../demo-worker.config';
import { DemoCronJob } from '../jobs/demo-cron.job';
import { EtlJob } from '../jobs/etl.job';
import { FlakyJob } from '../jobs/flaky.job';
import { HelloWorldJob } from '../jobs/hello-world.job';
import { SlowJob } from '../jobs/slow.job';
import { runMain, type RunningWorker } from './runtime';

export const HTTP_WORKER_GROUP = 'http-worker';

/** Listens on `config.host` and `config.port` (0 picks a free port), then registers in the background. */
export async function startHttpWorker(
  config: DemoWorkerConfig,
  logger?: WorkerLogger,
): Promise<RunningWorker> {
  const worker = createWorker({ ...demoWorkerOptions(config), ...(logger && { logger }) })
    .addJob(jobFromInstance(new DemoCronJob())) // @ChacJob, cron every 5 s
    .addJob(new HelloWorldJob(config.helloPeriodSeconds)) // Job, fixed rate (DEMO_HELLO_PERIOD_SECONDS)
    .addDynamicJob(EtlJob) // NotManagedJob, scheduled through persistJob
    .addDynamicJob(SlowJob, { concurrency: 2 })
    .addDynamicJob(FlakyJob);
  const address = await worker.listen(config.port, config.host);
  // close(): drain, report, deregister, then close the server listen() created.
  return { worker, port: address.port, url: listeningUrl(address), close: () => worker.close() };
}

if (require.main === module) {
  runMain(HTTP_WORKER_GROUP, () =>
    startHttpWorker({ ...loadDemoWorkerConfig(), groupName: HTTP_WORKER_GROUP }),
  );
}
