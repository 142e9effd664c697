import {
  Coalescer,
  ManagerRoutes,
  type RunReport,
  type RunReportBatchResults,
  type Settled,
} from '@chaconne/contracts';
import { ManagerRequestError } from './errors';
import type { ManagerTransport } from './manager-client';

/** Batch requests under way at once; reports that come meanwhile wait and go together. */
const MAX_IN_FLIGHT = 2;
/** Batches stay well under the manager's 2 MiB body limit; a larger report goes alone. */
const MAX_BATCH_BYTES = 1024 * 1024;

type Item = RunReport & { runId: number };

/** A report and its size as JSON, measured once. */
interface Sized {
  item: Item;
  bytes: number;
}

/**
 * Sends run reports to the manager. The reports that come while {@link MAX_IN_FLIGHT}
 * requests are under way go together in one `POST /worker/reports` (at most the register
 * answer's `reportBatchLimit`): one report at a time under a light load, a few hundred per
 * request under a burst, with no added delay. A report too large to share a request goes
 * alone to its own route.
 *
 * {@link send} settles as the single-report route would: it resolves once the manager has
 * taken the report, and rejects with that report's own {@link ManagerRequestError} (a
 * refusal such as RUN_NOT_FOUND, or a failure of the whole request), so callers retry or
 * give up exactly as before.
 */
export class ReportSender {
  /** One report per request until the manager announces its limit at registration. */
  private batches = this.coalescer(1);

  constructor(
    private readonly transport: ManagerTransport,
    private readonly signal: AbortSignal,
  ) {}

  /** The register answer's `reportBatchLimit`. */
  useBatchLimit(limit: number): void {
    this.batches = this.coalescer(Number.isInteger(limit) && limit > 0 ? limit : 1);
  }

  async send(runId: number, report: RunReport): Promise<void> {
    const item = { runId, ...report };
    const bytes = Buffer.byteLength(JSON.stringify(item));
    if (bytes > MAX_BATCH_BYTES) await this.sendAlone(item);
    else await this.batches.submit({ item, bytes });
  }

  private coalescer(maxItems: number): Coalescer<Sized, undefined> {
    return new Coalescer<Sized, undefined>({
      maxInFlight: MAX_IN_FLIGHT,
      maxItems,
      maxWeight: MAX_BATCH_BYTES,
      weigh: (sized) => sized.bytes,
      send: (batch) => this.sendBatch(batch.map((sized) => sized.item)),
    });
  }

  private async sendAlone({ runId, ...report }: Item): Promise<undefined> {
    await this.transport.post<unknown>(ManagerRoutes.report(runId), report, this.signal);
    return undefined;
  }

  private async sendBatch(items: Item[]): Promise<Settled<undefined>[]> {
    let answer: RunReportBatchResults | undefined;
    try {
      answer = await this.transport.post<RunReportBatchResults | undefined>(
        ManagerRoutes.reports,
        { reports: items },
        this.signal,
      );
    } catch (error) {
      if (!this.refusedWhole(error)) throw error;
      // Each report to its own route, whose answer is that report's own.
      return Promise.all(
        items.map((item) =>
          this.sendAlone(item).then(
            (value) => ({ value }),
            (reason: unknown) => ({ error: reason }),
          ),
        ),
      );
    }
    const results = answer?.results ?? [];
    if (results.length !== items.length) {
      throw new ManagerRequestError(
        `POST ${ManagerRoutes.reports}: the manager answered ${results.length} result(s) for ${items.length} report(s)`,
        null,
      );
    }
    return results.map((result, index) => {
      if (!('error' in result)) return { value: undefined };
      const { status, code, msg } = result.error;
      const runId = items[index]?.runId ?? result.runId;
      return {
        error: new ManagerRequestError(
          `POST ${ManagerRoutes.report(runId)}: manager answered ${status} ${code}: ${msg}`,
          status,
          code,
        ),
      };
    });
  }

  /**
   * Whether the manager refused the batch request itself (not its reports): a body it would
   * not take (too large, ...). Resending the same batch cannot help; sending each report
   * alone can, and isolates the report at fault.
   */
  private refusedWhole(error: unknown): boolean {
    return (
      error instanceof ManagerRequestError &&
      error.status !== null &&
      [400, 413, 415, 422].includes(error.status)
    );
  }
}
