import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ChaconneWorker } from '../chaconne-worker';
import { isChaconnePath, serveChaconne } from '../node/serve-chaconne';

/**
 * Express middleware serving the worker's signed run endpoints (`POST /chaconne/runs`,
 * `POST /chaconne/runs/:runId/cancel`) inside your app; every other path goes on to your
 * routes untouched. It reads the raw body itself: run requests use their own media type
 * (`RUN_REQUEST_CONTENT_TYPE`), so `express.json()` leaves them alone, and a Buffer left by
 * a raw parser is used as is. Mount it at the root, or under a prefix (then include the
 * prefix in the worker's `baseUrl`).
 *
 * Registration is yours to start once the server listens, so the manager never dispatches
 * to a closed port; on shutdown, `worker.close()` (drains, reports, deregisters) comes
 * before closing the server.
 *
 * @example
 * import { once } from 'node:events';
 * import express from 'express';
 * import { ChaconneWorker } from '@chaconne/worker';
 * import { chaconneExpress } from '@chaconne/worker/express';
 *
 * const worker = new ChaconneWorker({ managerUrl, secret, clusterName: 'demo', groupName: 'billing' });
 * worker.addJob(new HealthCheckJob());
 * const app = express();
 * app.use(express.json());
 * app.use(chaconneExpress(worker));
 * const server = app.listen(8088);
 * await once(server, 'listening');
 * await worker.start({ port: 8088 }); // registers; resolves once the manager accepted it
 * process.once('SIGTERM', () => void worker.close().then(() => server.close()));
 */
export function chaconneExpress(worker: ChaconneWorker): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    // req.path is relative to the mount point and has no query string.
    if (!isChaconnePath(req.path)) {
      next();
      return;
    }
    void serveChaconne(worker, req, res, req.path);
  };
}
