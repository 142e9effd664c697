/**
 * The demo worker on a plain Express app: `chaconneExpress(worker)` serves the signed run
 * endpoints next to the app's own routes. Same environment as the Nest demo
 * (`CHACONNE_MANAGER_URL`, `CHACONNE_SECRET`, `DEMO_WORKER_PORT`, `CHACONNE_WORKER_BASE_URL`,
 * `DEMO_WORKER_LABELS`, `DEMO_WORKER_WEIGHT`; see `demo-worker.config.ts`), group `express-worker`.
 *
 *   node apps/demo-worker/dist/runtimes/express-worker.js
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ChaconneWorker, jobFromInstance, type WorkerLogger } from '@chaconne/worker';
import { chaconneExpress } from '@chaconne/worker/express';
import {
  demoWorkerOptions,
  listeningUrl,
  loadDemoWorkerConfig,
  type DemoWorkerConfig,
} from '../demo-worker.config';
import { DemoCronJob } from '../jobs/demo-cron.job';
import { EtlJob } from '../jobs/etl.job';
import { FlakyJob } from '../jobs/flaky.job';
import { HealthCheckJob } from '../jobs/health-check.job';
import { SlowJob } from '../jobs/slow.job';
import { runMain, type RunningWorker } from './runtime';

export const EXPRESS_WORKER_GROUP = 'express-worker';

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => {
      if (error) reject(error);
      else resolve();
    });
  });
}

/** Starts the Express app on `config.host` and registers its jobs once it listens (`config.port` 0 picks a free port). */
export async function startExpressWorker(
  config: DemoWorkerConfig,
  logger?: WorkerLogger,
): Promise<RunningWorker> {
  const worker = new ChaconneWorker({ ...demoWorkerOptions(config), ...(logger && { logger }) })
    .addJob(jobFromInstance(new DemoCronJob())) // @ChacJob, cron every 5 s
    .addJob(new HealthCheckJob()) // ManagedJob, cron every 10 s
    .addDynamicJob(EtlJob) // NotManagedJob, scheduled through persistJob
    .addDynamicJob(SlowJob, { concurrency: 2 })
    .addDynamicJob(FlakyJob);

  const app = express();
  app.use(express.json()); // leaves run requests alone: they have their own media type
  app.use(chaconneExpress(worker));
  app.get('/health', (_req, res) => {
    res.json({ registered: worker.isRegistered, activeRuns: worker.activeRuns });
  });

  const server = app.listen(config.port, config.host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const { port } = address;
  // Registers only now, so the manager never dispatches to a closed port.
  worker.startInBackground({ port });
  let closing: Promise<void> | undefined;
  return {
    worker,
    port,
    url: listeningUrl(address),
    close: () =>
      (closing ??= (async () => {
        await worker.close(); // drain, report, deregister; the server keeps answering meanwhile
        await closeServer(server);
      })()),
  };
}

if (require.main === module) {
  runMain(EXPRESS_WORKER_GROUP, () =>
    startExpressWorker({ ...loadDemoWorkerConfig(), groupName: EXPRESS_WORKER_GROUP }),
  );
}
