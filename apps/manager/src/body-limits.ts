const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * Largest request body of every route not listed in {@link BODY_LIMITS}: queries, lifecycle
 * changes, xcron's deleteTask. Larger bodies are refused with 413 PAYLOAD_TOO_LARGE, before
 * they are read when their length is declared.
 */
export const DEFAULT_BODY_LIMIT = 64 * KIB;

/** Routes that need another limit than {@link DEFAULT_BODY_LIMIT}, by route as Fastify registers it. */
export const BODY_LIMITS: Readonly<Record<string, number>> = {
  // An attachment (or xcron callback) may be up to CHACONNE_ATTACHMENT_LIMIT_BYTES (at most
  // 1 MiB), and it travels JSON-escaped inside the body.
  '/job/admin/persistJob': 2 * MIB,
  '/job/manager/persistJob': 2 * MIB,
  '/job/admin/triggerJob': 2 * MIB,
  '/job/manager/triggerJob': 2 * MIB,
  '/xcron/createTask': 2 * MIB,
  // Liveness carries a few numbers.
  '/worker/heartbeat': 16 * KIB,
  '/worker/deregister': 16 * KIB,
  // Up to 1,000 job declarations, code-defined ones with their definition.
  '/worker/register': 1 * MIB,
  // A run's result, error stack and log lines: the SDK keeps its batches under 1 MiB.
  '/worker/runs/:runId/logs': 2 * MIB,
  '/worker/runs/:runId/report': 2 * MIB,
  '/worker/reports': 2 * MIB,
};

/** The body limit of a route (its URL as Fastify registers it, e.g. `/worker/runs/:runId/logs`). */
export function bodyLimitOf(url: string): number {
  return BODY_LIMITS[url] ?? DEFAULT_BODY_LIMIT;
}
