import autocannon from 'autocannon';

/** A fixed number of POSTs at a fixed concurrency, like `ab -c <connections> -n <amount> -p body`. */
export interface LoadSpec {
  url: string;
  path: string;
  connections: number;
  amount: number;
  headers: Record<string, string>;
  /** The body of every request, or a function making the n-th one (distinct bodies). */
  body: string | ((n: number) => string);
}

export interface LoadResult {
  /** Answered requests per second over the whole run (count / wall time). */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  answered: number;
  ok2xx: number;
  non2xx: number;
  /** Connection errors and timeouts: requests with no answer. */
  errors: number;
  /** Answered requests per HTTP status. */
  statusCodes: Record<string, number>;
}

/** Sends the load with autocannon (programmatic API) and reads its figures. */
export async function sendLoad(spec: LoadSpec): Promise<LoadResult> {
  const { body } = spec;
  let n = 0;
  const result = await autocannon({
    url: spec.url,
    connections: Math.min(spec.connections, spec.amount),
    amount: spec.amount,
    headers: { 'content-type': 'application/json', ...spec.headers },
    requests: [
      {
        method: 'POST',
        path: spec.path,
        ...(typeof body === 'string'
          ? { body }
          : {
              // Called for every request (and once per connection up front): a counter keeps
              // each body distinct; an unused one only leaves a gap in the numbering.
              setupRequest: (request: autocannon.Request) => ({ ...request, body: body(n++) }),
            }),
      },
    ],
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = stat.count ?? 0;
  const ok2xx = Object.entries(statusCodes)
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0);
  const answered = Object.values(statusCodes).reduce((sum, count) => sum + count, 0);
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    rps: answered / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    answered,
    ok2xx,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
  };
}
