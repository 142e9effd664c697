/**
 * The framework-free shape of an HTTP exchange with the SDK. Adapters (Nest, Express,
 * node:http) map their request to {@link WorkerHttpRequest}, call `worker.handle()`, and
 * write the {@link WorkerHttpResponse} back unchanged.
 */
export interface WorkerHttpRequest {
  method: string;
  /**
   * Path from `/chaconne/...` on, without the query string and any mount prefix: the path the
   * manager signed the request for (a request signed for another path is refused).
   */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The exact request bytes: signatures are checked over them. */
  rawBody: Buffer;
}

export interface WorkerHttpResponse {
  status: number;
  headers: Record<string, string>;
  /** Serialised JSON. */
  body: string;
}
