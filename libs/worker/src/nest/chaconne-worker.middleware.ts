import type { ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { ChaconneWorker } from '../chaconne-worker';
import { pathOf, serveChaconne, type HostRequest } from '../node/serve-chaconne';

/** `/api/chaconne/runs?x=1` -> `/chaconne/runs`: the core routes from `/chaconne/` on. */
function workerPath(url: string): string {
  const path = pathOf(url);
  const at = path.indexOf('/chaconne/');
  return at >= 0 ? path.slice(at) : path;
}

/**
 * Serves `/chaconne/*` inside the host app (under any global prefix). Run requests use their
 * own media type, which the host's JSON parser ignores, so the stream is still unread here
 * and the signature is checked over the exact bytes. A body a host parser did consume is
 * used only if it kept the raw bytes (Nest's `rawBody: true`, or a raw parser).
 */
@Injectable()
export class ChaconneWorkerMiddleware implements NestMiddleware<
  HostRequest & { originalUrl?: string },
  ServerResponse
> {
  constructor(private readonly worker: ChaconneWorker) {}

  use(req: HostRequest & { originalUrl?: string }, res: ServerResponse): Promise<void> {
    return serveChaconne(this.worker, req, res, workerPath(req.originalUrl ?? req.url ?? '/'));
  }
}
