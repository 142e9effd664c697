import {
  ErrorCode,
  ManagerRoutes,
  type RunReport,
  type RunReportBatchResults,
  type RunReportResult,
} from '@chaconne/contracts';
import { ManagerRequestError } from './errors';
import type { WorkerLogger } from './logger';
import type { ManagerTransport } from './manager-client';

/** Batch requests under way at once; reports that come meanwhile wait and go together. */
const MAX_IN_FLIGHT = 2;
/** Batches stay well under the manager's 2 MiB body limit; a larger report goes alone. */
const MAX_BATCH_BYTES = 1024 * 1024;

interface Pending {
  runId: number;
  report: RunReport;
  item: RunReport & { runId: number };
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Sends run reports to the manager. With a manager that takes batches (its register
 * answer carries `reportBatchLimit`), the reports that come while {@link MAX_IN_FLIGHT}
 * requests are under way go together in one `POST /worker/reports`: one report at a time
 * under a light load, a few hundred per request under a burst, with no added delay.
 * Otherwise, and for a report too large to share a request, each goes to its own route.
 *
 * {@link send} settles as the single-report route would: it resolves once the manager has
 * taken the report, and rejects with that report's own {@link ManagerRequestError} (a
 * refusal such as RUN_NOT_FOUND, or a failure of the whole request), so callers retry or
 * give up exactly as before.
 */
export class ReportSender {
  private batchLimit = 0;
  private readonly queue: Pending[] = [];
  private inFlight = 0;

  constructor(
    private readonly transport: ManagerTransport,
    private readonly logger: WorkerLogger,
    private readonly signal: AbortSignal,
  ) {}

  /** The register answer's `reportBatchLimit` (absent: the manager has no batch route). */
  useBatchLimit(limit: number | undefined): void {
    this.batchLimit = typeof limit === 'number' && Number.isInteger(limit) && limit > 0 ? limit : 0;
  }

  send(runId: number, report: RunReport): Promise<void> {
    if (this.batchLimit === 0) return this.sendAlone(runId, report);
    const item = { runId, ...report };
    const bytes = Buffer.byteLength(JSON.stringify(item));
    if (bytes > MAX_BATCH_BYTES) return this.sendAlone(runId, report);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ runId, report, item, bytes, resolve, reject });
      this.pump();
    });
  }

  private async sendAlone(runId: number, report: RunReport): Promise<void> {
    await this.transport.post<unknown>(ManagerRoutes.report(runId), report, this.signal);
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.deliver(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** The oldest reports, up to the manager's limit and the byte budget. */
  private take(): Pending[] {
    let count = 0;
    let bytes = 0;
    for (const pending of this.queue) {
      if (count === this.batchLimit || (count > 0 && bytes + pending.bytes > MAX_BATCH_BYTES)) break;
      count++;
      bytes += pending.bytes;
    }
    return this.queue.splice(0, count);
  }

  private async deliver(batch: Pending[]): Promise<void> {
    let results: RunReportResult[];
    try {
      const answer = await this.transport.post<RunReportBatchResults | undefined>(
        ManagerRoutes.reports,
        { reports: batch.map((pending) => pending.item) },
        this.signal,
      );
      results = answer?.results ?? [];
      if (results.length !== batch.length) {
        throw new ManagerRequestError(
          `POST ${ManagerRoutes.reports}: the manager answered ${results.length} result(s) for ${batch.length} report(s)`,
          null,
        );
      }
    } catch (error) {
      if (this.refusedWhole(error)) {
        // Each report to its own route, whose answer is that report's own.
        for (const pending of batch) {
          this.sendAlone(pending.runId, pending.report).then(pending.resolve, pending.reject);
        }
      } else {
        for (const pending of batch) pending.reject(error);
      }
      return;
    }
    batch.forEach((pending, index) => {
      const result = results[index];
      if (result && 'error' in result) {
        const { status, code, msg } = result.error;
        pending.reject(
          new ManagerRequestError(
            `POST ${ManagerRoutes.report(pending.runId)}: manager answered ${status} ${code}: ${msg}`,
            status,
            code,
          ),
        );
      } else {
        pending.resolve();
      }
    });
  }

  /**
   * Whether the manager refused the batch request itself (not its reports): a manager
   * without the route (404: batches are off from now on), or a body it would not take.
   * Resending the same batch cannot help; sending each report alone can.
   */
  private refusedWhole(error: unknown): boolean {
    if (!(error instanceof ManagerRequestError) || error.status === null) return false;
    if (error.status === 404 && error.code !== ErrorCode.RUN_NOT_FOUND) {
      if (this.batchLimit > 0) {
        this.logger.warn(`the manager has no ${ManagerRoutes.reports}: sending each report on its own`);
      }
      this.batchLimit = 0;
      return true;
    }
    return [400, 413, 415, 422].includes(error.status);
  }
}
